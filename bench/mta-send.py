#!/usr/bin/env python3
"""mta-send.py - the SMTP client of the MTA benchmark (bench/mta-bench.sh)

Sends COUNT copies of one message file to HOST:PORT over SESSIONS
concurrent SMTP sessions, one message per connection (connect, EHLO,
MAIL, RCPT, DATA, QUIT, close), and prints one line:
"sent N failed F seconds S start T" (T: when the first connection was
opened, in seconds since the epoch).  Every copy gets its own Message-ID; with
--unique-report the report part of the file (the base64 part, gzip or
JSON) also gets its own report-id, so that no two copies are the same
report.  Copies are made before the clock starts.  smtp-source(1) would
be lighter but cannot send a given file.

Usage: mta-send.py [--unique-report] HOST PORT FROM RCPT FILE COUNT SESSIONS
Python 3 standard library only.
"""

import base64
import os
import re
import sys
import threading
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from smtpraw import open_data, reply  # noqa: E402


def crlf(data):
    """CRLF line ends, dot-stuffed, ending in CRLF."""
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines)


def with_id(msg, i, unique_report):
    """The message with a Message-ID (and a report-id) of its own."""
    head, sep, body = msg.partition(b"\n\n")
    head = re.sub(rb"(?im)^Message-ID:.*\n", b"", head + b"\n")
    head += b"Message-ID: <bench.%d.%d@mta-bench.test>\n" % (i, time.time_ns())
    if unique_report:
        body = new_report_id(body, i)
    return head + b"\n" + body


def new_report_id(body, i):
    """Give the last base64 block of body (the report) a new report-id."""
    blocks = list(re.finditer(rb"\n\n((?:[A-Za-z0-9+/=]{1,76}\n)+)", body))
    if not blocks:
        return body
    m = blocks[-1]
    raw = base64.b64decode(m.group(1))
    gz = raw[:2] == b"\x1f\x8b"
    js = zlib.decompress(raw, 47) if gz else raw
    js = re.sub(rb'"report-id": *"[^"]*"', b'"report-id": "bench-%d-%d"' % (i, time.time_ns()), js)
    if gz:
        c = zlib.compressobj(6, zlib.DEFLATED, 31)
        raw = c.compress(js) + c.flush()
    else:
        raw = js
    enc = base64.encodebytes(raw)  # 76 columns, LF
    return body[: m.start(1)] + enc + body[m.end(1):]


def send_one(host, port, mfrom, rcpt, data):
    """One message over one connection; True when the server took it."""
    s, f = open_data(host, port, b"mta-bench.test", mfrom, rcpt, 60)
    with s:
        s.sendall(data + b".\r\n")
        ok = reply(f) == 250
        s.sendall(b"QUIT\r\n")
        try:
            reply(f)
        except OSError:
            pass
        return ok


def main():
    args = sys.argv[1:]
    unique = False
    if args and args[0] == "--unique-report":
        unique = True
        args = args[1:]
    if len(args) != 7:
        sys.exit(__doc__.split("\n\n")[2])
    host, port, mfrom, rcpt, path, count, sessions = args
    port, count, sessions = int(port), int(count), int(sessions)
    with open(path, "rb") as fh:
        msg = fh.read().replace(b"\r\n", b"\n")
    copies = [crlf(with_id(msg, i, unique)) for i in range(count)]
    lock = threading.Lock()
    state = {"next": 0, "failed": 0}

    def worker():
        while True:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= count:
                return
            try:
                ok = send_one(host, port, mfrom.encode(), rcpt.encode(), copies[i])
            except OSError:
                ok = False
            if not ok:
                with lock:
                    state["failed"] += 1

    start = time.time()
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.monotonic() - t0
    print("sent %d failed %d seconds %.3f start %.6f" % (count - state["failed"], state["failed"],
                                                        dt, start))
    return 0 if state["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
