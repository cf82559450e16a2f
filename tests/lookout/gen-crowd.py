#!/usr/bin/env python3
"""gen-crowd.py - report mails that try to crowd our domains out: OUTDIR

Built with the report builders of tests/data/gen-cases.py; each carries an
Authentication-Results field of the trusted authserv-id mx.test (the DKIM
verdict a verifier before the milter would write):

  flood-digest.eml   one mail from stranger.example (its own DKIM domain):
                     3 reports x 100 policy domains (sub-domains of
                     example.com, so ReportDomains example.com lets them in),
                     2026-11-02
  flood-wide.eml     the same with 100 reports x 3 policy domains
  flood-alert.eml    one mail from stranger.example: 150 reports x 8 policy
                     domains, no failures, 2026-11-02 (about 80 KB)
  claimed-NN.eml     NN from 00 to 39: a report of example.com from
                     claimNN.example, without a DKIM signature (what anyone
                     can send when RequireDKIM is no), 2026-11-02
  google-DD.eml      google.com for example.com on 2026-11-DD (DD from 01 to
                     03): 1000 sessions, 500 of them failed with
                     certificate-expired on mx1.example.com

Deterministic:  python3 tests/lookout/gen-crowd.py OUTDIR
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


def mail(out, name, signer, reports, domain, signed=True):
    """reports: list of report objects, one attachment each"""
    rid = reports[0]["report-id"]
    text = gc.report_mail([gc.gz_part(r, name=f"r{i}.json.gz") for i, r in enumerate(reports)],
                          domain, signer, rid)
    ar = f"Authentication-Results: mx.test; dkim=pass header.d={signer} header.s=s1\n"
    if not signed:
        ar = ""
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(ar + text)


def flood(out, name, nreports, ndomains, prefix):
    reports = []
    for i in range(nreports):
        pols = [gc.sts_policy(f"{prefix}{i:03d}-{j:03d}.example.com", 10, 0, None,
                              [f"mx1.{prefix}{i:03d}-{j:03d}.example.com"])
                for j in range(ndomains)]
        reports.append(gc.report(f"flood-{prefix}{i:03d}", policies=pols,
                                 **{"organization-name": "Stranger", "date-range": when(2),
                                    "contact-info": "tlsrpt@stranger.example"}))
    mail(out, name, "stranger.example", reports, f"{prefix}000-000.example.com")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    flood(out, "flood-digest.eml", 3, 100, "d")
    flood(out, "flood-wide.eml", 100, 3, "w")
    flood(out, "flood-alert.eml", 150, 8, "a")
    for n in range(40):
        p = gc.sts_policy("example.com", 10, 0)
        r = gc.report(f"claim-{n:02d}", policies=[p],
                      **{"organization-name": "Claimer", "date-range": when(2),
                         "contact-info": f"tlsrpt@claim{n:02d}.example"})
        mail(out, f"claimed-{n:02d}.eml", f"claim{n:02d}.example", [r], "example.com",
             signed=False)
    for day in (1, 2, 3):
        p = gc.sts_policy("example.com", 500, 500,
                          [gc.detail("certificate-expired", 500,
                                     receiving_mx_hostname="mx1.example.com",
                                     receiving_ip="198.51.100.25")])
        r = gc.report(f"google-2026-11-{day:02d}", policies=[p],
                      **{"organization-name": "Google Inc.", "date-range": when(day),
                         "contact-info": "smtp-tls-reporting@google.com"})
        mail(out, f"google-{day:02d}.eml", "google.com", [r], "example.com")


if __name__ == "__main__":
    main()
