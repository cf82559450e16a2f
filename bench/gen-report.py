#!/usr/bin/env python3
"""gen-report.py - synthetic RFC 8460 TLS-RPT report emails for the benchmark

Writes one email per preset (or one of chosen shape) the way Google sends
them: TLS-Report-Domain / TLS-Report-Submitter headers, multipart/report;
report-type=tlsrpt, a short text/plain part, then the report as
application/tlsrpt+gzip (or application/tlsrpt+json) in base64 at 76
columns, CRLF line ends throughout.  Output is deterministic for a given
seed (gzip header mtime 0, random.Random(seed)).

Presets (sizes are approximate and printed on stdout):
  small   ~2 KB email, 1 policy, 2 failure details
  medium  ~200 KB JSON, ~38 KB gzip, ~720 failure details
  large   ~20 MB JSON (under the default 20 MiB cap), ~72,000 details
  bomb    1 GiB of zeros gzipped (~1 MB gzip, ~1.4 MB email)

Worst shapes (not in the default set): JSON built to cost the most memory
and CPU per byte, each inflating to just under the default MaxReportSize
(20 MiB) from a ~28 KB email:
  zeros        {"policies":[0,0,0,...]}: one 2-byte array element per node
  zeros-bad    the same with an invalid tail, so the parse fails at the end
  objects      {"policies":[{},{},...]}: one 3-byte policy per entry
  details      one policy whose failure-details is [{},{},...]

Usage:
  gen-report.py -o DIR [--seed N] [PRESET...]          (default: all four)
  gen-report.py -o DIR --name NAME --policies P --details D
                [--ipv6 FRACTION] [--json] [--seed N]
Python 3 standard library only.
"""

import argparse
import base64
import json
import os
import random
import sys
import zlib

PRESETS = {
    # name: (policies, failure details in total)
    "small": (1, 2),
    "medium": (4, 720),
    "large": (40, 72000),
}
BOMB_BYTES = 1 << 30
WORST_BYTES = 20 * 1024 * 1024 - 64  # just under the default MaxReportSize
WORST = {
    # name: (head, element, tail)
    "zeros": (b'{"policies":[', b"0,", b'0]}'),
    "zeros-bad": (b'{"policies":[', b"0,", b"0,x"),
    "objects": (b'{"policies":[', b"{},", b"{}]}"),
    "details": (b'{"policies":[{"policy":{"policy-type":"sts","policy-domain":"example.com"},'
                b'"summary":{"total-successful-session-count":1,'
                b'"total-failure-session-count":1},"failure-details":[', b"{},", b"{}]}]}"),
}

RESULT_TYPES = [
    "starttls-not-supported",
    "certificate-host-mismatch",
    "certificate-expired",
    "certificate-not-trusted",
    "validation-failure",
    "tlsa-invalid",
    "dnssec-invalid",
    "dane-required",
    "sts-policy-fetch-error",
    "sts-policy-invalid",
    "sts-webpki-invalid",
]
REASONS = [
    "X509_V_ERR_CERT_HAS_EXPIRED",
    "X509_V_ERR_HOSTNAME_MISMATCH",
    "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN",
    "TLS handshake timeout",
    "STARTTLS not offered",
]


def ipv4(rng):
    """ipv4 - a plausible public sending address"""
    first = rng.choice([34, 35, 40, 52, 64, 66, 74, 104, 142, 172, 185, 209, 216])
    return "%d.%d.%d.%d" % (first, rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))


def ipv6(rng):
    """ipv6 - a plausible public sending address, compressed form"""
    pfx = rng.choice(["2001:4860", "2a00:1450", "2607:f8b0", "2a01:111", "2603:10b6"])
    return "%s:%x:%x::%x" % (pfx, rng.randrange(0x10000), rng.randrange(0x10000),
                             rng.randrange(1, 0x10000))


def token(rng, n):
    """token - n random characters of the base64url alphabet"""
    return base64.urlsafe_b64encode(rng.getrandbits(6 * n).to_bytes((6 * n + 7) // 8, "big"))[:n].decode()


def detail(rng, domain, mxs, v6frac):
    """detail - one failure-details entry"""
    d = {
        "result-type": rng.choice(RESULT_TYPES),
        "sending-mta-ip": ipv6(rng) if rng.random() < v6frac else ipv4(rng),
        "receiving-mx-hostname": rng.choice(mxs),
        "receiving-ip": ipv4(rng),
        "failed-session-count": rng.choice([1, 2, 3, rng.randrange(1, 100), rng.randrange(1, 5000)]),
    }
    if rng.random() < 0.5:
        d["receiving-mx-helo"] = "%s.%s" % (token(rng, 8).lower().replace("_", "-"), domain)
    if rng.random() < 0.8:
        d["additional-information"] = "https://%s/t/%s" % (domain, token(rng, 20))
    if rng.random() < 0.15:
        d["failure-reason-code"] = rng.choice(REASONS)
    return d


def report(rng, npol, ndet, v6frac, domain, start):
    """report - the RFC 8460 JSON object"""
    policies = []
    per = [ndet // npol + (1 if i < ndet % npol else 0) for i in range(npol)]
    for i in range(npol):
        pdom = domain if i == 0 else "d%d.%s" % (i, domain)
        mxs = ["mx%d.%s" % (k, pdom) for k in range(1, 4)]
        sts = i % 2 == 0
        pol = {
            "policy-type": "sts" if sts else "tlsa",
            "policy-domain": pdom,
        }
        if sts:
            pol["policy-string"] = ["version: STSv1", "mode: enforce"] + \
                ["mx: %s" % m for m in mxs] + ["max_age: 604800"]
            pol["mx-host"] = mxs
        else:
            pol["policy-string"] = ["3 1 1 %064x" % rng.getrandbits(256)]
        dets = [detail(rng, pdom, mxs, v6frac) for _ in range(per[i])]
        policies.append({
            "policy": pol,
            "summary": {
                "total-successful-session-count": rng.randrange(0, 10_000_000),
                "total-failure-session-count": sum(d["failed-session-count"] for d in dets),
            },
            "failure-details": dets,
        })
    return {
        "organization-name": "Google Inc.",
        "date-range": {
            "start-datetime": start,
            "end-datetime": start.replace("T00:00:00Z", "T23:59:59Z"),
        },
        "contact-info": "smtp-tls-reporting@google.com",
        "report-id": "%s_%s" % (start, domain),
        "policies": policies,
    }


def gzip_bytes(chunks):
    """gzip_bytes - gzip of an iterable of byte chunks, header mtime 0"""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [z.compress(c) for c in chunks]
    out.append(z.flush())
    return b"".join(out)


def b64_lines(data):
    """b64_lines - base64 at 76 columns, CRLF ends"""
    s = base64.b64encode(data)
    return b"".join(s[i:i + 76] + b"\r\n" for i in range(0, len(s), 76))


def email(rng, payload, gz, domain, start_epoch, start, copies=1):
    """email - the whole message (the report part copies times), CRLF line ends"""
    boundary = "%028x" % rng.getrandbits(112)
    end_epoch = start_epoch + 86399
    fname = "google.com!%s!%d!%d!001.json%s" % (domain, start_epoch, end_epoch,
                                                 ".gz" if gz else "")
    ctype = "application/tlsrpt+gzip" if gz else "application/tlsrpt+json"
    msgid = "%012x.%06x.tls@google.com" % (rng.getrandbits(48), rng.getrandbits(24))
    day = start[:10]
    hdr = [
        "Received: by mail-ot1-f71.google.com with SMTP id 46e09a7af769so%08x" % rng.getrandbits(32),
        "        for <tlsrpt@%s>; Wed, 04 Sep 2024 03:53:20 -0700 (PDT)" % domain,
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=20230601;",
        "        t=1725447200; x=1726052000; h=to:from:subject:message-id:date:mime-version",
        "        :from:to:cc:subject:date:message-id:reply-to;",
        "        bh=%s;" % base64.b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode(),
        "        b=%s" % base64.b64encode(rng.getrandbits(1536).to_bytes(192, "big")).decode()[:70],
        "MIME-Version: 1.0",
        "Date: Wed, 04 Sep 2024 03:53:20 -0700",
        "TLS-Report-Domain: %s" % domain,
        "TLS-Report-Submitter: google.com",
        "Message-ID: <%s>" % msgid,
        "Subject: Report Domain: %s Submitter: google.com Report-ID: <%s+%s@google.com>"
        % (domain, day, domain),
        "From: noreply-smtp-tls-reporting@google.com",
        "To: tlsrpt@%s" % domain,
        'Content-Type: multipart/report; boundary="%s"; report-type=tlsrpt' % boundary,
        "",
        "--%s" % boundary,
        'Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes',
        "",
        "This is an aggregate TLS report from google.com",
        "",
    ]
    part = [
        "--%s" % boundary,
        "Content-Type: %s; " % ctype,
        '\tname="%s"' % fname,
        "Content-Disposition: attachment; ",
        '\tfilename="%s"' % fname,
        "Content-Transfer-Encoding: base64",
        "",
        "",
    ]
    part = "\r\n".join(part).encode() + b64_lines(payload)
    return ("\r\n".join(hdr).encode() + b"\r\n" + b"\r\n".join([part] * copies) +
            ("\r\n--%s--\r\n" % boundary).encode())


def make(outdir, name, npol, ndet, v6frac, gz, seed):
    """make - write NAME.eml (and NAME.json for reference); print sizes"""
    rng = random.Random("%s/%d" % (name, seed))
    domain = "example.com"
    start_epoch = 1725321600
    start = "2024-09-03T00:00:00Z"
    rep = report(rng, npol, ndet, v6frac, domain, start)
    js = json.dumps(rep).encode()
    payload = gzip_bytes([js]) if gz else js
    msg = email(rng, payload, gz, domain, start_epoch, start)
    with open(os.path.join(outdir, name + ".eml"), "wb") as f:
        f.write(msg)
    print("%-8s email %10d B  json %10d B  %s %9d B  policies %d  details %d"
          % (name, len(msg), len(js), "gzip" if gz else "json", len(payload), npol, ndet))


def make_bomb(outdir, seed, nbytes=BOMB_BYTES):
    """make_bomb - nbytes of zeros gzipped in an otherwise ordinary report email"""
    rng = random.Random("bomb/%d" % seed)
    block = bytes(1 << 20)
    payload = gzip_bytes(block for _ in range(nbytes >> 20))
    msg = email(rng, payload, True, "example.com", 1725321600, "2024-09-03T00:00:00Z")
    with open(os.path.join(outdir, "bomb.eml"), "wb") as f:
        f.write(msg)
    print("%-8s email %10d B  zeros %9d B  gzip %9d B" % ("bomb", len(msg), nbytes, len(payload)))


def make_worst(outdir, name, seed, parts=1, nbytes=WORST_BYTES):
    """make_worst - a worst-shape report of nbytes of JSON, gzipped, parts times in an email"""
    head, elem, tail = WORST[name]
    n = (nbytes - len(head) - len(tail)) // len(elem)
    rng = random.Random("%s/%d" % (name, seed))
    chunk = elem * 65536
    chunks = [head] + [chunk] * (n // 65536) + [elem * (n % 65536), tail]
    payload = gzip_bytes(chunks)
    msg = email(rng, payload, True, "example.com", 1725321600, "2024-09-03T00:00:00Z", parts)
    if parts > 1:
        name = "%s-x%d" % (name, parts)
    with open(os.path.join(outdir, name + ".eml"), "wb") as f:
        f.write(msg)
    print("%-9s email %10d B  json %10d B  gzip %9d B" % (name, len(msg), len(head) + n *
                                                          len(elem) + len(tail), len(payload)))


def main():
    ap = argparse.ArgumentParser(description="synthetic TLS-RPT report emails")
    ap.add_argument("-o", "--outdir", required=True)
    ap.add_argument("--seed", type=int, default=8460)
    ap.add_argument("--name")
    ap.add_argument("--policies", type=int)
    ap.add_argument("--details", type=int)
    ap.add_argument("--ipv6", type=float, default=0.3, help="fraction of IPv6 sending-mta-ip")
    ap.add_argument("--json", action="store_true", help="plain JSON instead of gzip")
    ap.add_argument("--parts", type=int, default=1,
                    help="worst shapes: the report part this many times in one email")
    ap.add_argument("presets", nargs="*",
                    help="small medium large bomb (default: all), or a worst shape: "
                    + " ".join(WORST))
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    if a.name:
        if a.policies is None or a.details is None or a.policies < 1 or a.details < 0:
            ap.error("--name needs --policies >= 1 and --details >= 0")
        make(a.outdir, a.name, a.policies, a.details, a.ipv6, not a.json, a.seed)
        return 0
    for p in a.presets or ["small", "medium", "large", "bomb"]:
        if p == "bomb":
            make_bomb(a.outdir, a.seed)
        elif p in WORST:
            make_worst(a.outdir, p, a.seed, a.parts)
        elif p in PRESETS:
            make(a.outdir, p, PRESETS[p][0], PRESETS[p][1], a.ipv6, not a.json, a.seed)
        else:
            ap.error("unknown preset %r" % p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
