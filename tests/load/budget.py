#!/usr/bin/env python3
"""budget.py - worst-case report mails at once, for tests/load/budget.sh

  budget.py send PORT COUNT WORK
      COUNT report mails, each in its own SMTP session, all at once: each
      a ~28 KB mail whose gzip inflates to just under the default
      MaxReportSize (20 MiB) of the JSON shapes that cost the most memory
      per byte (bench/gen-report.py: zeros, zeros-bad, objects, details),
      with a unique Message-ID.  A 4xx reply is a temporary failure: the
      session is tried again after a short pause, as an MTA would, until
      the message is accepted (5xx or 600 tries: give up, exit 1).
      Writes WORK/sent.tsv (message-id, shape, tries) and prints a summary.
  budget.py check WORK MAILDIR SYSLOG
      Every message sent is in MAILDIR exactly once, nothing else is; the
      syslog capture has one "JSON tree over" error line per message and
      one "memory budget exhausted" line per temporary failure the sender
      saw.  Prints a summary; exit 1 on any mismatch.
Python 3 standard library only.
"""

import gzip
import os
import re
import smtplib
import sys
import threading
import time

SIZE = 20 * 1024 * 1024 - 64  # just under the default MaxReportSize
SHAPES = {
    "zeros": (b'{"policies":[', b"0,", b'0]}'),
    "zeros-bad": (b'{"policies":[', b"0,", b"0,x"),
    "objects": (b'{"policies":[', b"{},", b"{}]}"),
    "details": (b'{"policies":[{"policy":{"policy-type":"sts","policy-domain":"example.com"},'
                b'"failure-details":[', b"{},", b"{}]}]}"),
}
RCPT = "tlsrpt@example.com"


def payload(shape):
    """payload - the gzipped worst-shape report, base64 at 76 columns"""
    head, elem, tail = SHAPES[shape]
    n = (SIZE - len(head) - len(tail)) // len(elem)
    z = gzip.compress(head + elem * n + tail, compresslevel=9, mtime=0)
    import base64
    return base64.encodebytes(z).replace(b"\n", b"\r\n")


def mail(mid, b64):
    """mail - a multipart/report message around the report part"""
    return (b"From: reports@sender.test\r\nTo: " + RCPT.encode() + b"\r\n"
            b"Subject: Report Domain: example.com Submitter: sender.test\r\n"
            b"Message-ID: <" + mid.encode() + b">\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/report; report-type=tlsrpt; boundary=\"b\"\r\n\r\n"
            b"--b\r\nContent-Type: text/plain\r\n\r\nA TLS report.\r\n"
            b"--b\r\nContent-Type: application/tlsrpt+gzip\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + b64 + b"--b--\r\n")


def send(port, count, work):
    """send - COUNT sessions at once, each retrying its message on 4xx"""
    port, count = int(port), int(count)
    os.makedirs(work, exist_ok=True)
    names = sorted(SHAPES)
    parts = {s: payload(s) for s in names}
    run = "%x" % int(time.time())
    results = [None] * count
    start = threading.Barrier(count)

    def one(i):
        shape = names[i % len(names)]
        mid = "budget-%s-%d@sender.test" % (run, i)
        msg = mail(mid, parts[shape])
        start.wait()
        for tries in range(1, 601):
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=300) as s:
                    s.sendmail("reports@sender.test", [RCPT], msg)
                results[i] = (mid, shape, tries, None)
                return
            except (smtplib.SMTPDataError, smtplib.SMTPRecipientsRefused,
                    smtplib.SMTPSenderRefused) as e:
                code = getattr(e, "smtp_code", 0) or 0
                if not 400 <= code < 500:
                    results[i] = (mid, shape, tries, str(e))
                    return
            except (OSError, smtplib.SMTPException) as e:
                results[i] = (mid, shape, tries, str(e))
                return
            time.sleep(0.5)
        results[i] = (mid, shape, 600, "still deferred after 600 tries")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bad = [r for r in results if r is None or r[3] is not None]
    with open(os.path.join(work, "sent.tsv"), "w") as f:
        for r in results:
            if r is not None and r[3] is None:
                f.write("%s\t%s\t%d\n" % r[:3])
    retries = sum(r[2] - 1 for r in results if r is not None)
    print("%d of %d sent in %.1f s, %d temporary failures retried"
          % (count - len(bad), count, time.monotonic() - t0, retries))
    for r in bad:
        print("not sent: %s" % (r,))
    return 1 if bad else 0


def check(work, maildir, syslog):
    """check - every message delivered once; one error line each; one budget line per retry"""
    sent = {}
    retries = 0
    with open(os.path.join(work, "sent.tsv")) as f:
        for line in f:
            mid, shape, tries = line.rstrip("\n").split("\t")
            sent[mid] = shape
            retries += int(tries) - 1
    got = {}
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        for name in os.listdir(d) if os.path.isdir(d) else []:
            with open(os.path.join(d, name), "rb") as f:
                m = re.search(rb"^Message-ID: <([^>]*)>", f.read(65536), re.M | re.I)
            mid = m.group(1).decode() if m else name
            got[mid] = got.get(mid, 0) + 1
    problems = []
    for mid in sent:
        if got.get(mid, 0) != 1:
            problems.append("%s delivered %d times, want once" % (mid, got.get(mid, 0)))
    for mid in got:
        if mid not in sent:
            problems.append("%s delivered but never sent" % mid)
    with open(syslog, errors="replace") as f:
        log = f.read()
    tree = len(re.findall(r' error (?:part=\S+ )?reason="JSON tree over \d+ bytes"', log))
    busy = len(re.findall(r' error (?:part=\S+ )?reason="memory budget exhausted', log))
    if tree != len(sent):
        problems.append("%d \"JSON tree over\" error lines, want %d" % (tree, len(sent)))
    if busy != retries:
        problems.append("%d \"memory budget exhausted\" lines, want %d (the retries)"
                        % (busy, retries))
    for p in problems:
        print(p)
    print("%d messages each delivered once with its error line; %d temporary failures, "
          "each logged" % (len(sent), busy) if not problems else "%d problems" % len(problems))
    return 1 if problems else 0


def main(argv):
    """main - dispatch the subcommands"""
    cmds = {"send": (send, 3), "check": (check, 3)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.stderr.write(__doc__)
        return 2
    return cmds[argv[1]][0](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
