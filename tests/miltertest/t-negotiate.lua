-- t-negotiate.lua - the milter asks only for the steps and actions it needs,
-- masked with what the MTA offers
-- config: ReportAddress tlsrpt@
dofile(libdir .. "/lib.lua")

run("negotiate", function()
    -- the MTA offers everything (miltertest's defaults)
    local conn = connect()
    for _, o in ipairs({
        {"SMFIP_NOCONNECT", SMFIP_NOCONNECT, true}, {"SMFIP_NOHELO", SMFIP_NOHELO, true},
        {"SMFIP_NOUNKNOWN", SMFIP_NOUNKNOWN, true}, {"SMFIP_NR_RCPT", SMFIP_NR_RCPT, true},
        {"SMFIP_NR_HDR", SMFIP_NR_HDR, true}, {"SMFIP_SKIP", SMFIP_SKIP, true},
        {"SMFIP_NR_MAIL", SMFIP_NR_MAIL, true},
        {"SMFIP_NOMAIL", SMFIP_NOMAIL, false}, {"SMFIP_NORCPT", SMFIP_NORCPT, false},
        {"SMFIP_NODATA", SMFIP_NODATA, false}, {"SMFIP_NOHDRS", SMFIP_NOHDRS, false},
        {"SMFIP_NOEOH", SMFIP_NOEOH, false}, {"SMFIP_NOBODY", SMFIP_NOBODY, false},
        {"SMFIP_NR_BODY", SMFIP_NR_BODY, false},
        {"SMFIP_RCPT_REJ", SMFIP_RCPT_REJ, false},
    }) do
        local got = mt.test_option(conn, o[2])
        check(got == o[3], "full offer: %s got %s, want %s", o[1], tostring(got),
            tostring(o[3]))
    end
    -- Action deliver, AddHeader no: no message modification at all
    for _, a in ipairs({
        {"SMFIF_ADDHDRS", SMFIF_ADDHDRS}, {"SMFIF_CHGHDRS", SMFIF_CHGHDRS},
        {"SMFIF_CHGBODY", SMFIF_CHGBODY}, {"SMFIF_ADDRCPT", SMFIF_ADDRCPT},
        {"SMFIF_DELRCPT", SMFIF_DELRCPT}, {"SMFIF_QUARANTINE", SMFIF_QUARANTINE},
        {"SMFIF_CHGFROM", SMFIF_CHGFROM},
    }) do
        check(not mt.test_action(conn, a[2]), "full offer: %s got true, want false", a[1])
    end
    mt.disconnect(conn)

    -- an MTA that offers only NOCONNECT and NOHELO: nothing else is asked for
    conn = connect(SMFIP_NOCONNECT + SMFIP_NOHELO, nil)
    check(mt.test_option(conn, SMFIP_NOCONNECT), "small offer: SMFIP_NOCONNECT got false")
    for _, o in ipairs({
        {"SMFIP_NOUNKNOWN", SMFIP_NOUNKNOWN}, {"SMFIP_NR_RCPT", SMFIP_NR_RCPT},
        {"SMFIP_NR_HDR", SMFIP_NR_HDR}, {"SMFIP_SKIP", SMFIP_SKIP},
        {"SMFIP_NR_MAIL", SMFIP_NR_MAIL},
    }) do
        check(not mt.test_option(conn, o[2]), "small offer: %s got true, want false", o[1])
    end
    -- and the milter still works without the no-reply options
    envelope(conn, "<sender@example.net>", {"<tlsrpt@example.com>"}, "QIDNEG1")
    expect_reply(conn, R_CONTINUE, "RCPT (replies requested)")
    ok("mt.data", mt.data(conn))
    expect_reply(conn, R_CONTINUE, "DATA")
    send_message(conn, datadir .. "/cases/lf.eml")
    ok("mt.eom", mt.eom(conn))
    expect_reply(conn, R_CONTINUE, "EOM")
    expect_log(1, "QIDNEG1: report report-id=2026-11-01T00:00:00Z_example.com")
    mt.disconnect(conn)
end)
