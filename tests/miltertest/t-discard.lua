-- t-discard.lua - Action discard: a report message for report addresses only
-- is discarded; with another recipient, only the report recipient is removed
-- config: ReportAddress tlsrpt@example.com
-- config: Action discard
dofile(libdir .. "/lib.lua")

run("discard", function()
    local conn = connect()
    check(mt.test_action(conn, SMFIF_DELRCPT), "SMFIF_DELRCPT not negotiated")
    envelope(conn, "<>", {"<tlsrpt@example.com>", "<TLSRPT+2@example.com>"}, "QIDDISC1")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/lf.eml")
    ok("mt.eom", mt.eom(conn))
    expect_reply(conn, R_DISCARD, "EOM of a report for report addresses only")
    expect_log(1, "info: QIDDISC1: action action=discard recipients=tlsrpt@example.com,TLSRPT+2@example.com")

    -- mixed recipients: remove the report recipient, keep the other
    envelope(conn, "<>", {"<user@example.com>", "<tlsrpt+x@example.com>"}, "QIDDISC2")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/lf.eml")
    ok("mt.eom", mt.eom(conn))
    expect_reply(conn, R_CONTINUE, "EOM of a report with another recipient")
    check(mt.eom_check(conn, MT_RCPTDELETE, "<tlsrpt+x@example.com>"),
        "report recipient not removed")
    check(not mt.eom_check(conn, MT_RCPTDELETE, "<user@example.com>"),
        "ordinary recipient removed")
    expect_log(1, "info: QIDDISC2: action action=remove-recipient recipients=tlsrpt+x@example.com")
    mt.disconnect(conn)
end)
