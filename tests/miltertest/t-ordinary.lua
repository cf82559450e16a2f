-- t-ordinary.lua - mail with no report recipient is accepted at DATA, so
-- the MTA never sends its header or body, and nothing is logged about it
-- config: ReportAddress tlsrpt@example.com, tls-reports@
-- config: RecipientDelimiter +-
dofile(libdir .. "/lib.lua")

run("ordinary", function()
    local conn = connect()
    local before = log_text()

    envelope(conn, "<someone@example.net>", {"<postmaster@example.com>", "<tlsrpt@example.org>"},
        "QIDORD1")
    ok("mt.data", mt.data(conn))
    expect_reply(conn, R_ACCEPT, "DATA of ordinary mail")

    -- a second ordinary message on the same connection
    envelope(conn, "<>", {"<tlsrpt-x@example.net>", "<user+tlsrpt@example.com>"}, "QIDORD2")
    ok("mt.data", mt.data(conn))
    expect_reply(conn, R_ACCEPT, "DATA of the second ordinary message")
    check(log_text() == before, "ordinary mail was logged:\n%s", log_text())

    -- report addresses in their forms are not accepted at DATA
    for i, rcpt in ipairs({"<TLSRPT@Example.COM>", "<tlsrpt+google@example.com>",
        "tlsrpt-microsoft@example.com", "<tls-reports@any.example>",
        "<Tls-Reports+x@other.example>"}) do
        envelope(conn, "<>", {"<a@example.net>", rcpt}, "QIDREP" .. i)
        ok("mt.data", mt.data(conn))
        expect_reply(conn, R_CONTINUE, "DATA to " .. rcpt)
        ok("mt.abort", mt.abort(conn))
    end
    check(log_text() == before, "aborted report messages were logged:\n%s", log_text())
    mt.disconnect(conn)
end)
