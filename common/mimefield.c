/*
 * mimefield.c - MIME header-field values (see mimefield.h)
 *
 * A field value is read in place: mime_params() splits it into at most
 * TLSRPT_MIME_MAX_PARAMS (attribute, value) pairs pointing into the value,
 * then param_get() assembles one parameter into the caller's buffer,
 * preferring the RFC 2231 forms: name*= (extended, one piece), then
 * name*0, name*1, ... (each piece extended when its name ends in "*",
 * decoded %XX; the charset'language' prefix is dropped from the first),
 * then the plain name=.  Pieces are joined in number order whatever their
 * order in the field; numbering stops at the first gap, and a number with
 * a leading zero or more than three digits is not a piece.
 *
 * Bounds: the parameter vector on the stack, the caller's output buffers;
 * bytes that do not fit are dropped, NUL bytes from %00 are dropped.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "ascii.h"
#include "mimefield.h"

struct mime_param {
	const char *attr;
	size_t alen;
	const char *val; /* inside the quotes when quoted */
	size_t vlen;
	int quoted;
};

/* str_add - append c to the NUL-terminated out of size outsize, dropping what does not fit */
static void str_add(char *out, size_t outsize, size_t *len, char c)
{
	if (*len + 1 < outsize) {
		out[(*len)++] = c;
		out[*len] = '\0';
	}
}

/* str_addn - append the n bytes of s (no NUL among them) like str_add, each */
static void str_addn(char *out, size_t outsize, size_t *len, const char *s, size_t n)
{
	if (*len + 1 < outsize) {
		if (n > outsize - 1 - *len) {
			n = outsize - 1 - *len;
		}
		memcpy(out + *len, s, n);
		*len += n;
		out[*len] = '\0';
	}
}

/* skip_cfws - skip white space and (nested) comments */
static const char *skip_cfws(const char *p)
{
	int depth;

	for (;;) {
		while (tlsrpt_wsp(*p) || *p == '\r' || *p == '\n') {
			p++;
		}
		if (*p != '(') {
			return p;
		}
		depth = 0;
		for (; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0') {
				p++;
			} else if (*p == '(') {
				depth++;
			} else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
		}
	}
}

/* mime_params - split "; attr=value; ..." into at most max parameters */
static unsigned mime_params(const char *p, struct mime_param *pv, unsigned max)
{
	unsigned n = 0;
	const char *a;
	size_t alen;

	for (;;) {
		p = skip_cfws(p);
		if (*p != ';') {
			p = strchr(p, ';');
			if (p == NULL) {
				return n;
			}
		}
		p = skip_cfws(p + 1);
		a = p;
		alen = strcspn(p, "=; \t\r\n(\"");
		p = skip_cfws(p + alen);
		if (alen == 0 || *p != '=') {
			continue;
		}
		p = skip_cfws(p + 1);
		if (n < max) {
			pv[n].attr = a;
			pv[n].alen = alen;
		}
		if (*p == '"') {
			const char *v = ++p;

			while (*p != '\0' && *p != '"') {
				p += p[0] == '\\' && p[1] != '\0' ? 2 : 1;
			}
			if (n < max) {
				pv[n].val = v;
				pv[n].vlen = (size_t)(p - v);
				pv[n].quoted = 1;
				n++;
			}
			if (*p == '"') {
				p++;
			}
		} else {
			size_t vlen = strcspn(p, ";(");

			while (vlen > 0 && (tlsrpt_wsp(p[vlen - 1]) || p[vlen - 1] == '\r' ||
			                    p[vlen - 1] == '\n')) {
				vlen--;
			}
			if (n < max) {
				pv[n].val = p;
				pv[n].vlen = vlen;
				pv[n].quoted = 0;
				n++;
			}
			p += vlen;
		}
	}
}

/* param_value - append a parameter value, unquoted and, when extended, %-decoded */
static void param_value(const struct mime_param *pm, int ext, int first, char *out, size_t outsize,
                        size_t *len)
{
	const char *s = pm->val;
	const char *e = pm->val + pm->vlen;
	const char *q;
	char c;

	if (ext && first) {
		/* charset'language'value: drop the first two parts when present */
		q = memchr(s, '\'', pm->vlen);
		if (q != NULL) {
			q = memchr(q + 1, '\'', (size_t)(e - q - 1));
			if (q != NULL) {
				s = q + 1;
			}
		}
	}
	while (s < e) {
		/* a run that needs no unquoting or decoding: one copy of what fits;
		 * found with memchr when only NUL (and in quotes the backslash)
		 * ends it, which is every boundary and file name in practice */
		if (!ext) {
			const char *nul = memchr(s, '\0', (size_t)(e - s));
			const char *bs = pm->quoted ? memchr(s, '\\', (size_t)(e - s)) : NULL;
			q = nul != NULL ? nul : e;
			if (bs != NULL && bs < q) {
				q = bs;
			}
		} else {
			for (q = s; q < e && *q != '\0' && !(pm->quoted && *q == '\\') && *q != '%';
			     q++) {
			}
		}
		if (q > s) {
			str_addn(out, outsize, len, s, (size_t)(q - s));
			s = q;
			continue;
		}
		c = *s++;
		if (pm->quoted && c == '\\' && s < e) {
			c = *s++;
		} else if (ext && c == '%' && e - s >= 2 && tlsrpt_hexval(s[0]) >= 0 &&
		           tlsrpt_hexval(s[1]) >= 0) {
			c = (char)(tlsrpt_hexval(s[0]) << 4 | tlsrpt_hexval(s[1]));
			s += 2;
		}
		if (c != '\0') {
			str_add(out, outsize, len, c);
		}
	}
}

/* param_index - attr is name*N or name*N*: return N and set *ext, else -1 */
static int param_index(const struct mime_param *pm, const char *name, size_t nl, int *ext)
{
	const char *a = pm->attr;
	size_t i;
	int v = 0;

	if (pm->alen < nl + 2 || !tlsrpt_name_n_is(a, name, nl) || a[nl] != '*') {
		return -1;
	}
	for (i = nl + 1; i < pm->alen && a[i] >= '0' && a[i] <= '9'; i++) {
		if (i > nl + 3 || (i > nl + 1 && a[nl + 1] == '0')) {
			return -1; /* too many digits, or a leading zero */
		}
		v = v * 10 + (a[i] - '0');
	}
	if (i == nl + 1) {
		return -1;
	}
	*ext = 0;
	if (i < pm->alen && a[i] == '*') {
		*ext = 1;
		i++;
	}
	return i == pm->alen ? v : -1;
}

/* param_get - value of parameter name (RFC 2231 forms first) into out; 1 found, 0 not */
static int param_get(const struct mime_param *pv, unsigned n, const char *name, char *out,
                     size_t outsize)
{
	size_t nl = strlen(name);
	size_t len = 0;
	unsigned i;
	int k;
	int ext;
	int found;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (pv[i].alen == nl + 1 && tlsrpt_name_n_is(pv[i].attr, name, nl) &&
		    pv[i].attr[nl] == '*') {
			param_value(&pv[i], 1, 1, out, outsize, &len);
			return 1;
		}
	}
	for (k = 0; k < (int)TLSRPT_MIME_MAX_PARAMS; k++) {
		found = 0;
		for (i = 0; i < n && !found; i++) {
			if (param_index(&pv[i], name, nl, &ext) == k) {
				param_value(&pv[i], ext, k == 0, out, outsize, &len);
				found = 1;
			}
		}
		if (!found) {
			break;
		}
	}
	if (k > 0) {
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (pv[i].alen == nl && tlsrpt_name_n_is(pv[i].attr, name, nl)) {
			param_value(&pv[i], 0, 0, out, outsize, &len);
			return 1;
		}
	}
	return 0;
}

/* tlsrpt_mimefield_type - parse a Content-Type value: type/subtype, boundary, name */
void tlsrpt_mimefield_type(const char *v, struct tlsrpt_mime_ctype *ct)
{
	struct mime_param pv[TLSRPT_MIME_MAX_PARAMS];
	char b[TLSRPT_MAX_BOUNDARY + 2];
	const char *t;
	const char *s;
	size_t tl;
	size_t sl;
	size_t i;
	unsigned n;

	memset(ct, 0, sizeof(*ct));
	t = skip_cfws(v);
	tl = strcspn(t, "/;( \t\r\n\"");
	s = skip_cfws(t + tl);
	if (tl == 0 || *s != '/') {
		return; /* invalid: text/plain */
	}
	s = skip_cfws(s + 1);
	sl = strcspn(s, "/;( \t\r\n\"");
	if (sl == 0 || tl + 1 + sl > TLSRPT_MIME_TYPE_MAX) {
		return;
	}
	for (i = 0; i < tl; i++) {
		ct->type[i] = tlsrpt_lower(t[i]);
	}
	ct->type[tl] = '/';
	for (i = 0; i < sl; i++) {
		ct->type[tl + 1 + i] = tlsrpt_lower(s[i]);
	}
	ct->type[tl + 1 + sl] = '\0';
	n = mime_params(s + sl, pv, TLSRPT_MIME_MAX_PARAMS);
	param_get(pv, n, "name", ct->name, sizeof(ct->name));
	if (tl == 9 && strncmp(ct->type, "multipart", 9) == 0) {
		param_get(pv, n, "boundary", b, sizeof(b));
		if (b[0] == '\0' || strlen(b) > TLSRPT_MAX_BOUNDARY) {
			ct->type[0] = '\0'; /* no usable boundary: text/plain */
			return;
		}
		memcpy(ct->boundary, b, strlen(b) + 1);
		ct->multipart = 1;
	}
}

/* tlsrpt_mimefield_filename - the filename parameter of a Content-Disposition value */
int tlsrpt_mimefield_filename(const char *v, char *out, size_t outsize)
{
	struct mime_param pv[TLSRPT_MIME_MAX_PARAMS];
	unsigned n;

	n = mime_params(v, pv, TLSRPT_MIME_MAX_PARAMS);
	return param_get(pv, n, "filename", out, outsize);
}

/* tlsrpt_mimefield_cte - the encoding a Content-Transfer-Encoding value names */
enum tlsrpt_cte tlsrpt_mimefield_cte(const char *v)
{
	const char *t = skip_cfws(v);
	size_t tl = strcspn(t, " \t\r\n;(");

	if (tl == 6 && tlsrpt_name_n_is(t, "base64", 6)) {
		return TLSRPT_CTE_BASE64;
	}
	if (tl == 16 && tlsrpt_name_n_is(t, "quoted-printable", 16)) {
		return TLSRPT_CTE_QP;
	}
	return TLSRPT_CTE_IDENTITY;
}
