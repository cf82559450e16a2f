/*
 * tlsrptrec.c - judge a domain's _smtp._tls TXT records (RFC 8460 section 3)
 *
 * The grammar, as the RFC gives it:
 *   tlsrpt-record  = "v=TLSRPTv1" 1*(field-delim tlsrpt-field) [field-delim]
 *   field-delim    = *WSP ";" *WSP
 *   tlsrpt-field   = "rua=" uri *(*WSP "," *WSP uri) / ext-name "=" ext-value
 *   ext-name       = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 *   ext-value      = 1*(%x21-3A / %x3C / %x3E-7E)
 * Keys are case-sensitive (%s).  A URI is taken up to the next "," or
 * ";" or blank; its scheme must be mailto: or https: (either case).  A
 * mailto: URI names its address before any "?", percent-decoded.
 */
#include "config.h"

#include <string.h>

#include "addr.h"
#include "ascii.h"
#include "errbuf.h"
#include "tlsrptrec.h"

#define VERSION_TAG "v=TLSRPTv1"

/* starts - s (len bytes) begins with the NUL-terminated p */
static int starts(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);
	return len >= n && memcmp(s, p, n) == 0;
}

/* scheme_is - uri begins with scheme (lower case, with ':'), either case */
static int scheme_is(const char *uri, size_t len, const char *scheme)
{
	size_t n = strlen(scheme);
	if (len < n) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (tlsrpt_lower(uri[i]) != scheme[i]) {
			return 0;
		}
	}
	return 1;
}

/* ext_name_ok - an extension key as the grammar allows */
static int ext_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 32 || !tlsrpt_alnum(s[0])) {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if (!tlsrpt_alnum(s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.') {
			return 0;
		}
	}
	return 1;
}

/* uri_char_ok - a byte a URI may hold here: printable ASCII but "," ";" */
static int uri_char_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != ',' && c != ';';
}

/* what the URIs are compared with, when judging */
struct want {
	char *const *patterns;
	size_t n;
	const char *delims;
	int found;
};

/* mailto_addr - the address of a mailto: URI, percent-decoded; -1 if none */
static int mailto_addr(const char *uri, size_t len, char *out, size_t outlen)
{
	size_t o = 0, i = strlen("mailto:");

	for (; i < len && uri[i] != '?'; i++) {
		int c = (unsigned char)uri[i];
		if (c == '%') {
			int h = i + 2 < len ? tlsrpt_hexval(uri[i + 1]) : -1;
			int l = h < 0 ? -1 : tlsrpt_hexval(uri[i + 2]);
			if (h < 0 || l < 0) {
				return -1;
			}
			c = h * 16 + l;
			i += 2;
		}
		if (c == ',' || c == '\0' || o + 1 >= outlen) {
			return -1; /* several addresses in one URI, a NUL, or too long */
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o > 0 ? 0 : -1;
}

/* add_uri - keep one URI (cut to fit), checking its scheme; -1 + detail */
static int add_uri(struct tlsrpt_rec_result *r, struct want *w, const char *u, size_t len)
{
	char addr[TLSRPT_ADDR_MAX];

	if (!scheme_is(u, len, "mailto:") && !scheme_is(u, len, "https:")) {
		tlsrpt_errbuf_set(r->detail, sizeof(r->detail),
		                  "rua= holds a URI that is neither mailto: nor https: (%.*s)",
		                  (int)(len > 64 ? 64 : len), u);
		return -1;
	}
	if (w != NULL && scheme_is(u, len, "mailto:") &&
	    mailto_addr(u, len, addr, sizeof(addr)) == 0 &&
	    tlsrpt_addr_match(addr, w->patterns, w->n, w->delims)) {
		w->found = 1;
	}
	if (r->nrua < TLSRPT_REC_MAX_RUA) {
		size_t n = len < TLSRPT_REC_URI_MAX - 1 ? len : TLSRPT_REC_URI_MAX - 1;
		memcpy(r->rua[r->nrua], u, n);
		r->rua[r->nrua][n] = '\0';
		r->nrua++;
	}
	return 0;
}

/* parse_rua - the value of rua= from s[*i]; -1 + detail */
static int parse_rua(const char *s, size_t len, size_t *i, struct tlsrpt_rec_result *r,
                     struct want *w)
{
	for (;;) {
		size_t b = *i;
		while (*i < len && uri_char_ok((unsigned char)s[*i])) {
			(*i)++;
		}
		if (*i == b) {
			tlsrpt_errbuf_set(r->detail, sizeof(r->detail), "rua= has an empty URI");
			return -1;
		}
		if (add_uri(r, w, s + b, *i - b) < 0) {
			return -1;
		}
		size_t j = *i;
		while (j < len && tlsrpt_wsp(s[j])) {
			j++;
		}
		if (j < len && s[j] == ',') {
			j++;
			while (j < len && tlsrpt_wsp(s[j])) {
				j++;
			}
			*i = j;
			continue;
		}
		return 0;
	}
}

/* parse - tlsrpt_rec_parse, comparing each URI with w when not NULL */
static int parse(const char *s, size_t len, struct tlsrpt_rec_result *r, struct want *w)
{
	size_t i = strlen(VERSION_TAG);
	int have_rua = 0;

	r->nrua = 0;
	r->detail[0] = '\0';
	if (!starts(s, len, VERSION_TAG ";")) {
		tlsrpt_errbuf_set(r->detail, sizeof(r->detail),
		                  "the record does not begin with \"v=TLSRPTv1;\"");
		return -1;
	}
	for (;;) {
		/* field-delim: *WSP ";" *WSP, or the end */
		while (i < len && tlsrpt_wsp(s[i])) {
			i++;
		}
		if (i == len) {
			break;
		}
		if (s[i] != ';') {
			tlsrpt_errbuf_set(r->detail, sizeof(r->detail),
			                  "\";\" expected at byte %zu of the record", i + 1);
			return -1;
		}
		i++;
		while (i < len && tlsrpt_wsp(s[i])) {
			i++;
		}
		if (i == len) {
			break; /* a trailing field-delim */
		}
		size_t k = i;
		while (k < len && s[k] != '=' && s[k] != ';' && !tlsrpt_wsp(s[k])) {
			k++;
		}
		if (k == len || s[k] != '=') {
			tlsrpt_errbuf_set(r->detail, sizeof(r->detail),
			                  "a field without \"=\" at byte %zu of the record", i + 1);
			return -1;
		}
		if (k - i == 3 && memcmp(s + i, "rua", 3) == 0) {
			if (have_rua) {
				tlsrpt_errbuf_set(r->detail, sizeof(r->detail),
				                  "rua= is given twice");
				return -1;
			}
			have_rua = 1;
			i = k + 1;
			if (parse_rua(s, len, &i, r, w) < 0) {
				return -1;
			}
			continue;
		}
		if (!ext_name_ok(s + i, k - i)) {
			tlsrpt_errbuf_set(
			        r->detail, sizeof(r->detail),
			        "a field name that is not allowed at byte %zu of the record",
			        i + 1);
			return -1;
		}
		i = k + 1;
		size_t b = i;
		while (i < len && (unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x7f &&
		       s[i] != '=' && s[i] != ';') {
			i++;
		}
		if (i == b) {
			tlsrpt_errbuf_set(r->detail, sizeof(r->detail),
			                  "an empty or invalid value at byte %zu of the record",
			                  b + 1);
			return -1;
		}
	}
	if (!have_rua) {
		tlsrpt_errbuf_set(r->detail, sizeof(r->detail),
		                  "the record has no rua= field, so no report is sent");
		return -1;
	}
	return 0;
}

int tlsrpt_rec_parse(const char *s, size_t len, struct tlsrpt_rec_result *r)
{
	return parse(s, len, r, NULL);
}

/* list_rua - the URIs, comma-separated, into the detail after prefix */
static void list_rua(struct tlsrpt_rec_result *r, const char *prefix, const char *suffix)
{
	size_t o;

	tlsrpt_errbuf_set(r->detail, sizeof(r->detail), "%s", prefix);
	o = strlen(r->detail);
	for (size_t i = 0; i < r->nrua && o + 1 < sizeof(r->detail); i++) {
		tlsrpt_errbuf_set(r->detail + o, sizeof(r->detail) - o, "%s%s", i ? ", " : "",
		                  r->rua[i]);
		o = strlen(r->detail);
	}
	if (o + 1 < sizeof(r->detail)) {
		tlsrpt_errbuf_set(r->detail + o, sizeof(r->detail) - o, "%s", suffix);
	}
}

void tlsrpt_rec_judge(const struct tlsrpt_rec_txt *txt, size_t n, char *const *patterns,
                      size_t npatterns, const char *delims, struct tlsrpt_rec_result *r)
{
	size_t cand = 0, near = 0, which = 0;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		if (starts(txt[i].s, txt[i].len, VERSION_TAG ";")) {
			cand++;
			which = i;
		} else if (starts(txt[i].s, txt[i].len, VERSION_TAG)) {
			near++;
		}
	}
	if (cand > 1) {
		r->verdict = TLSRPT_REC_MULTIPLE;
		tlsrpt_errbuf_set(r->detail, sizeof(r->detail),
		                  "%zu records begin with v=TLSRPTv1; senders use none of them and "
		                  "send no report",
		                  cand);
		return;
	}
	if (cand == 0) {
		if (near > 0) {
			r->verdict = TLSRPT_REC_MALFORMED;
			tlsrpt_errbuf_set(
			        r->detail, sizeof(r->detail),
			        "a record begins with v=TLSRPTv1 but not \"v=TLSRPTv1;\", "
			        "so senders ignore it");
		} else {
			r->verdict = TLSRPT_REC_NONE;
			if (n == 0) {
				tlsrpt_errbuf_set(r->detail, sizeof(r->detail), "no TXT record");
			} else {
				tlsrpt_errbuf_set(r->detail, sizeof(r->detail),
				                  "%zu TXT record%s, none a TLS-RPT record", n,
				                  n == 1 ? "" : "s");
			}
		}
		return;
	}
	struct want w = {patterns, npatterns, delims, 0};
	if (parse(txt[which].s, txt[which].len, r, &w) < 0) {
		r->verdict = TLSRPT_REC_MALFORMED;
		return;
	}
	if (npatterns == 0) {
		r->verdict = TLSRPT_REC_PRESENT;
		list_rua(r, "reports go to ", "");
		return;
	}
	if (w.found) {
		r->verdict = TLSRPT_REC_OURS;
		list_rua(r, "reports go to ", "");
		return;
	}
	r->verdict = TLSRPT_REC_ELSEWHERE;
	list_rua(r, "reports go to ", ", none of them a ReportAddress");
}

const char *tlsrpt_rec_name(enum tlsrpt_rec_verdict v)
{
	static const char *const names[] = {"ours",      "elsewhere", "none",   "multiple",
	                                    "malformed", "noanswer",  "present"};
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}
