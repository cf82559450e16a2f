-- t-json.lua - LogFormat json: each event one JSON object behind @cee:
-- config: ReportAddress tlsrpt@example.com
-- config: LogFormat json
dofile(libdir .. "/lib.lua")

run("json", function()
    local conn = connect()
    envelope(conn, "<>", {"<tlsrpt@example.com>"}, "QIDJSON")
    ok("mt.data", mt.data(conn))
    send_message(conn, datadir .. "/cases/lf.eml")
    ok("mt.eom", mt.eom(conn))
    expect_log(1, "warning: @cee:{\"event\":\"report\",\"queue-id\":\"QIDJSON\"",
        "\"total-failure-session-count\":3")
    expect_log(2, "warning: @cee:{\"event\":\"failure\",\"queue-id\":\"QIDJSON\"")
    expect_log(1, "info: @cee:{\"event\":\"action\",\"queue-id\":\"QIDJSON\"",
        "\"action\":\"deliver\"")
    mt.disconnect(conn)
end)
