#!/usr/bin/python3
"""e2e.py - small helpers for the end-to-end tests (called from lib.sh)

usage:
  e2e.py freeport                         print a free TCP port on 127.0.0.1
  e2e.py waitport PORT SECONDS            wait until 127.0.0.1:PORT accepts
  e2e.py send PORT FROM FILE RCPT...      send FILE over SMTP; print the queue ID
  e2e.py unchanged ORIGINAL DELIVERED     DELIVERED is ORIGINAL behind trace headers
  e2e.py added ORIGINAL DELIVERED         print header fields DELIVERED added
  e2e.py json-same FAC OLD NEW WANT GOT   LogFormat json lines equal -t's
  e2e.py holdq                            postqueue -j on stdin -> "queue id rcpt,..."
  e2e.py expect FACILITY OLD NEW          "-t" lines on stdin -> expected syslog lines

Exit status 0 on success, 1 on a failed check (with the reason on stderr),
2 on a usage error.
"""

import json
import os
import re
import smtplib
import socket
import sys
import time


def freeport():
    """freeport - a TCP port on 127.0.0.1 that is free right now"""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    print(port)
    return 0


def waitport(port, seconds):
    """waitport - poll until a TCP connect to 127.0.0.1:PORT succeeds"""
    deadline = time.monotonic() + float(seconds)
    while True:
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
            return 0
        except OSError:
            if time.monotonic() > deadline:
                sys.stderr.write("nothing listens on 127.0.0.1:%s\n" % port)
                return 1
            time.sleep(0.05)


def crlf(data):
    """crlf - the message with every line ending as CRLF (SMTP's form)"""
    data = re.sub(rb"\r?\n", b"\r\n", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data


def send(port, sender, path, rcpts):
    """send - one SMTP transaction; the queue ID from the 250 reply"""
    with open(path, "rb") as f:
        msg = crlf(f.read())
    try:
        with smtplib.SMTP("127.0.0.1", int(port), local_hostname="client.test",
                          timeout=120) as s:
            code, resp = s.ehlo()
            if code != 250:
                raise smtplib.SMTPException("EHLO: %d %r" % (code, resp))
            code, resp = s.mail(sender)
            if code != 250:
                raise smtplib.SMTPException("MAIL: %d %r" % (code, resp))
            for r in rcpts:
                # "<...>" goes out as written (source routes, quoted local parts)
                code, resp = s.docmd("RCPT TO:" + r) if r.startswith("<") else s.rcpt(r)
                if code not in (250, 251):
                    raise smtplib.SMTPException("RCPT %s: %d %r" % (r, code, resp))
            code, resp = s.data(msg)
            if code != 250:
                raise smtplib.SMTPException("DATA: %d %r" % (code, resp))
    except (OSError, smtplib.SMTPException) as e:
        sys.stderr.write("send %s: %s\n" % (path, e))
        return 1
    text = resp.decode("ascii", "replace")
    # Postfix: "2.0.0 Ok: queued as 4XyZ..."; Sendmail: "2.0.0 5AN9... Message accepted"
    m = (re.search(r"queued as ([0-9A-Za-z]+)", text) or
         re.search(r"^(?:2\.0\.0 )?([0-9A-Za-z]+) Message accepted", text))
    if not m:
        sys.stderr.write("send %s: no queue ID in reply %r\n" % (path, text))
        return 1
    print(m.group(1))
    return 0


def unchanged(original, delivered):
    """unchanged - DELIVERED is ORIGINAL behind the MTA's trace header fields

    Body byte for byte, every original header field in order (except
    Return-Path, which MTAs remove from incoming mail), nothing added but
    trace fields (Return-Path, Delivered-To, X-Original-To, Received).
    """
    extra = added_fields(original, delivered)
    if extra is None:
        return 1
    if extra:
        sys.stderr.write("%s: header fields added: %s\n" % (delivered, "; ".join(
            f.decode("ascii", "backslashreplace")[:100] for f in extra)))
        return 1
    return 0


TRACE = re.compile(rb"^(Return-Path|Delivered-To|X-Original-To|Received):", re.I)


def split_message(data):
    """split_message - (list of unfolded-as-read header fields, body)"""
    head, sep, body = data.partition(b"\n\n")
    if not sep:
        head, body = data, b""
    fields = [f for f in re.split(rb"\n(?![ \t])", head) if f]
    return fields, body


def added_fields(original, delivered):
    """added_fields - header fields DELIVERED has beyond ORIGINAL and trace

    None (with the reason on stderr) when the body differs or an original
    header field is missing or out of order.  Return-Path and the fields
    named in $E2E_IGNORE_HEADERS (comma-separated) need not be kept.
    """
    with open(original, "rb") as f:
        ofields, obody = split_message(re.sub(rb"\r\n", b"\n", crlf(f.read())))
    with open(delivered, "rb") as f:
        dfields, dbody = split_message(f.read())
    # header fields a relay may legitimately drop (Sendmail drops Return-Path)
    ignore = [b"return-path"] + [h.strip().lower().encode() for h in
              os.environ.get("E2E_IGNORE_HEADERS", "").split(",") if h.strip()]
    ofields = [f for f in ofields if f.split(b":", 1)[0].strip().lower() not in ignore]
    if obody != dbody:
        sys.stderr.write("%s: body differs from %s\n" % (delivered, original))
        return None
    rest = list(dfields)
    # drop the leading trace fields the MTA prepends
    while rest and TRACE.match(rest[0]) and (not ofields or rest[0] != ofields[0]):
        rest.pop(0)
    extra = []
    i = 0
    for fld in rest:
        if i < len(ofields) and fld == ofields[i]:
            i += 1
        else:
            extra.append(fld)
    if i != len(ofields):
        sys.stderr.write("%s: original header %r missing or reordered\n"
                         % (delivered, ofields[i][:80]))
        return None
    return extra


def added(original, delivered):
    """added - print the header fields DELIVERED has beyond ORIGINAL and trace"""
    extra = added_fields(original, delivered)
    if extra is None:
        return 1
    for fld in extra:
        print(fld.decode("ascii", "backslashreplace"))
    return 0


def holdq():
    """holdq - postqueue -j lines to "queue_name queue_id rcpt,rcpt" lines"""
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        j = json.loads(line)
        rcpts = ",".join(r.get("address", "") for r in j.get("recipients", []))
        print("%s %s %s" % (j.get("queue_name"), j.get("queue_id"), rcpts))
    return 0


def expect(facility, old, new):
    """expect - "-t" lines on stdin to the syslog lines the milter must write

    Each "OLD: EVENT ..." line becomes "FACILITY.SEVERITY NEW: EVENT ...",
    with the severity the log format gives the event.
    """
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.startswith(old + ": "):
            sys.stderr.write("unexpected -t line: %r\n" % line)
            return 1
        line = new + line[len(old):]
        m = re.match(r"^\S+: (\S+)", line)
        event = m.group(1) if m else ""
        if event in ("report", "policy", "policy-omitted", "report-omitted"):
            f = re.search(r" total-failure-session-count=(\d+)", line)
            prio = "warning" if f and int(f.group(1)) > 0 else "info"
        elif event in ("failure", "failure-omitted"):
            prio = "warning"
        elif event == "error":
            prio = "err"
        elif event == "ignored":
            prio = "notice"
        else:
            prio = "info"
        print("%s.%s %s" % (facility, prio, line))
    return 0


def severity(event, failures):
    """severity - the syslog severity the log format gives an event"""
    if event in ("report", "policy", "policy-omitted", "report-omitted"):
        return "warning" if failures and failures > 0 else "info"
    return {"failure": "warning", "failure-omitted": "warning", "error": "err",
            "ignored": "notice"}.get(event, "info")


def json_same(facility, old, new, want, got):
    """json_same - JSON-format captured lines (GOT) equal -t's (WANT)

    WANT holds `tlsrpt-milter -t` lines with LogFormat json ("queue-id" is
    the file name OLD); GOT the captured "FACILITY.SEVERITY TAG[PID]:
    @cee:{...}" lines for queue ID NEW.  Objects are compared parsed, and
    each line's priority checked.
    """
    with open(want, encoding="utf-8") as f:
        wants = [json.loads(line) for line in f if line.strip()]
    for w in wants:
        if w.get("queue-id") != old:
            sys.stderr.write("-t line with queue-id %r, want %r\n" % (w.get("queue-id"), old))
            return 1
        w["queue-id"] = new
    gots = []
    with open(got, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(\S+) \S+: @cee:(\{.*\})$", line.rstrip("\n"))
            if not m:
                sys.stderr.write("captured line is not @cee: JSON: %r\n" % line[:120])
                return 1
            gots.append((m.group(1), json.loads(m.group(2))))
    gots = [g for g in gots if g[1].get("event") != "action"]
    if len(gots) != len(wants):
        sys.stderr.write("%d JSON events captured, -t gives %d\n" % (len(gots), len(wants)))
        return 1
    for i, (w, (prio, g)) in enumerate(zip(wants, gots)):
        if g != w:
            sys.stderr.write("event %d differs:\n  want %s\n  got  %s\n" % (
                i + 1, json.dumps(w, sort_keys=True), json.dumps(g, sort_keys=True)))
            return 1
        sev = "%s.%s" % (facility, severity(w.get("event"), w.get("total-failure-session-count")))
        if prio != sev:
            sys.stderr.write("event %d (%s) logged at %s, want %s\n" % (i + 1, w.get("event"), prio, sev))
            return 1
    return 0


def main(argv):
    cmds = {
        "freeport": (0, lambda a: freeport()),
        "waitport": (2, lambda a: waitport(a[0], a[1])),
        "unchanged": (2, lambda a: unchanged(a[0], a[1])),
        "holdq": (0, lambda a: holdq()),
        "added": (2, lambda a: added(a[0], a[1])),
        "json-same": (5, lambda a: json_same(*a)),
        "expect": (3, lambda a: expect(a[0], a[1], a[2])),
    }
    if len(argv) >= 6 and argv[1] == "send":
        return send(argv[2], argv[3], argv[4], argv[5:])
    if len(argv) >= 2 and argv[1] in cmds and len(argv) - 2 == cmds[argv[1]][0]:
        return cmds[argv[1]][1](argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
