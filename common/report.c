/*
 * report.c - the RFC 8460 report model and its JSON parser
 *
 * The JSON text is parsed with cJSON_ParseWithLengthOpts (its return_parse_end
 * gives the error position; cJSON_GetErrorPtr is global and never used),
 * then copied into struct tlsrpt_report and the cJSON tree deleted.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "report.h"

#define MAX_SAFE_INTEGER 9007199254740992.0 /* 2^53: every integer up to it is exact */

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

/* dupstr - copy member key when it is a string; 0 ok (absent: *out NULL), -1 out of memory */
static int dupstr(const cJSON *o, const char *key, char **out)
{
	const cJSON *v = get(o, key);

	*out = NULL;
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		return 0;
	}
	*out = strdup(v->valuestring);
	return *out == NULL ? -1 : 0;
}

/* getcount - member key as a session count; 0 ok (absent: 0), -1 refused (err) */
static int getcount(const cJSON *o, const char *key, uint64_t *out, char *err, size_t errlen)
{
	const cJSON *v = get(o, key);
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

/* joinstr - the strings of a string or an array, joined with sep; NULL when none */
static int joinstr(const cJSON *v, char **out)
{
	const cJSON *e;
	size_t len = 0, n = 0;
	char *s;

	*out = NULL;
	if (cJSON_IsString(v) && v->valuestring != NULL) {
		*out = strdup(v->valuestring);
		return *out == NULL ? -1 : 0;
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
	s = malloc(len);
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
static int strlist(const cJSON *v, char ***out, size_t *n)
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
	*out = calloc(cnt, sizeof(**out));
	if (*out == NULL) {
		return -1;
	}
	if (cJSON_IsString(v)) {
		(*out)[0] = strdup(v->valuestring);
		*n = (*out)[0] != NULL;
		return *n == 1 ? 0 : -1;
	}
	cJSON_ArrayForEach(e, v)
	{
		if (cJSON_IsString(e) && e->valuestring != NULL) {
			(*out)[*n] = strdup(e->valuestring);
			if ((*out)[*n] == NULL) {
				return -1;
			}
			(*n)++;
		}
	}
	return 0;
}

/* parse_failure - one failure-details entry; 0 ok, -1 refused or out of memory (err) */
static int parse_failure(const cJSON *o, struct tlsrpt_failure *f, char *err, size_t errlen)
{
	if (dupstr(o, "result-type", &f->result_type) < 0 ||
	    dupstr(o, "sending-mta-ip", &f->sending_mta_ip) < 0 ||
	    dupstr(o, "receiving-mx-hostname", &f->receiving_mx_hostname) < 0 ||
	    dupstr(o, "receiving-mx-helo", &f->receiving_mx_helo) < 0 ||
	    dupstr(o, "receiving-ip", &f->receiving_ip) < 0 ||
	    dupstr(o, "failure-reason-code", &f->failure_reason_code) < 0 ||
	    dupstr(o, "additional-information", &f->additional_information) < 0) {
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
	if (f->failure_reason_code == NULL &&
	    dupstr(o, "failure-error-code", &f->failure_reason_code) < 0) {
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
	return getcount(o, "failed-session-count", &f->failed_session_count, err, errlen);
}

/* parse_policy - one policies entry; 0 ok, -1 refused or out of memory (err) */
static int parse_policy(const cJSON *o, struct tlsrpt_policy *p, char *err, size_t errlen)
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
	if (dupstr(pol, "policy-type", &p->policy_type) < 0 ||
	    dupstr(pol, "policy-domain", &p->policy_domain) < 0 ||
	    strlist(get(pol, "policy-string"), &p->policy_string, &p->npolicy_string) < 0 ||
	    joinstr(get(pol, "mx-host"), &p->mx_host) < 0) {
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
	p->failure_details = calloc(n, sizeof(*p->failure_details));
	if (p->failure_details == NULL) {
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
	cJSON_ArrayForEach(e, fd)
	{
		if (!cJSON_IsObject(e)) {
			continue;
		}
		/* Count it first so that a failed entry is freed with the policy. */
		p->nfailure_details++;
		if (parse_failure(e, &p->failure_details[p->nfailure_details - 1], err, errlen) <
		    0) {
			return -1;
		}
	}
	return 0;
}

/* parse_report - the top-level object; 0 ok, -1 refused or out of memory (err) */
static int parse_report(const cJSON *root, struct tlsrpt_report *r, char *err, size_t errlen)
{
	const cJSON *dr = get(root, "date-range");
	const cJSON *pols = get(root, "policies");
	const cJSON *e;
	size_t n;

	if (!cJSON_IsObject(root)) {
		seterr(err, errlen, "report is not a JSON object", "");
		return -1;
	}
	if (dupstr(root, "organization-name", &r->organization_name) < 0 ||
	    dupstr(dr, "start-datetime", &r->start_datetime) < 0 ||
	    dupstr(dr, "end-datetime", &r->end_datetime) < 0 ||
	    dupstr(root, "contact-info", &r->contact_info) < 0 ||
	    dupstr(root, "report-id", &r->report_id) < 0) {
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
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
	r->policies = calloc(n, sizeof(*r->policies));
	if (r->policies == NULL) {
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
	cJSON_ArrayForEach(e, pols)
	{
		r->npolicies++;
		if (parse_policy(e, &r->policies[r->npolicies - 1], err, errlen) < 0) {
			return -1;
		}
	}
	return 0;
}

/* tlsrpt_report_parse - parse len bytes of JSON into *out; -1 and err when refused */
int tlsrpt_report_parse(const char *json, size_t len, struct tlsrpt_report **out, char *err,
                        size_t errlen)
{
	struct tlsrpt_report *r;
	const char *end = NULL;
	cJSON *root;
	char pos[48];

	*out = NULL;
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (root == NULL) {
		size_t at = end != NULL && end >= json ? (size_t)(end - json) : 0;

		snprintf(pos, sizeof(pos), " (at byte %zu)", at);
		seterr(err, errlen, "not JSON", pos);
		return -1;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		cJSON_Delete(root);
		seterr(err, errlen, "out of memory", "");
		return -1;
	}
	if (parse_report(root, r, err, errlen) < 0) {
		cJSON_Delete(root);
		tlsrpt_report_free(r);
		return -1;
	}
	cJSON_Delete(root);
	*out = r;
	return 0;
}

/* free_failure - release the strings of one failure detail */
static void free_failure(struct tlsrpt_failure *f)
{
	free(f->result_type);
	free(f->sending_mta_ip);
	free(f->receiving_mx_hostname);
	free(f->receiving_mx_helo);
	free(f->receiving_ip);
	free(f->failure_reason_code);
	free(f->additional_information);
}

/* free_policy - release the contents of one policy */
static void free_policy(struct tlsrpt_policy *p)
{
	size_t i;

	free(p->policy_type);
	for (i = 0; i < p->npolicy_string; i++) {
		free(p->policy_string[i]);
	}
	free(p->policy_string);
	free(p->policy_domain);
	free(p->mx_host);
	for (i = 0; i < p->nfailure_details; i++) {
		free_failure(&p->failure_details[i]);
	}
	free(p->failure_details);
}

/* tlsrpt_report_free - release a parsed report; accepts NULL */
void tlsrpt_report_free(struct tlsrpt_report *r)
{
	size_t i;

	if (r == NULL) {
		return;
	}
	free(r->organization_name);
	free(r->start_datetime);
	free(r->end_datetime);
	free(r->contact_info);
	free(r->report_id);
	for (i = 0; i < r->npolicies; i++) {
		free_policy(&r->policies[i]);
	}
	free(r->policies);
	free(r);
}
