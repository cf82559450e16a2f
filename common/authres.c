/*
 * authres.c - Authentication-Results (RFC 8601): who says dkim=what for whom
 *
 * See authres.h for the contract.  The parser is a single forward scan
 * with a cursor (struct scan): comments are skipped with a depth counter,
 * never by recursion, so any nesting costs constant stack.  Grammar
 * (RFC 8601 section 2.2, with the leniencies real verifiers need):
 *
 *   payload  = [CFWS] authserv-id [CFWS [version]] (no-result / 1*resinfo) [";"] [CFWS]
 *   resinfo  = [CFWS] ";" [CFWS] method [CFWS "/" CFWS version] "=" result
 *              *([CFWS] ptype [CFWS "." CFWS property] [CFWS] "=" [CFWS] pvalue)
 *   pvalue   = quoted-string ["@" domain] / 1*(any byte but CFWS, ";", "(", ")", "\"")
 *
 * Leniencies: a property without a ptype ("action=none", as Microsoft
 * writes) is accepted like "reason="; a pvalue may hold "/" and "=" (a
 * header.b base64 fragment); one trailing ";" is accepted; CR and LF count
 * as white space wherever FWS may be.  Values we keep (authserv-id, dkim
 * result, header.d, header.i) longer than their buffers are cut and marked
 * cut (a cut domain or authserv-id never matches anything); other values
 * are checked for syntax and dropped, whatever their length.  A length is
 * never a reason to refuse a field: a verifier that copies a signer's
 * 300-byte i= tag into header.i still wrote a readable field.
 *
 * Comments (RFC 5322 section 3.2.2) nest and take quoted pairs; inside a
 * comment a quoted-string is skipped as one unit, so a writer that quotes
 * "x(y" or "a)b" in a comment does not open or close one.  Inside a
 * quoted-string a parenthesis is only text.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errbuf.h"
#include "ascii.h"
#include "authres.h"

/* the cursor over one field value */
struct scan {
	const char *p;
	const char *err; /* first problem, NULL while fine */
};

/* is_ws - white space inside a (possibly folded) field value */
static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* is_tspecial - RFC 2045 tspecials: they end a token */
static int is_tspecial(unsigned char c)
{
	return c != '\0' && strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* is_token_char - RFC 2045 token: printable, not space, not a tspecial */
static int is_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !is_tspecial(c);
}

/* is_keyword_char - RFC 5321 Ldh-str (we also allow '_', seen in the wild) */
static int is_keyword_char(unsigned char c)
{
	return tlsrpt_alnum(c) || c == '-' || c == '_';
}

/* is_pvalue_char - a byte of an unquoted property value */
static int is_pvalue_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f && c != ';' && c != '(' && c != ')' && c != '"' && c != '\\';
}

/* fail - remember the first problem; always returns -1 */
static int fail(struct scan *s, const char *why)
{
	if (s->err == NULL) {
		s->err = why;
	}
	return -1;
}

/*
 * skip_quoted_in_comment - s->p is a '"' inside a comment: move to its
 * closing '"' (quoted pairs honoured); -1 when the field ends first
 */
static int skip_quoted_in_comment(struct scan *s)
{
	for (s->p++; *s->p != '"'; s->p++) {
		if (*s->p == '\0' || (*s->p == '\\' && *++s->p == '\0')) {
			return fail(s, "unterminated comment");
		}
	}
	return 0;
}

/* skip_cfws - white space and (nested) comments; -1 on an unterminated comment */
static int skip_cfws(struct scan *s)
{
	for (;;) {
		size_t depth;

		while (is_ws((unsigned char)*s->p)) {
			s->p++;
		}
		if (*s->p != '(') {
			return 0;
		}
		depth = 0;
		do {
			switch (*s->p) {
			case '\0':
				return fail(s, "unterminated comment");
			case '(':
				depth++;
				break;
			case ')':
				depth--;
				break;
			case '\\':
				if (s->p[1] == '\0') {
					return fail(s, "unterminated comment");
				}
				s->p++; /* quoted-pair: the next byte is literal */
				break;
			case '"':
				if (skip_quoted_in_comment(s) != 0) {
					return -1;
				}
				break;
			default:
				break;
			}
			s->p++;
		} while (depth > 0);
	}
}

/*
 * put - append byte c to out[*len] (size cap); a byte that does not fit
 * is dropped and *cut (may be NULL) set
 */
static void put(char *out, size_t cap, size_t *len, char c, int *cut)
{
	if (out == NULL) {
		return; /* value checked but not kept */
	}
	if (*len + 1 >= cap) {
		if (cut != NULL) {
			*cut = 1;
		}
		return;
	}
	out[(*len)++] = c;
	out[*len] = '\0';
}

/*
 * read_quoted - a quoted-string at s->p (which is '"') into out (NULL: drop)
 * without the quotes, quoted pairs resolved; *cut set when out was too small
 */
static int read_quoted(struct scan *s, char *out, size_t cap, size_t *len, int *cut)
{
	s->p++;
	for (;;) {
		unsigned char c = (unsigned char)*s->p;

		if (c == '\0') {
			return fail(s, "unterminated quoted-string");
		}
		if (c == '"') {
			s->p++;
			return 0;
		}
		if (c == '\\') {
			s->p++;
			c = (unsigned char)*s->p;
			if (c == '\0') {
				return fail(s, "unterminated quoted-string");
			}
		}
		put(out, cap, len, (char)c, cut);
		s->p++;
	}
}

/*
 * read_keyword - an Ldh-str into out (lower case); -1 when there is none.
 * A longer one is cut to cap - 1 bytes: longer than any keyword compared.
 */
static int read_keyword(struct scan *s, char *out, size_t cap, const char *what)
{
	size_t len = 0;

	out[0] = '\0';
	while (is_keyword_char((unsigned char)*s->p)) {
		put(out, cap, &len, tlsrpt_lower(*s->p), NULL);
		s->p++;
	}
	return len > 0 ? 0 : fail(s, what);
}

/* read_authserv_id - value (token or quoted-string), lower case, into out; *cut as put */
static int read_authserv_id(struct scan *s, char *out, size_t cap, int *cut)
{
	size_t len = 0;

	out[0] = '\0';
	if (*s->p == '"') {
		if (read_quoted(s, out, cap, &len, cut) != 0) {
			out[0] = '\0';
			return -1;
		}
	} else {
		while (is_token_char((unsigned char)*s->p)) {
			put(out, cap, &len, *s->p, cut);
			s->p++;
		}
	}
	if (len == 0) {
		return fail(s, "no authserv-id");
	}
	tlsrpt_lower_str(out);
	return 0;
}

/*
 * read_pvalue - a property value into out (NULL: check and drop): a
 * quoted-string, optionally followed by "@domain" (a quoted local part),
 * or a run of value bytes.  *cut is set when out was too small.
 */
static int read_pvalue(struct scan *s, char *out, size_t cap, int *cut)
{
	size_t len = 0;

	if (out != NULL) {
		out[0] = '\0';
	}
	if (*s->p == '"') {
		if (read_quoted(s, out, cap, &len, cut) != 0) {
			return -1;
		}
		if (*s->p != '@') {
			return 0;
		}
	}
	if (!is_pvalue_char((unsigned char)*s->p)) {
		return len > 0 ? 0 : fail(s, "empty value");
	}
	while (is_pvalue_char((unsigned char)*s->p)) {
		put(out, cap, &len, *s->p, cut);
		s->p++;
	}
	return 0;
}

/* skip_version - an optional version: 1*DIGIT; 1 when one was there */
static int skip_version(struct scan *s)
{
	if (*s->p < '0' || *s->p > '9') {
		return 0;
	}
	while (*s->p >= '0' && *s->p <= '9') {
		s->p++;
	}
	return 1;
}

/* lower - s in place to lower case (ASCII) */
/*
 * read_resinfo - one resinfo after its ";" and CFWS, up to the next ";" or
 * the end.  A dkim result goes into out (or is counted as dropped).
 */
static int read_resinfo(struct scan *s, const char *method, struct tlsrpt_authres *out)
{
	struct tlsrpt_authres_dkim scratch, *dk = NULL;
	char result[sizeof(scratch.result)];
	int is_dkim = strcmp(method, "dkim") == 0;

	/* method [ "/" version ] "=" result; the method is already read */
	if (skip_cfws(s) != 0) {
		return -1;
	}
	if (*s->p == '/') {
		s->p++;
		if (skip_cfws(s) != 0) {
			return -1;
		}
		if (!skip_version(s)) {
			return fail(s, "bad method version");
		}
		if (skip_cfws(s) != 0) {
			return -1;
		}
	}
	if (*s->p != '=') {
		return fail(s, "expected '=' after method");
	}
	s->p++;
	if (skip_cfws(s) != 0) {
		return -1;
	}
	if (read_keyword(s, result, sizeof(result), "no result") != 0) {
		return -1;
	}
	if (is_dkim) {
		dk = out->ndkim < TLSRPT_AUTHRES_MAX_DKIM ? &out->dkim[out->ndkim] : &scratch;
		memset(dk, 0, sizeof(*dk));
		memcpy(dk->result, result, sizeof(dk->result));
	}

	/* reasonspec and propspecs until ";" or the end */
	for (;;) {
		char ptype[64], prop[64];
		char *dst = NULL;
		int *cut = NULL;

		if (skip_cfws(s) != 0) {
			return -1;
		}
		if (*s->p == ';' || *s->p == '\0') {
			break;
		}
		if (read_keyword(s, ptype, sizeof(ptype), "expected a property") != 0) {
			return -1;
		}
		prop[0] = '\0';
		if (skip_cfws(s) != 0) {
			return -1;
		}
		if (*s->p == '.') {
			s->p++;
			if (skip_cfws(s) != 0 ||
			    read_keyword(s, prop, sizeof(prop), "expected a property") != 0 ||
			    skip_cfws(s) != 0) {
				return -1;
			}
		}
		if (*s->p != '=') {
			return fail(s, "expected '=' after property");
		}
		s->p++;
		if (skip_cfws(s) != 0) {
			return -1;
		}
		if (dk != NULL && strcmp(ptype, "header") == 0) {
			/* the first header.d / header.i counts */
			if (strcmp(prop, "d") == 0 && dk->domain[0] == '\0' && !dk->domain_cut) {
				dst = dk->domain;
				cut = &dk->domain_cut;
			} else if (strcmp(prop, "i") == 0 && dk->identity[0] == '\0' &&
			           !dk->identity_cut) {
				dst = dk->identity;
				cut = &dk->identity_cut;
			}
		}
		if (read_pvalue(s, dst, TLSRPT_AUTHRES_VALUE_MAX, cut) != 0) {
			return -1;
		}
		if (dk != NULL && dst == dk->domain) {
			tlsrpt_lower_str(dk->domain);
		}
	}
	if (is_dkim) {
		if (out->ndkim < TLSRPT_AUTHRES_MAX_DKIM) {
			out->ndkim++;
		} else {
			out->n_dropped++;
		}
	}
	return 0;
}

/* parse - the whole payload; -1 with s->err set */
static int parse(struct scan *s, struct tlsrpt_authres *out)
{
	size_t nres = 0;

	if (skip_cfws(s) != 0) {
		return -1;
	}
	if (*s->p == '\0') {
		return fail(s, "empty field");
	}
	if (read_authserv_id(s, out->authserv_id, sizeof(out->authserv_id), &out->id_cut) != 0) {
		return -1;
	}
	if (skip_cfws(s) != 0) {
		return -1;
	}
	if (skip_version(s) && skip_cfws(s) != 0) {
		return -1;
	}
	for (;;) {
		char method[64];

		if (*s->p == '\0') {
			break;
		}
		if (*s->p != ';') {
			return fail(s, nres == 0 ? "expected ';' after authserv-id"
			                         : "expected ';' between results");
		}
		s->p++;
		if (skip_cfws(s) != 0) {
			return -1;
		}
		if (*s->p == '\0' && nres > 0) {
			break; /* one trailing ';' */
		}
		if (read_keyword(s, method, sizeof(method), "expected a method") != 0) {
			return -1;
		}
		if (skip_cfws(s) != 0) {
			return -1;
		}
		if (strcmp(method, "none") == 0 && *s->p != '=' && *s->p != '/') {
			if (nres > 0 || *s->p != '\0') {
				return fail(s, "\"none\" together with results");
			}
			out->none = 1;
			return 0;
		}
		if (read_resinfo(s, method, out) != 0) {
			return -1;
		}
		nres++;
	}
	return nres > 0 ? 0 : fail(s, "no result");
}

/* tlsrpt_authres_parse - parse one field value into *out */
int tlsrpt_authres_parse(const char *value, struct tlsrpt_authres *out, char *err, size_t errlen)
{
	struct scan s;

	memset(out, 0, sizeof(*out));
	if (value == NULL) {
		value = "";
	}
	s.p = value;
	s.err = NULL;
	if (parse(&s, out) == 0) {
		return 0;
	}
	if (errlen > 0) {
		tlsrpt_errbuf_set(err, errlen, "%s at offset %zu",
		                  s.err != NULL ? s.err : "syntax error", (size_t)(s.p - value));
	}
	return -1;
}

/* tlsrpt_dkim_verdict_name - "none", "fail", "pass" */
const char *tlsrpt_dkim_verdict_name(enum tlsrpt_dkim_verdict v)
{
	switch (v) {
	case TLSRPT_DKIM_PASS:
		return "pass";
	case TLSRPT_DKIM_FAIL:
		return "fail";
	case TLSRPT_DKIM_NONE:
	default:
		return "none";
	}
}

/*
 * domain_span - the length of domain d without one trailing dot, or 0 when
 * d is not a plausible domain name (empty label, a byte outside
 * letters/digits/'-'/'_'); *labels gets the label count.
 */
static size_t domain_span(const char *d, size_t *labels)
{
	size_t len = strlen(d), i, label = 0;

	*labels = 0;
	if (len > 0 && d[len - 1] == '.') {
		len--;
	}
	if (len == 0 || len >= TLSRPT_AUTHRES_VALUE_MAX) {
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (d[i] == '.') {
			if (label == 0) {
				return 0;
			}
			(*labels)++;
			label = 0;
		} else if (is_keyword_char((unsigned char)d[i])) {
			label++;
		} else {
			return 0;
		}
	}
	if (label == 0) {
		return 0;
	}
	(*labels)++;
	return len;
}

/* tlsrpt_authres_domain_match - may signing domain d sign for submitter s? */
int tlsrpt_authres_domain_match(const char *d, const char *s)
{
	size_t dl, sl, dn, sn;
	const char *lng, *shrt;
	size_t ll, sh, shn;

	if (d == NULL || s == NULL) {
		return 0;
	}
	dl = domain_span(d, &dn);
	sl = domain_span(s, &sn);
	if (dl == 0 || sl == 0) {
		return 0;
	}
	if (dl == sl) {
		return strncasecmp(d, s, dl) == 0;
	}
	if (dl > sl) {
		lng = d, ll = dl, shrt = s, sh = sl, shn = sn;
	} else {
		lng = s, ll = sl, shrt = d, sh = dl, shn = dn;
	}
	if (shn < 2) {
		return 0; /* "com" is nobody's parent */
	}
	return lng[ll - sh - 1] == '.' && strncasecmp(lng + ll - sh, shrt, sh) == 0;
}

/*
 * signing_domain - header.d, else the domain of header.i, lower case, into
 * buf; "" when the value used was cut (its tail, the domain, is unknown)
 */
static void signing_domain(const struct tlsrpt_authres_dkim *dk, char *buf, size_t len)
{
	const char *d = dk->domain;

	if (dk->domain_cut) {
		d = "";
	} else if (d[0] == '\0') {
		const char *at = strrchr(dk->identity, '@');

		d = at != NULL && !dk->identity_cut ? at + 1 : "";
	}
	snprintf(buf, len, "%s", d);
	tlsrpt_lower_str(buf);
}

/* is_trusted - is id (lower case) one of trusted[], ignoring case? */
static int is_trusted(const char *id, const char *const *trusted, size_t ntrusted)
{
	size_t i;

	for (i = 0; i < ntrusted; i++) {
		if (trusted[i] != NULL && strcasecmp(id, trusted[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

/*
 * field_verdict - PASS when one of the field's DKIM results is pass for
 * submitter's domain, FAIL when it has a result other than none, NONE
 * otherwise; domain as for tlsrpt_authres_verdict()
 */
static enum tlsrpt_dkim_verdict field_verdict(const struct tlsrpt_authres *ar,
                                              const char *submitter, char *domain, size_t domainlen)
{
	enum tlsrpt_dkim_verdict v = TLSRPT_DKIM_NONE;
	char first[TLSRPT_AUTHRES_VALUE_MAX] = "";
	char dom[TLSRPT_AUTHRES_VALUE_MAX];
	size_t j;

	for (j = 0; j < ar->ndkim; j++) {
		const struct tlsrpt_authres_dkim *dk = &ar->dkim[j];

		if (strcmp(dk->result, "none") == 0) {
			continue;
		}
		v = TLSRPT_DKIM_FAIL;
		signing_domain(dk, dom, sizeof(dom));
		if (strcmp(dk->result, "pass") == 0 && submitter != NULL && submitter[0] != '\0' &&
		    tlsrpt_authres_domain_match(dom, submitter)) {
			snprintf(domain, domainlen, "%s", dom);
			return TLSRPT_DKIM_PASS;
		}
		if (first[0] == '\0') {
			memcpy(first, dom, sizeof(first));
		}
	}
	snprintf(domain, domainlen, "%s", first);
	return v;
}

/* tlsrpt_authres_verdict - the verifier's field decides; PASS, FAIL or NONE */
enum tlsrpt_dkim_verdict tlsrpt_authres_verdict(const char *const *fields, size_t n,
                                                const char *const *trusted, size_t ntrusted,
                                                const char *submitter, char *domain,
                                                size_t domainlen)
{
	struct tlsrpt_authres ar;
	char dom[TLSRPT_AUTHRES_VALUE_MAX] = "";
	enum tlsrpt_dkim_verdict v = TLSRPT_DKIM_NONE;
	char err[8];
	size_t i;
	int rc;

	for (i = 0; i < n && ntrusted > 0; i++) {
		if (fields[i] == NULL) {
			continue;
		}
		rc = tlsrpt_authres_parse(fields[i], &ar, err, sizeof(err));
		if (ar.authserv_id[0] == '\0') {
			v = TLSRPT_DKIM_FAIL; /* whose it is cannot be told: it may be ours */
			break;
		}
		if (ar.id_cut || !is_trusted(ar.authserv_id, trusted, ntrusted)) {
			continue;
		}
		if (rc != 0) {
			v = TLSRPT_DKIM_FAIL; /* ours, but unreadable: nothing below counts */
			break;
		}
		if (ar.ndkim > 0 || ar.none) {
			v = field_verdict(&ar, submitter, dom, sizeof(dom));
			break;
		}
		/* ours without a DKIM statement (SPF, DMARC): the DKIM verifier's is further down
		 */
	}
	if (domain != NULL && domainlen > 0) {
		snprintf(domain, domainlen, "%s", v != TLSRPT_DKIM_NONE ? dom : "");
	}
	return v;
}
