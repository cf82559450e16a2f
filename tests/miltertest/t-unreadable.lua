-- t-unreadable.lua - a message with an unreadable report, or no report, is
-- never diverted or changed: error/ignored line, action=deliver
-- config: ReportAddress tlsrpt@example.com
-- config: Action discard
-- config: AddHeader yes
dofile(libdir .. "/lib.lua")

local function deliver(conn, file, qid)
    envelope(conn, "<>", {"<tlsrpt@example.com>"}, qid)
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. file)
    ok("mt.eom", mt.eom(conn))
    expect_reply(conn, R_CONTINUE, "EOM of " .. file)
    check(not mt.eom_check(conn, MT_RCPTDELETE, "<tlsrpt@example.com>"),
        "%s: recipient removed", file)
end

run("unreadable", function()
    local conn = connect()
    deliver(conn, "/cases/bad-corrupt-gzip.eml", "QIDBAD1")
    check(not mt.eom_check(conn, MT_HDRADD), "bad-corrupt-gzip: header added")
    expect_log(1, "err: QIDBAD1: error part=2 reason=")
    expect_log(1, "info: QIDBAD1: action action=deliver recipients=tlsrpt@example.com",
        "reason=\"no readable report: not diverted\"")

    deliver(conn, "/cases/not-a-report.eml", "QIDBAD2")
    check(not mt.eom_check(conn, MT_HDRADD), "not-a-report: header added")
    expect_log(1, "notice: QIDBAD2: ignored reason=\"no TLS report found\"")
    expect_log(1, "QIDBAD2: action action=deliver")

    -- one good and one unreadable report: delivered, not discarded
    deliver(conn, "/milter/good-and-bad.eml", "QIDBAD3")
    expect_log(1, "QIDBAD3: report ")
    expect_log(1, "err: QIDBAD3: error ")
    expect_log(1, "QIDBAD3: action action=deliver", "reason=\"the message has errors: not diverted\"")
    check(mt.eom_check(conn, MT_HDRADD, "X-TLSRPT-Milter", "reports=1 failures=3 errors=1"),
        "good-and-bad: no summary header with errors=1")
    mt.disconnect(conn)
end)
