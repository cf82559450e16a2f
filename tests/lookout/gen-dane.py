#!/usr/bin/env python3
"""gen-dane.py - report mails about our MX hosts, in the shapes real senders use

Written into the directory given (the test makes them at each run; the
builders are tests/data/gen-cases.py's).  Microsoft's real report
(tests/data/real/cry-inc-dmarc-report-viewer--microsoft.json) lists one
sts and one tlsa policy for the same sessions, the TLSA set as a
JSON-encoded array in policy-string; senders that do DANE also report
under the MX host's own name (mox issue 125).  Here, for example.net with
MX hosts mx1.example.net and mx2.example.net:

  ms-01.eml      microsoft.com, 2026-11-01, for example.net: sts (enforce,
                 mx *.example.net) and tlsa with policy-domain
                 mx1.example.net (the host), 2 sessions each
  ms-02.eml      microsoft.com, 2026-11-02, the TLS-Report-Domain and the
                 policy-domain are mx1.example.net: tlsa, 5 sessions, 3
                 failed (tlsa-invalid at mx1.example.net)
  google-02.eml  google.com, 2026-11-02, for example.net: a tlsa policy
                 under the domain, 1 failure tlsa-invalid at mx1.example.net
  sub-02.eml     a report whose policy-domain is below an MX host
                 (sub.mx1.example.net): never one of ours
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "gen_cases", os.path.join(HERE, "..", "data", "gen-cases.py"))
gc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gc)

# the TLSA set as Microsoft writes it: one string holding a JSON array
TLSA = ["[\"3 1 1 6007EEE553E85D8DF007A845D19EC343283D4E416E9A33F9EF3040C8B7C285BC\","
        "\"3 1 1 837C773D54C2E2BD71871A3FC352BE8214D5646CBAE5E3091401A7274717998B\"]"]
MS = {"organization-name": "Microsoft Corporation",
      "contact-info": "tlsrpt-noreply@microsoft.com"}


def when(day):
    return {"start-datetime": f"2026-11-{day:02d}T00:00:00Z",
            "end-datetime": f"2026-11-{day:02d}T23:59:59Z"}


def tlsa(domain, ok, fail, details=None):
    p = {"policy": {"policy-type": "tlsa", "policy-string": TLSA, "policy-domain": domain},
         "summary": {"total-successful-session-count": ok,
                     "total-failure-session-count": fail}}
    if details:
        p["failure-details"] = details
    return p


def sts(domain, ok, fail):
    p = gc.sts_policy(domain, ok, fail)
    p["policy"]["policy-string"] = ["version: STSv1", "mode: enforce", "mx: *.example.net",
                                    "max_age: 2592000"]
    p["policy"]["mx-host"] = ["*.example.net"]
    return p


def main(out):
    def mail(name, domain, submitter, rid, r):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(gc.report_mail([gc.gz_part(r)], domain, submitter, rid))

    rid = "133925885310113267+example.net"
    mail("ms-01.eml", "example.net", "microsoft.com", rid,
         gc.report(rid, policies=[sts("example.net", 2, 0), tlsa("mx1.example.net", 2, 0)],
                   **MS, **{"date-range": when(1)}))
    rid = "133926749310113267+mx1.example.net"
    bad = [gc.detail("tlsa-invalid", 3, receiving_mx_hostname="mx1.example.net",
                     receiving_ip="198.51.100.25")]
    mail("ms-02.eml", "mx1.example.net", "microsoft.com", rid,
         gc.report(rid, policies=[tlsa("mx1.example.net", 2, 3, bad)],
                   **MS, **{"date-range": when(2)}))
    rid = "2026-11-02T00:00:00Z_example.net"
    bad = [gc.detail("tlsa-invalid", 1, receiving_mx_hostname="mx1.example.net")]
    mail("google-02.eml", "example.net", "google.com", rid,
         gc.report(rid, policies=[tlsa("example.net", 99, 1, bad)],
                   **{"organization-name": "Google Inc.", "date-range": when(2),
                      "contact-info": "smtp-tls-reporting@google.com"}))
    rid = "sub-2026-11-02"
    mail("sub-02.eml", "sub.mx1.example.net", "sender.example", rid,
         gc.report(rid, policies=[tlsa("sub.mx1.example.net", 4, 0)],
                   **{"date-range": when(2)}))


if __name__ == "__main__":
    main(sys.argv[1])
