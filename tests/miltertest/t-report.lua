-- t-report.lua - a report is logged with the MTA's queue ID, at the
-- priorities of log format v1, and (Action deliver) left alone
-- config: ReportAddress tlsrpt@example.com
-- same-as-t: cases/lf.eml QIDREPORT1
-- same-as-t: cases/two-reports.eml QIDREPORT2
dofile(libdir .. "/lib.lua")

run("report", function()
    local conn = connect()
    envelope(conn, "<tlsrpt-noreply@sender.example>", {"<tlsrpt@example.com>"}, "QIDREPORT1")
    ok("mt.data", mt.data(conn))
    expect_reply(conn, R_CONTINUE, "DATA")
    send_message(conn, datadir .. "/cases/lf.eml", 100)
    ok("mt.eom", mt.eom(conn))
    check(mt.getreply(conn) == R_CONTINUE or mt.getreply(conn) == R_ACCEPT,
        "EOM: got reply %s, want continue or accept", tostring(mt.getreply(conn)))
    check(not mt.eom_check(conn, MT_HDRADD), "a header was added with AddHeader no")
    check(not mt.eom_check(conn, MT_QUARANTINE), "quarantined with Action deliver")
    -- failures reported: report and policy lines are warnings
    expect_log(1, "warning: QIDREPORT1: report report-id=2026-11-01T00:00:00Z_example.com",
        "total-failure-session-count=3")
    expect_log(1, "warning: QIDREPORT1: policy ")
    expect_log(2, "warning: QIDREPORT1: failure ")
    expect_log(1, "info: QIDREPORT1: action action=deliver recipients=tlsrpt@example.com")

    -- a second message on the connection: two reports in one message
    envelope(conn, "<tlsrpt-noreply@sender.example>", {"<tlsrpt@example.com>"}, "QIDREPORT2")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/two-reports.eml", 7)
    ok("mt.eom", mt.eom(conn))
    expect_log(2, "QIDREPORT2: report ")
    expect_log(1, "QIDREPORT2: action action=deliver")
    mt.disconnect(conn)
end)
