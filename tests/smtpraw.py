"""smtpraw.py - a bare SMTP client dialogue over a socket, up to DATA

For the tools that need what smtplib hides: bench/mta-send.py (one
message per connection, no EHLO parsing, as light as can be) and
tests/load/load.py halfdata (a client that goes away in the middle of
DATA).  Python 3 standard library only.
"""

import socket


def reply(f):
    """reply - read one (possibly multi-line) SMTP reply from file f; its code"""
    while True:
        line = f.readline()
        if not line:
            raise OSError("connection closed")
        if line[3:4] != b"-":
            return int(line[:3])


def open_data(host, port, helo, mfrom, rcpt, timeout):
    """open_data - connect, EHLO, MAIL, RCPT, DATA; (socket, reply file) at 354

    mfrom, rcpt and helo are bytes.  Raises OSError when the server closes
    or answers a step with another code than expected.
    """
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        f = s.makefile("rb")
        code = reply(f)
        if code != 220:
            raise OSError("greeting: %d" % code)
        for cmd, want in ((b"EHLO " + helo, 250), (b"MAIL FROM:<" + mfrom + b">", 250),
                          (b"RCPT TO:<" + rcpt + b">", 250), (b"DATA", 354)):
            s.sendall(cmd + b"\r\n")
            code = reply(f)
            if code != want:
                raise OSError("%s: %d" % (cmd.split()[0].decode(), code))
    except BaseException:
        s.close()
        raise
    return s, f
