#!/usr/bin/env python3
"""gen-inventory.py - report mails whose policies change, for the policy inventory

Written into the directory given (the test makes them at each run, with
tests/data/gen-cases.py's builders), in the shapes real senders use:
Microsoft's sts + tlsa pair for the same sessions, the TLSA set as one
string holding a JSON array, no mx-host, date-times as in
tests/data/real/cry-inc-dmarc-report-viewer--microsoft.json; Google's
single sts policy with mx-host as the policy's patterns.  Days 2026-11-01
to 2026-11-09:

  example.com  the MTA-STS policy moves from max_age 604800 (mx
               *.example.com) to max_age 2592000 (mx *.example.com and
               mx.example.net): Google applies the new one from the 4th,
               Microsoft only from the 6th (its cached copy: the reporters
               disagree on the 4th and 5th); the TLSA set changes on the
               7th (Microsoft); Google reports 3 failed sessions on the 8th
               while the policy is in enforce mode
  example.net  Google, MTA-STS in testing mode all 9 days, no failure:
               ready for enforce
  example.org  Google, testing from the 5th only (5 days): not yet
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "gen_cases", os.path.join(HERE, "..", "data", "gen-cases.py"))
gc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gc)

TLSA_A = ["[\"3 1 1 6007EEE553E85D8DF007A845D19EC343283D4E416E9A33F9EF3040C8B7C285BC\","
          "\"3 1 1 837C773D54C2E2BD71871A3FC352BE8214D5646CBAE5E3091401A7274717998B\"]"]
TLSA_B = ["[\"3 1 1 837C773D54C2E2BD71871A3FC352BE8214D5646CBAE5E3091401A7274717998B\","
          "\"3 1 1 0E8D6F0C8B2E1F3A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2\"]"]
OLD = ["version: STSv1", "mode: enforce", "mx: *.example.com", "max_age: 604800"]
NEW = ["version: STSv1", "mode: enforce", "mx: *.example.com", "mx: mx.example.net",
       "max_age: 2592000"]


def when(day):
    return {"start-datetime": f"2026-11-{day:02d}T00:00:00Z",
            "end-datetime": f"2026-11-{day:02d}T23:59:59Z"}


def sts(domain, lines, ok, fail, mx=None, details=None):
    p = {"policy": {"policy-type": "sts", "policy-string": lines, "policy-domain": domain},
         "summary": {"total-successful-session-count": ok,
                     "total-failure-session-count": fail}}
    if mx is not None:
        p["policy"]["mx-host"] = mx
    if details:
        p["failure-details"] = details
    return p


def tlsa(domain, records, ok):
    return {"policy": {"policy-type": "tlsa", "policy-string": records, "policy-domain": domain},
            "summary": {"total-successful-session-count": ok,
                        "total-failure-session-count": 0}}


def main(out):
    def mail(name, domain, submitter, rid, r):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(gc.report_mail([gc.gz_part(r)], domain, submitter, rid))

    google = {"organization-name": "Google Inc.", "contact-info": "smtp-tls-reporting@google.com"}
    ms = {"organization-name": "Microsoft Corporation",
          "contact-info": "tlsrpt-noreply@microsoft.com"}
    for day in range(1, 10):
        rid = f"2026-11-{day:02d}T00:00:00Z_example.com"
        lines = OLD if day < 4 else NEW
        mx = ["*.example.com"] if day < 4 else ["*.example.com", "mx.example.net"]
        fail = 3 if day == 8 else 0
        details = [gc.detail("certificate-expired", 3, receiving_mx_hostname="mx1.example.com")] \
            if fail else None
        mail(f"google-com-{day:02d}.eml", "example.com", "google.com", rid,
             gc.report(rid, policies=[sts("example.com", lines, 100 - fail, fail, mx, details)],
                       **google, **{"date-range": when(day)}))
        rid = f"13392{day:02d}885310113267+example.com"
        lines = OLD if day < 6 else NEW
        mail(f"microsoft-com-{day:02d}.eml", "example.com", "microsoft.com", rid,
             gc.report(rid, policies=[sts("example.com", lines, 20, 0),
                                      tlsa("example.com", TLSA_A if day < 7 else TLSA_B, 20)],
                       **ms, **{"date-range": when(day)}))
        rid = f"2026-11-{day:02d}T00:00:00Z_example.net"
        testing = ["version: STSv1", "mode: testing", "mx: mx.example.net", "max_age: 86400"]
        mail(f"google-net-{day:02d}.eml", "example.net", "google.com", rid,
             gc.report(rid, policies=[sts("example.net", testing, 50, 0, ["mx.example.net"])],
                       **google, **{"date-range": when(day)}))
        if day >= 5:
            rid = f"2026-11-{day:02d}T00:00:00Z_example.org"
            testing = ["version: STSv1", "mode: testing", "mx: mx.example.org", "max_age: 86400"]
            mail(f"google-org-{day:02d}.eml", "example.org", "google.com", rid,
                 gc.report(rid, policies=[sts("example.org", testing, 30, 0, ["mx.example.org"])],
                           **google, **{"date-range": when(day)}))


if __name__ == "__main__":
    main(sys.argv[1])
