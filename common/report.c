/*
 * report.c - the RFC 8460 report model and its JSON parser
 *
 * The JSON text is parsed with cJSON_ParseWithLengthOpts (its return_parse_end
 * gives the error position; cJSON_GetErrorPtr is global and never used)
 * into a per-report arena (arena.h), and struct tlsrpt_report is built in
 * the same arena, its strings pointing at the tree's own strings (no
 * copies).  The report owns the arena: tlsrpt_report_free releases tree
 * and model in one step, and nothing is ever freed node by node.
 *
 * The one exception to "no globals" in common/: cJSON's allocation hooks
 * are process-wide, so they are installed once (pthread_once, the other
 * static) and send each allocation to the calling thread's current arena,
 * a thread-local pointer set only for the duration of
 * cJSON_ParseWithLengthOpts inside tlsrpt_report_parse; with no current
 * arena they are plain malloc and free, so any other cJSON use in the
 * process is unaffected.  The free hook ignores pointers into the current
 * arena (cJSON frees a partial tree when a parse fails).
 *
 * Failure-detail objects (tens of thousands in a large report) are read
 * in one pass over their members, the first member of each name counting,
 * as a lookup by name would.
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
 * not an object, and a session count that is not an integer in
 * 0..2^53 ("<key> is not a non-negative integer").
 *
 * This is the only module that includes cJSON.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "report.h"

#define MAX_SAFE_INTEGER 9007199254740992.0 /* 2^53: every integer up to it is exact */

/* the report and the arena that holds it (and its tree); report first */
struct owned_report {
	struct tlsrpt_report r;
	struct tlsrpt_arena *arena;
};

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static __thread struct tlsrpt_arena *current; /* set only inside tlsrpt_report_parse */

/* hook_malloc - cJSON's allocator: the thread's current arena, else malloc */
static void *hook_malloc(size_t n)
{
	return current != NULL ? tlsrpt_arena_alloc(current, n) : malloc(n);
}

/* hook_free - cJSON's free: arena memory goes with its arena */
static void hook_free(void *ptr)
{
	if (current == NULL || !tlsrpt_arena_owns(current, ptr)) {
		free(ptr);
	}
}

/* install_hooks - once per process */
static void install_hooks(void)
{
	cJSON_Hooks h = {hook_malloc, hook_free};

	cJSON_InitHooks(&h);
}

/* seterr - write a reason into err */
static void seterr(char *err, size_t errlen, const char *what, const char *detail)
{
	if (err != NULL && errlen > 0) {
		snprintf(err, errlen, "%s%s", what, detail);
	}
}

/* get - member key of object o, or NULL */
static const cJSON *get(const cJSON *o, const char *key)
{
	if (!cJSON_IsObject(o)) {
		return NULL;
	}
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* str - the string of node v, or NULL when v is absent or not a string */
static char *str(const cJSON *v)
{
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* count - node v (member key) as a session count; 0 ok (absent: 0), -1 refused (err) */
static int count(const cJSON *v, const char *key, uint64_t *out, char *err, size_t errlen)
{
	double d;

	*out = 0;
	if (v == NULL) {
		return 0;
	}
	if (!cJSON_IsNumber(v)) {
		seterr(err, errlen, key, " is not a non-negative integer");
		return -1;
	}
	d = v->valuedouble;
	if (!(d >= 0 && d <= MAX_SAFE_INTEGER) || (double)(uint64_t)d != d) {
		seterr(err, errlen, key, " is not a non-negative integer");
		return -1;
	}
	*out = (uint64_t)d;
	return 0;
}

/* getcount - member key as a session count; 0 ok (absent: 0), -1 refused (err) */
static int getcount(const cJSON *o, const char *key, uint64_t *out, char *err, size_t errlen)
{
	return count(get(o, key), key, out, err, errlen);
}

/* joinstr - the strings of a string or an array, joined with ","; NULL when none */
static int joinstr(struct tlsrpt_arena *a, const cJSON *v, char **out)
{
	const cJSON *e;
	size_t len = 0, n = 0;
	char *s;

	*out = NULL;
	if (cJSON_IsString(v)) {
		*out = v->valuestring;
		return 0;
	}
	if (!cJSON_IsArray(v)) {
		return 0;
	}
	cJSON_ArrayForEach(e, v)
	{
		if (cJSON_IsString(e) && e->valuestring != NULL) {
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
		if (cJSON_IsString(e) && e->valuestring != NULL) {
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
	if (cJSON_IsString(v) && v->valuestring != NULL) {
		cnt = 1;
	} else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(e, v)
		{
			cnt += cJSON_IsString(e) && e->valuestring != NULL;
		}
	}
	if (cnt == 0) {
		return 0;
	}
	*out = tlsrpt_arena_alloc(a, cnt * sizeof(**out));
	if (*out == NULL) {
		return -1;
	}
	if (cJSON_IsString(v)) {
		(*out)[0] = v->valuestring;
		*n = 1;
		return 0;
	}
	cJSON_ArrayForEach(e, v)
	{
		if (cJSON_IsString(e) && e->valuestring != NULL) {
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

/* fd_key - which failure-details member name k is, FD_NKEYS for none */
static enum fd_key fd_key(const char *k)
{
	int i;

	for (i = 0; i < FD_NKEYS; i++) {
		if (k[0] == fd_names[i][0] && strcmp(k, fd_names[i]) == 0) {
			return (enum fd_key)i;
		}
	}
	return FD_NKEYS;
}

/* parse_failure - one failure-details entry (an object); 0 ok, -1 refused (err) */
static int parse_failure(const cJSON *o, struct tlsrpt_failure *f, char *err, size_t errlen)
{
	const cJSON *m[FD_NKEYS] = {NULL};
	const cJSON *e;
	enum fd_key k;

	for (e = o->child; e != NULL; e = e->next) {
		if (e->string != NULL && (k = fd_key(e->string)) != FD_NKEYS && m[k] == NULL) {
			m[k] = e;
		}
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
	return count(m[FD_FAILED_SESSION_COUNT], "failed-session-count", &f->failed_session_count,
	             err, errlen);
}

/* parse_policy - one policies entry; 0 ok, -1 refused or out of memory (err) */
static int parse_policy(struct tlsrpt_arena *a, const cJSON *o, struct tlsrpt_policy *p, char *err,
                        size_t errlen)
{
	const cJSON *pol = get(o, "policy");
	const cJSON *sum = get(o, "summary");
	const cJSON *fd = get(o, "failure-details");
	const cJSON *e;
	size_t n = 0;

	if (!cJSON_IsObject(o)) {
		seterr(err, errlen, "policy entry is not a JSON object", "");
		return -1;
	}
	p->policy_type = str(get(pol, "policy-type"));
	p->policy_domain = str(get(pol, "policy-domain"));
	if (strlist(a, get(pol, "policy-string"), &p->policy_string, &p->npolicy_string) < 0 ||
	    joinstr(a, get(pol, "mx-host"), &p->mx_host) < 0) {
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
	if (getcount(sum, "total-successful-session-count", &p->total_successful_session_count, err,
	             errlen) < 0 ||
	    getcount(sum, "total-failure-session-count", &p->total_failure_session_count, err,
	             errlen) < 0) {
		return -1;
	}
	if (!cJSON_IsArray(fd)) {
		return 0;
	}
	cJSON_ArrayForEach(e, fd)
	{
		n += cJSON_IsObject(e);
	}
	if (n == 0) {
		return 0;
	}
	p->failure_details = tlsrpt_arena_calloc(a, n, sizeof(*p->failure_details));
	if (p->failure_details == NULL) {
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
	cJSON_ArrayForEach(e, fd)
	{
		if (!cJSON_IsObject(e)) {
			continue;
		}
		if (parse_failure(e, &p->failure_details[p->nfailure_details++], err, errlen) < 0) {
			return -1;
		}
	}
	return 0;
}

/* parse_report - the top-level object; 0 ok, -1 refused or out of memory (err) */
static int parse_report(struct tlsrpt_arena *a, const cJSON *root, struct tlsrpt_report *r,
                        char *err, size_t errlen)
{
	const cJSON *dr = get(root, "date-range");
	const cJSON *pols = get(root, "policies");
	const cJSON *e;
	size_t n;

	if (!cJSON_IsObject(root)) {
		seterr(err, errlen, "report is not a JSON object", "");
		return -1;
	}
	r->organization_name = str(get(root, "organization-name"));
	r->start_datetime = str(get(dr, "start-datetime"));
	r->end_datetime = str(get(dr, "end-datetime"));
	r->contact_info = str(get(root, "contact-info"));
	r->report_id = str(get(root, "report-id"));
	if (pols == NULL) {
		seterr(err, errlen, "no policies array", "");
		return -1;
	}
	if (!cJSON_IsArray(pols)) {
		seterr(err, errlen, "policies is not an array", "");
		return -1;
	}
	n = (size_t)cJSON_GetArraySize(pols);
	if (n == 0) {
		return 0;
	}
	r->policies = tlsrpt_arena_calloc(a, n, sizeof(*r->policies));
	if (r->policies == NULL) {
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
	cJSON_ArrayForEach(e, pols)
	{
		if (parse_policy(a, e, &r->policies[r->npolicies++], err, errlen) < 0) {
			return -1;
		}
	}
	return 0;
}

/* tlsrpt_report_parse - parse len bytes of JSON into *out; -1 and err when refused */
int tlsrpt_report_parse(const char *json, size_t len, struct tlsrpt_report **out, char *err,
                        size_t errlen)
{
	struct tlsrpt_arena *a;
	struct owned_report *o;
	const char *end = NULL;
	cJSON *root;
	char pos[48];

	*out = NULL;
	if (pthread_once(&hooks_once, install_hooks) != 0 || (a = tlsrpt_arena_new()) == NULL) {
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
	current = a;
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	current = NULL;
	if (root == NULL) {
		size_t at = end != NULL && end >= json ? (size_t)(end - json) : 0;

		tlsrpt_arena_free(a);
		snprintf(pos, sizeof(pos), " (at byte %zu)", at);
		seterr(err, errlen, "not JSON", pos);
		return -1;
	}
	o = tlsrpt_arena_calloc(a, 1, sizeof(*o));
	if (o == NULL) {
		tlsrpt_arena_free(a);
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
	o->arena = a;
	if (parse_report(a, root, &o->r, err, errlen) < 0) {
		tlsrpt_arena_free(a);
		return -1;
	}
	*out = &o->r;
	return 0;
}

/* tlsrpt_report_free - release a parsed report with its tree, all in its arena; accepts NULL */
void tlsrpt_report_free(struct tlsrpt_report *r)
{
	if (r != NULL) {
		tlsrpt_arena_free(((struct owned_report *)(void *)r)->arena);
	}
}
