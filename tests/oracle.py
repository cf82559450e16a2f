#!/usr/bin/env python3
"""oracle.py - check `tlsrpt-milter -t` report lines against an independent reading

For each file given, Python's own email, gzip and json modules find the
report(s) and compute what the `report` line must say: report-id, number
of policies and the two session totals summed over the policies.  The
milter's output for the file must hold exactly those report lines, in that
order; a file with no report must give an `ignored` line.

usage: oracle.py MILTER FILE...      (exit 0 when all agree)
"""
import email
import email.policy
import gzip
import json
import re
import subprocess
import sys
import zlib

REPORT_TYPES = {"application/tlsrpt+gzip", "application/tlsrpt+json", "application/tlsrpt",
                "application/gzip", "application/x-gzip", "application/json"}


def decode(data):
    if data[:2] == b"\x1f\x8b" or (len(data) > 1 and data[0] == 0x78
                                   and ((data[0] << 8) | data[1]) % 31 == 0):
        return zlib.decompress(data, 47)
    return data


def reports_in(path):
    raw = open(path, "rb").read()
    if raw.lstrip()[:1] == b"{" or raw[:2] == b"\x1f\x8b":
        return [json.loads(decode(raw))]
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        fname = part.get_filename() or ""
        if ctype in REPORT_TYPES or (ctype == "application/octet-stream" and
                                     re.search(r"\.(json|json\.gz|gz)$", fname, re.I)):
            out.append(json.loads(decode(part.get_payload(decode=True))))
    return out


def expect(rep):
    pols = rep.get("policies", [])
    ok = sum(p.get("summary", {}).get("total-successful-session-count", 0) for p in pols)
    bad = sum(p.get("summary", {}).get("total-failure-session-count", 0) for p in pols)
    return (str(rep.get("report-id")), len(pols), ok, bad)


def field(line, key):
    m = re.search(r" %s=(\"(?:[^\"\\]|\\.)*\"|\S+)" % re.escape(key), line)
    if not m:
        return None
    v = m.group(1)
    if v.startswith('"'):
        v = re.sub(r"\\(x[0-9a-fA-F]{2}|.)",
                   lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) == 3 else m.group(1),
                   v[1:-1])
    return v


def main():
    milter, files = sys.argv[1], sys.argv[2:]
    bad = 0
    for path in files:
        want = [expect(r) for r in reports_in(path)]
        out = subprocess.run([milter, "-t", path], capture_output=True, text=True,
                             errors="replace").stdout.splitlines()
        got = []
        for line in out:
            if line.startswith(path + ": report "):
                got.append((field(line, "report-id"), int(field(line, "policies")),
                            int(field(line, "total-successful-session-count")),
                            int(field(line, "total-failure-session-count"))))
        if not want:
            if not any(l.startswith(path + ": ignored ") for l in out):
                print(f"FAIL {path}: no report in it, but no ignored line: {out}")
                bad += 1
                continue
        if got != want:
            print(f"FAIL {path}: got {got}, want {want}")
            bad += 1
        else:
            print(f"ok   {path}: {len(want)} report(s)")
    print(f"{len(files) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
