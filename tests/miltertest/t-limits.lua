-- t-limits.lua - past MaxMessageSize the milter asks the MTA to skip the
-- rest of the body (SMFIS_SKIP), logs an error and delivers untouched
-- config: ReportAddress tlsrpt@example.com
-- config: Action discard
-- config: MaxMessageSize 1K
dofile(libdir .. "/lib.lua")

run("limits", function()
    local conn = connect()
    check(mt.test_option(conn, SMFIP_SKIP), "SMFIP_SKIP not negotiated")
    envelope(conn, "<>", {"<tlsrpt@example.com>"}, "QIDBIG")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/lf.eml", 64)
    expect_reply(conn, R_SKIP, "body past MaxMessageSize")
    ok("mt.eom", mt.eom(conn))
    expect_reply(conn, R_CONTINUE, "EOM")
    expect_log(1, "err: QIDBIG: error reason=\"message larger than MaxMessageSize")
    expect_log(1, "QIDBIG: action action=deliver")
    mt.disconnect(conn)
end)
