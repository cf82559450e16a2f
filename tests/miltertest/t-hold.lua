-- t-hold.lua - Action hold: smfi_quarantine for a report message to report
-- addresses only; with other recipients the report recipients are removed
-- (hold cannot apply to single recipients) and the action line says so
-- config: ReportAddress tlsrpt@
-- config: Action hold
dofile(libdir .. "/lib.lua")

run("hold", function()
    local conn = connect()
    check(mt.test_action(conn, SMFIF_QUARANTINE), "SMFIF_QUARANTINE not negotiated")
    envelope(conn, "<>", {"<tlsrpt@example.com>"}, "QIDHOLD1")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/lf.eml")
    ok("mt.eom", mt.eom(conn))
    check(mt.eom_check(conn, MT_QUARANTINE), "no quarantine request")
    check(not mt.eom_check(conn, MT_RCPTDELETE, "<tlsrpt@example.com>"), "recipient removed")
    expect_reply(conn, R_CONTINUE, "EOM")
    expect_log(1, "info: QIDHOLD1: action action=hold recipients=tlsrpt@example.com")

    envelope(conn, "<>", {"<tlsrpt@example.net>", "<user@example.com>"}, "QIDHOLD2")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/lf.eml")
    ok("mt.eom", mt.eom(conn))
    check(not mt.eom_check(conn, MT_QUARANTINE), "quarantined a message with other recipients")
    check(mt.eom_check(conn, MT_RCPTDELETE, "<tlsrpt@example.net>"), "report recipient kept")
    expect_log(1, "QIDHOLD2: action action=remove-recipient recipients=tlsrpt@example.net",
        "reason=\"hold applies to whole messages")
    mt.disconnect(conn)
end)
