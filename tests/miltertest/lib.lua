-- lib.lua - helpers shared by the miltertest scenarios (loaded with dofile)
--
-- miltertest.sh runs each t-*.lua with these globals (miltertest -D):
--   socket   the milter's socket (unix:/...)
--   datadir  tests/data
--   logfile  the milter's standard error (it runs with -f -d), read to
--            check the log lines it wrote; a line is written before the
--            milter replies, so it is there once mt.eom() returns
--
-- Every helper raises a Lua error with a message; run() turns that into a
-- line on stderr and exit status 1 (miltertest alone would exit 1 with no
-- message).  Reply codes are compared as characters ("a", "c", ...).

-- Milter reply codes miltertest does not export (libmilter/mfdef.h).
R_ACCEPT = string.byte("a")
R_CONTINUE = string.byte("c")
R_DISCARD = string.byte("d")
R_SKIP = string.byte("s")
C_EOM_MACRO = string.byte("E") -- SMFIC_BODYEOB: macros sent with end-of-message
C_DATA_MACRO = string.byte("T") -- SMFIC_DATA: macros sent with DATA

local function reply_name(r)
    if r == nil then
        return "nil"
    end
    local n = math.floor(r)
    if n >= 32 and n < 127 then
        return string.format("'%s'", string.char(n))
    end
    return tostring(n)
end

-- check - raise "got X, want Y" style errors
function check(cond, fmt, ...)
    if not cond then
        error(string.format(fmt, ...), 2)
    end
end

-- ok - a miltertest call must return nil (success)
function ok(what, err)
    if err ~= nil then
        error(what .. ": " .. tostring(err), 2)
    end
end

-- expect_reply - the last reply on conn must be want
function expect_reply(conn, want, what)
    local got = mt.getreply(conn)
    if got ~= want then
        error(string.format("%s: got reply %s, want %s", what, reply_name(got),
            reply_name(want)), 2)
    end
end

-- connect - connect to the milter and negotiate (MTA offers: everything,
-- unless steps/actions are given)
function connect(steps, actions)
    local conn = mt.connect(socket)
    check(conn ~= nil, "mt.connect(%s) failed", socket)
    ok("mt.negotiate", mt.negotiate(conn, nil, steps, actions))
    return conn
end

-- envelope - MAIL FROM and RCPT TO for each recipient; qid (optional) as
-- macro "i" with MAIL, the way Postfix sends it
function envelope(conn, from, rcpts, qid)
    if qid ~= nil then
        ok("mt.macro", mt.macro(conn, SMFIC_MAIL, "i", qid))
    end
    ok("mt.mailfrom", mt.mailfrom(conn, from))
    if not mt.test_option(conn, SMFIP_NR_MAIL) then
        expect_reply(conn, R_CONTINUE, "MAIL FROM")
    end
    for _, r in ipairs(rcpts) do
        ok("mt.rcptto " .. r, mt.rcptto(conn, r))
    end
end

-- read_file - a whole file
function read_file(path)
    local f = io.open(path, "rb")
    check(f ~= nil, "cannot open %s", path)
    local s = f:read("a")
    f:close()
    return s
end

-- send_message - the header fields and body of a message file, as Postfix
-- passes them: unfolded names, values with their folding (LF line ends),
-- body with CRLF line ends, in chunks.  Fails when the milter answers
-- anything but continue (or nothing, when it asked for no replies).
function send_message(conn, path, chunk)
    chunk = chunk or 16384
    local s = read_file(path):gsub("\r\n", "\n")
    local hdr, body = s:match("^(.-)\n\n(.*)$")
    check(hdr ~= nil, "%s: no blank line after the header", path)
    local fields = {}
    for line in (hdr .. "\n"):gmatch("(.-)\n") do
        if line:match("^[ \t]") and #fields > 0 then
            fields[#fields] = fields[#fields] .. "\n" .. line
        else
            fields[#fields + 1] = line
        end
    end
    for _, f in ipairs(fields) do
        local name, value = f:match("^([^:]+):[ \t]?(.*)$")
        check(name ~= nil, "%s: bad header line %q", path, f)
        -- miltertest's header buffer holds 1024 bytes
        check(#name + #value < 1000, "%s: header %s too long for miltertest", path, name)
        ok("mt.header " .. name, mt.header(conn, name, value))
        if not mt.test_option(conn, SMFIP_NR_HDR) then
            expect_reply(conn, R_CONTINUE, "header " .. name)
        end
    end
    ok("mt.eoh", mt.eoh(conn))
    expect_reply(conn, R_CONTINUE, "end of header")
    body = body:gsub("\n", "\r\n")
    local i = 1
    while i <= #body do
        ok("mt.bodystring", mt.bodystring(conn, body:sub(i, i + chunk - 1)))
        local r = mt.getreply(conn)
        if r == R_SKIP then
            break
        end
        expect_reply(conn, R_CONTINUE, "body chunk")
        i = i + chunk
    end
end

-- log_text - everything the milter logged so far
function log_text()
    return read_file(logfile)
end

-- log_lines_with - the log lines holding every one of the given plain strings
function log_lines_with(...)
    local want = {...}
    local found = {}
    for line in log_text():gmatch("[^\n]+") do
        local all = true
        for _, w in ipairs(want) do
            if not line:find(w, 1, true) then
                all = false
                break
            end
        end
        if all then
            found[#found + 1] = line
        end
    end
    return found
end

-- expect_log - exactly n (default: at least 1) log lines hold all the strings
function expect_log(n, ...)
    local found = log_lines_with(...)
    local what = table.concat({...}, " + ")
    if n == nil then
        check(#found >= 1, "log: no line with %s; log is:\n%s", what, log_text())
    else
        check(#found == n, "log: got %d lines with %s, want %d; log is:\n%s", #found, what,
            n, log_text())
    end
    return found
end

-- run - call the scenario, turning any error into a message and exit 1
function run(name, body)
    local okay, err = pcall(body)
    if not okay then
        io.stderr:write(string.format("FAIL %s: %s\n", name, tostring(err)))
        os.exit(1)
    end
    mt.echo("ok " .. name)
end
