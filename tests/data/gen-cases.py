#!/usr/bin/env python3
"""gen-cases.py - write the project's own test messages into tests/data/cases/

Every quirk real senders show, the structural variants (CRLF/LF, single
part, nested, two reports, odd labels) and the malformed inputs, each as a
small deterministic file.  Run it from anywhere; it rewrites the files in
place (gzip with mtime 0, fixed dates), so a diff shows any change.

    python3 tests/data/gen-cases.py
"""
import base64
import gzip
import json
import os
import quopri
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")


def report(report_id="2026-11-01T00:00:00Z_example.com", policies=None, **over):
    r = {
        "organization-name": "Example Sender Inc.",
        "date-range": {
            "start-datetime": "2026-11-01T00:00:00Z",
            "end-datetime": "2026-11-01T23:59:59Z",
        },
        "contact-info": "tlsrpt-admin@sender.example",
        "report-id": report_id,
        "policies": policies if policies is not None else [sts_policy()],
    }
    r.update(over)
    return r


def sts_policy(domain="example.com", ok=100, fail=0, details=None, mx=None):
    p = {
        "policy": {
            "policy-type": "sts",
            "policy-string": ["version: STSv1", "mode: enforce", "mx: mx1.example.com",
                              "max_age: 604800"],
            "policy-domain": domain,
            "mx-host": mx if mx is not None else ["mx1.example.com"],
        },
        "summary": {
            "total-successful-session-count": ok,
            "total-failure-session-count": fail,
        },
    }
    if details is not None:
        p["failure-details"] = details
    return p


def detail(rt="certificate-expired", n=1, **kw):
    d = {"result-type": rt, "sending-mta-ip": "192.0.2.10",
         "receiving-mx-hostname": "mx1.example.com", "receiving-ip": "198.51.100.25",
         "failed-session-count": n}
    d.update({k.replace("_", "-"): v for k, v in kw.items()})
    return d


def b64lines(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def gz(data):
    return gzip.compress(data, mtime=0)


def jbytes(obj):
    return json.dumps(obj, indent=1).encode()


def report_mail(parts, domain="example.com", submitter="sender.example",
                report_id="2026-11-01T00:00:00Z_example.com", boundary="=_tlsrpt_b1"):
    """A multipart/report message; parts is a list of (headers, body) strings."""
    head = (
        "Return-Path: <tlsrpt-noreply@sender.example>\n"
        "From: TLS Reporting <tlsrpt-noreply@sender.example>\n"
        "To: tlsrpt@example.com\n"
        f"Subject: Report Domain: {domain} Submitter: {submitter}\n"
        f" Report-ID: <{report_id}>\n"
        "Date: Mon, 02 Nov 2026 08:00:00 +0000\n"
        "Message-ID: <case-" + report_id.replace(":", "") + "@sender.example>\n"
        f"TLS-Report-Domain: {domain}\n"
        f"TLS-Report-Submitter: {submitter}\n"
        "MIME-Version: 1.0\n"
        f"Content-Type: multipart/report; report-type=\"tlsrpt\";\n\tboundary=\"{boundary}\"\n"
        "\n"
        "This is a MIME-formatted message.\n"
    )
    body = ""
    text = ("--" + boundary + "\nContent-Type: text/plain; charset=us-ascii\n"
            "Content-Transfer-Encoding: 7bit\n\nThis is an aggregate TLS report from "
            + submitter + "\n")
    body += text
    for h, b in parts:
        body += "\n--" + boundary + "\n" + h + "\n" + b + "\n"
    body += "\n--" + boundary + "--\n"
    return head + body


def gz_part(obj_or_bytes, name="report.json.gz", ctype="application/tlsrpt+gzip"):
    data = obj_or_bytes if isinstance(obj_or_bytes, bytes) else jbytes(obj_or_bytes)
    h = (f"Content-Type: {ctype}\nContent-Transfer-Encoding: base64\n"
         f"Content-Disposition: attachment;\n\tfilename=\"{name}\"\n")
    return h, b64lines(gz(data))


def json_part(obj_or_bytes, name="report.json", ctype="application/tlsrpt+json", cte="7bit"):
    data = obj_or_bytes if isinstance(obj_or_bytes, bytes) else jbytes(obj_or_bytes)
    h = (f"Content-Type: {ctype}\nContent-Transfer-Encoding: {cte}\n"
         f"Content-Disposition: attachment; filename=\"{name}\"\n")
    return h, data.decode("utf-8", "surrogateescape")


def write(name, text, crlf=False):
    data = text.encode("utf-8", "surrogateescape")
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def write_bytes(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    fail3 = [detail("certificate-expired", 2), detail("starttls-not-supported", 1)]
    del fail3[1]["receiving-ip"]
    base = report(policies=[sts_policy(ok=97, fail=3, details=fail3)])

    # --- structural variants -------------------------------------------
    write("lf.eml", report_mail([gz_part(base)]))
    write("crlf.eml", report_mail([gz_part(base)]), crlf=True)
    r2 = report("2026-11-01T00:00:00Z_example.org",
                policies=[sts_policy("example.org", 10, 1, [detail("validation-failure", 1)])])
    write("two-reports.eml", report_mail([gz_part(base), gz_part(r2, "second.json.gz")]))
    # the whole message is the report (single part)
    write("single-part-gzip.eml",
          "From: tlsrpt-noreply@sender.example\nTo: tlsrpt@example.com\n"
          "Subject: Report Domain: example.com\nTLS-Report-Domain: example.com\n"
          "TLS-Report-Submitter: sender.example\nMIME-Version: 1.0\n"
          "Content-Type: application/tlsrpt+gzip; name=\"r.json.gz\"\n"
          "Content-Transfer-Encoding: base64\n\n" + b64lines(gz(jbytes(base))) + "\n")
    qp = quopri.encodestring(jbytes(report(**{"organization-name": "Gr\u00fc\u00dfe = Sender " * 5})))
    write("qp-json.eml", report_mail([json_part(qp, cte="quoted-printable")]))
    write("octet-stream-json-gz.eml", report_mail([gz_part(
        base, "example.com!sender.example!1761955200!1762041599.json.gz",
        "application/octet-stream")]))
    rfc2231 = ("Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
               "Content-Disposition: attachment;\n\tfilename*0*=utf-8''tls%2Dreport;\n"
               "\tfilename*1*=%2Ejson%2Egz\n")
    write("rfc2231-filename.eml", report_mail([(rfc2231, b64lines(gz(jbytes(base))))]))
    # labelled JSON but gzip inside: the magic decides
    h, b = gz_part(base, "report.json", "application/tlsrpt+json")
    write("mislabelled-gzip.eml", report_mail([(h, b)]))
    # nested: multipart/mixed > multipart/report > report
    inner = report_mail([gz_part(base)], boundary="=_inner")
    inner_head, inner_body = inner.split("\n\n", 1)
    ctype = inner_head[inner_head.index("Content-Type: multipart/report"):]
    write("nested-multipart.eml",
          "From: tlsrpt-noreply@sender.example\nTo: tlsrpt@example.com\n"
          "Subject: forwarded report\nMIME-Version: 1.0\n"
          "Content-Type: multipart/mixed; boundary=outer\n\npreamble\n--outer\n"
          "Content-Type: text/plain\n\nsee attached\n--outer\n" + ctype + "\n\n"
          + inner_body + "\n--outer--\nepilogue\n")
    # junk characters in base64 are tolerated
    h, b = gz_part(base)
    write("base64-junk.eml", report_mail([(h, b.replace("\n", " !\n", 3))]))

    # --- sender quirks ---------------------------------------------------
    write("quirk-datetime-no-tz.eml", report_mail([gz_part(report(**{
        "date-range": {"start-datetime": "2026-11-01T00:00:00",
                       "end-datetime": "2026-11-02T00:00:00"}}))]))
    write("quirk-mx-host-string.eml", report_mail([gz_part(report(policies=[
        sts_policy(mx="*.mail.example.com")]))]))
    tlsa = sts_policy(ok=5, fail=0)
    tlsa["policy"] = {"policy-type": "tlsa", "policy-domain": "example.com",
                      "policy-string": [json.dumps(["3 1 1 ABCDEF0123", "3 1 1 0123ABCDEF"])]}
    write("quirk-tlsa-policy-string.eml", report_mail([gz_part(report(policies=[tlsa]))]))
    npf = {"policy": {"policy-type": "no-policy-found"},
           "summary": {"total-successful-session-count": 12,
                       "total-failure-session-count": 0}}
    write("quirk-no-policy-domain.eml", report_mail([gz_part(report(policies=[npf]))]))
    write("quirk-contact-null.eml", report_mail([gz_part(report(**{"contact-info": None}))]))
    write("quirk-failure-details-missing.eml", report_mail([gz_part(report(policies=[
        sts_policy(ok=3, fail=2)]))]))
    write("quirk-failure-details-empty.eml", report_mail([gz_part(report(policies=[
        sts_policy(ok=3, fail=0, details=[])]))]))
    write("quirk-failure-minimal.eml", report_mail([gz_part(report(policies=[
        sts_policy(ok=0, fail=3, details=[{"result-type": "sts-policy-fetch-error",
                                           "failed-session-count": 3}])]))]))
    unk = sts_policy(ok=1, fail=4, details=[detail("brand-new-result-type", 4)])
    unk["policy"]["policy-type"] = "future-policy-type"
    write("quirk-unknown-types.eml", report_mail([gz_part(report(policies=[unk]))]))
    many = [detail("certificate-expired", n, sending_mta_ip=f"192.0.2.{n}")
            for n in range(1, 81)]
    write("many-failures.eml", report_mail([gz_part(report(policies=[
        sts_policy(ok=0, fail=sum(range(1, 81)), details=many)]))]))
    # 104 policies, past the default MaxPolicyLines of 100: the eleven with
    # failures are logged, the four last failure-free ones summed
    pols = [sts_policy(domain=f"d{i:03d}.example", ok=i,
                       fail=i if i % 10 == 3 else 0,
                       details=[detail("starttls-not-supported", i)] if i % 10 == 3 else None)
            for i in range(104)]
    write("many-policies.eml", report_mail([gz_part(report(policies=pols))]))
    write("bare-report.json", jbytes(base).decode())
    write_bytes("bare-report.json.gz", gz(jbytes(base)))

    # --- hostile but readable ------------------------------------------
    forged = report("evil\r\nNOQUEUE: report report-id=forged", policies=[sts_policy(
        ok=0, fail=1, details=[detail("certificate-expired", 1,
                                      additional_information="line1\nx: failure result-type=forged\x7f\t\"q\" \\ =")])])
    write("forged-lines.eml", report_mail([gz_part(forged)]))
    # four reports of 20 failure details: MaxFailureLines (50) is per message
    many = [gz_part(report("many-%d" % k, policies=[sts_policy(
        ok=10, fail=sum(range(1, 21)),
        details=[detail("certificate-expired", n, receiving_ip="198.51.100.%d" % n)
                 for n in range(1, 21)])]), name="report-%d.json.gz" % k) for k in range(4)]
    write("many-reports.eml", report_mail(many))
    # one value a single-quote reader (syslog-ng kv-parser) and a naive
    # " KEY=" search would read fields out of, and Unicode line breaks and
    # bidi controls in report values and in a header
    kv = report("kv-forged", policies=[sts_policy(ok=5, fail=3, details=[
        detail("'", 2, receiving_mx_helo="x' policy-domain=forged.example failed-session-count=0 y"),
        detail("certificate-expired", 1,
               additional_information="see failed-session-count=999 policies=x")])],
        **{"organization-name": "Evil\u2028NOQUEUE: report report-id=forged\u0085\u202egro",
           "contact-info": "x policies=y total-failure-session-count=z"})
    write("forged-kv.eml", report_mail([gz_part(kv)], submitter="sender.example\u2029\u009b31m"))
    bad_utf8 = jbytes(report("utf8-\u00e9-ok")).replace(b"Example Sender Inc.",
                                                         b"Bad \xff\xfe \xc3\x28 \xe9t\xe9")
    write_bytes("invalid-utf8.eml", report_mail([gz_part(bad_utf8)]).encode(
        "utf-8", "surrogateescape"))

    # --- malformed ---------------------------------------------------------
    whole = b64lines(gz(jbytes(base))).replace("\n", "")
    h, _ = gz_part(base)
    write("bad-truncated-gzip.eml", report_mail([(h, b64lines(gz(jbytes(base))[:-40]))]))
    write("bad-corrupt-gzip.eml", report_mail([(h, b64lines(
        gz(jbytes(base))[:30] + b"\x00garbage" * 8 + gz(jbytes(base))[94:]))]))
    write("bad-truncated-json.eml", report_mail([gz_part(jbytes(base)[:-25])]))
    write("bad-not-json.eml", report_mail([gz_part(b"<html>this is not json</html>\n")]))
    write("bad-report-not-object.eml", report_mail([gz_part(b"[1, 2, 3]\n")]))
    write("bad-policies-not-array.eml", report_mail([gz_part(report(policies={"a": 1}))]))
    bt = sts_policy(ok=1, fail=1)
    bt["summary"]["total-failure-session-count"] = "1"
    write("bad-count-string.eml", report_mail([gz_part(report(policies=[bt]))]))
    bn = sts_policy(ok=-5, fail=0)
    write("bad-count-negative.eml", report_mail([gz_part(report(policies=[bn]))]))
    write("not-a-report.eml",
          "From: alice@example.net\nTo: tlsrpt@example.com\nSubject: hello\n\nJust a note.\n")
    # 20 nested multiparts with the report at the bottom: deeper than 16
    depth = 20
    msg = ("From: x@sender.example\nTo: tlsrpt@example.com\nSubject: deep\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=b0\n\n")
    for i in range(1, depth):
        msg += f"--b{i-1}\nContent-Type: multipart/mixed; boundary=b{i}\n\n"
    h, b = gz_part(base)
    msg += f"--b{depth-1}\n{h}\n{b}\n--b{depth-1}--\n"
    for i in range(depth - 2, -1, -1):
        msg += f"--b{i}--\n"
    write("bad-deep-nesting.eml", msg)
    # gzip bomb: 1 GiB of zeros
    co = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    z = b"".join(co.compress(chunk) for _ in range(1024)) + co.flush()
    h = ("Content-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\n"
         "Content-Disposition: attachment; filename=\"bomb.json.gz\"\n")
    write("bad-gzip-bomb.eml", report_mail([(h, b64lines(z))]))
    del whole


if __name__ == "__main__":
    main()
