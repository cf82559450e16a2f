#!/usr/bin/env python3
"""gen-log.py - a large mail.log for `make bench-digest`: OUT MEGABYTES REPORTS

Mostly Postfix lines (smtpd, cleanup, qmgr, smtp, with varying queue IDs,
clients and addresses), with REPORTS tlsrpt-milter reports spread evenly
through it: each a report line, one policy line with sts-mode=, and for
every tenth report a failure line, over 60 days ending 2026-11-29, from 5
reporters for 3 domains.  Every reporter sends one report per domain per
day; every report has a report-id of its own (the duplicate set's worst
case: it holds them all).  Deterministic.  About 200 MB/s on one core.
"""
import datetime
import random
import sys

out, mb, reports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
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


def report(i):
    day = 60 - (i % 60)  # days before 2026-11-30
    rep = REPORTERS[(i // 60) % 5]
    dom = DOMAINS[(i // 300) % 3]
    copy = i // 900
    dt = datetime.date(2026, 11, 30) - datetime.timedelta(days=day)
    s = dt.isoformat()
    rid = "%s_%s_%s_%d" % (s, dom, rep, i)
    q = qid()
    fail = 3 if i % 10 == 0 else 0
    pfx = "Nov 29 07:00:00 mx1 tlsrpt-milter[4242]: %s: " % q
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
