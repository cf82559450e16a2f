#!/usr/bin/env python3
"""gen-mails.py - write the alerting tests' messages into tests/alert/mails/

Uses the report builders of tests/data/gen-cases.py (imported, not changed):

  failures.eml  a report with three failure details (one whose
                additional-information holds a space and a control
                character, 0x01) from an organization-name with spaces;
                with MaxFailureLines 2 it also gives a failure-omitted line
  clean.eml     a report with zero failures (report/policy lines only)
  broken.eml    a report whose gzip part is cut short (an error line)
  forged.eml    a report whose failure details try to forge fields: a bare
                ' result-type before a helo holding
                ' policy-domain=forged.example failed-session-count=0', and
                ' failed-session-count=999' (and U+2028) in
                additional-information; the true fields are
                policy-domain=alert-forged.example and counts 2 and 3
  ordinary.eml  an ordinary mail (logs nothing)

Deterministic (gzip mtime 0, fixed dates):  python3 tests/alert/gen-mails.py
"""
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "mails")
spec = importlib.util.spec_from_file_location(
    "gen_cases", os.path.join(HERE, "..", "data", "gen-cases.py"))
gc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gc)

ORG = "Alert Test Mail Org Inc."


def mail(name, text):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write(text)


def main():
    os.makedirs(OUT, exist_ok=True)
    rid = "2026-11-05T00:00:00Z_alert-fail.example"
    fails = [gc.detail("certificate-expired", 4,
                       additional_information="chain ends in\x01an expired CA"),
             gc.detail("starttls-not-supported", 2),
             gc.detail("validation-failure", 1, failure_reason_code="X509_V_ERR 10")]
    r = gc.report(rid, policies=[gc.sts_policy("alert-fail.example", 90, 7, fails,
                                               ["mx1.alert-fail.example"])],
                  **{"organization-name": ORG})
    mail("failures.eml", gc.report_mail([gc.gz_part(r)], "alert-fail.example",
                                        "alert-sender.example", rid))

    rid = "2026-11-05T00:00:00Z_alert-clean.example"
    r = gc.report(rid, policies=[gc.sts_policy("alert-clean.example", 120, 0)],
                  **{"organization-name": ORG})
    mail("clean.eml", gc.report_mail([gc.gz_part(r)], "alert-clean.example",
                                     "alert-sender.example", rid))

    rid = "2026-11-05T00:00:00Z_alert-broken.example"
    r = gc.report(rid, policies=[gc.sts_policy("alert-broken.example", 5, 1,
                                               [gc.detail("sts-webpki-invalid", 1)])])
    data = gc.gz(gc.jbytes(r))
    head = ("Content-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=\"report.json.gz\"\n")
    mail("broken.eml", gc.report_mail([(head, gc.b64lines(data[:len(data) // 2]))],
                                      "alert-broken.example", "alert-sender.example", rid))

    rid = "2026-11-05T00:00:00Z_alert-forged.example"
    fails = [gc.detail("'", 2,
                       receiving_mx_helo="x' policy-domain=forged.example failed-session-count=0 y"),
             gc.detail("certificate-expired", 3,
                       additional_information="see failed-session-count=999\u2028"
                                              "x: failure policy-domain=forged.example")]
    r = gc.report(rid, policies=[gc.sts_policy("alert-forged.example", 10, 5, fails,
                                               ["mx1.alert-forged.example"])],
                  **{"organization-name": ORG})
    mail("forged.eml", gc.report_mail([gc.gz_part(r)], "alert-forged.example",
                                      "alert-sender.example", rid))

    mail("ordinary.eml",
         "From: Someone <someone@sender.test>\nTo: user@example.com\n"
         "Subject: lunch on Thursday, failure or not\nDate: Mon, 02 Nov 2026 09:00:00 +0000\n"
         "Message-ID: <alert-ordinary@sender.test>\n\n"
         "Shall we meet at noon?  error: none; failure: none.\n")


if __name__ == "__main__":
    main()
