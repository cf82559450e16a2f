#!/bin/sh
# html.sh - the digest's HTML page in a real headless Chromium, with hostile values
#
# The page is made from the kept week (data/kv.log, logged by the real
# milter: organization-name, receiving-mx-hostname and failure-reason-code
# hold <script>, <img onerror> and "><svg onload>) plus report lines whose
# values would, if they ran or loaded, change the page title or fetch from
# a listener on 127.0.0.1 (<script>, <img src>, <link>, <style>@import,
# <iframe>, an svg onload, a javascript: URL, quotes that end an attribute).
# Chromium (Debian's chromium) loads it twice: --dump-dom and
# --screenshot, with --log-net-log.  Must hold:
#   - the screenshot is a PNG of some size (DIGEST_SCREENSHOT=FILE keeps it);
#   - the DOM holds the expected numbers per domain (sessions, failed, reports),
#     our domains' sections first and a stranger's hostile domain name after;
#   - no injected element or event handler exists in the DOM and the
#     title is ours (no script ran); the hostile values are there as text;
#   - the listener saw no connection and the net log has no request but
#     the page itself (and Chromium's own service requests to Google, which
#     --disable-background-networking does not stop): nothing left the page;
#   - the page itself has no script, no external reference, and its
#     Content-Security-Policy is default-src 'none' with only its own style
#     sheet allowed, by the sheet's SHA-256 (recomputed here).
set -u
. "$(dirname "$0")/lib.sh"
CHROME=
for c in chromium chromium-headless-shell chromium-browser; do
    command -v "$c" >/dev/null 2>&1 && { CHROME=$c; break; }
done
[ -n "$CHROME" ] || skip "no chromium (apt-get install chromium)"
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-lookout-html.XXXXXX") || exit 1
LPID=
trap '[ -n "$LPID" ] && kill "$LPID" 2>/dev/null; rm -rf "$T"' EXIT

# a listener that records every connection (a request that left the page)
"$PYTHON" - "$T/port" "$T/hits" <<'PY' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, a = s.accept()
    with open(sys.argv[2], "a") as f:
        f.write("connection from %s\n" % (a,))
    try:
        c.recv(4096)
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\nx")
    except OSError:
        pass
    c.close()
PY
LPID=$!
wait_for '[ -s "$T/port" ]' || { fail "listener did not start"; finish; exit 1; }
PORT=$(cat "$T/port")
: >"$T/hits"

# report lines with active content, escaped as the milter escapes (\xHH in quotes)
"$PYTHON" - "$PORT" >"$T/hostile.log" <<'PY'
import sys
port = sys.argv[1]
u = "http://127.0.0.1:%s" % port
pay = [
    "<script>document.title='PWNED'</script>",
    "<img src=%s/img onerror=\"document.title='PWNED'\">" % u,
    "\"><svg onload=\"document.title='PWNED'\">",
    "<link rel=stylesheet href=%s/css>" % u,
    "<style>@import '%s/imp';</style>" % u,
    "<iframe src=%s/frame></iframe>" % u,
    "javascript:document.title='PWNED'",
    "' onmouseover='document.title=1' x='",
    "<a href=%s/a>x</a>\u202eevil\x1b[31m" % u,
]
def q(v):
    out = '"'
    for ch in v.encode():
        c = chr(ch)
        out += c if 0x20 <= ch < 0x7f and c not in "\"'\\=" else "\\x%02x" % ch
    return out + '"'
for i, p in enumerate(pay):
    rid = "hostile-%d" % i
    pfx = "Nov 28 09:00:0%d mx1 tlsrpt-milter[1]: HX%d: " % (i, i)
    print(pfx + "report report-id=%s policy-domain=hostile.example start-datetime=2026-11-28T00:00:00Z "
          "end-datetime=2026-11-28T23:59:59Z policies=1 total-successful-session-count=10 "
          "total-failure-session-count=1 dkim=none reporter=%s reporter-kind=claimed "
          "submitter=%s organization-name=%s"
          % (rid, q("r%d." % i + p), q("r%d." % i + p), q(p)))
    print(pfx + "policy report-id=%s policy-domain=hostile.example policy-type=sts "
          "total-successful-session-count=10 total-failure-session-count=1 reporter-kind=claimed "
          "sts-mode=%s" % (rid, q(p)))
    print(pfx + "failure report-id=%s policy-domain=hostile.example policy-type=%s result-type=%s "
          "receiving-mx-hostname=%s receiving-ip=%s failed-session-count=1 reporter-kind=claimed "
          "failure-reason-code=%s"
          % (rid, q(p), q(p), q(p), q(p), q(p)))
# a stranger's report for a hostile domain name, with more failures than ours
pfx = "Nov 28 09:00:10 mx1 tlsrpt-milter[1]: HD1: "
name = q("\"><svg onload=\"document.title='PWNED'\">.evil.example")
print(pfx + "report report-id=hd1 policy-domain=%s start-datetime=2026-11-28T00:00:00Z "
      "end-datetime=2026-11-28T23:59:59Z policies=1 dkim=none reporter=evil.example "
      "reporter-kind=claimed submitter=evil.example organization-name=x" % name)
print(pfx + "policy report-id=hd1 policy-domain=%s policy-type=sts total-successful-session-count=1 "
      "total-failure-session-count=500 reporter-kind=claimed" % name)
PY
digest --html "$T/page.html" "$DDATA/kv.log" "$T/hostile.log" >/dev/null
[ -s "$T/page.html" ] || { fail "no page written"; finish; exit 1; }

# chrome - one headless run: ARGS...
chrome() {
    _prof=$(mktemp -d "$T/profile.XXXXXX")
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$_prof" --window-size=1100,1800 "$@" "file://$T/page.html" 2>>"$T/chrome.err"
}
chrome --dump-dom --log-net-log="$T/net1.json" >"$T/dom.html"
[ -s "$T/dom.html" ] || { fail "chromium printed no DOM:"; tail -5 "$T/chrome.err"; finish; exit 1; }
chrome --screenshot="$T/shot.png" --log-net-log="$T/net2.json" >/dev/null
if [ -s "$T/shot.png" ] && [ "$(head -c 8 "$T/shot.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] &&
    [ "$(wc -c <"$T/shot.png")" -gt 20000 ]; then
    ok "screenshot $(wc -c <"$T/shot.png") bytes"
    [ -z "${DIGEST_SCREENSHOT:-}" ] || cp "$T/shot.png" "$DIGEST_SCREENSHOT"
else
    fail "no screenshot (or not a PNG of some size)"
fi

"$PYTHON" - "$T/page.html" "$T/dom.html" "$T/net1.json" "$T/net2.json" <<'PY' || fail "page checks (above)"
import json, re, sys
from html.parser import HTMLParser
page, dom = open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], encoding="utf-8").read()
bad = []

class P(HTMLParser):
    def __init__(s):
        super().__init__()
        s.tags, s.attrs, s.text, s.cur, s.sections, s.title, s.intitle = [], [], [], None, {}, "", False
        s.span = None
        s.order = []
    def handle_starttag(s, tag, attrs):
        s.tags.append(tag)
        s.attrs += [(tag, k, v) for k, v in attrs]
        if tag == "title":
            s.intitle = True
        if tag == "h2":
            s.cur = ""; s.inh2 = True
        if tag == "span":
            s.span = dict(attrs).get("class")
    def handle_endtag(s, tag):
        if tag == "title":
            s.intitle = False
        if tag == "h2" and s.cur is not None:
            s.name = s.cur; s.sections[s.name] = {}; s.cur = None; s.order.append(s.name)
        if tag == "span":
            s.span = None
    def handle_data(s, d):
        s.text.append(d)
        if s.intitle:
            s.title += d
        if s.cur is not None:
            s.cur += d
        elif s.span and getattr(s, "name", None):
            s.sections[s.name].setdefault(s.span, d)

for what, doc in (("page", page), ("DOM", dom)):
    p = P(); p.feed(doc)
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "span", "section",
               "svg", "text", "line", "g", "rect", "table", "tr", "th", "td", "tbody", "b", "ul", "li",
               "dl", "dt", "dd", "br"}
    extra = sorted(set(p.tags) - allowed)
    if extra:
        bad.append("%s: unexpected elements %s" % (what, extra))
    for tag, k, v in p.attrs:
        if k.startswith("on") or k in ("src", "href", "srcdoc", "xlink:href", "style"):
            bad.append("%s: attribute %s on <%s>" % (what, k, tag))
    if p.tags.count("style") != 1:
        bad.append("%s: %d style elements" % (what, p.tags.count("style")))
    if not p.title.startswith("TLS-RPT digest") or "PWNED" in p.title:
        bad.append("%s: title %r" % (what, p.title))
    text = "".join(p.text)
    for needle in ("<script>document.title='PWNED'</script>", "\"><svg onload=", "<img src=http://127.0.0.1",
                   "<script>alert('org')</script>", "<img src=x onerror=alert(2)>"):
        if needle not in text:
            bad.append("%s: hostile value %r not shown as text" % (what, needle))
    if "\u202e" in text or "\x1b" in text:
        bad.append("%s: a bidi override or an escape character reached the page" % what)
    if what == "DOM":
        s = p.sections
        want = {"example.com": ("10,241", "31", "14"), "example.org": ("108", "8", "2"),
                "hostile.example": ("99", "9", "9")}
        for name, (ses, fl, rep) in want.items():
            got = s.get(name, {})
            if (got.get("sessions"), got.get("failed"), got.get("reports")) != (ses, fl, rep):
                bad.append("DOM: %s: got %r, want sessions %s failed %s reports %s" % (name, got, ses, fl, rep))
        if dom.count('class="chart"') != 4:
            bad.append("DOM: %d charts, want 4" % dom.count('class="chart"'))
        # ours (--domain example.com, example.net) first, the stranger's hostile name after
        order = [n for n in p.order if not n.startswith(("Names not", "Duplicates", "Reporters", "What"))]
        if order[:2] != ["example.com", "example.net"] or not any(n.startswith('"><svg') for n in order[2:]):
            bad.append("DOM: sections in the order %r, want example.com, example.net, then the strangers'" % order)
import base64, hashlib
csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
if not csp or not csp.group(1).startswith("default-src 'none';") or "unsafe" in csp.group(1) \
        or "script-src" in csp.group(1):
    bad.append("page: no restrictive Content-Security-Policy: %r" % (csp and csp.group(1)))
else:
    st = re.search(r"<style>(.*?)</style>", page, re.S)
    h = base64.b64encode(hashlib.sha256(st.group(1).encode()).digest()).decode() if st else ""
    if "style-src 'sha256-%s'" % h not in csp.group(1):
        bad.append("page: the CSP's style hash is not the hash of the page's style (%s)" % h)
if re.search(r"<script", page, re.I):
    bad.append("page: a script element in the markup itself")
for f in sys.argv[3:]:
    try:
        net = open(f, encoding="utf-8", errors="replace").read()
    except OSError:
        bad.append("no net log %s" % f); continue
    urls = set(re.findall(r'"(?:url|original_url)":"([^"]*)"', net))
    # Chromium's own service requests (component updates, time) are not the page's
    own = re.compile(r"^https?://[^/]*\b(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)(:\d+)?/")
    ext = sorted(x for x in urls if not own.match(x) and x != "file://" + sys.argv[1]
                 and not x.startswith(("chrome:", "about:")))
    if ext:
        bad.append("net log %s: requests %s" % (f.rsplit('/', 1)[-1], ext[:5]))
for b in bad:
    print("FAIL:", b)
print("%d checks of the page and the DOM" % (0 if bad else 1))
sys.exit(1 if bad else 0)
PY
ok
if [ -s "$T/hits" ]; then
    fail "the listener on 127.0.0.1:$PORT was reached: $(head -3 "$T/hits")"
else
    ok "nothing left the page"
fi
finish
