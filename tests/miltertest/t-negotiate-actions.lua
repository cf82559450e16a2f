-- t-negotiate-actions.lua - Action redirect and AddHeader ask for exactly the
-- actions they need, and only those the MTA offers
-- config: ReportAddress tlsrpt@example.com
-- config: Action redirect
-- config: RedirectTo archive@example.org
-- config: AddHeader yes
dofile(libdir .. "/lib.lua")

run("negotiate-actions", function()
    local conn = connect()
    for _, a in ipairs({
        {"SMFIF_ADDHDRS", SMFIF_ADDHDRS, true}, {"SMFIF_ADDRCPT", SMFIF_ADDRCPT, true},
        {"SMFIF_DELRCPT", SMFIF_DELRCPT, true}, {"SMFIF_QUARANTINE", SMFIF_QUARANTINE, false},
        {"SMFIF_CHGBODY", SMFIF_CHGBODY, false}, {"SMFIF_CHGHDRS", SMFIF_CHGHDRS, false},
        {"SMFIF_CHGFROM", SMFIF_CHGFROM, false},
    }) do
        local got = mt.test_action(conn, a[2])
        check(got == a[3], "%s got %s, want %s", a[1], tostring(got), tostring(a[3]))
    end
    mt.disconnect(conn)

    -- the MTA offers adding header fields only: no recipient changes asked for,
    -- and a report is then delivered (with the header) instead of redirected
    conn = connect(nil, SMFIF_ADDHDRS)
    check(mt.test_action(conn, SMFIF_ADDHDRS), "small offer: SMFIF_ADDHDRS got false")
    check(not mt.test_action(conn, SMFIF_DELRCPT), "small offer: SMFIF_DELRCPT got true")
    check(not mt.test_action(conn, SMFIF_ADDRCPT), "small offer: SMFIF_ADDRCPT got true")
    envelope(conn, "<sender@example.net>", {"<tlsrpt@example.com>"}, "QIDNOREDIR")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/lf.eml")
    ok("mt.eom", mt.eom(conn))
    check(not mt.eom_check(conn, MT_RCPTADD, "<archive@example.org>"), "recipient added")
    check(mt.eom_check(conn, MT_HDRADD, "X-TLSRPT-Milter"), "no X-TLSRPT-Milter header")
    expect_log(1, "err: QIDNOREDIR: error", "did not grant")
    expect_log(1, "info: QIDNOREDIR: action action=deliver recipients=tlsrpt@example.com")
    mt.disconnect(conn)
end)
