#!/usr/bin/env python3
"""gen-mx-report.py - the TLS reports of tests/lookout/mx-seen.sh: OUTDIR TODAY YESTERDAY

Two report mails from reporter.test for example.com, built with the report
builders of tests/data/gen-cases.py, saying what the test's real clients
met at the private Postfix (receiving MX mx.e2e.test, 127.0.0.1):

  today.eml      TODAY: certificate-expired from 127.0.0.2,
                 certificate-host-mismatch from 127.0.0.3,
                 starttls-not-supported from 127.0.0.4 (the addresses the
                 test's clients used), sts-policy-fetch-error from
                 127.0.0.9, which never connected, and validation-failure
                 without sending-mta-ip (matched by client name under
                 reporter.test: only a forged line has one)
  yesterday.eml  YESTERDAY: certificate-expired from 127.0.0.2 (the
                 Postfix log has no line of that day)
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "gen_cases", os.path.join(HERE, "..", "data", "gen-cases.py"))
gc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gc)


def detail(rt, n, ip, **kw):
    d = gc.detail(rt, n, sending_mta_ip=ip, receiving_mx_hostname="mx.e2e.test",
                  receiving_ip="127.0.0.1", **kw)
    if ip is None:
        del d["sending-mta-ip"]
    return d


def one(day, details):
    rid = f"{day}T00:00:00Z_mx-seen_example.com"
    nfail = sum(d["failed-session-count"] for d in details)
    pol = gc.sts_policy("example.com", 3, nfail, details, ["mx.e2e.test"])
    r = gc.report(rid, policies=[pol],
                  **{"organization-name": "Reporter Test",
                     "date-range": {"start-datetime": f"{day}T00:00:00Z",
                                    "end-datetime": f"{day}T23:59:59Z"},
                     "contact-info": "tlsrpt@reporter.test"})
    return gc.report_mail([gc.gz_part(r)], "example.com", "reporter.test", rid)


def main():
    out, today, yesterday = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    mails = {
        "today.eml": one(today, [
            detail("certificate-expired", 2, "127.0.0.2",
                   failure_reason_code="X509_V_ERR_CERT_HAS_EXPIRED"),
            detail("certificate-host-mismatch", 2, "127.0.0.3"),
            detail("starttls-not-supported", 2, "127.0.0.4"),
            detail("sts-policy-fetch-error", 1, "127.0.0.9"),
            detail("validation-failure", 1, None),
        ]),
        "yesterday.eml": one(yesterday, [
            detail("certificate-expired", 1, "127.0.0.2"),
        ]),
    }
    for name, text in mails.items():
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
