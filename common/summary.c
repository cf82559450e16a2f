/*
 * summary.c - turn the parsed reports of one message into log records
 *
 * Records, in order (log format v2; "|" marks where reporter-kind closes
 * the fields a reader may rely on, and text a stranger chose begins):
 *
 *   report          report-id policy-domain start-datetime end-datetime
 *                   policies total-successful-session-count
 *                   total-failure-session-count dkim reporter reporter-kind
 *                   | submitter organization-name contact-info
 *   policy          report-id policy-domain policy-type
 *                   total-successful-session-count total-failure-session-count
 *                   failure-details reporter-kind | sts-mode mx-host
 *                   max-age sts-mx policy-hash
 *   failure         report-id policy-domain policy-type result-type
 *                   receiving-mx-hostname receiving-ip sending-mta-ip
 *                   failed-session-count reporter-kind | failure-reason-code
 *                   receiving-mx-helo additional-information
 *   policy-omitted  report-id policy-domain policies
 *                   total-successful-session-count total-failure-session-count
 *                   reporter-kind
 * and, after the message's last report (tlsrpt_summary_finish):
 *   failure-omitted report-id policy-domain (both only when the details
 *                   left out come from one report) failure-details
 *                   failed-session-count reports (only when from several)
 *                   reporter-kind
 *   report-omitted  reports policies total-successful-session-count
 *                   total-failure-session-count reporter-kind
 *
 * reporter-kind is the message's (every report of a message has the same
 * reporter); reporter is left out for kind none.  The report line's
 * policies and the policy line's failure-details (the policy's failure
 * details, logged or not) let a reader see that a line went missing.
 *
 * Absent values are left out.  The report's totals are the policies' sums
 * (saturating at 2^64 - 1).  The report's policy-domain is the
 * TLS-Report-Domain header, else the first policy's domain; a policy
 * without a domain (no-policy-found) takes the header's.  sts-mode,
 * max-age, sts-mx and policy-hash are what the policy-string says
 * (policystr.h), when it says it; policy-hash, always 16 hex digits, is
 * the line's last field, so a reader that finds it whole knows the
 * display fields before it whole too.
 *
 * When a report holds more policies than max_policy_lines (0 logs none),
 * the policies with the highest total-failure-session-count are logged
 * (ties: report order), in report order, and one policy-omitted record,
 * the last of the report, gives the number left out and their summed
 * counts; their failure details are not logged and not counted below.
 *
 * Failure lines are bounded per message: the message's reports, in the
 * order they come, share max_failure_lines (0 logs none).  A report logs
 * the details of its logged policies with the highest
 * failed-session-count (ties: report order), still in report order under
 * their policy, while the message has lines left; one failure-omitted
 * record at the end of the message gives the number left out over all
 * its reports and their summed failed-session-count.
 *
 * Room: the records of one message stay below TLSRPT_SUMMARY_RECORDS_MAX.
 * A report that would pass it logs only as many policies and failures as
 * fit (the rest in its policy-omitted and the failure-omitted record); a
 * report with no room for its report line is counted, with its policies
 * and totals, in one report-omitted record at the end of the message.
 * Reports already logged are never taken back.
 *
 * Severities: report, policy, policy-omitted and report-omitted INFO when
 * their failure count is 0, else WARNING; failure and failure-omitted
 * WARNING.
 *
 * Diagnostics (err): "out of memory"; "too many log records" only when
 * the error and ignored lines of a message fill the list's reserve.
 * Records appended before a failure stay in the list.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errbuf.h"
#include "policystr.h"
#include "summary.h"

struct rank {
	uint64_t count;
	size_t index; /* position over all the report's failure details */
};

/* sat_add - a + b, saturating */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* rank_cmp - highest count first, then report order */
static int rank_cmp(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->count != y->count) {
		return x->count > y->count ? -1 : 1;
	}
	return x->index < y->index ? -1 : x->index > y->index;
}

/* sev_for - INFO for no failures, else WARNING */
static enum tlsrpt_severity sev_for(uint64_t failures)
{
	return failures == 0 ? TLSRPT_SEV_INFO : TLSRPT_SEV_WARNING;
}

/* add - new record, or NULL with the reason in err */
static struct tlsrpt_record *add(struct tlsrpt_records *rs, enum tlsrpt_event ev,
                                 enum tlsrpt_severity sev, char *err, size_t errlen)
{
	struct tlsrpt_record *rec;

	if (rs->n >= TLSRPT_RECORDS_MAX) {
		tlsrpt_errbuf_set(err, errlen, "too many log records");
		return NULL;
	}
	rec = tlsrpt_records_add(rs, ev, sev);
	if (rec == NULL) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
	}
	return rec;
}

/* put_failure - one failure record; 0 ok, -1 failed (err) */
static int put_failure(const struct tlsrpt_report *r, const struct tlsrpt_policy *p,
                       const char *domain, const struct tlsrpt_failure *f,
                       enum tlsrpt_identity_kind kind, struct tlsrpt_records *rs, char *err,
                       size_t errlen)
{
	struct tlsrpt_record *rec = add(rs, TLSRPT_EV_FAILURE, TLSRPT_SEV_WARNING, err, errlen);

	if (rec == NULL) {
		return -1;
	}
	if (tlsrpt_record_str(rec, "report-id", r->report_id) < 0 ||
	    tlsrpt_record_str(rec, "policy-domain", domain) < 0 ||
	    tlsrpt_record_str(rec, "policy-type", p->policy_type) < 0 ||
	    tlsrpt_record_str(rec, "result-type", f->result_type) < 0 ||
	    tlsrpt_record_str(rec, "receiving-mx-hostname", f->receiving_mx_hostname) < 0 ||
	    tlsrpt_record_str(rec, "receiving-ip", f->receiving_ip) < 0 ||
	    tlsrpt_record_str(rec, "sending-mta-ip", f->sending_mta_ip) < 0 ||
	    tlsrpt_record_num(rec, "failed-session-count", f->failed_session_count) < 0 ||
	    tlsrpt_record_str(rec, "reporter-kind", tlsrpt_identity_kind_name(kind)) < 0 ||
	    tlsrpt_record_str(rec, "failure-reason-code", f->failure_reason_code) < 0 ||
	    tlsrpt_record_str(rec, "receiving-mx-helo", f->receiving_mx_helo) < 0 ||
	    tlsrpt_record_str(rec, "additional-information", f->additional_information) < 0) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* put_policy - one policy record and its selected failure records; 0 ok, -1 failed (err) */
static int put_policy(const struct tlsrpt_report *r, const struct tlsrpt_policy *p,
                      const char *hdr_domain, const unsigned char *logged, size_t *index,
                      enum tlsrpt_identity_kind kind, struct tlsrpt_records *rs, char *err,
                      size_t errlen)
{
	const char *domain = p->policy_domain != NULL ? p->policy_domain : hdr_domain;
	struct tlsrpt_policystr ps;
	struct tlsrpt_record *rec;
	size_t i;

	rec = add(rs, TLSRPT_EV_POLICY, sev_for(p->total_failure_session_count), err, errlen);
	if (rec == NULL) {
		return -1;
	}
	tlsrpt_policystr_read(p, &ps);
	if (tlsrpt_record_str(rec, "report-id", r->report_id) < 0 ||
	    tlsrpt_record_str(rec, "policy-domain", domain) < 0 ||
	    tlsrpt_record_str(rec, "policy-type", p->policy_type) < 0 ||
	    tlsrpt_record_num(rec, "total-successful-session-count",
	                      p->total_successful_session_count) < 0 ||
	    tlsrpt_record_num(rec, "total-failure-session-count", p->total_failure_session_count) <
	            0 ||
	    tlsrpt_record_num(rec, "failure-details", p->nfailure_details) < 0 ||
	    tlsrpt_record_str(rec, "reporter-kind", tlsrpt_identity_kind_name(kind)) < 0 ||
	    tlsrpt_record_str(rec, "sts-mode", ps.mode[0] != '\0' ? ps.mode : NULL) < 0 ||
	    tlsrpt_record_str(rec, "mx-host", p->mx_host) < 0 ||
	    (ps.max_age >= 0 && tlsrpt_record_num(rec, "max-age", (uint64_t)ps.max_age) < 0) ||
	    tlsrpt_record_str(rec, "sts-mx", ps.mx[0] != '\0' ? ps.mx : NULL) < 0 ||
	    tlsrpt_record_str(rec, "policy-hash", ps.hash[0] != '\0' ? ps.hash : NULL) < 0) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < p->nfailure_details; i++, (*index)++) {
		if (logged != NULL && !logged[*index]) {
			continue;
		}
		if (put_failure(r, p, domain, &p->failure_details[i], kind, rs, err, errlen) < 0) {
			return -1;
		}
	}
	return 0;
}

/* pick - flag the max highest-ranked of rk[0..n-1] in logged (by index); sum the rest */
static void pick(struct rank *rk, size_t n, unsigned max, unsigned char *logged, uint64_t *omitted,
                 uint64_t *omitted_count)
{
	size_t k;

	qsort(rk, n, sizeof(*rk), rank_cmp);
	for (k = 0; k < n; k++) {
		if (k < max) {
			logged[rk[k].index] = 1;
		} else {
			(*omitted)++;
			*omitted_count = sat_add(*omitted_count, rk[k].count);
		}
	}
}

/*
 * select_policies - when there are more than max policies, a flag per
 * policy saying whether it is logged, and the number and summed counts of
 * those that are not.  *logged NULL: log them all.
 */
static int select_policies(const struct tlsrpt_report *r, unsigned max, unsigned char **logged,
                           uint64_t *omitted, uint64_t *om_ok, uint64_t *om_failed)
{
	struct rank *rk;
	size_t i;

	*logged = NULL;
	*omitted = 0;
	*om_ok = 0;
	*om_failed = 0;
	if (r->npolicies <= max) {
		return 0;
	}
	rk = calloc(r->npolicies, sizeof(*rk));
	*logged = calloc(r->npolicies, 1);
	if (rk == NULL || *logged == NULL) {
		free(rk);
		free(*logged);
		*logged = NULL;
		return -1;
	}
	for (i = 0; i < r->npolicies; i++) {
		rk[i].count = r->policies[i].total_failure_session_count;
		rk[i].index = i;
	}
	pick(rk, r->npolicies, max, *logged, omitted, om_failed);
	for (i = 0; i < r->npolicies; i++) {
		if (!(*logged)[i]) {
			*om_ok = sat_add(*om_ok, r->policies[i].total_successful_session_count);
		}
	}
	free(rk);
	return 0;
}

/*
 * select_failures - when the logged policies (pol NULL: all) hold more
 * than max failure details, a flag per detail (report order, over all
 * policies) saying whether it is logged, and the number and summed count
 * of those of logged policies that are not.  *logged NULL: log them all.
 */
static int select_failures(const struct tlsrpt_report *r, const unsigned char *pol, unsigned max,
                           unsigned char **logged, uint64_t *omitted, uint64_t *omitted_count)
{
	struct rank *rk;
	size_t total = 0, all = 0, i, j, k = 0, n = 0;

	*logged = NULL;
	*omitted = 0;
	*omitted_count = 0;
	for (i = 0; i < r->npolicies; i++) {
		all += r->policies[i].nfailure_details;
		if (pol == NULL || pol[i]) {
			total += r->policies[i].nfailure_details;
		}
	}
	if (total <= max) {
		return 0;
	}
	rk = calloc(total, sizeof(*rk));
	*logged = calloc(all, 1);
	if (rk == NULL || *logged == NULL) {
		free(rk);
		free(*logged);
		*logged = NULL;
		return -1;
	}
	for (i = 0; i < r->npolicies; i++) {
		for (j = 0; j < r->policies[i].nfailure_details; j++, k++) {
			if (pol == NULL || pol[i]) {
				rk[n].count =
				        r->policies[i].failure_details[j].failed_session_count;
				rk[n].index = k;
				n++;
			}
		}
	}
	pick(rk, n, max, *logged, omitted, omitted_count);
	free(rk);
	return 0;
}

/* copy_cut - val (NULL: none) into buf[TLSRPT_MAX_VALUE_LEN + 2], cut past what the escaper keeps
 */
static int copy_cut(char *buf, const char *val)
{
	if (val == NULL) {
		buf[0] = '\0';
		return 0;
	}
	snprintf(buf, TLSRPT_MAX_VALUE_LEN + 2, "%s", val);
	return 1;
}

/* note_omitted - count n failure details (count sessions) of report r left out in m */
static void note_omitted(struct tlsrpt_summary_msg *m, const struct tlsrpt_report *r,
                         const char *domain, uint64_t n, uint64_t count)
{
	if (n == 0) {
		return;
	}
	m->fo_details = sat_add(m->fo_details, n);
	m->fo_sessions = sat_add(m->fo_sessions, count);
	m->fo_reports++;
	if (m->fo_reports == 1) {
		m->fo_has_id = copy_cut(m->fo_report_id, r->report_id);
		m->fo_has_domain = copy_cut(m->fo_domain, domain);
	}
}

/* omit_report - count the whole of report r, which has no room, in m */
static void omit_report(struct tlsrpt_summary_msg *m, const struct tlsrpt_report *r, uint64_t ok,
                        uint64_t failed)
{
	m->ro_reports++;
	m->ro_policies = sat_add(m->ro_policies, r->npolicies);
	m->ro_ok = sat_add(m->ro_ok, ok);
	m->ro_failed = sat_add(m->ro_failed, failed);
}

/* tlsrpt_summary_records - append the records of report r to rs */
int tlsrpt_summary_records(const struct tlsrpt_report *r, const struct tlsrpt_summary_hdrs *h,
                           const struct tlsrpt_limits *lim, struct tlsrpt_summary_msg *m,
                           struct tlsrpt_records *rs, char *err, size_t errlen)
{
	const char *hdr_domain = h != NULL ? h->report_domain : NULL;
	const char *submitter = h != NULL ? h->report_submitter : NULL;
	const char *domain = hdr_domain;
	uint64_t ok = 0, failed = 0, omitted, omitted_count, pol_omitted, pol_ok, pol_failed;
	uint64_t fail_max, room;
	unsigned char *logged = NULL, *pol_logged = NULL;
	unsigned pol_max;
	struct tlsrpt_record *rec;
	size_t i, index = 0, nlogged = 0;
	int rc = -1;

	m->kind = h != NULL && h->reporter != NULL ? h->reporter->kind : TLSRPT_IDENTITY_NONE;
	for (i = 0; i < r->npolicies; i++) {
		ok = sat_add(ok, r->policies[i].total_successful_session_count);
		failed = sat_add(failed, r->policies[i].total_failure_session_count);
	}
	if (domain == NULL && r->npolicies > 0) {
		domain = r->policies[0].policy_domain;
	}
	/* room: the report line and a policy-omitted line come first */
	room = rs->n < TLSRPT_SUMMARY_RECORDS_MAX ? TLSRPT_SUMMARY_RECORDS_MAX - rs->n : 0;
	if (room < 2) {
		omit_report(m, r, ok, failed);
		return 0;
	}
	room -= 2;
	pol_max = room < lim->max_policy_lines ? (unsigned)room : lim->max_policy_lines;
	if (select_policies(r, pol_max, &pol_logged, &pol_omitted, &pol_ok, &pol_failed) < 0) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		goto out;
	}
	room -= r->npolicies - pol_omitted;
	fail_max = m->failure_lines < lim->max_failure_lines
	                   ? lim->max_failure_lines - m->failure_lines
	                   : 0;
	if (fail_max > room) {
		fail_max = room;
	}
	if (select_failures(r, pol_logged, (unsigned)fail_max, &logged, &omitted, &omitted_count) <
	    0) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		goto out;
	}
	rec = add(rs, TLSRPT_EV_REPORT, sev_for(failed), err, errlen);
	if (rec == NULL) {
		goto out;
	}
	if (tlsrpt_record_str(rec, "report-id", r->report_id) < 0 ||
	    tlsrpt_record_str(rec, "policy-domain", domain) < 0 ||
	    tlsrpt_record_str(rec, "start-datetime", r->start_datetime) < 0 ||
	    tlsrpt_record_str(rec, "end-datetime", r->end_datetime) < 0 ||
	    tlsrpt_record_num(rec, "policies", r->npolicies) < 0 ||
	    tlsrpt_record_num(rec, "total-successful-session-count", ok) < 0 ||
	    tlsrpt_record_num(rec, "total-failure-session-count", failed) < 0 ||
	    (h != NULL && tlsrpt_record_str(rec, "dkim", h->dkim) < 0) ||
	    tlsrpt_summary_identity(rec, h != NULL ? h->reporter : NULL) < 0 ||
	    tlsrpt_record_str(rec, "submitter", submitter) < 0 ||
	    tlsrpt_record_str(rec, "organization-name", r->organization_name) < 0 ||
	    tlsrpt_record_str(rec, "contact-info", r->contact_info) < 0) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < r->npolicies; i++) {
		if (pol_logged != NULL && !pol_logged[i]) {
			index += r->policies[i].nfailure_details;
			continue;
		}
		nlogged = rs->n;
		if (put_policy(r, &r->policies[i], hdr_domain, logged, &index, m->kind, rs, err,
		               errlen) < 0) {
			goto out;
		}
		m->failure_lines += rs->n - nlogged - 1;
	}
	note_omitted(m, r, domain, omitted, omitted_count);
	if (pol_omitted > 0) {
		rec = add(rs, TLSRPT_EV_POLICY_OMITTED, sev_for(pol_failed), err, errlen);
		if (rec == NULL) {
			goto out;
		}
		if (tlsrpt_record_str(rec, "report-id", r->report_id) < 0 ||
		    tlsrpt_record_str(rec, "policy-domain", domain) < 0 ||
		    tlsrpt_record_num(rec, "policies", pol_omitted) < 0 ||
		    tlsrpt_record_num(rec, "total-successful-session-count", pol_ok) < 0 ||
		    tlsrpt_record_num(rec, "total-failure-session-count", pol_failed) < 0 ||
		    tlsrpt_record_str(rec, "reporter-kind", tlsrpt_identity_kind_name(m->kind)) <
		            0) {
			tlsrpt_errbuf_set(err, errlen, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	free(pol_logged);
	free(logged);
	return rc;
}

/* tlsrpt_summary_identity - reporter= (unless kind none) and reporter-kind= */
int tlsrpt_summary_identity(struct tlsrpt_record *rec, const struct tlsrpt_identity *id)
{
	enum tlsrpt_identity_kind k = id != NULL ? id->kind : TLSRPT_IDENTITY_NONE;

	if (k != TLSRPT_IDENTITY_NONE && tlsrpt_record_str(rec, "reporter", id->domain) < 0) {
		return -1;
	}
	return tlsrpt_record_str(rec, "reporter-kind", tlsrpt_identity_kind_name(k));
}

/* tlsrpt_summary_finish - the message's failure-omitted and report-omitted lines */
int tlsrpt_summary_finish(const struct tlsrpt_summary_msg *m, struct tlsrpt_records *rs, char *err,
                          size_t errlen)
{
	struct tlsrpt_record *rec;
	int one = m->fo_reports == 1;

	if (m->fo_details > 0) {
		rec = add(rs, TLSRPT_EV_FAILURE_OMITTED, TLSRPT_SEV_WARNING, err, errlen);
		if (rec == NULL) {
			return -1;
		}
		if ((one && m->fo_has_id &&
		     tlsrpt_record_str(rec, "report-id", m->fo_report_id) < 0) ||
		    (one && m->fo_has_domain &&
		     tlsrpt_record_str(rec, "policy-domain", m->fo_domain) < 0) ||
		    tlsrpt_record_num(rec, "failure-details", m->fo_details) < 0 ||
		    tlsrpt_record_num(rec, "failed-session-count", m->fo_sessions) < 0 ||
		    (!one && tlsrpt_record_num(rec, "reports", m->fo_reports) < 0) ||
		    tlsrpt_record_str(rec, "reporter-kind", tlsrpt_identity_kind_name(m->kind)) <
		            0) {
			tlsrpt_errbuf_set(err, errlen, "out of memory");
			return -1;
		}
	}
	if (m->ro_reports > 0) {
		rec = add(rs, TLSRPT_EV_REPORT_OMITTED, sev_for(m->ro_failed), err, errlen);
		if (rec == NULL) {
			return -1;
		}
		if (tlsrpt_record_num(rec, "reports", m->ro_reports) < 0 ||
		    tlsrpt_record_num(rec, "policies", m->ro_policies) < 0 ||
		    tlsrpt_record_num(rec, "total-successful-session-count", m->ro_ok) < 0 ||
		    tlsrpt_record_num(rec, "total-failure-session-count", m->ro_failed) < 0 ||
		    tlsrpt_record_str(rec, "reporter-kind", tlsrpt_identity_kind_name(m->kind)) <
		            0) {
			tlsrpt_errbuf_set(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}
