#!/usr/bin/python3
"""rawmilter.py - the milter protocol spoken directly, for what miltertest cannot express

usage (SOCKET is inet:PORT@HOST or unix:PATH):
  rawmilter.py reuse SOCKET REPORT
        two SMTP sessions on one milter connection, the second after
        SMFIC_QUIT_NC, each with the same three messages (a report to the
        report address and an ordinary recipient, an ordinary message, a
        report past MaxMessageSize); the MTA offers no recipient removal.
        Prints each session's replies; exit 1 when they differ.
  rawmilter.py qid SOCKET REPORT
        three report messages on one connection: the first with macro i
        at MAIL only (QIDMAIL1), the second with no macro at all, the third
        with i at end-of-message only (QIDEOM3).
  rawmilter.py order SOCKET REPORT
        ordinary messages whose commands come in unusual orders (BODY
        right after RCPT, headers without DATA, end-of-message right after
        RCPT, an abort in the middle), then one report message with its
        body before end-of-header (queue ID QIDORDER).
  rawmilter.py routed SOCKET REPORT
        report messages to routed, quoted and trailing-dot recipients with
        an ordinary one; prints the removal requests per message.
  rawmilter.py delfail SOCKET REPORT
        report messages to tlsrpt+fail@example.com (whose removal the
        milter, run with failwrite.so preloaded, cannot send), with and
        without a second report recipient, and an ordinary recipient.
  rawmilter.py drain SOCKET REPORT PID
        a report message up to half its body, SIGTERM to PID, the rest one
        second later: prints the end-of-message reply ("none" when the
        connection was closed), then starts a new message on the same
        connection and prints its DATA reply.
  rawmilter.py slow SOCKET REPORT FLAG
        a report message to tlsrpt@example.com (queue ID QIDSLOW) that
        stops after its RCPT reply (every step answered: the milter has
        seen MAIL and RCPT), creates FLAG.rcpt, waits up to 30 s for FLAG,
        then sends the rest; then a second one on the same connection
        (QIDSLOW2).  Prints the first one's end-of-message modifications
        and reply, the second one's replies to MAIL, RCPT and DATA.
  rawmilter.py load SOCKET REPORT SECONDS SESSIONS
        SESSIONS threads sending messages (reports with many recipients,
        ordinary mail), and SESSIONS/4 sessions streaming RCPT commands
        without a pause, until SECONDS pass or the milter goes away.
        Prints the number of messages that got their end-of-message reply.
"""

import os
import signal
import socket
import struct
import sys
import threading
import time

SMFIF_ALL = 0x1FF
SMFIF_DELRCPT = 0x08
SMFIP_ALL = 0x001FFFFF  # every step and no-reply option an MTA may offer
MODS = set(b"+-2bcehilmq")  # modification replies before the final one at EOM
FINAL = set(b"acdrst y")


class Milter:
    """One connection to the milter, playing the MTA."""

    def __init__(self, spec, timeout=20):
        if spec.startswith("unix:") or spec.startswith("local:"):
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.connect(spec.split(":", 1)[1])
        else:
            port, host = spec.split(":", 1)[1].split("@")
            self.s = socket.create_connection((host, int(port)))
        self.s.settimeout(timeout)
        self.pflags = 0

    def send(self, cmd, data=b""):
        self.s.sendall(struct.pack(">I", len(data) + 1) + cmd + data)

    def recv(self):
        """one packet (cmd, data); None when the milter closed the connection"""
        hdr = self._read(4)
        if hdr is None:
            return None
        (n,) = struct.unpack(">I", hdr)
        body = self._read(n)
        if body is None:
            return None
        return body[:1], body[1:]

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            try:
                chunk = self.s.recv(n - len(buf))
            except (ConnectionResetError, socket.timeout):
                return None
            if not chunk:
                return None
            buf += chunk
        return buf

    def negotiate(self, actions=SMFIF_ALL, steps=SMFIP_ALL):
        self.send(b"O", struct.pack(">III", 6, actions, steps))
        p = self.recv()
        if p is None or p[0] != b"O":
            raise RuntimeError("no option negotiation reply: %r" % (p,))
        _, self.actions, self.pflags = struct.unpack(">III", p[1][:12])
        return self.actions, self.pflags

    def expects_reply(self, nr_bit):
        return not (self.pflags & nr_bit)

    def cmd(self, cmd, data=b"", nr_bit=0):
        """send a command; its reply code (str), '-' for none expected, None on close"""
        self.send(cmd, data)
        if nr_bit and not self.expects_reply(nr_bit):
            return "-"
        p = self.recv()
        return None if p is None else p[0].decode()

    def eom(self):
        """end of message: (modifications [(code, data)], final reply code or None)"""
        self.send(b"E")
        mods = []
        while True:
            p = self.recv()
            if p is None:
                return mods, None
            if p[0] == b"p":
                continue
            if p[0][0] in MODS and p[0] not in (b"c",):
                mods.append((p[0].decode(), p[1].rstrip(b"\0").decode(errors="replace")))
                continue
            return mods, p[0].decode()

    def macro(self, stage, **kv):
        data = stage
        for k, v in kv.items():
            data += k.encode() + b"\0" + v.encode() + b"\0"
        self.send(b"D", data)

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def z(s):
    return s.encode() + b"\0"


def split_message(path):
    """[(name, value)], body bytes with CRLF line ends"""
    raw = open(path, "rb").read().replace(b"\r\n", b"\n")
    head, _, body = raw.partition(b"\n\n")
    headers = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and headers:
            n, v = headers[-1]
            headers[-1] = (n, v + b"\r\n" + line)
        elif b":" in line:
            n, v = line.split(b":", 1)
            headers.append((n, v.lstrip(b" ")))
    return headers, body.replace(b"\n", b"\r\n")


NR_MAIL, NR_RCPT, NR_HDR = 0x4000, 0x8000, 0x80


def message(m, rcpts, headers, body, qid=None, chunk=65535):
    """one whole message; the list of replies (codes, and (mods, final) at EOM)"""
    out = []
    out.append(m.cmd(b"M", z("<noreply-smtp-tls-reporting@sender.test>"), NR_MAIL))
    for r in rcpts:
        out.append(m.cmd(b"R", z(r), NR_RCPT))
    if qid:
        m.macro(b"T", i=qid)
    r = m.cmd(b"T")
    out.append(r)
    if r != "c":
        return out
    for n, v in headers:
        r = m.cmd(b"L", n + b"\0" + v + b"\0", NR_HDR)
        out.append(r)
        if r not in ("c", "-"):
            return out
    r = m.cmd(b"N")
    out.append(r)
    if r != "c":
        return out
    for i in range(0, len(body), chunk):
        r = m.cmd(b"B", body[i : i + chunk])
        out.append(r)
        if r != "c":
            break
    out.append(m.eom())
    return out


def cmd_reuse(spec, report):
    headers, body = split_message(report)
    big = body + (b"x" * 76 + b"\r\n") * 4000  # past the test's MaxMessageSize
    m = Milter(spec)
    m.negotiate(actions=SMFIF_ALL & ~SMFIF_DELRCPT)
    sessions = []
    for n in range(2):
        got = [
            message(m, ["<tlsrpt@example.com>", "<user@example.com>"], headers, body,
                    "QIDREUSE%dA" % n),
            message(m, ["<user@example.com>"], headers, body, "QIDREUSE%dB" % n),
            message(m, ["<tlsrpt@example.com>"], headers, big, "QIDREUSE%dC" % n, 4096),
        ]
        sessions.append(got)
        print("session %d: %r" % (n + 1, got))
        if n == 0:
            m.send(b"K")  # QUIT_NC: a new SMTP session follows on this connection
    m.send(b"Q")
    m.close()
    if sessions[0] != sessions[1]:
        print("FAIL: the session after QUIT_NC got other replies")
        return 1
    return 0


def cmd_qid(spec, report):
    headers, body = split_message(report)
    m = Milter(spec)
    m.negotiate()
    # 1: i with MAIL (as an MTA that ignores the macro lists would send it)
    m.macro(b"M", i="QIDMAIL1")
    print("1:", message(m, ["<tlsrpt@example.com>"], headers, body))
    # 2: no macro at all: libmilter still holds message 1's MAIL macros
    print("2:", message(m, ["<tlsrpt@example.com>"], headers, body))
    # 3: i only at end-of-message
    m.send(b"M", z("<noreply-smtp-tls-reporting@sender.test>"))
    if m.expects_reply(NR_MAIL):
        m.recv()
    m.send(b"R", z("<tlsrpt@example.com>"))
    if m.expects_reply(NR_RCPT):
        m.recv()
    m.cmd(b"T")
    for n, v in headers:
        m.cmd(b"L", n + b"\0" + v + b"\0", NR_HDR)
    m.cmd(b"N")
    m.cmd(b"B", body)
    m.macro(b"E", i="QIDEOM3")
    print("3:", m.eom())
    m.send(b"Q")
    m.close()
    return 0


def cmd_order(spec, report):
    headers, body = split_message(report)
    m = Milter(spec)
    m.negotiate()
    frm = z("<someone@sender.test>")
    rcpt = z("<user@example.com>")

    def start():
        m.cmd(b"M", frm, NR_MAIL)
        m.cmd(b"R", rcpt, NR_RCPT)

    # an accepted message is over: libmilter ignores the rest of it
    # BODY right after RCPT (no DATA, no header events)
    start()
    print("body-first:", m.cmd(b"B", b"hello\r\n"))
    # header events without DATA, end-of-header
    start()
    print("hdr-first:", m.cmd(b"L", b"Subject\0hi\0", NR_HDR), m.cmd(b"N"))
    # end-of-message right after RCPT
    start()
    print("eom-first:", m.eom())
    # an abort in the middle, then a whole ordinary message
    start()
    m.send(b"A")
    print("abort+whole:", message(m, ["<user@example.com>"], headers, body))
    # a report whose body comes right after RCPT (no header events)
    m.cmd(b"M", frm, NR_MAIL)
    m.cmd(b"R", z("<tlsrpt@example.com>"), NR_RCPT)
    m.macro(b"B", i="QIDORDER")
    print("report body-first:", m.cmd(b"B", body), end=" ")
    m.macro(b"E", i="QIDORDER")
    print(m.eom())
    m.send(b"Q")
    m.close()
    return 0


def cmd_routed(spec, report):
    headers, body = split_message(report)
    m = Milter(spec)
    m.negotiate()
    for n, r in enumerate(["<@relay.example:tlsrpt@example.com>",
                           "<@a.example,@b.example:tlsrpt@example.com>",
                           '<"tlsrpt"@example.com>', "<tlsrpt@example.com.>"]):
        got = message(m, [r, "<user@example.com>"], headers, body, "QIDROUTE%d" % n)
        print("%s: %r" % (r, got[-1]))
    m.send(b"Q")
    m.close()
    return 0


def cmd_delfail(spec, report):
    """report recipients whose removal libmilter cannot send (see protocol.sh)"""
    headers, body = split_message(report)
    m = Milter(spec)
    m.negotiate()
    for qid, rcpts in (("QIDFAIL1", ["<tlsrpt+fail@example.com>", "<user@example.com>"]),
                       ("QIDFAIL2", ["<tlsrpt+fail@example.com>", "<tlsrpt@example.com>",
                                     "<user@example.com>"])):
        print("%s: %r" % (qid, message(m, rcpts, headers, body, qid)[-1]))
    m.send(b"Q")
    m.close()
    return 0


def cmd_drain(spec, report, pid):
    headers, body = split_message(report)
    m = Milter(spec)
    m.negotiate()
    m.cmd(b"M", z("<noreply-smtp-tls-reporting@sender.test>"), NR_MAIL)
    m.cmd(b"R", z("<tlsrpt@example.com>"), NR_RCPT)
    m.macro(b"T", i="QIDDRAIN")
    m.cmd(b"T")
    for n, v in headers:
        m.cmd(b"L", n + b"\0" + v + b"\0", NR_HDR)
    m.cmd(b"N")
    half = len(body) // 2
    m.cmd(b"B", body[:half])
    t0 = time.time()
    os.kill(pid, signal.SIGTERM)
    time.sleep(1)
    r = m.cmd(b"B", body[half:])
    mods, final = m.eom() if r == "c" else ([], None)
    print("eom:", final or "none", "mods:", mods, "after %.1f s" % (time.time() - t0))
    # a message begun after the signal, on the same connection
    try:
        m.cmd(b"M", z("<noreply-smtp-tls-reporting@sender.test>"), NR_MAIL)
        m.cmd(b"R", z("<tlsrpt@example.com>"), NR_RCPT)
        print("new data:", m.cmd(b"T") or "none")
    except OSError as e:
        print("new data: none (%s)" % e)
    m.close()
    return 0


def cmd_slow(spec, report, flag):
    headers, body = split_message(report)
    m = Milter(spec)
    m.negotiate(steps=0)  # a reply to every command: MAIL and RCPT are seen before FLAG
    m.cmd(b"M", z("<noreply-smtp-tls-reporting@sender.test>"))
    m.cmd(b"R", z("<tlsrpt@example.com>"))
    open(flag + ".rcpt", "w").close()
    for _ in range(300):
        if os.path.exists(flag):
            break
        time.sleep(0.1)
    m.macro(b"T", i="QIDSLOW")
    m.cmd(b"T")
    for n, v in headers:
        m.cmd(b"L", n + b"\0" + v + b"\0")
    m.cmd(b"N")
    m.cmd(b"B", body)
    mods, final = m.eom()
    print("QIDSLOW mods:", [c for c, _ in mods], "eom:", final)
    out = message(m, ["<tlsrpt@example.com>"], headers, body, qid="QIDSLOW2")
    print("QIDSLOW2 replies:", out[:3])
    m.close()
    return 0


def cmd_load(spec, report, seconds, sessions):
    headers, body = split_message(report)
    done = [0]
    lock = threading.Lock()
    end = time.time() + seconds

    def worker(k):
        n = 0
        while time.time() < end:
            try:
                m = Milter(spec, timeout=10)
                m.negotiate()
                while time.time() < end:
                    n += 1
                    if n % 3 == 0:
                        rc = ["<user@example.com>"]
                    else:
                        rc = ["<tlsrpt@example.com>"] * 40 + ["<user@example.com>"]
                    got = message(m, rc, headers, body, "QIDLOAD%dx%d" % (k, n))
                    if not got or got[-1] is None or (
                            isinstance(got[-1], tuple) and got[-1][1] is None):
                        break
                    with lock:
                        done[0] += 1
                m.close()
            except ConnectionRefusedError:
                return  # the milter is gone
            except (OSError, RuntimeError):
                time.sleep(0.01)

    def flood(k):
        # RCPT after RCPT with no pause: libmilter's worker keeps reading a
        # session whose socket is never idle, also after the stop signal
        # (ordinary recipients: each one is matched against the settings,
        # where report recipients past the per-message cap no longer are)
        rcpt = z("<user@example.com>")
        batch = (struct.pack(">I", len(rcpt) + 1) + b"R" + rcpt) * 200
        while time.time() < end:
            try:
                m = Milter(spec, timeout=10)
                m.negotiate()
                if m.expects_reply(NR_RCPT):
                    m.close()
                    return
                m.cmd(b"M", z("<noreply-smtp-tls-reporting@sender.test>"), NR_MAIL)
                sent = 0
                while time.time() < end and sent < 200000:
                    m.s.sendall(batch)
                    sent += 200
                m.send(b"A")
                m.close()
            except ConnectionRefusedError:
                return
            except (OSError, RuntimeError):
                time.sleep(0.01)

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(sessions)]
    ts += [threading.Thread(target=flood, args=(k,)) for k in range(max(1, sessions // 4))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("messages:", done[0])
    return 0


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    what, spec, report = argv[1], argv[2], argv[3]
    if what == "reuse":
        return cmd_reuse(spec, report)
    if what == "qid":
        return cmd_qid(spec, report)
    if what == "order":
        return cmd_order(spec, report)
    if what == "routed":
        return cmd_routed(spec, report)
    if what == "delfail":
        return cmd_delfail(spec, report)
    if what == "drain":
        return cmd_drain(spec, report, int(argv[4]))
    if what == "slow":
        return cmd_slow(spec, report, argv[4])
    if what == "load":
        return cmd_load(spec, report, float(argv[4]), int(argv[5]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
