-- t-queue-id.lua - the queue ID is read again at end-of-message, and is
-- NOQUEUE when the MTA never gives one
-- config: ReportAddress tlsrpt@
dofile(libdir .. "/lib.lua")

run("queue-id", function()
    local conn = connect()
    envelope(conn, "<>", {"<tlsrpt@example.com>"}, nil)
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/crlf.eml")
    ok("mt.macro", mt.macro(conn, C_EOM_MACRO, "i", "QIDATEOM"))
    ok("mt.eom", mt.eom(conn))
    expect_log(1, "QIDATEOM: report ")
    expect_log(1, "QIDATEOM: action ")

    envelope(conn, "<>", {"<tlsrpt@example.com>"}, nil)
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/crlf.eml")
    ok("mt.eom", mt.eom(conn))
    expect_log(1, "NOQUEUE: report ")
    expect_log(1, "NOQUEUE: action action=deliver")
    mt.disconnect(conn)
end)
