/*
 * logline.c - recognise and parse one tlsrpt-milter log line
 *
 * The header check is positional: the time stamp (or priority) and the
 * host are read from the start of the line and the tag must begin exactly
 * where they end.  The message is then parsed once into the struct's own
 * buffer: keys and decoded values, each NUL-terminated, so that a value
 * can be used as a C string (a NUL decoded from \x00 only shortens it).
 * Everything is bounded by TLSRPT_LOGLINE_MAX; no allocation.
 */
#include "config.h" /* _GNU_SOURCE: memmem, memrchr */

#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "identity.h"
#include "logline.h"

/* is_digit - ASCII decimal digit */
static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* header_end - offset where the tag must start, or -1; host set to the host token */
static long header_end(const char *s, size_t len, const char **host, size_t *hostlen)
{
	size_t i = 0;

	*host = "";
	*hostlen = 0;
	if (len >= 16 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z' && s[3] == ' ' &&
	    (s[4] == ' ' || is_digit(s[4])) && is_digit(s[5]) && s[6] == ' ' && is_digit(s[7]) &&
	    s[9] == ':' && s[12] == ':' && s[15] == ' ') {
		i = 16; /* "Dec  5 16:27:52 " */
	} else if (len >= 20 && is_digit(s[0]) && is_digit(s[3]) && s[4] == '-' && s[7] == '-' &&
	           (s[10] == 'T' || s[10] == 't')) {
		const char *sp = memchr(s, ' ', len);

		if (sp == NULL) {
			return -1;
		}
		i = (size_t)(sp - s) + 1;
	} else {
		/* "mail.info ": priority, no host */
		while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]))) {
			i++;
		}
		if (i == 0 || i >= len || s[i] != '.') {
			return -1;
		}
		i++;
		while (i < len && s[i] >= 'a' && s[i] <= 'z') {
			i++;
		}
		if (i >= len || s[i] != ' ') {
			return -1;
		}
		return (long)i + 1;
	}
	/* the host token */
	{
		size_t h = i;

		while (i < len && s[i] != ' ') {
			i++;
		}
		if (i == h || i >= len) {
			return -1;
		}
		*host = s + h;
		*hostlen = i - h;
		return (long)i + 1;
	}
}

/* tag_end - offset of the message after the tag at off ("tlsrpt-milter[123]: "), or -1 */
static long tag_end(const char *s, size_t len, size_t off)
{
	size_t i = off + sizeof(TLSRPT_LOGLINE_TAG) - 1;

	if (i > len || memcmp(s + off, TLSRPT_LOGLINE_TAG, sizeof(TLSRPT_LOGLINE_TAG) - 1) != 0) {
		return -1;
	}
	if (i < len && s[i] == '[') {
		size_t d = ++i;

		while (i < len && is_digit(s[i])) {
			i++;
		}
		if (i == d || i >= len || s[i] != ']') {
			return -1;
		}
		i++;
	}
	if (i + 1 >= len || s[i] != ':' || s[i + 1] != ' ') {
		return -1;
	}
	return (long)i + 2;
}

/* tlsrpt_logline_tagged - the line's syslog tag is ours */
int tlsrpt_logline_tagged(const char *line, size_t len)
{
	const char *host;
	size_t hostlen;
	long h = header_end(line, len, &host, &hostlen);

	return h >= 0 && tag_end(line, len, (size_t)h) >= 0;
}

/* put - copy n bytes plus a NUL into the buffer; NULL when full */
static char *put(struct tlsrpt_logline *ll, const char *s, size_t n)
{
	char *p;

	if (ll->used + n + 1 > sizeof(ll->buf)) {
		return NULL;
	}
	p = ll->buf + ll->used;
	memcpy(p, s, n);
	p[n] = '\0';
	ll->used += n + 1;
	return p;
}

/* event_of - the event for a word */
static enum tlsrpt_logline_event event_of(const char *w, size_t n)
{
	static const struct {
		const char *w;
		enum tlsrpt_logline_event ev;
	} words[] = {
	        {"report", TLSRPT_LL_REPORT},
	        {"policy", TLSRPT_LL_POLICY},
	        {"failure", TLSRPT_LL_FAILURE},
	        {"failure-omitted", TLSRPT_LL_FAILURE_OMITTED},
	        {"policy-omitted", TLSRPT_LL_POLICY_OMITTED},
	        {"report-omitted", TLSRPT_LL_REPORT_OMITTED},
	        {"error", TLSRPT_LL_ERROR},
	        {"ignored", TLSRPT_LL_IGNORED},
	        {"action", TLSRPT_LL_ACTION},
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strlen(words[i].w) == n && memcmp(words[i].w, w, n) == 0) {
			return words[i].ev;
		}
	}
	return TLSRPT_LL_OTHER;
}

/* add_field - record key/value (value already in the buffer); bare: not a kv quoted value */
static void add_field(struct tlsrpt_logline *ll, const char *key, const char *val, size_t vallen,
                      int bare)
{
	if (ll->nfields < TLSRPT_LOGLINE_MAX_FIELDS) {
		ll->f[ll->nfields].key = key;
		ll->f[ll->nfields].val = val;
		ll->f[ll->nfields].vallen = vallen;
		ll->f[ll->nfields].bare = bare;
		ll->f[ll->nfields].whole = 1;
		ll->nfields++;
	}
}

/* is_keychar - a character of a key */
static int is_keychar(char c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_' ||
	       (c >= 'A' && c <= 'Z');
}

/* parse_kv - "PREFIX: EVENT k=v ..."; 1 ok, 0 not ours */
static int parse_kv(struct tlsrpt_logline *ll, const char *s, size_t len)
{
	size_t i = 0, w;

	while (i < len && s[i] != ' ' && s[i] != ':') {
		i++;
	}
	if (i == 0 || i + 1 >= len || s[i] != ':' || s[i + 1] != ' ') {
		return 0;
	}
	if ((ll->prefix = put(ll, s, i)) == NULL) {
		return 0;
	}
	i += 2;
	w = i;
	while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-')) {
		i++;
	}
	if (i == w || (i < len && s[i] != ' ')) {
		return 0;
	}
	ll->event = event_of(s + w, i - w);
	if ((ll->word = put(ll, s + w, i - w)) == NULL) {
		return 0;
	}
	while (i < len) {
		size_t k, ke;
		const char *key;
		char *val;
		size_t vl = 0;
		int quoted;

		while (i < len && s[i] == ' ') {
			i++;
		}
		k = i;
		while (i < len && is_keychar(s[i])) {
			i++;
		}
		ke = i;
		if (i >= len || s[i] != '=' || ke == k) {
			/* not a field (the " ..." of a cut line): skip the token */
			while (i < len && s[i] != ' ') {
				i++;
			}
			continue;
		}
		i++;
		if ((key = put(ll, s + k, ke - k)) == NULL) {
			return 1;
		}
		val = ll->buf + ll->used;
		quoted = i < len && s[i] == '"';
		if (quoted) {
			size_t room = sizeof(ll->buf) - ll->used - 1;

			i++;
			while (i < len && s[i] != '"' && vl < room) {
				if (s[i] == '\\' && i + 1 < len) {
					if (s[i + 1] == 'x' && i + 3 < len &&
					    tlsrpt_hexval(s[i + 2]) >= 0 &&
					    tlsrpt_hexval(s[i + 3]) >= 0) {
						val[vl++] = (char)(tlsrpt_hexval(s[i + 2]) * 16 +
						                   tlsrpt_hexval(s[i + 3]));
						i += 4;
						continue;
					}
					if (s[i + 1] == '"' || s[i + 1] == '\\') {
						val[vl++] = s[i + 1];
						i += 2;
						continue;
					}
				}
				val[vl++] = s[i++];
			}
			if (i >= len || s[i] != '"') {
				ll->cut = 1; /* the line ends inside the quotes: the value is not
				                whole */
				return 1;
			}
			i++;
		} else {
			size_t b = i;

			while (i < len && s[i] != ' ') {
				i++;
			}
			vl = i - b;
			if (ll->used + vl + 1 > sizeof(ll->buf)) {
				return 1;
			}
			memcpy(val, s + b, vl);
		}
		val[vl] = '\0';
		ll->used += vl + 1;
		add_field(ll, key, val, vl, !quoted);
		if (!quoted && i >= len && ll->nfields > 0) {
			ll->f[ll->nfields - 1].whole = 0; /* nothing says the line went on */
		}
	}
	return 1;
}

/* utf8_put - encode code point cp at out; bytes written */
static size_t utf8_put(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* hex4 - four hex digits at s; -1 when not */
static long hex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int h = tlsrpt_hexval(s[i]);

		if (h < 0) {
			return -1;
		}
		v = v * 16 + h;
	}
	return v;
}

/*
 * json_string - decode the JSON string at s[*i] (at the quote) into the
 * buffer; NULL if bad, with *ended set when the text ran out first (a cut line)
 */
static char *json_string(struct tlsrpt_logline *ll, const char *s, size_t len, size_t *i,
                         size_t *outlen, int *ended)
{
	char *out = ll->buf + ll->used;
	size_t room = sizeof(ll->buf) - ll->used, n = 0, j = *i + 1;

	*ended = 0;
	while (j < len && s[j] != '"') {
		if (n + 5 >= room) {
			return NULL;
		}
		if (s[j] != '\\') {
			out[n++] = s[j++];
			continue;
		}
		if (j + 1 >= len) {
			*ended = 1;
			return NULL;
		}
		switch (s[j + 1]) {
		case '"':
		case '\\':
		case '/':
			out[n++] = s[j + 1];
			break;
		case 'b':
			out[n++] = '\b';
			break;
		case 'f':
			out[n++] = '\f';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case 'u': {
			long cp = j + 6 <= len ? hex4(s + j + 2) : -1;

			if (cp < 0) {
				*ended = j + 6 > len;
				return NULL;
			}
			j += 6;
			if (cp >= 0xd800 && cp <= 0xdbff && j + 6 <= len && s[j] == '\\' &&
			    s[j + 1] == 'u') {
				long lo = hex4(s + j + 2);

				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					j += 6;
				}
			}
			n += utf8_put((unsigned long)cp, out + n);
			continue;
		}
		default:
			return NULL;
		}
		j += 2;
	}
	if (j >= len) {
		*ended = 1;
		return NULL;
	}
	out[n] = '\0';
	ll->used += n + 1;
	*i = j + 1;
	*outlen = n;
	return out;
}

/* skip_ws - past JSON white space */
static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t')) {
		i++;
	}
	return i;
}

/*
 * parse_json - "@cee:{...}" flat object; 1 ok, 0 not ours.  A line that
 * ends inside the object (cut on its way) keeps the fields before the
 * cut, the last one only when a ',' or '}' followed it, and is marked cut.
 */
static int parse_json(struct tlsrpt_logline *ll, const char *s, size_t len)
{
	size_t i = skip_ws(s, len, 0);
	const char *ev;
	int ended = 0;

	if (i >= len || s[i] != '{') {
		return 0;
	}
	i = skip_ws(s, len, i + 1);
	if (i < len && s[i] == '}') {
		return 0;
	}
	for (;;) {
		char *key, *val;
		size_t kl, vl;

		if (i >= len) {
			ended = 1;
			break;
		}
		if (s[i] != '"' || (key = json_string(ll, s, len, &i, &kl, &ended)) == NULL) {
			if (ended) {
				break;
			}
			return 0;
		}
		i = skip_ws(s, len, i);
		if (i < len && s[i] != ':') {
			return 0;
		}
		i = skip_ws(s, len, i + 1);
		if (i >= len) {
			ended = 1;
			break;
		}
		if (s[i] == '"') {
			if ((val = json_string(ll, s, len, &i, &vl, &ended)) == NULL) {
				if (ended) {
					break;
				}
				return 0;
			}
		} else {
			size_t b = i;

			while (i < len &&
			       (is_digit(s[i]) || s[i] == '-' || s[i] == '+' || s[i] == '.' ||
			        s[i] == 'e' || s[i] == 'E' || (s[i] >= 'a' && s[i] <= 'z'))) {
				i++;
			}
			if (i >= len) {
				ended = 1; /* a number or word the cut may have shortened */
				break;
			}
			if (i == b || (val = put(ll, s + b, i - b)) == NULL) {
				return 0; /* nested object or array, or no room */
			}
			vl = i - b;
		}
		i = skip_ws(s, len, i);
		if (i >= len) {
			ended = 1; /* nothing says the line went on */
			add_field(ll, key, val, vl, 1);
			if (ll->nfields > 0 && s[i - 1] != '"') {
				ll->f[ll->nfields - 1].whole = 0;
			}
			break;
		}
		add_field(ll, key, val, vl, 1);
		if (s[i] == ',') {
			i = skip_ws(s, len, i + 1);
			continue;
		}
		if (s[i] == '}') {
			break;
		}
		return 0;
	}
	if ((ev = tlsrpt_logline_get(ll, "event", NULL)) == NULL) {
		return 0;
	}
	ll->word = ev;
	ll->event = event_of(ev, strlen(ev));
	ll->prefix = tlsrpt_logline_get(ll, "queue-id", NULL);
	if (ll->prefix == NULL) {
		ll->prefix = "";
	}
	ll->json = 1;
	ll->cut = ended;
	return 1;
}

/*
 * vouch - find the first reporter-kind field: when its value is exactly
 * one of the kind words (identity.h), the fields before it are whole and
 * vouched for; otherwise none is
 */
static void vouch(struct tlsrpt_logline *ll)
{
	size_t i;
	int k;

	ll->kind = -1;
	ll->nvouched = 0;
	for (i = 0; i < ll->nfields; i++) {
		if (strcmp(ll->f[i].key, "reporter-kind") == 0) {
			k = tlsrpt_identity_kind_parse(ll->f[i].val, ll->f[i].vallen);
			if (k >= 0 && ll->f[i].bare) {
				ll->kind = k;
				ll->nvouched = i;
			}
			return;
		}
	}
}

/* tlsrpt_logline_parse - recognise and parse one line */
int tlsrpt_logline_parse(struct tlsrpt_logline *ll, const char *line, size_t len, int flags)
{
	const char *msg = NULL, *host = "";
	size_t hostlen = 0, mlen;
	int rc;

	if (len > TLSRPT_LOGLINE_MAX) {
		return 0;
	}
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
		len--;
	}
	ll->event = TLSRPT_LL_OTHER;
	ll->json = 0;
	ll->cut = 0;
	ll->kind = -1;
	ll->nvouched = 0;
	ll->nfields = 0;
	ll->used = 0;
	ll->host = "";
	ll->prefix = "";
	ll->word = "";
	{
		long h = header_end(line, len, &host, &hostlen), t;

		if (h >= 0 && (t = tag_end(line, len, (size_t)h)) >= 0) {
			msg = line + t;
		}
	}
	if (msg == NULL) {
		if (!(flags & TLSRPT_LOGLINE_BARE)) {
			return 0;
		}
		msg = line;
		hostlen = 0;
	}
	if (hostlen > 0 && (ll->host = put(ll, host, hostlen)) == NULL) {
		return 0;
	}
	mlen = len - (size_t)(msg - line);
	if (mlen > 5 && memcmp(msg, "@cee:", 5) == 0) {
		rc = parse_json(ll, msg + 5, mlen - 5);
	} else {
		rc = parse_kv(ll, msg, mlen);
	}
	if (rc == 1) {
		vouch(ll);
	}
	return rc;
}

/* tlsrpt_logline_get - a field's value */
const char *tlsrpt_logline_get(const struct tlsrpt_logline *ll, const char *key, size_t *len)
{
	size_t i;

	for (i = 0; i < ll->nfields; i++) {
		if (strcmp(ll->f[i].key, key) == 0) {
			if (len != NULL) {
				*len = ll->f[i].vallen;
			}
			return ll->f[i].val;
		}
	}
	return NULL;
}

/* tlsrpt_logline_vget - a vouched field's value */
const char *tlsrpt_logline_vget(const struct tlsrpt_logline *ll, const char *key, size_t *len)
{
	size_t i;

	for (i = 0; i < ll->nvouched; i++) {
		if (strcmp(ll->f[i].key, key) == 0) {
			if (len != NULL) {
				*len = ll->f[i].vallen;
			}
			return ll->f[i].val;
		}
	}
	return NULL;
}

/* tlsrpt_logline_vcount - a vouched field as a count */
long long tlsrpt_logline_vcount(const struct tlsrpt_logline *ll, const char *key)
{
	size_t n, i;
	const char *v = tlsrpt_logline_vget(ll, key, &n);
	long long c = 0;

	if (v == NULL || n == 0 || n > 18) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!is_digit(v[i])) {
			return -1;
		}
		c = c * 10 + (v[i] - '0');
	}
	return c;
}

/* tlsrpt_logline_count - a field as a count */
long long tlsrpt_logline_count(const struct tlsrpt_logline *ll, const char *key)
{
	size_t n, i;
	const char *v = tlsrpt_logline_get(ll, key, &n);
	long long c = 0;

	if (v == NULL || n == 0 || n > 18) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!is_digit(v[i])) {
			return -1;
		}
		c = c * 10 + (v[i] - '0');
	}
	return c;
}
