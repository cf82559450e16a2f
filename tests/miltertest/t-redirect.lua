-- t-redirect.lua - Action redirect: RedirectTo is added and the report
-- recipients removed; other recipients keep the message
-- config: ReportAddress tlsrpt@example.com
-- config: Action redirect
-- config: RedirectTo archive@example.org
dofile(libdir .. "/lib.lua")

run("redirect", function()
    local conn = connect()
    envelope(conn, "<>", {"<tlsrpt@example.com>"}, "QIDREDIR1")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/lf.eml")
    ok("mt.eom", mt.eom(conn))
    expect_reply(conn, R_CONTINUE, "EOM")
    check(mt.eom_check(conn, MT_RCPTADD, "<archive@example.org>"), "RedirectTo not added")
    check(mt.eom_check(conn, MT_RCPTDELETE, "<tlsrpt@example.com>"), "recipient not removed")
    expect_log(1, "info: QIDREDIR1: action action=redirect recipients=tlsrpt@example.com to=archive@example.org")

    envelope(conn, "<>", {"<user@example.com>", "<tlsrpt@example.com>"}, "QIDREDIR2")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/lf.eml")
    ok("mt.eom", mt.eom(conn))
    check(mt.eom_check(conn, MT_RCPTADD, "<archive@example.org>"), "RedirectTo not added")
    check(mt.eom_check(conn, MT_RCPTDELETE, "<tlsrpt@example.com>"), "recipient not removed")
    check(not mt.eom_check(conn, MT_RCPTDELETE, "<user@example.com>"), "ordinary recipient removed")
    expect_log(1, "QIDREDIR2: action action=redirect recipients=tlsrpt@example.com to=archive@example.org")
    mt.disconnect(conn)
end)
