#!/usr/bin/python3
"""syslogd.py - a minimal syslog sink for the end-to-end tests

usage: syslogd.py SOCKET OUTFILE [READYFILE]

Binds a Unix datagram socket at SOCKET (inside the tests' private mount
namespace that is /dev/log), and writes every datagram it receives as one
line to OUTFILE, flushed at once:

    FACILITY.SEVERITY TAG[PID]: MESSAGE

The "<PRI>" of the datagram is decoded into names (mail.warning, ...); the
RFC 3164 time stamp that glibc's syslog(3) puts before the tag is dropped.
Control characters and bytes that are not valid UTF-8 are written as
\\xHH (the file is UTF-8), so a captured line always is one line.
READYFILE is created once the socket is bound.  SIGTERM or SIGINT ends it
once the datagrams already queued on the socket are written: a program
that logs just before it exits (the milter's "stats when=exit" line) and
is then followed by SIGTERM to this sink loses nothing.
"""

import os
import re
import signal
import socket
import sys

FACILITIES = [
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
    "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
]
SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]

HEAD = re.compile(rb"^<(\d{1,3})>")
# "Nov 23 09:42:34 " as written by glibc (no host name on the local socket)
STAMP = re.compile(rb"^[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d ")


def decode(data):
    """decode - one datagram to one printable line"""
    data = data.rstrip(b"\n\0")
    m = HEAD.match(data)
    prio = "unknown.unknown"
    if m:
        pri = int(m.group(1))
        fac, sev = pri >> 3, pri & 7
        fname = FACILITIES[fac] if fac < len(FACILITIES) else "facility%d" % fac
        prio = "%s.%s" % (fname, SEVERITIES[sev])
        data = data[m.end():]
    data = STAMP.sub(b"", data, count=1)
    # valid UTF-8 is kept; control characters and invalid bytes are escaped
    text = "".join(
        "\\x%02X" % (ord(c) - 0xDC00) if 0xDC80 <= ord(c) <= 0xDCFF
        else "\\x%02X" % ord(c) if ord(c) < 0x20 or ord(c) == 0x7F
        else c
        for c in data.decode("utf-8", "surrogateescape")
    )
    return "%s %s\n" % (prio, text)


def main():
    if len(sys.argv) not in (3, 4):
        sys.stderr.write("usage: syslogd.py SOCKET OUTFILE [READYFILE]\n")
        return 2
    path, outfile = sys.argv[1], sys.argv[2]
    # SIGTERM and SIGINT only set a flag; recv() wakes at least every 0.1 s
    # to look at it (a handler alone could run too late when the signal
    # comes just before recv() blocks), then what is queued is drained.
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    # the milter may drop privileges and have to reconnect
    os.chmod(path, 0o666)
    with open(outfile, "a", encoding="utf-8") as out:
        if len(sys.argv) == 4:
            open(sys.argv[3], "w").close()
        sock.settimeout(0.1)
        try:
            while not stop:
                try:
                    data = sock.recv(65536)
                except socket.timeout:
                    continue
                out.write(decode(data))
                out.flush()
            sock.setblocking(False)
            while True:
                try:
                    data = sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    break
                out.write(decode(data))
            out.flush()
        finally:
            sock.close()
            try:
                os.unlink(path)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
