/*
 * meaning.c - what a TLS-RPT result type or failure reason means, and the usual fix
 *
 * Result types first (RFC 8460 section 4.3.1 to 4.3.3, in the RFC's
 * order), then reason codes.  Keep each text one paragraph of plain ASCII:
 * the digest, its HTML page and the alert mail print them as they are.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "meaning.h"

static const struct tlsrpt_meaning table[] = {
        {"starttls-not-supported", "STARTTLS not offered",
         "The receiving MX did not offer STARTTLS (or the sender could not start it), so the mail could only go in plain text or was not sent at all under the policy.",
         "Enable STARTTLS on every MX host the policy names (Postfix: smtpd_tls_security_level = may with a certificate and key), and check that no middlebox strips STARTTLS from the EHLO reply."},
        {"certificate-host-mismatch", "certificate does not match the MX name",
         "The certificate presented by the MX does not name the host the sender connected to: neither the subject alternative names nor the common name match the MX host name.",
         "Issue a certificate whose subject alternative names include every MX host name published in DNS and in the MTA-STS policy's mx lines, and make each MX present it."},
        {"certificate-expired", "certificate expired",
         "The certificate presented by the MX was past its notAfter date when the sender connected.",
         "Renew the certificate and reload the MTA on every MX (a renewed file that the running MTA has not re-read is the usual cause); monitor expiry and automate renewal."},
        {"certificate-not-trusted", "certificate not trusted",
         "The sender could not build a chain from the MX certificate to a trusted root: a self-signed certificate, a private CA or a missing intermediate certificate.",
         "Use a certificate from a public CA and serve the full chain (leaf plus intermediates) from the MTA, e.g. Postfix smtpd_tls_chain_files with the fullchain file."},
        {"validation-failure", "certificate validation failed",
         "A general failure to validate the MX certificate or the TLS session for a reason the other types do not cover; the failure-reason-code, when present, says more.",
         "Check the certificate and chain with openssl s_client -starttls smtp -connect MX:25 -showcerts, and read the reason code shown with this failure."},
        {"tlsa-invalid", "TLSA record invalid",
         "The DANE TLSA record for the MX could not be used or does not match the certificate the MX presented.",
         "Publish TLSA records that match the served key (3 1 1 of the current and the next key during a rollover) and update them before the certificate's key changes."},
        {"dnssec-invalid", "DNSSEC validation failed",
         "The sender's validating resolver got bogus DNSSEC answers for the MX or TLSA lookup.",
         "Repair the zone's DNSSEC chain (DS at the parent matches the DNSKEY, signatures not expired); check with a DNSSEC analyser such as dnsviz."},
        {"dane-required", "DANE required but not usable",
         "The sender requires DANE for this destination but could not find usable TLSA records or a DNSSEC-signed zone.",
         "Publish DNSSEC-signed TLSA records for each MX, or stop requiring DANE for it."},
        {"sts-policy-fetch-error", "MTA-STS policy could not be fetched",
         "The sender could not fetch https://mta-sts.DOMAIN/.well-known/mta-sts.txt: DNS failure, connection refused, TLS error on the web server, or an HTTP status other than 200.",
         "Make the policy host answer over HTTPS with a valid public certificate for mta-sts.DOMAIN and return the policy file with status 200 and Content-Type text/plain."},
        {"sts-policy-invalid", "MTA-STS policy invalid",
         "The policy file was fetched but does not parse: a missing version, mode or max_age line, or a syntax error.",
         "Serve a policy of the form version: STSv1, mode: enforce|testing|none, one mx: line per MX pattern, max_age: seconds, with CRLF or LF line ends and nothing else."},
        {"sts-webpki-invalid", "MTA-STS web certificate invalid",
         "The HTTPS certificate of mta-sts.DOMAIN could not be validated when the policy was fetched.",
         "Give the mta-sts.DOMAIN web server a valid public certificate covering that exact name, with the full chain."},
        /* failure-reason-code values */
        {"X509_V_ERR_CERT_HAS_EXPIRED", "OpenSSL: certificate has expired",
         "The sender's OpenSSL found the MX certificate (or one in its chain) past its notAfter date.",
         "Renew the certificate or the expired intermediate and reload the MTA on every MX."},
        {"X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT", "OpenSSL: self-signed certificate",
         "The MX presented a self-signed certificate.",
         "Use a certificate from a public CA (e.g. ACME) for each MX host name."},
        {"X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN", "OpenSSL: self-signed certificate in chain",
         "The chain the MX served ends in a root the sender does not trust.",
         "Serve a chain that leads to a public root; do not send a private root."},
        {"X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "OpenSSL: issuer certificate missing",
         "The sender could not find the issuer of the MX certificate: usually a missing intermediate certificate.",
         "Serve the full chain (leaf plus intermediates) from the MTA."},
        {"X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE", "OpenSSL: leaf signature not verifiable",
         "Only the leaf certificate was served and its issuer is not a trusted root.",
         "Serve the full chain (leaf plus intermediates) from the MTA."},
        {"X509_V_ERR_HOSTNAME_MISMATCH", "OpenSSL: host name mismatch",
         "The MX certificate does not name the MX host.",
         "Add every MX host name to the certificate's subject alternative names."},
        {"X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED", "OpenSSL: proxy path length exceeded",
         "OpenSSL rejected the chain because a path length constraint was exceeded; seen in reports where the real cause was an unusual or broken chain.",
         "Serve a plain chain from a public CA: leaf and the CA's current intermediates only."},
        {"bad https response code*", "MTA-STS fetch: HTTP error status",
         "The MTA-STS policy web server answered the policy fetch with an HTTP status other than 200 (404: file missing, 5xx: server error).",
         "Serve /.well-known/mta-sts.txt on https://mta-sts.DOMAIN with status 200, without redirects."},
};

#define NTABLE (sizeof(table) / sizeof(table[0]))
#define NRESULTS 11

/* tlsrpt_meaning_result - entry of a result type */
const struct tlsrpt_meaning *tlsrpt_meaning_result(const char *result_type)
{
	size_t i;

	for (i = 0; i < NRESULTS; i++) {
		if (strcasecmp(table[i].name, result_type) == 0) {
			return &table[i];
		}
	}
	return NULL;
}

/* tlsrpt_meaning_reason - entry of a reason code */
const struct tlsrpt_meaning *tlsrpt_meaning_reason(const char *code, size_t len)
{
	size_t i;

	for (i = NRESULTS; i < NTABLE; i++) {
		size_t n = strlen(table[i].name);

		if (n > 0 && table[i].name[n - 1] == '*') {
			if (len >= n - 1 && strncasecmp(table[i].name, code, n - 1) == 0) {
				return &table[i];
			}
		} else if (n == len && strncasecmp(table[i].name, code, n) == 0) {
			return &table[i];
		}
	}
	return NULL;
}

/* tlsrpt_meaning_all - the whole table */
const struct tlsrpt_meaning *tlsrpt_meaning_all(size_t *n)
{
	*n = NTABLE;
	return table;
}
