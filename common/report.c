/*
 * report.c - the RFC 8460 report model and its JSON parser
 *
 * The JSON text is parsed with cJSON_ParseWithLengthOpts (its return_parse_end
 * gives the error position; cJSON_GetErrorPtr is global and never used)
 * into a per-report arena (arena.h), and struct tlsrpt_report is built in
 * the same arena, its strings pointing at the tree's own strings (no
 * copies).  The report owns the arena: tlsrpt_report_free releases tree
 * and model in one step, and nothing is ever freed node by node.  The
 * arena has a maximum (the caller's max_tree, 4 x MaxReportSize in the
 * pipeline): a text of any shape, e.g. {"policies":[0,0,...]} where each
 * 2-byte element becomes a 64-byte node, costs at most that much memory
 * and the time to build it, and is refused with "JSON tree over N bytes".
 *
 * The one exception to "no globals" in common/: cJSON's allocation hooks
 * are process-wide, so they are installed once (pthread_once, the other
 * static) and send each allocation to the calling thread's current arena,
 * a thread-local pointer set only for the duration of
 * cJSON_ParseWithLengthOpts inside tlsrpt_report_parse; with no current
 * arena they are plain malloc and free, so any other cJSON use in the
 * process is unaffected.  While a parse runs every cJSON allocation of the
 * thread comes from its arena, so the free hook does nothing then (cJSON
 * frees a partial tree node by node when a parse fails; the arena goes in
 * one step afterwards).
 *
 * One reading only: the members of every object read are picked in one
 * pass over the object, and a name we read that occurs twice is refused
 * (JSON readers differ on which one wins).  The text is checked for what
 * the tree hides: a NUL in a string (escaped \u0000 or raw: the C string
 * would end there), anything but white space after the report object, and
 * session counts are read from their own digits, not from cJSON's double
 * (2^53 + 1 would round to 2^53).  To find a number's digits, the number
 * nodes are paired in document order with the number tokens of the text
 * after parsing, and valueint (unused otherwise) is set to the token's
 * byte offset.  These checks cost little next to cJSON's own parse: the
 * text is read once more only between strings (each string is stepped
 * over with memchr for its closing quote), and NULs and escapes are found
 * with memchr over the whole text (doc/performance.md).
 *
 * Rules (what real senders send, see tests/unit/test_report.c):
 *   - a string field of another JSON type (null, number, ...) is absent;
 *   - "mx-host" may be a string or an array of strings (joined with ",");
 *   - "policy-string" is normally an array of strings; a lone string is
 *     taken as a one-element array; other elements are skipped; a TLSA
 *     element holding a JSON-encoded array is kept verbatim;
 *   - date-times are kept verbatim (some senders leave out the time zone);
 *   - "failure-error-code" (draft name) stands in for a missing
 *     "failure-reason-code";
 *   - "date-range", "policy", "summary", "failure-details" of the wrong
 *     type and failure-detail entries that are not objects are ignored;
 *   - a missing session count is 0.
 * Refused, with the reason in err: text that is not JSON ("not JSON (at
 * byte N)"), a report that is not an object, no "policies" member ("no
 * policies array") or one that is not an array, a policy entry that is
 * not an object, a session count that is not an integer in 0..2^53
 * ("<key> is not a non-negative integer"), a member name read twice in one
 * object ("duplicate member <name>"), a NUL in any string ("NUL character
 * in a JSON string (at byte N)"), data after the report object ("trailing
 * data after the report object (at byte N)") and a tree over the maximum
 * ("JSON tree over N bytes").  Over the shared budget is not a refusal
 * but a busy condition (-2, "memory budget exhausted").
 *
 * This is the only module that includes cJSON.h.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "errbuf.h"
#include "arena.h"
#include "tlsrpt_limits.h"
#include "report.h"

#define MAX_COUNT 9007199254740992ULL /* 2^53: largest count accepted */

/* the report and the arena that holds it (and its tree); report first */
struct owned_report {
	struct tlsrpt_report r;
	struct tlsrpt_arena *arena;
};

/* one parse: the text, its tree's arena and bound, where reasons go */
struct ctx {
	const char *text;
	size_t len;
	struct tlsrpt_arena *arena;
	size_t max_tree;
	char *err;
	size_t errlen;
};

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static __thread struct tlsrpt_arena *current; /* set only inside tlsrpt_report_parse */

/* hook_malloc - cJSON's allocator: the thread's current arena, else malloc */
static void *hook_malloc(size_t n)
{
	return current != NULL ? tlsrpt_arena_alloc(current, n) : malloc(n);
}

/* hook_free - cJSON's free: nothing while parsing (it is arena memory, freed with the arena) */
static void hook_free(void *ptr)
{
	if (current == NULL) {
		free(ptr);
	}
}

/* install_hooks - once per process */
static void install_hooks(void)
{
	cJSON_Hooks h = {hook_malloc, hook_free};

	cJSON_InitHooks(&h);
}

/* is - whether node v is present and of cJSON type t (cJSON_IsString & co., inlined) */
static inline int is(const cJSON *v, int t)
{
	return v != NULL && (v->type & 0xFF) == t;
}

/* str - the string of node v, or NULL when v is absent or not a string */
static char *str(const cJSON *v)
{
	return is(v, cJSON_String) ? v->valuestring : NULL;
}

/* digits_value - the JSON number token at t as a count; 0 ok, -1 not an integer in 0..2^53 */
static int digits_value(const char *t, const char *end, uint64_t *out)
{
	const char *d0, *d1, *f0, *f1;
	long exp = 0, e;
	int neg = 0, eneg = 0;
	uint64_t v = 0;

	if (t < end && *t == '-') {
		neg = 1;
		t++;
	}
	for (d0 = t; t < end && *t >= '0' && *t <= '9'; t++) {
	}
	d1 = t;
	f0 = f1 = t;
	if (t < end && *t == '.') {
		for (f0 = ++t; t < end && *t >= '0' && *t <= '9'; t++) {
		}
		f1 = t;
	}
	if (t < end && (*t == 'e' || *t == 'E')) {
		t++;
		if (t < end && (*t == '+' || *t == '-')) {
			eneg = *t++ == '-';
		}
		for (; t < end && *t >= '0' && *t <= '9'; t++) {
			exp = exp < 100000 ? exp * 10 + (*t - '0') : exp;
		}
		exp = eneg ? -exp : exp;
	}
	/* significant digits: integer part then fraction, leading and trailing zeros dropped */
	while (d0 < d1 && *d0 == '0') {
		d0++;
	}
	if (d0 == d1) {
		while (f0 < f1 && *f0 == '0') {
			f0++;
			exp--;
		}
	}
	while (f1 > f0 && f1[-1] == '0') {
		f1--;
	}
	if (f1 == f0) {
		while (d1 > d0 && d1[-1] == '0') {
			d1--;
			exp++;
		}
	}
	exp -= f1 - f0; /* value = digits(d0..d1 f0..f1) x 10^exp */
	if (d0 == d1 && f0 == f1) {
		*out = 0; /* zero, also -0 and 0.0e5 */
		return 0;
	}
	if (neg || exp < 0 || (d1 - d0) + (f1 - f0) + exp > 16) {
		return -1;
	}
	for (; d0 < d1; d0++) {
		v = v * 10 + (uint64_t)(*d0 - '0');
	}
	for (; f0 < f1; f0++) {
		v = v * 10 + (uint64_t)(*f0 - '0');
	}
	for (e = 0; e < exp; e++) {
		v *= 10;
	}
	if (v > MAX_COUNT) {
		return -1;
	}
	*out = v;
	return 0;
}

/* count - node v (member key) as a session count; 0 ok (absent: 0), -1 refused (err) */
static int count(const struct ctx *c, const cJSON *v, const char *key, uint64_t *out)
{
	*out = 0;
	if (v == NULL) {
		return 0;
	}
	if (!is(v, cJSON_Number) || v->valueint < 0 || (size_t)v->valueint >= c->len ||
	    digits_value(c->text + v->valueint, c->text + c->len, out) < 0) {
		*out = 0;
		tlsrpt_errbuf_set(c->err, c->errlen, "%s is not a non-negative integer", key);
		return -1;
	}
	return 0;
}

/* pick - the members of object o named in names (n of them), in one pass; -1 on a duplicate (err)
 */
static int pick(const struct ctx *c, const cJSON *o, const char *const *names, size_t n,
                const cJSON **m)
{
	const cJSON *e;
	size_t i;

	for (i = 0; i < n; i++) {
		m[i] = NULL;
	}
	if (!is(o, cJSON_Object)) {
		return 0;
	}
	for (e = o->child; e != NULL; e = e->next) {
		if (e->string == NULL) {
			continue;
		}
		for (i = 0; i < n; i++) {
			if (e->string[0] == names[i][0] && strcmp(e->string, names[i]) == 0) {
				if (m[i] != NULL) {
					tlsrpt_errbuf_set(c->err, c->errlen, "duplicate member %s",
					                  names[i]);
					return -1;
				}
				m[i] = e;
				break;
			}
		}
	}
	return 0;
}

/* nomem - an allocation failed: say which bound (or malloc) refused it; -1 */
static int nomem(const struct ctx *c)
{
	char n[64];

	switch (tlsrpt_arena_refusal(c->arena)) {
	case TLSRPT_ARENA_OVER_MAX:
		snprintf(n, sizeof(n), "%zu bytes", c->max_tree);
		tlsrpt_errbuf_set(c->err, c->errlen, "JSON tree over %s", n);
		break;
	case TLSRPT_ARENA_OVER_BUDGET:
		tlsrpt_errbuf_set(c->err, c->errlen, "memory budget exhausted");
		break;
	default:
		tlsrpt_errbuf_set(c->err, c->errlen, "out of memory");
		break;
	}
	return -1;
}

/* joinstr - the strings of a string or an array, joined with ","; NULL when none */
static int joinstr(struct tlsrpt_arena *a, const cJSON *v, char **out)
{
	const cJSON *e;
	size_t len = 0, n = 0;
	char *s;

	*out = NULL;
	if (is(v, cJSON_String)) {
		*out = v->valuestring;
		return 0;
	}
	if (!is(v, cJSON_Array)) {
		return 0;
	}
	cJSON_ArrayForEach(e, v)
	{
		if (is(e, cJSON_String) && e->valuestring != NULL) {
			len += strlen(e->valuestring) + 1;
			n++;
		}
	}
	if (n == 0) {
		return 0;
	}
	s = tlsrpt_arena_alloc(a, len);
	if (s == NULL) {
		return -1;
	}
	len = 0;
	cJSON_ArrayForEach(e, v)
	{
		if (is(e, cJSON_String) && e->valuestring != NULL) {
			size_t l = strlen(e->valuestring);

			if (len > 0) {
				s[len++] = ',';
			}
			memcpy(s + len, e->valuestring, l);
			len += l;
		}
	}
	s[len] = '\0';
	*out = s;
	return 0;
}

/* strlist - the strings of a string or an array as a list; 0 ok, -1 out of memory */
static int strlist(struct tlsrpt_arena *a, const cJSON *v, char ***out, size_t *n)
{
	const cJSON *e;
	size_t cnt = 0;

	*out = NULL;
	*n = 0;
	if (is(v, cJSON_String) && v->valuestring != NULL) {
		cnt = 1;
	} else if (is(v, cJSON_Array)) {
		cJSON_ArrayForEach(e, v)
		{
			cnt += is(e, cJSON_String) && e->valuestring != NULL;
		}
	}
	if (cnt == 0) {
		return 0;
	}
	*out = tlsrpt_arena_alloc(a, cnt * sizeof(**out));
	if (*out == NULL) {
		return -1;
	}
	if (is(v, cJSON_String)) {
		(*out)[0] = v->valuestring;
		*n = 1;
		return 0;
	}
	cJSON_ArrayForEach(e, v)
	{
		if (is(e, cJSON_String) && e->valuestring != NULL) {
			(*out)[(*n)++] = e->valuestring;
		}
	}
	return 0;
}

/* the members of a failure-details entry, in the order of fd_names */
enum fd_key {
	FD_RESULT_TYPE,
	FD_SENDING_MTA_IP,
	FD_RECEIVING_MX_HOSTNAME,
	FD_RECEIVING_MX_HELO,
	FD_RECEIVING_IP,
	FD_FAILURE_REASON_CODE,
	FD_FAILURE_ERROR_CODE,
	FD_ADDITIONAL_INFORMATION,
	FD_FAILED_SESSION_COUNT,
	FD_NKEYS
};

static const char *const fd_names[FD_NKEYS] = {
        "result-type",        "sending-mta-ip",         "receiving-mx-hostname",
        "receiving-mx-helo",  "receiving-ip",           "failure-reason-code",
        "failure-error-code", "additional-information", "failed-session-count",
};

/* the members read of the report, its date-range, a policies entry, its policy and summary */
enum { R_ORG, R_DATE_RANGE, R_CONTACT, R_REPORT_ID, R_POLICIES, R_NKEYS };
static const char *const r_names[R_NKEYS] = {"organization-name", "date-range", "contact-info",
                                             "report-id", "policies"};
enum { D_START, D_END, D_NKEYS };
static const char *const d_names[D_NKEYS] = {"start-datetime", "end-datetime"};
enum { E_POLICY, E_SUMMARY, E_FAILURE_DETAILS, E_NKEYS };
static const char *const e_names[E_NKEYS] = {"policy", "summary", "failure-details"};
enum { P_TYPE, P_STRING, P_DOMAIN, P_MX_HOST, P_NKEYS };
static const char *const p_names[P_NKEYS] = {"policy-type", "policy-string", "policy-domain",
                                             "mx-host"};
enum { S_SUCCESS, S_FAILURE, S_NKEYS };
static const char *const s_names[S_NKEYS] = {"total-successful-session-count",
                                             "total-failure-session-count"};

/* parse_failure - one failure-details entry (an object); 0 ok, -1 refused (err) */
static int parse_failure(const struct ctx *c, const cJSON *o, struct tlsrpt_failure *f)
{
	const cJSON *m[FD_NKEYS];

	if (pick(c, o, fd_names, FD_NKEYS, m) < 0) {
		return -1;
	}
	f->result_type = str(m[FD_RESULT_TYPE]);
	f->sending_mta_ip = str(m[FD_SENDING_MTA_IP]);
	f->receiving_mx_hostname = str(m[FD_RECEIVING_MX_HOSTNAME]);
	f->receiving_mx_helo = str(m[FD_RECEIVING_MX_HELO]);
	f->receiving_ip = str(m[FD_RECEIVING_IP]);
	f->failure_reason_code = str(m[FD_FAILURE_REASON_CODE]);
	if (f->failure_reason_code == NULL) {
		f->failure_reason_code = str(m[FD_FAILURE_ERROR_CODE]);
	}
	f->additional_information = str(m[FD_ADDITIONAL_INFORMATION]);
	return count(c, m[FD_FAILED_SESSION_COUNT], "failed-session-count",
	             &f->failed_session_count);
}

/* parse_policy - one policies entry (an object); 0 ok, -1 refused or out of memory (err) */
static int parse_policy(const struct ctx *c, const cJSON *o, struct tlsrpt_policy *p)
{
	const cJSON *em[E_NKEYS], *pm[P_NKEYS], *sm[S_NKEYS];
	const cJSON *e, *fd;
	size_t n = 0;

	if (pick(c, o, e_names, E_NKEYS, em) < 0 ||
	    pick(c, em[E_POLICY], p_names, P_NKEYS, pm) < 0 ||
	    pick(c, em[E_SUMMARY], s_names, S_NKEYS, sm) < 0) {
		return -1;
	}
	p->policy_type = str(pm[P_TYPE]);
	p->policy_domain = str(pm[P_DOMAIN]);
	if (strlist(c->arena, pm[P_STRING], &p->policy_string, &p->npolicy_string) < 0 ||
	    joinstr(c->arena, pm[P_MX_HOST], &p->mx_host) < 0) {
		return nomem(c);
	}
	if (count(c, sm[S_SUCCESS], s_names[S_SUCCESS], &p->total_successful_session_count) < 0 ||
	    count(c, sm[S_FAILURE], s_names[S_FAILURE], &p->total_failure_session_count) < 0) {
		return -1;
	}
	fd = em[E_FAILURE_DETAILS];
	if (!is(fd, cJSON_Array)) {
		return 0;
	}
	cJSON_ArrayForEach(e, fd)
	{
		n += is(e, cJSON_Object);
	}
	if (n == 0) {
		return 0;
	}
	p->failure_details = tlsrpt_arena_calloc(c->arena, n, sizeof(*p->failure_details));
	if (p->failure_details == NULL) {
		return nomem(c);
	}
	cJSON_ArrayForEach(e, fd)
	{
		if (!is(e, cJSON_Object)) {
			continue;
		}
		if (parse_failure(c, e, &p->failure_details[p->nfailure_details++]) < 0) {
			return -1;
		}
	}
	return 0;
}

/* parse_report - the top-level object; 0 ok, -1 refused or out of memory (err) */
static int parse_report(const struct ctx *c, const cJSON *root, struct tlsrpt_report *r)
{
	const cJSON *rm[R_NKEYS], *dm[D_NKEYS];
	const cJSON *e, *pols;
	size_t n = 0;

	if (!is(root, cJSON_Object)) {
		tlsrpt_errbuf_set(c->err, c->errlen, "report is not a JSON object");
		return -1;
	}
	if (pick(c, root, r_names, R_NKEYS, rm) < 0 ||
	    pick(c, rm[R_DATE_RANGE], d_names, D_NKEYS, dm) < 0) {
		return -1;
	}
	r->organization_name = str(rm[R_ORG]);
	r->start_datetime = str(dm[D_START]);
	r->end_datetime = str(dm[D_END]);
	r->contact_info = str(rm[R_CONTACT]);
	r->report_id = str(rm[R_REPORT_ID]);
	pols = rm[R_POLICIES];
	if (pols == NULL) {
		tlsrpt_errbuf_set(c->err, c->errlen, "no policies array");
		return -1;
	}
	if (!is(pols, cJSON_Array)) {
		tlsrpt_errbuf_set(c->err, c->errlen, "policies is not an array");
		return -1;
	}
	/* every entry an object before any storage is allocated for them */
	cJSON_ArrayForEach(e, pols)
	{
		if (!is(e, cJSON_Object)) {
			tlsrpt_errbuf_set(c->err, c->errlen, "policy entry is not a JSON object");
			return -1;
		}
		n++;
	}
	if (n == 0) {
		return 0;
	}
	r->policies = tlsrpt_arena_calloc(c->arena, n, sizeof(*r->policies));
	if (r->policies == NULL) {
		return nomem(c);
	}
	cJSON_ArrayForEach(e, pols)
	{
		if (parse_policy(c, e, &r->policies[r->npolicies++]) < 0) {
			return -1;
		}
	}
	return 0;
}

/* a cursor over the number tokens of a JSON text, in document order */
struct numscan {
	const char *t;
	size_t len, pos;
};

/*
 * string_end - offset just past the string whose contents start at i (after
 * its opening quote), or len.  The closing quote is found with memchr: a
 * quote is the end unless an odd run of backslashes stands before it (each
 * backslash of the run lies in this string, as the opening quote bounds it).
 * After an escaped quote the rest of the string is read byte by byte, each
 * escape stepped over, so that a string of many \" costs no memchr each.
 */
static size_t string_end(const char *t, size_t i, size_t len)
{
	const char *q = i < len ? memchr(t + i, '"', len - i) : NULL;
	size_t k, b;

	if (q == NULL) {
		return len;
	}
	k = (size_t)(q - t);
	for (b = k; b > i && t[b - 1] == '\\'; b--) {
	}
	if ((k - b) % 2 == 0) {
		return k + 1;
	}
	for (i = k + 1; i < len && t[i] != '"'; i++) {
		i += t[i] == '\\';
	}
	return i < len ? i + 1 : len;
}

/* what starts a token the number cursor stops at, by byte: a string or a number */
enum { TOK_NONE, TOK_STRING, TOK_NUMBER };
static const unsigned char tok_start[256] = {
        ['"'] = TOK_STRING, ['-'] = TOK_NUMBER, ['0'] = TOK_NUMBER, ['1'] = TOK_NUMBER,
        ['2'] = TOK_NUMBER, ['3'] = TOK_NUMBER, ['4'] = TOK_NUMBER, ['5'] = TOK_NUMBER,
        ['6'] = TOK_NUMBER, ['7'] = TOK_NUMBER, ['8'] = TOK_NUMBER, ['9'] = TOK_NUMBER,
};

/* next_number - offset of the next number token, or len when there is none */
static size_t next_number(struct numscan *s)
{
	const char *t = s->t;
	size_t i = s->pos, len = s->len;

	while (i < len) {
		switch (tok_start[(unsigned char)t[i]]) {
		case TOK_STRING:
			i = string_end(t, i + 1, len);
			break;
		case TOK_NUMBER: {
			size_t at = i;

			while (i < len &&
			       (t[i] == '-' || t[i] == '+' || t[i] == '.' || t[i] == 'e' ||
			        t[i] == 'E' || (unsigned)(t[i] - '0') < 10)) {
				i++;
			}
			s->pos = i;
			return at;
		}
		default:
			i++;
			break;
		}
	}
	s->pos = len;
	return len;
}

/* mark_numbers - set each number node's valueint to its token's offset (-1: not found) */
static void mark_numbers(cJSON *v, struct numscan *s)
{
	for (; v != NULL; v = v->next) {
		if (is(v, cJSON_Number)) {
			size_t at = next_number(s);

			v->valueint = at < s->len && at <= 0x7fffffff ? (int)at : -1;
		} else if (v->child != NULL) {
			mark_numbers(v->child, s);
		}
	}
}

/*
 * find_nul - offset of the first NUL in a string (raw, or escaped \u0000), or
 * len when none.  Only for a text cJSON parsed, up to white space after its
 * value: every backslash then lies in a string and the first one found opens
 * an escape, so the escapes are found from one to the next (the next 16
 * bytes read one by one, then memchr), and a raw NUL (cJSON takes one
 * between tokens as white space) by memchr alone.
 */
static size_t find_nul(const char *t, size_t len)
{
	const char *z = memchr(t, '\0', len), *b;
	size_t end = z != NULL ? (size_t)(z - t) : len, i = 0, stop;

	while (i < end) {
		if (t[i] != '\\') {
			for (stop = end - i > 16 ? i + 16 : end; i < stop && t[i] != '\\'; i++) {
			}
			if (i == stop) {
				if (i == end || (b = memchr(t + i, '\\', end - i)) == NULL) {
					break;
				}
				i = (size_t)(b - t);
			}
		}
		if (i + 5 < len && t[i + 1] == 'u' && memcmp(t + i + 2, "0000", 4) == 0) {
			return i;
		}
		i += 2;
	}
	return end;
}

/* check_text - what the tree hides: data after the value, a NUL in a string; 0 ok, -1 (err) */
static int check_text(const struct ctx *c, const char *end)
{
	size_t at = (size_t)(end - c->text);
	char pos[48];

	while (at < c->len && (c->text[at] == ' ' || c->text[at] == '\t' || c->text[at] == '\n' ||
	                       c->text[at] == '\r')) {
		at++;
	}
	if (at < c->len) {
		snprintf(pos, sizeof(pos), " (at byte %zu)", at);
		tlsrpt_errbuf_set(c->err, c->errlen, "trailing data after the report object%s",
		                  pos);
		return -1;
	}
	at = find_nul(c->text, c->len);
	if (at < c->len) {
		snprintf(pos, sizeof(pos), " (at byte %zu)", at);
		tlsrpt_errbuf_set(c->err, c->errlen, "NUL character in a JSON string%s", pos);
		return -1;
	}
	return 0;
}

/* tlsrpt_report_parse_bounded - parse len bytes of JSON into *out; 0, -1 refused, -2 busy (err) */
int tlsrpt_report_parse_bounded(const char *json, size_t len, size_t max_tree,
                                struct tlsrpt_budget *budget, size_t *spent,
                                struct tlsrpt_report **out, char *err, size_t errlen)
{
	/* a UTF-8 byte order mark before the text is not JSON, but RFC 8259 lets a parser skip it
	 */
	const size_t bom = len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	struct ctx c = {json + bom, len - bom, NULL, max_tree, err, errlen};
	struct owned_report *o;
	struct numscan ns = {json + bom, len - bom, 0};
	const char *end = NULL;
	cJSON *root;
	char pos[48];
	int rc = -1;

	*out = NULL;
	if (spent != NULL) {
		*spent = 0;
	}
	if (pthread_once(&hooks_once, install_hooks) != 0 ||
	    (c.arena = tlsrpt_arena_new(max_tree, budget)) == NULL) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return -1;
	}
	current = c.arena;
	json += bom;
	len -= bom;
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	current = NULL;
	if (root == NULL) {
		size_t at = end != NULL && end >= json ? (size_t)(end - json) : 0;

		if (tlsrpt_arena_refusal(c.arena) != TLSRPT_ARENA_OK) {
			nomem(&c);
		} else {
			snprintf(pos, sizeof(pos), " (at byte %zu)", at);
			tlsrpt_errbuf_set(err, errlen, "not JSON%s", pos);
		}
		goto fail;
	}
	if (check_text(&c, end) < 0) {
		goto fail;
	}
	mark_numbers(root, &ns);
	o = tlsrpt_arena_calloc(c.arena, 1, sizeof(*o));
	if (o == NULL) {
		nomem(&c);
		goto fail;
	}
	o->arena = c.arena;
	if (parse_report(&c, root, &o->r) < 0) {
		goto fail;
	}
	if (spent != NULL) {
		*spent = tlsrpt_arena_size(c.arena);
	}
	*out = &o->r;
	return 0;
fail:
	if (spent != NULL) {
		*spent = tlsrpt_arena_size(c.arena);
	}
	if (tlsrpt_arena_refusal(c.arena) == TLSRPT_ARENA_OVER_BUDGET) {
		rc = -2;
	}
	tlsrpt_arena_free(c.arena);
	return rc;
}

/* tlsrpt_report_parse - parse len bytes of JSON at the default bounds, no budget */
int tlsrpt_report_parse(const char *json, size_t len, struct tlsrpt_report **out, char *err,
                        size_t errlen)
{
	return tlsrpt_report_parse_bounded(json, len, TLSRPT_DEF_MAX_JSON_TREE, NULL, NULL, out,
	                                   err, errlen);
}

/* tlsrpt_report_free - release a parsed report with its tree, all in its arena; accepts NULL */
void tlsrpt_report_free(struct tlsrpt_report *r)
{
	if (r != NULL) {
		tlsrpt_arena_free(((struct owned_report *)(void *)r)->arena);
	}
}
