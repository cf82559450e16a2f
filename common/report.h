/*
 * report.h - the RFC 8460 report model and its JSON parser
 *
 * tlsrpt_report_parse() turns the JSON text of one report into the structs
 * below.  It is tolerant of what real senders send (mx-host as a string or
 * an array, a TLSA policy-string holding a JSON-encoded array, date-times
 * without a time zone, contact-info null, missing or empty failure-details,
 * the draft name failure-error-code, unknown result and policy types, which
 * pass through verbatim) and strict where a wrong value would make the
 * numbers lie: it refuses input that is not JSON, a report that is not an
 * object, policies that are not an array, and any session count that is
 * not a non-negative integer.  A missing count is 0.  A string field that
 * has another JSON type is treated as absent.  Where JSON readers differ
 * it refuses rather than pick one reading: a member name read twice in one
 * object, a NUL in a string, data after the report object, a count the
 * double cJSON keeps would round.  The tree it builds is bounded (max_tree
 * bytes) and may be charged to a shared budget (arena.h).
 *
 * This is the only module that includes cJSON.h.
 */
#ifndef TLSRPT_REPORT_H
#define TLSRPT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* All strings are NUL-terminated UTF-8 as found in the JSON, or NULL when absent. */

struct tlsrpt_failure {
	char *result_type;
	char *sending_mta_ip;
	char *receiving_mx_hostname;
	char *receiving_mx_helo;
	char *receiving_ip;
	char *failure_reason_code; /* also from the draft "failure-error-code" */
	char *additional_information;
	uint64_t failed_session_count;
};

struct tlsrpt_policy {
	char *policy_type;
	char **policy_string; /* npolicy_string entries */
	size_t npolicy_string;
	char *policy_domain;
	char *mx_host; /* comma-joined list, NULL when absent */
	uint64_t total_successful_session_count;
	uint64_t total_failure_session_count;
	struct tlsrpt_failure *failure_details;
	size_t nfailure_details;
};

struct tlsrpt_report {
	char *organization_name;
	char *start_datetime;
	char *end_datetime;
	char *contact_info;
	char *report_id;
	struct tlsrpt_policy *policies;
	size_t npolicies;
};

/*
 * tlsrpt_report_parse - parse len bytes of JSON.  0 and *out on success;
 * -1 with a reason in err ("not JSON (at byte N)", "report is not a JSON
 * object", "policies is not an array", "total-failure-session-count is not
 * a non-negative integer", ...) and *out NULL otherwise.
 */
int tlsrpt_report_parse(const char *json, size_t len, struct tlsrpt_report **out, char *err,
                        size_t errlen);

/*
 * tlsrpt_report_parse_bounded - the same with the JSON tree and report
 * model held to max_tree bytes (0: no maximum; over it: -1, "JSON tree
 * over N bytes") and charged to budget (NULL: none).  Over the budget it
 * returns -2 ("memory budget exhausted"): not the report's fault, try the
 * message again later.  *spent (when not NULL) is set to the bytes of
 * tree built, parsed or refused, so a caller can bound the sum over many
 * reports.  tlsrpt_report_parse is this with
 * TLSRPT_DEF_MAX_JSON_TREE and no budget.
 */
int tlsrpt_report_parse_bounded(const char *json, size_t len, size_t max_tree,
                                struct tlsrpt_budget *budget, size_t *spent,
                                struct tlsrpt_report **out, char *err, size_t errlen);

/* tlsrpt_report_free - release a parsed report; accepts NULL */
void tlsrpt_report_free(struct tlsrpt_report *r);

#endif
