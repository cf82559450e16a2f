#!/usr/bin/env python3
"""gen-mails.py - the digest tests' report mails, into tests/lookout/data/mails/

One week of reports (2026-11-23 to 2026-11-29) as a site would receive
them, built with the report builders of tests/data/gen-cases.py:

  google-DD.eml      google.com for example.com, daily; certificate-expired
                     on mx1.example.com from the 27th (reason code
                     X509_V_ERR_CERT_HAS_EXPIRED); the 25th comes twice
                     (google-25-again.eml: a retry, another Message-ID)
  microsoft-DD.eml   microsoft.com for example.com, daily, date-times
                     without a zone, the same sessions listed under a tlsa
                     and an sts policy (counted once per domain); failures
                     on the 28th
  hostile-DD.eml     sender.example for example.org on the 24th and 26th:
                     organization-name, MX name and failure-reason-code hold
                     <script>, <img onerror> and "><svg onload>; MTA-STS in
                     testing mode
  yahoo-10.eml       yahoo.com for example.com on 2026-11-10 only: a reporter
                     that went silent

Deterministic:  python3 tests/lookout/gen-mails.py
"""
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data", "mails")
spec = importlib.util.spec_from_file_location(
    "gen_cases", os.path.join(HERE, "..", "data", "gen-cases.py"))
gc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gc)

HOSTILE_ORG = "<script>alert('org')</script>\"><svg onload=alert(1)>"
HOSTILE_REASON = "<img src=x onerror=alert(2)>"
HOSTILE_MX = "\"><svg onload=alert(3)>.example.org"


def mail(name, text):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write(text)


def when(day, zone=True):
    z = "Z" if zone else ""
    return {"start-datetime": f"2026-11-{day:02d}T00:00:00{z}",
            "end-datetime": f"2026-11-{day:02d}T23:59:59{z}"}


def google(day, again=False):
    rid = f"2026-11-{day:02d}T00:00:00Z_example.com"
    fails = None
    nfail = 0
    if day >= 27:
        nfail = 2 * day - 49  # 5, 7, 9
        fails = [gc.detail("certificate-expired", nfail,
                           failure_reason_code="X509_V_ERR_CERT_HAS_EXPIRED")]
    r = gc.report(rid, policies=[gc.sts_policy("example.com", 1000 + 10 * day, nfail, fails)],
                  **{"organization-name": "Google Inc.", "date-range": when(day),
                     "contact-info": "smtp-tls-reporting@google.com"})
    text = gc.report_mail([gc.gz_part(r)], "example.com", "google.com", rid)
    if again:
        text = text.replace("Message-ID: <case-", "Message-ID: <retry-case-")
    return text


def microsoft(day):
    rid = f"1342{day:02d}617934286362+example.com"
    nfail = 10 if day == 28 else 0
    tlsa = {"policy": {"policy-type": "tlsa", "policy-string": ["3 1 1 AA"],
                       "policy-domain": "example.com", "mx-host": ["mx1.example.com"]},
            "summary": {"total-successful-session-count": 200 - nfail,
                        "total-failure-session-count": nfail}}
    sts = gc.sts_policy("example.com", 200 - nfail, nfail)
    if nfail:
        tlsa["failure-details"] = [gc.detail("tlsa-invalid", nfail)]
        sts["failure-details"] = [gc.detail("certificate-host-mismatch", nfail)]
    r = gc.report(rid, policies=[tlsa, sts],
                  **{"organization-name": "Microsoft Corporation",
                     "date-range": when(day, zone=False),
                     "contact-info": "tlsrpt-noreply@microsoft.com"})
    return gc.report_mail([gc.gz_part(r)], "example.com", "microsoft.com", rid)


def hostile(day):
    rid = f"2026-11-{day:02d}T00:00:00Z_example.org"
    p = gc.sts_policy("example.org", 50, 4, [
        gc.detail("starttls-not-supported", 4, receiving_mx_hostname=HOSTILE_MX,
                  receiving_ip="203.0.113.9", failure_reason_code=HOSTILE_REASON)],
        ["mx1.example.org"])
    p["policy"]["policy-string"] = ["version: STSv1", "mode: testing", "mx: mx1.example.org",
                                    "max_age: 86400"]
    r = gc.report(rid, policies=[p],
                  **{"organization-name": HOSTILE_ORG, "date-range": when(day),
                     "contact-info": "<script>alert(4)</script>@sender.example"})
    return gc.report_mail([gc.gz_part(r)], "example.org", "sender.example", rid)


def yahoo(day):
    rid = f"yahoo-2026-11-{day:02d}-example.com"
    r = gc.report(rid, policies=[gc.sts_policy("example.com", 77, 0)],
                  **{"organization-name": "Yahoo", "date-range": when(day),
                     "contact-info": "tlsrpt@yahoo.com"})
    return gc.report_mail([gc.gz_part(r)], "example.com", "yahoo.com", rid)


def main():
    os.makedirs(OUT, exist_ok=True)
    for day in range(23, 30):
        mail(f"google-{day}.eml", google(day))
        mail(f"microsoft-{day}.eml", microsoft(day))
    mail("google-25-again.eml", google(25, again=True))
    for day in (24, 26):
        mail(f"hostile-{day}.eml", hostile(day))
    mail("yahoo-10.eml", yahoo(10))


if __name__ == "__main__":
    main()
