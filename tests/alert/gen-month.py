#!/usr/bin/env python3
"""gen-month.py - one month of tlsrpt-milter log lines, day by day: OUTDIR

November 2026 as a site with 3 domains (example.com, example.org,
example.net) would log it, 5 reporters (google.com, microsoft.com,
yahoo.com, comcast.net, mail.ru) each sending one report per domain per
day, as the milter writes them in kv (report, policy, failure,
failure-omitted with MaxFailureLines 50, action).  OUTDIR/day-DD.log holds
the lines logged on day DD (the reports for day DD, received that
evening).  Incidents:

  example.com  certificate-expired on mx1 for reports of days 8 to 11,
               seen by every reporter from 3 of its sending IPs
  example.org  starttls-not-supported on mx2, days 15 and 16, 2 IPs
  example.org  day 22: google.com reports sts-webpki-invalid from 60
               sending IPs (50 failure lines and one failure-omitted)
  example.net  validation-failure for 1 session now and then (one
               reporter, about one day in four): noise
  yahoo.com    stops reporting after day 19

Deterministic.
"""
import os
import random
import sys

REPORTERS = ["google.com", "microsoft.com", "yahoo.com", "comcast.net", "mail.ru"]
DOMAINS = ["example.com", "example.org", "example.net"]
rnd = random.Random(16)
seq = 0


def report(lines, day, rep, dom, ok, fails):
    """fails: list of (result-type, mx, ip-count, sessions-per-ip)"""
    global seq
    seq += 1
    q = "%011X" % (0x4A0000000 + seq)
    rid = f"{rep}-2026-11-{day:02d}-{dom}"
    nf = sum(n * s for _, _, n, s in fails)
    t = f"Nov {day:2d} 18:{seq % 60:02d}:00 mx1 tlsrpt-milter[812]: {q}: "
    lines.append(t + f"report report-id={rid} policy-domain={dom} "
                 f"start-datetime=2026-11-{day:02d}T00:00:00Z end-datetime=2026-11-{day:02d}T23:59:59Z "
                 f"policies=1 total-successful-session-count={ok} total-failure-session-count={nf} "
                 f"dkim=pass reporter={rep} reporter-kind=dkim submitter={rep} "
                 f"organization-name={rep} contact-info=tlsrpt@{rep}")
    lines.append(t + f"policy report-id={rid} policy-domain={dom} policy-type=sts "
                 f"total-successful-session-count={ok} total-failure-session-count={nf} "
                 f"reporter-kind=dkim sts-mode=enforce mx-host=mx1.{dom},mx2.{dom}")
    logged = 0
    omitted = [0, 0]
    for rt, mx, nip, per in fails:
        for i in range(nip):
            if logged == 50:
                omitted[0] += 1
                omitted[1] += per
                continue
            logged += 1
            lines.append(t + f"failure report-id={rid} policy-domain={dom} policy-type=sts result-type={rt} "
                         f"receiving-mx-hostname={mx}.{dom} receiving-ip=198.51.100.{DOMAINS.index(dom) + 1} "
                         f"sending-mta-ip=192.0.2.{i + 1} failed-session-count={per} reporter-kind=dkim")
    if omitted[0]:
        lines.append(t + f"failure-omitted report-id={rid} policy-domain={dom} failure-details={omitted[0]} "
                     f"failed-session-count={omitted[1]} reporter-kind=dkim")
    lines.append(t + "action action=deliver recipients=1")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for day in range(1, 31):
        lines = []
        for dom in DOMAINS:
            for rep in REPORTERS:
                if rep == "yahoo.com" and day >= 20:
                    continue
                ok = rnd.randint(50, 500)
                fails = []
                if dom == "example.com" and 8 <= day <= 11:
                    fails.append(("certificate-expired", "mx1", 3, rnd.randint(2, 9)))
                if dom == "example.org" and day in (15, 16):
                    fails.append(("starttls-not-supported", "mx2", 2, rnd.randint(2, 9)))
                if dom == "example.org" and day == 22 and rep == "google.com":
                    fails.append(("sts-webpki-invalid", "mx1", 60, 1))
                if dom == "example.net" and rep == "mail.ru" and rnd.random() < 0.25:
                    fails.append(("validation-failure", "mx1", 1, 1))
                report(lines, day, rep, dom, ok, fails)
        with open(os.path.join(out, f"day-{day:02d}.log"), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
