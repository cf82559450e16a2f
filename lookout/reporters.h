/*
 * reporters.h - which of our MX's clients are a TLS-RPT reporter's sending hosts
 *
 * The one table that ties a reporter (the digest's reporter id: its
 * DKIM-authenticated domain, else the claimed submitter, lower case) to
 * the verified reverse names of the hosts it sends mail from.  A reporter
 * always matches clients under its own domain ("google.com" matches
 * "mail-wm1-f41.google.com"); the table adds the domains of senders whose
 * hosts live elsewhere ("microsoft.com" sends from
 * "*.outbound.protection.outlook.com").  A name matches a domain when it
 * is the domain or ends in "." and the domain, case-insensitively.  Only
 * names Postfix verified (forward-confirmed) are given here; "unknown"
 * never matches.  Matching by a report's sending-mta-ip, where the
 * report has one, is done by the caller and takes precedence.
 * No globals beyond the constant table, no printing.
 */
#ifndef TLSRPT_REPORTERS_H
#define TLSRPT_REPORTERS_H

/* tlsrpt_reporters_client - 1 when the client name is one of the reporter's sending hosts */
int tlsrpt_reporters_client(const char *reporter, const char *client_name);

/*
 * tlsrpt_reporters_domains - the reporter's sending domains, for a person
 * to read: its own, then the table's, joined with ", " into out (cut to
 * outlen)
 */
void tlsrpt_reporters_domains(const char *reporter, char *out, size_t outlen);

#endif
