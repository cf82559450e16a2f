-- t-addheader.lua - AddHeader yes: delivered report messages get the summary
-- field X-TLSRPT-Milter
-- config: ReportAddress tlsrpt@example.com
-- config: AddHeader yes
dofile(libdir .. "/lib.lua")

run("addheader", function()
    local conn = connect()
    check(mt.test_action(conn, SMFIF_ADDHDRS), "SMFIF_ADDHDRS not negotiated")
    check(not mt.test_action(conn, SMFIF_DELRCPT), "SMFIF_DELRCPT negotiated for deliver")
    envelope(conn, "<>", {"<tlsrpt@example.com>", "<user@example.com>"}, "QIDHDR1")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/lf.eml")
    ok("mt.eom", mt.eom(conn))
    check(mt.eom_check(conn, MT_HDRADD, "X-TLSRPT-Milter", "reports=1 failures=3 errors=0"),
        "no X-TLSRPT-Milter: reports=1 failures=3 errors=0")
    expect_log(1, "QIDHDR1: action action=deliver recipients=tlsrpt@example.com")
    mt.disconnect(conn)
end)
