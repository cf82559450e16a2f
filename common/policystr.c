/*
 * policystr.c - what a policy's policy-string says (rules in policystr.h)
 *
 * Every line is hashed as it is normalised, byte by byte, so nothing is
 * copied but the values logged (mode, max_age, mx), each into a bounded
 * buffer.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ascii.h"
#include "policystr.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* mix - the splitmix64 finaliser */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* the set hash: the sum of the lines' mixed hashes, and their number */
struct set {
	uint64_t sum, n;
};

/* set_add - one normalised line's FNV-1a hash into the set */
static void set_add(struct set *s, uint64_t h)
{
	s->sum += mix(h);
	s->n++;
}

/* fnv - FNV-1a of one byte onto h */
static uint64_t fnv(uint64_t h, unsigned char c)
{
	return (h ^ c) * FNV_PRIME;
}

/* blank - space or tab */
static int blank(char c)
{
	return c == ' ' || c == '\t';
}

/* trim - the span [*s, *e) without blanks at either end */
static void trim(const char **s, const char **e)
{
	while (*s < *e && blank(**s)) {
		(*s)++;
	}
	while (*e > *s && blank((*e)[-1])) {
		(*e)--;
	}
}

/* put - the span [s, e) into buf, cut one byte past TLSRPT_MAX_VALUE_LEN */
static void put(char *buf, size_t size, const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	if (n >= size) {
		n = size - 1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* append - ",span" (or the span when buf is empty) while buf has room */
static void append(char *buf, size_t size, const char *s, const char *e)
{
	size_t l = strlen(buf);

	if (l + 1 >= size) {
		return;
	}
	if (l > 0) {
		buf[l++] = ',';
		buf[l] = '\0';
	}
	put(buf + l, size - l, s, e);
}

/* sts_line - one "key: value" line [s, e): its hash, and mode, max_age and mx */
static void sts_line(const char *s, const char *e, struct set *set, struct tlsrpt_policystr *out)
{
	const char *colon, *ks = s, *ke, *vs, *ve = e, *p;
	uint64_t h = FNV_OFFSET;

	trim(&s, &e);
	if (s == e) {
		return;
	}
	colon = memchr(s, ':', (size_t)(e - s));
	if (colon == NULL) {
		for (p = s; p < e; p++) {
			h = fnv(h, (unsigned char)*p);
		}
		set_add(set, h);
		return;
	}
	ks = s;
	ke = colon;
	vs = colon + 1;
	ve = e;
	trim(&ks, &ke);
	trim(&vs, &ve);
	for (p = ks; p < ke; p++) {
		h = fnv(h, (unsigned char)tlsrpt_lower(*p));
	}
	h = fnv(h, ':');
	for (p = vs; p < ve; p++) {
		h = fnv(h, (unsigned char)*p);
	}
	set_add(set, h);
	if (ke - ks == 4 && tlsrpt_name_n_is(ks, "mode", 4) && out->mode[0] == '\0' && vs < ve) {
		put(out->mode, sizeof(out->mode), vs, ve);
	} else if (ke - ks == 7 && tlsrpt_name_n_is(ks, "max_age", 7) && out->max_age < 0 &&
	           vs < ve && ve - vs <= 18) {
		long long v = 0;

		for (p = vs; p < ve && *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (*p - '0');
		}
		if (p == ve) {
			out->max_age = v;
		}
	} else if (ke - ks == 2 && tlsrpt_name_n_is(ks, "mx", 2) && vs < ve) {
		append(out->mx, sizeof(out->mx), vs, ve);
	}
}

/* record - one TLSA record [s, e): lower case, runs of blanks as one space */
static void record(const char *s, const char *e, struct set *set)
{
	uint64_t h = FNV_OFFSET;
	int gap = 0;

	trim(&s, &e);
	if (s == e) {
		return;
	}
	for (; s < e; s++) {
		if (blank(*s)) {
			gap = 1;
			continue;
		}
		if (gap) {
			h = fnv(h, ' ');
			gap = 0;
		}
		h = fnv(h, (unsigned char)tlsrpt_lower(*s));
	}
	set_add(set, h);
}

/* tlsa_entry - one policy-string entry: a JSON array of records, or records one a line */
static void tlsa_entry(const char *s, struct set *set)
{
	const char *e = s + strlen(s), *p, *q;

	trim(&s, &e);
	if (s < e && *s == '[') {
		for (p = s; p < e; p = q + 1) {
			if ((p = memchr(p, '"', (size_t)(e - p))) == NULL) {
				break;
			}
			for (q = ++p; q < e && *q != '"'; q++) {
				q += *q == '\\' && q + 1 < e;
			}
			record(p, q, set);
			if (q >= e) {
				break;
			}
		}
		return;
	}
	for (p = s; p < e; p = q + (q < e)) {
		q = p + strcspn(p, "\r\n");
		if (q > e) {
			q = e;
		}
		record(p, q, set);
	}
}

/* put_hex - v as 16 lower-case hex digits (snprintf's "%016llx", without its cost) */
static void put_hex(char *out, size_t size, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";

	if (size < 17) {
		if (size > 0) {
			out[0] = '\0';
		}
		return;
	}
	for (int i = 15; i >= 0; i--) {
		out[i] = digits[v & 0xf];
		v >>= 4;
	}
	out[16] = '\0';
}

/* tlsrpt_policystr_read - what p's policy-string says */
void tlsrpt_policystr_read(const struct tlsrpt_policy *p, struct tlsrpt_policystr *out)
{
	const char *type = p->policy_type != NULL ? p->policy_type : "";
	int sts = tlsrpt_name_is(type, "sts"), tlsa = tlsrpt_name_is(type, "tlsa");
	struct set set = {0, 0};
	size_t i;

	memset(out, 0, sizeof(*out));
	out->max_age = -1;
	for (i = 0; i < p->npolicy_string; i++) {
		const char *s = p->policy_string[i], *e;

		if (s == NULL) {
			continue;
		}
		if (tlsa) {
			tlsa_entry(s, &set);
			continue;
		}
		for (; *s != '\0'; s = e + (*e != '\0')) {
			e = s + strcspn(s, "\r\n");
			if (sts) {
				sts_line(s, e, &set, out);
			} else {
				const char *a = s, *b = e, *c;
				uint64_t h = FNV_OFFSET;

				trim(&a, &b);
				for (c = a; c < b; c++) {
					h = fnv(h, (unsigned char)*c);
				}
				if (a < b) {
					set_add(&set, h);
				}
			}
		}
	}
	if (p->npolicy_string > 0) {
		put_hex(out->hash, sizeof(out->hash),
		        mix(set.sum ^ mix(set.n + 0x9e3779b97f4a7c15ULL)));
	}
}
