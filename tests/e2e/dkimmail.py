#!/usr/bin/env python3
"""dkimmail.py - report mails for tests/e2e/dkim.sh, DKIM-signed with a throwaway key

  dkimmail.py keygen DIR                    RSA key: DIR/key.pem, DIR/dns.txt (the TXT value)
  dkimmail.py report OUT ID DOMAIN SUBMITTER FROM FAILURES [EXTRA-HEADER...]
                                         a multipart/report TLS-RPT mail (gzip, base64);
                                         SUBMITTER "-NAME": no TLS-Report-Submitter field;
                                         $DKIMMAIL_ORG: the organization-name
  dkimmail.py sign IN OUT KEYDIR SELECTOR DOMAIN [IDENTITY]
                                         IN with a DKIM-Signature by DOMAIN prepended
                                         (with i=IDENTITY when given)
Only the Python standard library and Debian's python3-dkim are used.
"""
import base64
import gzip
import json
import os
import subprocess
import sys


def keygen(d):
    subprocess.run(["openssl", "genrsa", "-out", d + "/key.pem", "2048"], check=True,
                   stderr=subprocess.DEVNULL)
    der = subprocess.run(["openssl", "rsa", "-in", d + "/key.pem", "-pubout", "-outform",
                          "DER"], check=True, capture_output=True).stdout
    with open(d + "/dns.txt", "w") as f:
        f.write("v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode() + "\n")


def report(out, rid, domain, submitter, sender, failures, extra):
    failures = int(failures)
    no_submitter = submitter.startswith("-")
    submitter = submitter.lstrip("-")
    policy = {
        "policy": {"policy-type": "sts", "policy-string": ["version: STSv1", "mode: enforce"],
                   "policy-domain": domain, "mx-host": ["mx1." + domain]},
        "summary": {"total-successful-session-count": 100,
                    "total-failure-session-count": failures},
    }
    if failures:
        policy["failure-details"] = [{
            "result-type": "certificate-expired", "sending-mta-ip": "192.0.2.7",
            "receiving-mx-hostname": "mx1." + domain, "failed-session-count": failures}]
    doc = {"organization-name": os.environ.get("DKIMMAIL_ORG", "Reporter Org " + submitter),
           "date-range": {"start-datetime": "2026-11-01T00:00:00Z",
                          "end-datetime": "2026-11-01T23:59:59Z"},
           "contact-info": "tlsrpt@" + submitter, "report-id": rid, "policies": [policy]}
    gz = gzip.compress(json.dumps(doc).encode(), mtime=0)
    b64 = base64.encodebytes(gz).decode().replace("\n", "\r\n")
    lines = list(extra) + [
        "From: " + sender,
        "To: tlsrpt@example.com",
        "Subject: Report Domain: " + domain + " Submitter: " + submitter + " Report-ID: <" + rid + ">",
        "Date: Mon, 02 Nov 2026 00:10:00 +0000",
        "Message-ID: <" + rid + "@" + submitter + ">",
        "TLS-Report-Domain: " + domain,
    ] + ([] if no_submitter else ["TLS-Report-Submitter: " + submitter]) + [
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type="tlsrpt"; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain",
        "",
        "This is a TLS report.",
        "--b1",
        "Content-Type: application/tlsrpt+gzip",
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="' + submitter + "!" + domain + '!1.json.gz"',
        "",
        b64.rstrip("\r\n"),
        "--b1--",
        "",
    ]
    with open(out, "wb") as f:
        f.write("\r\n".join(lines).encode())


def sign(src, out, keydir, selector, domain, identity=None):
    import dkim  # Debian python3-dkim
    with open(src, "rb") as f:
        msg = f.read()
    with open(keydir + "/key.pem", "rb") as f:
        key = f.read()
    sig = dkim.sign(msg, selector.encode(), domain.encode(), key,
                    identity=identity.encode() if identity else None,
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id",
                                     b"tls-report-domain", b"tls-report-submitter",
                                     b"mime-version", b"content-type"])
    with open(out, "wb") as f:
        f.write(sig.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + msg)


def main(argv):
    if len(argv) >= 3 and argv[1] == "keygen":
        keygen(argv[2])
    elif len(argv) >= 8 and argv[1] == "report":
        report(argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], argv[8:])
    elif len(argv) in (7, 8) and argv[1] == "sign":
        sign(*argv[2:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
