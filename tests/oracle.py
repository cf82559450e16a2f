#!/usr/bin/env python3
"""oracle.py - check `tlsrpt-milter -t` report lines against an independent reading

For each file given, Python's own email, gzip and json modules find the
report(s) and compute what the `report` line must say: report-id, number
of policies and the two session totals summed over the policies.  The
milter's output for the file must hold exactly those report lines, in that
order; a file with no report must give an `ignored` line.  Lines are read
field by field, left to right, as doc/log-format.md says (a value is bare,
or in double quotes with \\xHH as the only escape), so text inside a value
never counts as a field.

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


TOKEN = re.compile(r' ([a-z][a-z0-9-]*)=("[^"]*"|[^ "]+)')


def decode_value(v):
    """A value as log format v1 writes it: bare, or quoted with \\xHH the only escape."""
    if not v.startswith('"'):
        return v
    raw = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]),
                 v[1:-1].encode("utf-8", "surrogateescape"))
    return raw.decode("utf-8", "surrogateescape")


def fields(line, prefix):
    """The fields of a line "PREFIX EVENT key=value ...", read left to right.

    Every value is consumed whole before the next key is looked for, so a
    value can never supply a key; a line that does not split into fields
    this way (other than the " ..." of a cut line) gives None.
    """
    rest = line[len(prefix):]
    ev, sep, rest = rest.partition(" ")
    out, pos = {"event": ev}, 0
    rest = " " + rest if sep else ""
    while pos < len(rest):
        if rest[pos:] == " ...":
            break
        m = TOKEN.match(rest, pos)
        if not m:
            return None
        out.setdefault(m.group(1), decode_value(m.group(2)))
        pos = m.end()
    return out


def naive_agrees(line, f):
    """Does a naive search for " KEY=" (grep, re_extract) find each field's own value?"""
    for key, val in f.items():
        if key == "event":
            continue
        m = re.search(r" %s=(\"[^\"]*\"|[^ ]+)" % re.escape(key), line)
        if not m or decode_value(m.group(1)) != val:
            return False
    return True


def as_int(v):
    return int(v) if v is not None and v.isdigit() else None


def main():
    milter, files = sys.argv[1], sys.argv[2:]
    bad = 0
    for path in files:
        want = [expect(r) for r in reports_in(path)]
        out = subprocess.run([milter, "-t", path], capture_output=True, text=True,
                             errors="replace").stdout.splitlines()
        got, twoway = [], [l for l in out if l.startswith(path + ": ") and
                           not naive_agrees(l, fields(l, path + ": ") or {"": None})]
        for line in out:
            if line.startswith(path + ": report "):
                f = fields(line, path + ": ")
                if f is None:
                    got.append(("unreadable line", line))
                    continue
                got.append((f.get("report-id"), as_int(f.get("policies")),
                            as_int(f.get("total-successful-session-count")),
                            as_int(f.get("total-failure-session-count"))))
        if not want:
            if not any(l.startswith(path + ": ignored ") for l in out):
                print(f"FAIL {path}: no report in it, but no ignored line: {out}")
                bad += 1
                continue
        if twoway:
            print(f"FAIL {path}: lines that read two ways: {twoway}")
            bad += 1
        elif got != want:
            print(f"FAIL {path}: got {got}, want {want}")
            bad += 1
        else:
            print(f"ok   {path}: {len(want)} report(s)")
    print(f"{len(files) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
