#!/usr/bin/env python3
"""gen-log.py - a large mail.log for `make bench-digest`: OUT MEGABYTES REPORTS [SHAPE]

Mostly Postfix lines (smtpd, cleanup, qmgr, smtp, with varying queue IDs,
clients and addresses), with REPORTS tlsrpt-milter reports spread evenly
through it: each a report line, one policy line with sts-mode=, and for
every tenth report a failure line, over 60 days ending 2026-11-29, from 5
reporters for 3 domains.  Every reporter sends one report per domain per
day; every report has a report-id of its own (the duplicate set's worst
case: it holds them all).  Deterministic.

SHAPE "plain" (the default): 1 MB blocks of Postfix lines repeated, all
stamped Nov 29 06:MM:SS in random order, 3 smtpd lines in 7 (connect,
client=, disconnect); about 200 MB/s on one core.

SHAPE "mx": what the MX join reads in a real log.  Time stamps go forward
through the 60 days (so the smtpd lines cover each report's day and a
second often holds several lines); every session is connect, "TLS
connection established" (TLSv1.3), client=, disconnect with starttls=1,
its mail's cleanup, qmgr and smtp lines in between; one session in 20 is
a failed handshake from 192.0.2.1 (the address the failure lines name):
SSL_accept error, the "TLS library problem" warning, lost connection
after STARTTLS, disconnect with starttls=0/1.  Clients are the reporters'
outbound hosts (Google's, Outlook's, ...) and others.  Half the lines are
smtpd's.  About 20 MB/s.
"""
import datetime
import random
import sys

out, mb, reports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
shape = sys.argv[4] if len(sys.argv) > 4 else "plain"
if shape not in ("plain", "mx"):
    sys.exit("gen-log.py: SHAPE is plain or mx")
rnd = random.Random(15)
HEX = "0123456789ABCDEF"


def qid():
    return "".join(rnd.choice(HEX) for _ in range(11))


def filler(n):
    lines = []
    for _ in range(n):
        q = qid()
        pid = rnd.randint(1000, 99999)
        ip = "198.51.100.%d" % rnd.randint(1, 254)
        user = "user%d@example%d.net" % (rnd.randint(1, 999), rnd.randint(1, 50))
        lines += [
            "Nov 29 06:%02d:%02d mx1 postfix/smtpd[%d]: connect from mail%d.example.net[%s]"
            % (rnd.randint(0, 59), rnd.randint(0, 59), pid, rnd.randint(1, 99), ip),
            "Nov 29 06:%02d:%02d mx1 postfix/smtpd[%d]: %s: client=mail.example.net[%s]"
            % (rnd.randint(0, 59), rnd.randint(0, 59), pid, q, ip),
            "Nov 29 06:%02d:%02d mx1 postfix/cleanup[%d]: %s: message-id=<%d.%d@example.net>"
            % (rnd.randint(0, 59), rnd.randint(0, 59), pid + 1, q, rnd.getrandbits(48), pid),
            "Nov 29 06:%02d:%02d mx1 postfix/qmgr[812]: %s: from=<%s>, size=%d, nrcpt=1 (queue active)"
            % (rnd.randint(0, 59), rnd.randint(0, 59), q, user, rnd.randint(900, 90000)),
            "Nov 29 06:%02d:%02d mx1 postfix/smtp[%d]: %s: to=<%s>, relay=mx.example.org[203.0.113.5]:25, "
            "delay=0.4, delays=0.1/0/0.1/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %s)"
            % (rnd.randint(0, 59), rnd.randint(0, 59), pid + 2, q, user, qid()),
            "Nov 29 06:%02d:%02d mx1 postfix/qmgr[812]: %s: removed" % (rnd.randint(0, 59), rnd.randint(0, 59), q),
            "Nov 29 06:%02d:%02d mx1 postfix/smtpd[%d]: disconnect from mail.example.net[%s] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7"
            % (rnd.randint(0, 59), rnd.randint(0, 59), pid, ip),
        ]
    return ("\n".join(lines) + "\n").encode()


CHUNKS = [filler(900) for _ in range(8)]  # about 1 MB each
REPORTERS = ["google.com", "microsoft.com", "yahoo.com", "comcast.net", "mail.ru"]
DOMAINS = ["example.com", "example.org", "example.net"]
MODES = {"example.com": "enforce", "example.org": "testing", "example.net": "enforce"}


def report(i, stamp="Nov 29 07:00:00"):
    day = 60 - (i % 60)  # days before 2026-11-30
    rep = REPORTERS[(i // 60) % 5]
    dom = DOMAINS[(i // 300) % 3]
    copy = i // 900
    dt = datetime.date(2026, 11, 30) - datetime.timedelta(days=day)
    s = dt.isoformat()
    rid = "%s_%s_%s_%d" % (s, dom, rep, i)
    q = qid()
    fail = 3 if i % 10 == 0 else 0
    pfx = "%s mx1 tlsrpt-milter[4242]: %s: " % (stamp, q)
    lines = [
        pfx + "report report-id=%s policy-domain=%s start-datetime=%sT00:00:00Z "
        "end-datetime=%sT23:59:59Z policies=1 total-successful-session-count=%d "
        "total-failure-session-count=%d dkim=pass reporter=%s reporter-kind=dkim submitter=%s "
        "organization-name=\"%s Inc.\" contact-info=tlsrpt@%s"
        % (rid, dom, s, s, 100 + copy % 7, fail, rep, rep, rep, rep),
        pfx + "policy report-id=%s policy-domain=%s policy-type=sts "
        "total-successful-session-count=%d total-failure-session-count=%d reporter-kind=dkim "
        "sts-mode=%s mx-host=mx1.%s"
        % (rid, dom, 100 + copy % 7, fail, MODES[dom], dom),
    ]
    if fail:
        lines.append(pfx + "failure report-id=%s policy-domain=%s policy-type=sts "
                     "result-type=certificate-expired receiving-mx-hostname=mx1.%s "
                     "receiving-ip=203.0.113.25 sending-mta-ip=192.0.2.1 failed-session-count=%d "
                     "reporter-kind=dkim"
                     % (rid, dom, dom, fail))
    return ("\n".join(lines) + "\n").encode()


CLIENTS = [  # (verified name or "unknown", address)
    ("mail-wm1-f41.google.com", "209.85.128.41"),
    ("mail-yw1-f182.google.com", "209.85.128.182"),
    ("mail-db8eur05on2084.outbound.protection.outlook.com", "40.107.22.84"),
    ("sonic301-20.consmr.mail.ne1.yahoo.com", "66.163.186.146"),
    ("resqmta-po-12v.sys.comcast.net", "96.114.154.171"),
    ("forward501a.mail.yandex.net", "178.154.239.81"),
] + [("mail%d.example.net" % k, "198.51.100.%d" % k) for k in range(1, 120)]
TLS = ("TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 "
       "server-signature RSA-PSS (2048 bits) server-digest SHA256")
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def session(t, n):
    """one smtpd session and its mail at UTC seconds t (session number n): lines"""
    dt = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=int(t))
    st = "%s %2d %02d:%02d:%02d" % (MON[dt.month - 1], dt.day, dt.hour, dt.minute, dt.second)
    pid = 1000 + n % 30000
    if n % 20 == 7:
        ip = "192.0.2.1"
        c = "unknown[%s]" % ip
        return [
            "%s mx1 postfix/smtpd[%d]: connect from %s" % (st, pid, c),
            "%s mx1 postfix/smtpd[%d]: SSL_accept error from %s: -1" % (st, pid, c),
            "%s mx1 postfix/smtpd[%d]: warning: TLS library problem: error:0A000412:SSL "
            "routines::sslv3 alert bad certificate:../ssl/record/rec_layer_s3.c:1584:SSL alert number 42:"
            % (st, pid),
            "%s mx1 postfix/smtpd[%d]: lost connection after STARTTLS from %s" % (st, pid, c),
            "%s mx1 postfix/smtpd[%d]: disconnect from %s ehlo=1 starttls=0/1 commands=1/2" % (st, pid, c),
        ]
    name, ip = CLIENTS[rnd.randrange(len(CLIENTS))]
    c = "%s[%s]" % (name, ip)
    q = qid()
    user = "user%d@example%d.net" % (rnd.randint(1, 999), rnd.randint(1, 50))
    return [
        "%s mx1 postfix/smtpd[%d]: connect from %s" % (st, pid, c),
        "%s mx1 postfix/smtpd[%d]: Anonymous TLS connection established from %s: %s" % (st, pid, c, TLS),
        "%s mx1 postfix/smtpd[%d]: %s: client=%s" % (st, pid, q, c),
        "%s mx1 postfix/cleanup[%d]: %s: message-id=<%d.%d@example.net>" % (st, pid + 1, q, rnd.getrandbits(48), pid),
        "%s mx1 postfix/qmgr[812]: %s: from=<%s>, size=%d, nrcpt=1 (queue active)" % (st, q, user, rnd.randint(900, 90000)),
        "%s mx1 postfix/smtpd[%d]: disconnect from %s ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7"
        % (st, pid, c),
        "%s mx1 postfix/smtp[%d]: %s: to=<%s>, relay=mx.example.org[203.0.113.5]:25, delay=0.4, "
        "delays=0.1/0/0.1/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %s)" % (st, pid + 2, q, user, qid()),
        "%s mx1 postfix/qmgr[812]: %s: removed" % (st, q),
    ]


def mx_shape():
    """SHAPE mx: sessions going forward through the 60 days, the reports among them"""
    target = mb * 1024 * 1024
    start = (datetime.datetime(2026, 10, 1) - datetime.datetime(1970, 1, 1)).total_seconds()
    span = 60 * 86400 - 1
    written, r, n = 0, 0, 0
    with open(out, "wb") as f:
        while written < target:
            t = start + span * written / target
            b = ("\n".join(session(t, n)) + "\n").encode()
            n += 1
            want = min(reports, (written + len(b)) * reports // target)
            while r < want:
                dt = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=int(t))
                b += report(r, "%s %2d %02d:%02d:%02d" % (MON[dt.month - 1], dt.day, dt.hour,
                                                            dt.minute, dt.second))
                r += 1
            f.write(b)
            written += len(b)
        while r < reports:
            b = report(r, "Nov 29 23:59:59")
            f.write(b)
            written += len(b)
            r += 1
    print("%s: %d MB, %d reports, %d sessions" % (out, written // (1024 * 1024), r, n))
    sys.exit(0)


if shape == "mx":
    mx_shape()

target = mb * 1024 * 1024
nchunks = max(1, target // len(CHUNKS[0]))
written = 0
r = 0
with open(out, "wb") as f:
    for c in range(nchunks):
        f.write(CHUNKS[c % len(CHUNKS)])
        written += len(CHUNKS[c % len(CHUNKS)])
        want = (c + 1) * reports // nchunks
        while r < want:
            b = report(r)
            f.write(b)
            written += len(b)
            r += 1
print("%s: %d MB, %d reports" % (out, written // (1024 * 1024), r))
