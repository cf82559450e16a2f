#!/usr/bin/env python3
"""gen-stateful.py - the stateful alert test's report mails, into DIR

Five simulated days (2026-11-01 to 2026-11-05), built with the report
builders of tests/data/gen-cases.py:

  exp-R-D.eml    reporters a, b and c (.example) for alert-state.example on
                 day D = 1..4: 90 successful sessions, certificate-expired on
                 mx1.alert-state.example for 10
  fixed-R-5.eml  a and b on day 5: 100 successful sessions, no failure
                 (c sends nothing after day 4: it goes silent)
  fifty-5.eml    a for alert-fifty.example on day 5: starttls-not-supported
                 on mx1.alert-fifty.example from 50 sending IPs, 2 sessions
                 each (50 failure lines)
  low-5.eml      a for alert-low.example on day 5: 1000 successful
                 sessions, certificate-expired for 2 (below the test's
                 --min-failed 5 and --min-rate 1)

usage: gen-stateful.py DIR
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "gen_cases", os.path.join(HERE, "..", "data", "gen-cases.py"))
gc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gc)


def when(day):
    return {"start-datetime": f"2026-11-{day:02d}T00:00:00Z",
            "end-datetime": f"2026-11-{day:02d}T23:59:59Z"}


def mail(out, name, reporter, domain, day, ok, details):
    rid = f"{reporter}-2026-11-{day:02d}-{domain}"
    nfail = sum(d["failed-session-count"] for d in details)
    p = gc.sts_policy(domain, ok, nfail, details or None, [f"mx1.{domain}"])
    r = gc.report(rid, policies=[p],
                  **{"organization-name": reporter, "date-range": when(day),
                     "contact-info": f"tlsrpt@{reporter}"})
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(gc.report_mail([gc.gz_part(r)], domain, reporter, rid))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    dom = "alert-state.example"
    for day in range(1, 5):
        for r in "abc":
            mail(out, f"exp-{r}-{day}.eml", f"{r}.example", dom, day, 90,
                 [gc.detail("certificate-expired", 10, receiving_mx_hostname=f"mx1.{dom}",
                            receiving_ip="198.51.100.25")])
    for r in "ab":
        mail(out, f"fixed-{r}-5.eml", f"{r}.example", dom, 5, 100, [])
    mail(out, "fifty-5.eml", "a.example", "alert-fifty.example", 5, 100,
         [gc.detail("starttls-not-supported", 2, sending_mta_ip=f"192.0.2.{i + 1}",
                    receiving_mx_hostname="mx1.alert-fifty.example", receiving_ip="198.51.100.26")
          for i in range(50)])
    mail(out, "low-5.eml", "a.example", "alert-low.example", 5, 1000,
         [gc.detail("certificate-expired", 2, receiving_mx_hostname="mx1.alert-low.example")])


if __name__ == "__main__":
    main()
