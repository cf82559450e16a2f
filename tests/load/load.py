#!/usr/bin/python3
"""load.py - message generator, SMTP load sender and accounting for tests/load

usage:
  load.py send PORT DATA WORK N SESSIONS
        send N messages over SESSIONS concurrent SMTP sessions to
        127.0.0.1:PORT; DATA is tests/data.  Writes WORK/sent.tsv (one line
        per accepted message: id kind template queue-id attempts) and
        WORK/samples/*.eml (one message of every template, for -t).
        Prints the wall time and the rate.  A message refused
        with 4xx or hit by a dropped connection is sent again (as an MTA
        would); a 5xx reply is a failure.
  load.py check MODE WORK MAILDIR SYSLOG MAILLOG QUEUEJSON MILTER CONF
        account for every message of WORK/sent.tsv: MAILDIR is the
        private Postfix's mail base, SYSLOG the milter's captured syslog,
        MAILLOG Postfix's log, QUEUEJSON the output of postqueue -j, MILTER
        and CONF run -t on the samples.  MODE strict: the milter was up all
        the time (valid reports held, logged once); MODE faults: it was
        down part of the time (valid reports held and logged once, or
        delivered and logged at most once).  Prints the figures; exit 1
        with the reasons when a message is lost, duplicated, misplaced or
        logged wrongly.
  load.py sample PID WORK
        write WORK/rss.tsv (seconds, VmRSS kB of PID) every 0.1 s until
        PID is gone or WORK/rss.stop exists (run it in the background
        from before the load until Postfix has settled).
  load.py rss WORK [MARGIN_KB]
        the RSS samples of WORK/rss.tsv are flat: the lowest sample of the
        last third is at most the lowest of the first third + MARGIN_KB
        (default 10 %, at least 16 MiB).  Prints first/last/peak/floors.
  load.py patho KIND COUNT OUT
        write a pathological report message (gzip + base64 in a
        multipart/report): KIND details (COUNT tiny failure details),
        policies (COUNT policies), nesting (JSON nested COUNT deep in an
        extension field).
  load.py halfdata PORT RCPT FILE
        open an SMTP session, send half of FILE after DATA and close the
        socket without the final dot.
  load.py hwm PID
        print VmHWM and VmRSS (kB) of PID.

Message kinds (by id modulo 20): ordinary (plain text to user@example.com,
35 %), valid (a tests/data/real/*.json report with a unique report-id,
30 %), malformed (tests/data/cases/bad-*.eml except the bomb, 20 %),
bomb (bad-gzip-bomb.eml, 5 %), large (a generated 4,000-failure-detail
report, 5 %), noreport (not-a-report.eml to the report address, 5 %).
Every message gets a unique Message-ID and an X-Load-Id header field.
"""

import base64
import collections
import glob
import gzip
import json
import os
import re
import smtplib
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import smtpraw  # noqa: E402  (tests/smtpraw.py)

REPORT_RCPT = "tlsrpt@example.com"
PLAIN_RCPT = "user@example.com"
SENDER = "noreply-smtp-tls-reporting@sender.test"
PATTERN = "OVOMVOBOVMOLOVMOVNMV"  # by id % 20: O V M B L N, see above
KINDS = {"O": "ordinary", "V": "valid", "M": "malformed", "B": "bomb", "L": "large",
         "N": "noreport"}


def crlf(data):
    """crlf - the message with every line ending as CRLF"""
    data = re.sub(rb"\r?\n", b"\r\n", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data


def report_mail(doc, mid, extra=b""):
    """report_mail - a multipart/report message around a JSON report"""
    gz = gzip.compress(json.dumps(doc).encode(), mtime=0)
    b64 = base64.encodebytes(gz)
    return (b"From: TLS Reporting <tlsrpt-noreply@sender.test>\n"
            b"To: " + REPORT_RCPT.encode() + b"\n"
            b"Subject: Report Domain: example.com Submitter: sender.test\n"
            b"Date: Mon, 02 Nov 2026 08:00:00 +0000\n"
            b"Message-ID: <" + mid.encode() + b">\n" + extra +
            b"MIME-Version: 1.0\n"
            b"Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"=_b\"\n\n"
            b"--=_b\nContent-Type: text/plain\n\nA TLS report.\n\n"
            b"--=_b\nContent-Type: application/tlsrpt+gzip\n"
            b"Content-Transfer-Encoding: base64\n"
            b"Content-Disposition: attachment; filename=\"r.json.gz\"\n\n" + b64 +
            b"\n--=_b--\n")


def large_doc():
    """large_doc - a report with 4,000 varied failure details (~1 MB JSON)"""
    details = [{"result-type": "certificate-expired", "sending-mta-ip": "192.0.2.%d" % (i % 250),
                "receiving-mx-hostname": "mx%d.example.com" % i,
                "receiving-ip": "198.51.100.%d" % (i % 250),
                "failed-session-count": 1 + i % 7,
                "additional-information": "https://example.com/tls/%08d" % i,
                "failure-reason-code": "X509_V_ERR_CERT_HAS_EXPIRED %d" % i} for i in range(4000)]
    return {"organization-name": "Load Test Inc.", "date-range": {
        "start-datetime": "2026-11-01T00:00:00Z", "end-datetime": "2026-11-01T23:59:59Z"},
        "contact-info": "tls@sender.test", "report-id": "large",
        "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.com",
                                 "mx-host": ["mx.example.com"]},
                      "summary": {"total-successful-session-count": 100000,
                                  "total-failure-session-count": 10000},
                      "failure-details": details}]}


class Templates:
    """Templates - the message of every kind, with unique headers per id"""

    def __init__(self, data):
        self.real = []
        for p in sorted(glob.glob(os.path.join(data, "real", "*.json"))):
            with open(p, "rb") as f:
                self.real.append((os.path.basename(p), json.load(f)))
        self.bad = []
        for p in sorted(glob.glob(os.path.join(data, "cases", "bad-*.eml"))):
            if "bomb" in p:
                continue
            with open(p, "rb") as f:
                self.bad.append((os.path.basename(p), f.read()))
        with open(os.path.join(data, "cases", "bad-gzip-bomb.eml"), "rb") as f:
            self.bomb = f.read()
        with open(os.path.join(data, "cases", "not-a-report.eml"), "rb") as f:
            self.noreport = f.read()
        self.large = large_doc()
        if not self.real or not self.bad:
            raise SystemExit("load.py: no templates under %s" % data)

    @staticmethod
    def restamp(msg, lid):
        """restamp - a saved message with our Message-ID and X-Load-Id"""
        head, sep, body = msg.partition(b"\n\n")
        head = re.sub(rb"(?im)^message-id:.*(\n[ \t].*)*\n?", b"", head + b"\n")
        return (b"Message-ID: <" + lid.encode() + b"@load.test>\nX-Load-Id: " +
                lid.encode() + b"\n" + head.rstrip(b"\n") + sep + body)

    def message(self, i, run):
        """message - (kind, template, rcpt, bytes) of message number i"""
        kind = KINDS[PATTERN[i % len(PATTERN)]]
        lid = "%s-%d" % (run, i)
        n = i // len(PATTERN)
        tag = b"X-Load-Id: " + lid.encode() + b"\n"
        if kind == "ordinary":
            msg = (b"From: someone@sender.test\nTo: " + PLAIN_RCPT.encode() +
                   b"\nSubject: ordinary " + lid.encode() + b"\nMessage-ID: <" + lid.encode() +
                   b"@load.test>\n" + tag + b"\n" + (b"ordinary mail body line\n" * (1 + i % 40)))
            return kind, "ordinary", PLAIN_RCPT, msg
        if kind == "valid":
            name, doc = self.real[n % len(self.real)]
            doc = dict(doc)
            doc["report-id"] = "load-%s-%s" % (lid, doc.get("report-id", ""))
            return kind, name, REPORT_RCPT, report_mail(doc, lid + "@load.test", tag)
        if kind == "large":
            doc = dict(self.large)
            doc["report-id"] = "load-%s-large" % lid
            return kind, "large", REPORT_RCPT, report_mail(doc, lid + "@load.test", tag)
        if kind == "malformed":
            name, msg = self.bad[n % len(self.bad)]
            return kind, name, REPORT_RCPT, self.restamp(msg, lid)
        if kind == "bomb":
            return kind, "bad-gzip-bomb.eml", REPORT_RCPT, self.restamp(self.bomb, lid)
        return kind, "not-a-report.eml", REPORT_RCPT, self.restamp(self.noreport, lid)


def rss_kb(pid, key="VmRSS"):
    """rss_kb - a /proc/PID/status field in kB (None when gone)"""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def send(port, data, work, total, sessions):
    """send - the load: TOTAL messages over SESSIONS threads"""
    port, total, sessions = int(port), int(total), int(sessions)
    tpl = Templates(data)
    run = "%x" % int(time.time())
    os.makedirs(os.path.join(work, "samples"), exist_ok=True)
    seen = set()
    for i in range(len(PATTERN) * max(len(tpl.real), len(tpl.bad))):
        kind, name, _, msg = tpl.message(i, "sample")
        if name not in seen:
            seen.add(name)
            with open(os.path.join(work, "samples", name.replace(".json", "") + ".eml"),
                      "wb") as f:
                f.write(msg)
    lock = threading.Lock()
    state = {"next": 0, "errors": [], "retries": 0}
    out = open(os.path.join(work, "sent.tsv"), "w")

    def worker():
        conn = None
        used = 0
        while True:
            with lock:
                i = state["next"]
                if i >= total:
                    break
                state["next"] += 1
            kind, name, rcpt, msg = tpl.message(i, run)
            msg = crlf(msg)
            attempts = 0
            deadline = time.monotonic() + 600
            while True:
                attempts += 1
                try:
                    if conn is None:
                        conn = smtplib.SMTP("127.0.0.1", port, local_hostname="load.test",
                                            timeout=300)
                        code, resp = conn.ehlo()
                        if code != 250:
                            raise smtplib.SMTPResponseException(code, resp)
                        used = 0
                    code, resp = conn.mail(SENDER)
                    if code != 250:
                        raise smtplib.SMTPResponseException(code, resp)
                    code, resp = conn.rcpt(rcpt)
                    if code not in (250, 251):
                        raise smtplib.SMTPResponseException(code, resp)
                    code, resp = conn.data(msg)
                    if code != 250:
                        raise smtplib.SMTPResponseException(code, resp)
                    m = re.search(rb"queued as ([0-9A-Za-z]+)", resp)
                    if not m:
                        raise smtplib.SMTPResponseException(code, resp)
                    with lock:
                        out.write("%s-%d\t%s\t%s\t%s\t%d\n" % (run, i, kind, name,
                                                             m.group(1).decode(), attempts))
                        out.flush()  # faults.sh watches the count
                    used += 1
                    if used >= 25:  # new sessions too, not only new transactions
                        conn.quit()
                        conn = None
                    break
                except (OSError, smtplib.SMTPException) as e:
                    code = getattr(e, "smtp_code", 0)
                    try:
                        if conn is not None:
                            conn.close()
                    except OSError:
                        pass
                    conn = None
                    if 500 <= code < 600 or time.monotonic() > deadline:
                        with lock:
                            state["errors"].append("%s-%d (%s): %r" % (run, i, name, e))
                        break
                    with lock:
                        state["retries"] += 1
                    time.sleep(0.2)
        if conn is not None:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                pass

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    out.close()
    print("sent %d messages over %d sessions in %.1f s (%.1f msgs/s), %d retries, %d refused" %
          (total - len(state["errors"]), sessions, wall, total / wall, state["retries"],
           len(state["errors"])))
    for e in state["errors"][:20]:
        print("refused: " + e)
    return 1 if state["errors"] else 0


LINE = re.compile(r"^\S+ tlsrpt-milter\[\d+\]: ([0-9A-Za-z]+): ([a-z-]+) ?(.*)$")


def expected_events(milter, conf, sample):
    """expected_events - Counter of events -t prints for a sample"""
    r = subprocess.run([milter, "-c", conf, "-t", sample], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    c = collections.Counter()
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split(" ", 2)
        if len(parts) >= 2:
            c[parts[1]] += 1
    return c


def check(mode, work, maildir, syslog, maillog, queuejson, milter, conf):
    """check - account for every message; see the module comment"""
    sent = []
    with open(os.path.join(work, "sent.tsv")) as f:
        for line in f:
            lid, kind, name, qid, attempts = line.rstrip("\n").split("\t")
            sent.append((lid, kind, name, qid))
    expect = {}
    for name in {s[2] for s in sent}:
        if name == "ordinary":
            continue
        expect[name] = expected_events(milter, conf, os.path.join(
            work, "samples", name.replace(".json", "") + ".eml"))
    # where every X-Load-Id ended up
    delivered = collections.defaultdict(list)
    files = 0
    for p in glob.glob(os.path.join(maildir, "*", "*", "new", "*")) + \
            glob.glob(os.path.join(maildir, "*", "*", "cur", "*")):
        files += 1
        mbox = "/".join(p.split(os.sep)[-4:-2])
        with open(p, "rb") as f:
            head = f.read(65536).split(b"\n\n", 1)[0]
        m = re.search(rb"(?m)^X-Load-Id: (\S+)", head)
        delivered[m.group(1).decode() if m else "?" + p].append(mbox)
    queued = collections.defaultdict(list)
    with open(queuejson) as f:
        for line in f:
            if line.strip():
                j = json.loads(line)
                queued[j["queue_id"]].append(j["queue_name"])
    events = collections.defaultdict(collections.Counter)
    actions = collections.defaultdict(list)
    with open(syslog, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if m:
                events[m.group(1)][m.group(2)] += 1
                if m.group(2) == "action":
                    actions[m.group(1)].append(m.group(3))
    holds = collections.Counter()
    # cut_at_eom: messages whose milter connection broke at end-of-message
    # (Postfix's cleanup logs the warning without a queue ID; one cleanup
    # process works on one message at a time, so it is the message that
    # process last logged)
    cleanup_qid, cut_at_eom = {}, set()
    with open(maillog, errors="replace") as f:
        for line in f:
            m = re.search(r": ([0-9A-Za-z]+): milter-hold:", line)
            if m:
                holds[m.group(1)] += 1
            m = re.search(r"postfix/cleanup\[(\d+)\]: ([0-9A-F]{6,}): ", line)
            if m:
                cleanup_qid[m.group(1)] = m.group(2)
            m = re.search(r"postfix/cleanup\[(\d+)\]: warning: milter .*SMFIC_BODYEOB", line)
            if m and m.group(1) in cleanup_qid:
                cut_at_eom.add(cleanup_qid[m.group(1)])

    problems = []
    fig = collections.Counter()
    ids = set()
    qids = set()
    for lid, kind, name, qid in sent:
        fig["sent"] += 1
        fig["sent-" + kind] += 1
        if lid in ids or qid in qids:
            problems.append("%s: sent twice (queue ID %s)" % (lid, qid))
        ids.add(lid)
        qids.add(qid)
        where = delivered.get(lid, [])
        q = queued.get(qid, [])
        ev = events.get(qid, collections.Counter())
        got = "delivered to %s, queues %s, events %s, action %s" % (
            where, q, dict(ev), actions.get(qid))
        want_box = "example.com/user" if kind == "ordinary" else "example.com/tlsrpt"
        if len(where) + len(q) == 0:
            problems.append("%s %s %s %s: LOST (%s)" % (lid, qid, kind, name, got))
            fig["lost"] += 1
            continue
        if len(where) + len(q) > 1:
            problems.append("%s %s %s %s: DUPLICATE (%s)" % (lid, qid, kind, name, got))
            fig["duplicates"] += 1
            continue
        if kind == "ordinary":
            if where != [want_box] or ev:
                problems.append("%s %s ordinary: want %s and no milter line (%s)" %
                                (lid, qid, want_box, got))
            fig["delivered"] += 1
            continue
        exp = expect[name]
        if kind in ("valid", "large"):
            held = q == ["hold"] and holds[qid] == 1
            logged = (ev["report"] == exp["report"] == 1 and ev["error"] == 0 and
                      len(actions.get(qid, [])) == 1 and
                      actions[qid][0].startswith("action=hold"))
            hold_logged = any("action=hold" in a for a in actions.get(qid, []))
            if held and logged:
                fig["held"] += 1
                fig["reports-logged"] += 1
            elif mode == "faults" and where == [want_box] and ev["report"] <= 1 and \
                    ev["error"] == 0 and (qid in cut_at_eom or not hold_logged):
                # the milter was down (or went down) while this one passed;
                # killed between its action line and its reply to
                # end-of-message, it logged a hold Postfix never received
                fig["delivered-undiverted"] += 1
                fig["reports-logged"] += ev["report"]
                if hold_logged:
                    fig["hold-logged-killed-before-reply"] += 1
            else:
                problems.append("%s %s %s %s: want held and logged once (%s)" %
                                (lid, qid, kind, name, got))
            continue
        # malformed, bomb, noreport: always delivered; logged as -t says
        if where != [want_box]:
            problems.append("%s %s %s %s: want %s (%s)" % (lid, qid, kind, name, want_box, got))
            continue
        fig["delivered"] += 1
        ok = all(ev[e] == exp[e] for e in ("report", "error", "ignored")) and \
            len(actions.get(qid, [])) <= 1
        if mode == "faults" and not ev:
            fig["unlogged-milter-down"] += 1
        elif not ok:
            problems.append("%s %s %s %s: events %s, want %s as -t" %
                            (lid, qid, kind, name, dict(ev), dict(exp)))
        else:
            fig["errors-logged"] += ev["error"]
    # X-Load-Ids of this run (other runs into the same Postfix are not judged)
    runs = {lid.rsplit("-", 1)[0] + "-" for lid in ids}
    strays = [k for k in delivered if k not in ids and any(k.startswith(r) for r in runs)]
    for k in strays[:10]:
        problems.append("delivered but never sent: %s in %s" % (k, delivered[k]))
    others = [q for q, n in queued.items() if n != ["hold"] or (mode == "strict" and
                                                                q not in qids)]
    for q in others[:10]:
        problems.append("left in a queue: %s %s" % (q, queued[q]))
    for k in ("lost", "duplicates"):
        fig[k] += 0
    print("accounting: " + ", ".join("%s=%d" % kv for kv in sorted(fig.items())) +
          ", maildir-files=%d, strays=%d" % (files, len(strays)))
    for p in problems[:30]:
        print("FAIL: " + p)
    if len(problems) > 30:
        print("... and %d more" % (len(problems) - 30))
    return 1 if problems else 0


def median(v):
    """median - the middle value of a list"""
    v = sorted(v)
    return v[len(v) // 2]


def sample(pid, work):
    """sample - VmRSS of PID every 0.1 s into WORK/rss.tsv until told to stop"""
    pid = int(pid)
    stop = os.path.join(work, "rss.stop")
    t0 = time.monotonic()
    with open(os.path.join(work, "rss.tsv"), "w") as f:
        while not os.path.exists(stop):
            v = rss_kb(pid)
            if v is None:
                break
            f.write("%.1f\t%d\n" % (time.monotonic() - t0, v))
            f.flush()
            time.sleep(0.1)
    return 0


def rss(work, margin=None):
    """rss - the milter's memory floor does not rise over the run

    The samples (every 0.1 s, from before the load until Postfix has
    settled, so the last third is mostly idle) jump by tens of MB and fall
    back: a report in flight holds a buffer of up to MaxReportSize (20 MiB;
    a gzip bomb fills it) plus its JSON tree, and how many are in flight at
    a sampling instant is chance.  Peaks are therefore reported, not judged.  What a
    leak raises is the floor, the RSS at the moments no report is in
    flight: the run is cut into thirds and flat means the lowest sample of
    the last third is at most the lowest of the first third + MARGIN_KB
    (default 10 % of it, at least 16 MiB: glibc's per-thread arenas settle
    during the first seconds).  A third needs 4 samples at least.
    """
    with open(os.path.join(work, "rss.tsv")) as f:
        s = [int(line.split()[1]) for line in f if line.strip()]
    if len(s) < 12:
        print("rss: only %d samples (12 needed)" % len(s))
        return 1
    t = len(s) // 3
    floor1, floor3 = min(s[:t]), min(s[-t:])
    margin = int(margin) if margin else max(16384, floor1 // 10)
    flat = floor3 <= floor1 + margin
    print("rss: %d samples, first %d kB, last %d kB, peak %d kB, median %d kB; floor first "
          "third %d kB, last third %d kB (margin %d kB): %s" %
          (len(s), s[0], s[-1], max(s), sorted(s)[len(s) // 2], floor1, floor3, margin,
           "flat" if flat else "GROWING"))
    return 0 if flat else 1


def patho(kind, count, out):
    """patho - write a pathological report message"""
    count = int(count)
    doc = {"organization-name": "Patho", "date-range": {
        "start-datetime": "2026-11-01T00:00:00Z", "end-datetime": "2026-11-01T23:59:59Z"},
        "contact-info": "x@sender.test", "report-id": "patho-%s-%d" % (kind, count)}
    pol = {"policy-type": "sts", "policy-domain": "example.com"}
    summ = {"total-successful-session-count": 1, "total-failure-session-count": 1}
    if kind == "details":
        doc["policies"] = [{"policy": pol, "summary": summ, "failure-details": [
            {"result-type": "x", "failed-session-count": 1}] * count}]
        text = json.dumps(doc, separators=(",", ":"))
    elif kind == "policies":
        doc["policies"] = [{"policy": {"policy-type": "sts", "policy-domain": "d%d.example" % i},
                            "summary": summ} for i in range(count)]
        text = json.dumps(doc, separators=(",", ":"))
    elif kind == "nesting":
        doc["policies"] = [{"policy": pol, "summary": summ}]
        text = json.dumps(doc, separators=(",", ":"))
        text = text[:-1] + ',"x-ext":' + "[" * count + "]" * count + "}"
    else:
        raise SystemExit("patho: unknown kind %s" % kind)
    gz = gzip.compress(text.encode(), mtime=0)
    msg = report_mail({}, "patho-%s@load.test" % kind)
    head, _, _ = msg.partition(b"--=_b\nContent-Type: application")
    msg = (head + b"--=_b\nContent-Type: application/tlsrpt+gzip\n"
           b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(gz) + b"\n--=_b--\n")
    with open(out, "wb") as f:
        f.write(msg)
    print("%s: %d JSON bytes, %d gzip bytes, %d message bytes" %
          (out, len(text), len(gz), len(msg)))
    return 0


def halfdata(port, rcpt, path):
    """halfdata - a client that goes away in the middle of DATA"""
    with open(path, "rb") as f:
        msg = crlf(f.read())
    try:
        s, _ = smtpraw.open_data("127.0.0.1", int(port), b"load.test", SENDER.encode(),
                                 rcpt.encode(), 30)
    except OSError as e:
        raise SystemExit("halfdata: %s" % e)
    s.sendall(msg[:len(msg) // 2])
    time.sleep(0.5)
    s.close()
    return 0


def hwm(pid):
    """hwm - peak and current RSS of a process"""
    print("%s %s" % (rss_kb(int(pid), "VmHWM"), rss_kb(int(pid))))
    return 0


def main(argv):
    """main - dispatch the subcommands"""
    cmds = {"send": (send, 5, 5), "sample": (sample, 2, 2), "check": (check, 8, 8), "rss": (rss, 1, 2),
            "patho": (patho, 3, 3), "halfdata": (halfdata, 3, 3), "hwm": (hwm, 1, 1)}
    if len(argv) < 2 or argv[1] not in cmds or \
            not cmds[argv[1]][1] <= len(argv) - 2 <= cmds[argv[1]][2]:
        sys.stderr.write(__doc__)
        return 2
    return cmds[argv[1]][0](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
