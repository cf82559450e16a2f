/*
 * test_mtalog.c - what our MX saw: Postfix smtpd lines, reporters' hosts, the join
 *
 * Tables of smtpd lines (the shapes measured from Postfix 3.7 in
 * doc/mx-evidence.md, and lines that must not pass) with what the parser
 * must make of them; reporter and client-name pairs; a small day of smtpd
 * lines and failures fed to the join with the verdict and evidence each
 * must get; the scanner handing out smtpd lines beside ours.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <stdlib.h>

#include "calendar.h"
#include "logline.h"
#include "logscan.h"
#include "mtalog.h"
#include "mxseen.h"
#include "reporters.h"

struct mta_case {
	const char *name;
	const char *line;
	int want; /* 1 parsed, 0 not */
	enum tlsrpt_mtalog_kind kind;
	const char *host, *cname, *ip;
	int tried, okd, mail;
	const char *text;
};

#define P "Dec 07 07:34:49 mx postfix/smtpd[17934]: "

static const struct mta_case mta_cases[] = {
        {"connect", P "connect from unknown[127.0.0.2]", 1, TLSRPT_MTA_CONNECT, "mx", "",
         "127.0.0.2", -1, -1, -1, ""},
        {"connect, verified name", P "connect from Mail-WM1-F41.Google.com[209.85.128.41]", 1,
         TLSRPT_MTA_CONNECT, "mx", "mail-wm1-f41.google.com", "209.85.128.41", -1, -1, -1, ""},
        {"port logging", P "connect from a.example[192.0.2.1]:40000", 1, TLSRPT_MTA_CONNECT, "mx",
         "a.example", "192.0.2.1", -1, -1, -1, ""},
        {"ipv6", P "connect from unknown[2001:db8::1]", 1, TLSRPT_MTA_CONNECT, "mx", "",
         "2001:db8::1", -1, -1, -1, ""},
        {"disconnect, failed STARTTLS",
         P "disconnect from unknown[127.0.0.2] ehlo=1 starttls=0/1 commands=1/2", 1,
         TLSRPT_MTA_DISCONNECT, "mx", "", "127.0.0.2", 1, 0, -1, ""},
        {"disconnect, TLS then quit",
         P "disconnect from unknown[127.0.0.2] ehlo=1 starttls=1 quit=1 commands=3", 1,
         TLSRPT_MTA_DISCONNECT, "mx", "", "127.0.0.2", 1, 1, -1, ""},
        {"disconnect, delivered",
         P
         "disconnect from x.example[192.0.2.9] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7",
         1, TLSRPT_MTA_DISCONNECT, "mx", "x.example", "192.0.2.9", 1, 1, 1, ""},
        {"disconnect, no STARTTLS", P "disconnect from unknown[127.0.0.4] ehlo=1 quit=1 commands=2",
         1, TLSRPT_MTA_DISCONNECT, "mx", "", "127.0.0.4", -1, -1, -1, ""},
        {"lost after STARTTLS", P "lost connection after STARTTLS from unknown[127.0.0.2]", 1,
         TLSRPT_MTA_LOST_STARTTLS, "mx", "", "127.0.0.2", -1, -1, -1, ""},
        {"SSL_accept error", P "SSL_accept error from unknown[127.0.0.2]: -1", 1,
         TLSRPT_MTA_SSL_ERROR, "mx", "", "127.0.0.2", -1, -1, -1, "-1"},
        {"SSL_accept error, lost", P "SSL_accept error from h.example[192.0.2.7]: lost connection",
         1, TLSRPT_MTA_SSL_ERROR, "mx", "h.example", "192.0.2.7", -1, -1, -1, "lost connection"},
        {"TLS library problem (OpenSSL 3)",
         P
         "warning: TLS library problem: error:0A000415:SSL routines::sslv3 alert certificate expired:../ssl/record/rec_layer_s3.c:1601:SSL alert number 45:",
         1, TLSRPT_MTA_TLS_PROBLEM, "mx", "", "", -1, -1, -1, "sslv3 alert certificate expired"},
        {"TLS library problem (OpenSSL 1.1)",
         P
         "warning: TLS library problem: error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:../ssl/record/rec_layer_s3.c:1543:SSL alert number 48:",
         1, TLSRPT_MTA_TLS_PROBLEM, "mx", "", "", -1, -1, -1, "tlsv1 alert unknown ca"},
        {"TLS established",
         P
         "Anonymous TLS connection established from unknown[127.0.0.3]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
         1, TLSRPT_MTA_TLS_OK, "mx", "", "127.0.0.3", -1, -1, -1, "TLSv1.3"},
        {"rfc3339 stamp",
         "2026-12-07T07:34:49.123456+01:00 mx2 postfix/smtpd[1]: connect from unknown[192.0.2.1]",
         1, TLSRPT_MTA_CONNECT, "mx2", "", "192.0.2.1", -1, -1, -1, ""},
        {"other instance and service",
         "Dec  7 07:34:49 mx postfix-in/submission/smtpd[2]: connect from unknown[192.0.2.1]", 1,
         TLSRPT_MTA_CONNECT, "mx", "", "192.0.2.1", -1, -1, -1, ""},
        {"capture without a time stamp",
         "mail.info postfix/smtpd[1]: connect from unknown[192.0.2.1]", 0, 0, NULL, NULL, NULL, 0,
         0, 0, NULL},
        {"another program", "Dec 07 07:34:49 mx postfix/smtp[1]: connect from unknown[192.0.2.1]",
         0, 0, NULL, NULL, NULL, 0, 0, 0, NULL},
        {"tag after another tag",
         "Dec 07 07:34:49 mx evil[7]: postfix/smtpd[1]: connect from unknown[192.0.2.1]", 0, 0,
         NULL, NULL, NULL, 0, 0, 0, NULL},
        {"another message", P "NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1", 0, 0,
         NULL, NULL, NULL, 0, 0, 0, NULL},
        {"no address", P "connect from unknown", 0, 0, NULL, NULL, NULL, 0, 0, 0, NULL},
};

static void test_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(mta_cases) / sizeof(mta_cases[0]); i++) {
		const struct mta_case *c = &mta_cases[i];
		struct tlsrpt_mtalog m;
		int got = tlsrpt_mtalog_parse(&m, c->line, strlen(c->line));

		if (got != c->want) {
			fail_msg("%s: parsed %d, want %d", c->name, got, c->want);
		}
		if (tlsrpt_mtalog_tagged(c->line, strlen(c->line)) !=
		    (c->want || strncmp(c->line, P, strlen(P)) == 0)) {
			fail_msg("%s: tagged wrong", c->name);
		}
		if (!got) {
			continue;
		}
		if (m.kind != c->kind || strcmp(m.host, c->host) != 0 ||
		    strcmp(m.name, c->cname) != 0 || strcmp(m.ip, c->ip) != 0 ||
		    m.tls_tried != c->tried || m.tls_ok != c->okd || m.mail != c->mail ||
		    strcmp(m.text, c->text) != 0) {
			fail_msg(
			        "%s: got kind %d host %s name %s ip %s starttls %d/%d mail %d text [%s]; want %d %s %s %s %d/%d %d [%s]",
			        c->name, m.kind, m.host, m.name, m.ip, m.tls_ok, m.tls_tried,
			        m.mail, m.text, c->kind, c->host, c->cname, c->ip, c->okd, c->tried,
			        c->mail, c->text);
		}
	}
	{
		/* the UTC day of a zoned stamp: 00:30 at +01:00 is the day before */
		static const char l[] =
		        "2026-12-08T00:30:00+01:00 mx postfix/smtpd[1]: connect from unknown[192.0.2.1]";
		struct tlsrpt_mtalog m;

		assert_int_equal(tlsrpt_mtalog_parse(&m, l, sizeof(l) - 1), 1);
		assert_int_equal(m.zoned, 1);
		assert_int_equal(m.day, tlsrpt_calendar_civil(2026, 12, 7));
	}
}

/*
 * test_parse_next - the table again through tlsrpt_mtalog_parse_next, one
 * struct for all lines (most share a stamp and header, which it keeps
 * from line to line), forward, backward and between lines of other
 * stamps and hosts: the same as tlsrpt_mtalog_parse every time
 */
static void test_parse_next(void **state)
{
	static const char *const others[] = {
	        "Dec 07 07:34:50 mx postfix/smtpd[17934]: connect from a.example[192.0.2.9]",
	        "Dec 07 07:34:49 mx2 postfix/smtpd[17934]: connect from a.example[192.0.2.9]",
	        "Dec 07 07:34:49 m postfix/smtpd[17934]: connect from a.example[192.0.2.9]",
	        "2026-12-07T07:34:49+01:00 mx postfix/smtpd[1]: connect from a.example[192.0.2.9]",
	        "Dec 07 07:34:49 mx postfix/qmgr[17934]: connect from a.example[192.0.2.9]",
	        "Nov 30 23:59:59 mx postfix/smtpd[2]: connect from a.example[192.0.2.9]",
	};
	size_t n = sizeof(mta_cases) / sizeof(mta_cases[0]), k, i;
	struct tlsrpt_mtalog next, once;

	(void)state;
	tlsrpt_mtalog_init(&next);
	for (k = 0; k < 4 * n; k++) {
		size_t j = k < n ? k : k < 2 * n ? 2 * n - 1 - k : (k * 7) % n;
		const char *line = k >= 3 * n && k % 2 ? others[k % 6] : mta_cases[j].line;
		int r = tlsrpt_mtalog_parse_next(&next, line, strlen(line));

		if (r != tlsrpt_mtalog_parse(&once, line, strlen(line)) ||
		    next.smtpd != once.smtpd) {
			fail_msg("%s: parse_next %d, parse not", line, r);
		}
		if (r &&
		    (next.kind != once.kind || next.zoned != once.zoned || next.day != once.day ||
		     next.pid != once.pid || strcmp(next.host, once.host) != 0 ||
		     strcmp(next.name, once.name) != 0 || strcmp(next.ip, once.ip) != 0 ||
		     strcmp(next.text, once.text) != 0 || next.tls_tried != once.tls_tried ||
		     next.tls_ok != once.tls_ok || next.mail != once.mail ||
		     (!next.zoned &&
		      (next.mon != once.mon || next.mday != once.mday || next.hh != once.hh ||
		       next.mi != once.mi || next.ss != once.ss)))) {
			fail_msg("%s: parse_next and parse differ (host %s / %s)", line, next.host,
			         once.host);
		}
	}
	for (i = 0; i < 6; i++) {
		assert_int_equal(tlsrpt_mtalog_parse_next(&next, others[i], strlen(others[i])),
		                 i != 4);
	}
	assert_string_equal(next.host, "mx");
	assert_int_equal(next.mon, 11);
	assert_int_equal(next.mday, 30);
	assert_int_equal(next.ss, 59);
}

static void test_reporters(void **state)
{
	static const struct {
		const char *reporter, *client;
		int want;
	} cases[] = {
	        {"google.com", "mail-wm1-f41.google.com", 1},
	        {"google.com", "google.com", 1},
	        {"google.com", "mail.evilgoogle.com", 0},
	        {"google.com", "google.com.evil.example", 0},
	        {"google.com", "", 0},
	        {"microsoft.com", "mail-db8eur05on2084.outbound.protection.outlook.com", 1},
	        {"microsoft.com", "MAIL-X.OUTBOUND.PROTECTION.OUTLOOK.COM", 1},
	        {"google.com", "mail-x.outbound.protection.outlook.com", 0},
	        {"reporter.test", "mta1.reporter.test", 1},
	};
	size_t i;
	char doms[128];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (tlsrpt_reporters_client(cases[i].reporter, cases[i].client) != cases[i].want) {
			fail_msg("%s / %s: got %d, want %d", cases[i].reporter, cases[i].client,
			         !cases[i].want, cases[i].want);
		}
	}
	tlsrpt_reporters_domains("microsoft.com", doms, sizeof(doms));
	assert_string_equal(doms, "microsoft.com, outbound.protection.outlook.com");
}

/* feed - parse and count one line on day */
static void feed(struct tlsrpt_mxseen *x, const char *line, long day)
{
	struct tlsrpt_mtalog m;

	if (!tlsrpt_mtalog_parse(&m, line, strlen(line))) {
		fail_msg("not parsed: %s", line);
	}
	tlsrpt_mxseen_line(x, &m, day);
}

/* failure - note a failure detail */
static void failure(struct tlsrpt_mxseen *x, long day, const char *reporter, const char *ip,
                    const char *rt)
{
	struct tlsrpt_mxseen_failure f = {"example.com",    reporter, ip, rt,  "sts",
	                                  "mx.example.com", "",       "", day, 3};

	tlsrpt_mxseen_failure(x, &f);
}

/* item - the joined failure of day and result type */
static const struct tlsrpt_mxseen_item *item(const struct tlsrpt_mxseen *x, long day,
                                             const char *rt)
{
	size_t i;

	for (i = 0; i < x->nitem; i++) {
		if (x->item[i].day == day && strcmp(x->item[i].result_type, rt) == 0) {
			return &x->item[i];
		}
	}
	fail_msg("no item %ld %s", day, rt);
	return NULL;
}

static void test_join(void **state)
{
	long d0 = tlsrpt_calendar_civil(2026, 12, 5);
	char err[64];
	struct tlsrpt_mxseen *x = tlsrpt_mxseen_new(d0, d0 + 2, err, sizeof(err));
	const struct tlsrpt_mxseen_item *it;

	(void)state;
	assert_non_null(x);
	/* day 0: a Google host fails the handshake, another delivers; 192.0.2.5 delivers */
	feed(x, P "connect from mail-a.google.com[209.85.1.1]", d0);
	feed(x, P "SSL_accept error from mail-a.google.com[209.85.1.1]: -1", d0);
	feed(x,
	     P
	     "warning: TLS library problem: error:0A000415:SSL routines::sslv3 alert certificate expired:x.c:1:SSL alert number 45:",
	     d0);
	feed(x, P "lost connection after STARTTLS from mail-a.google.com[209.85.1.1]", d0);
	feed(x, P "disconnect from mail-a.google.com[209.85.1.1] ehlo=1 starttls=0/1 commands=1/2",
	     d0);
	feed(x,
	     P
	     "disconnect from mail-b.google.com[209.85.1.2] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7",
	     d0);
	feed(x, P "disconnect from unknown[192.0.2.5] ehlo=2 starttls=1 mail=1 quit=1 commands=5",
	     d0);
	/* day 1: only a delivery by 192.0.2.5; day 2: no line at all */
	feed(x, P "disconnect from unknown[192.0.2.5] ehlo=2 starttls=1 mail=1 quit=1 commands=5",
	     d0 + 1);
	feed(x, P "connect from unknown[192.0.2.5]", d0 + 7); /* outside the period */
	failure(x, d0, "google.com", "", "certificate-expired");
	failure(x, d0, "google.com", "", "certificate-expired"); /* adds up */
	failure(x, d0, "other.example", "192.0.2.5", "validation-failure");
	failure(x, d0 + 1, "other.example", "192.0.2.5", "certificate-not-trusted");
	failure(x, d0 + 1, "google.com", "", "starttls-not-supported");
	failure(x, d0 + 2, "google.com", "", "certificate-expired");
	tlsrpt_mxseen_finish(x);
	assert_int_equal(x->nitem, 5);
	assert_int_equal(x->st.days_logged, 2);
	assert_int_equal(x->st.outside, 1);

	it = item(x, d0, "certificate-expired");
	assert_int_equal(it->verdict, TLSRPT_MX_SEEN);
	assert_int_equal(it->by_ip, 0);
	assert_int_equal(it->failed, 6);
	assert_int_equal(it->ev.clients, 2);
	assert_int_equal(it->ev.sessions, 2);
	assert_int_equal(it->ev.handshake_errors, 1);
	assert_int_equal(it->ev.tls_failed, 1);
	assert_int_equal(it->ev.delivered, 1);
	assert_int_equal(it->ev.nreason, 1);
	assert_string_equal(it->ev.reason[0].text, "sslv3 alert certificate expired");
	assert_non_null(strstr(tlsrpt_mxseen_means(it), "fix is on our MX"));

	it = item(x, d0, "validation-failure"); /* by address: its session delivered over TLS */
	assert_int_equal(it->verdict, TLSRPT_MX_NOT_SEEN);
	assert_int_equal(it->by_ip, 1);
	assert_int_equal(it->ev.sessions, 1);
	assert_int_equal(it->ev.delivered, 1);

	it = item(x, d0 + 1, "starttls-not-supported"); /* no Google session that day */
	assert_int_equal(it->verdict, TLSRPT_MX_NOT_SEEN);
	assert_int_equal(it->ev.clients, 0);
	assert_string_equal(tlsrpt_mxseen_verdict_name(it->verdict), "not seen at our MX");

	it = item(x, d0 + 2, "certificate-expired"); /* no smtpd line that day */
	assert_int_equal(it->verdict, TLSRPT_MX_NO_LOG);
	tlsrpt_mxseen_free(x);
}

static void test_limits(void **state)
{
	long d0 = tlsrpt_calendar_civil(2026, 12, 5);
	char err[64], line[160], rt[32];
	struct tlsrpt_mxseen *x = tlsrpt_mxseen_new(d0, d0, err, sizeof(err));
	const struct tlsrpt_mxseen_item *it;
	int i;

	(void)state;
	assert_non_null(x);
	for (i = 0; i < TLSRPT_MXSEEN_MAX_CLIENTS + 5; i++) {
		snprintf(line, sizeof(line),
		         P "disconnect from unknown[10.%d.%d.%d] ehlo=1 starttls=0/1 commands=1/2",
		         i >> 16, (i >> 8) & 255, i & 255);
		feed(x, line, d0);
	}
	assert_int_equal(x->st.clients, TLSRPT_MXSEEN_MAX_CLIENTS);
	assert_int_equal(x->st.dropped, 5);
	/* the first client was kept, the last was not: "not seen", saying the table was full */
	failure(x, d0, "r.example", "10.0.0.0", "certificate-expired");
	snprintf(line, sizeof(line), "10.%d.%d.%d", (TLSRPT_MXSEEN_MAX_CLIENTS + 4) >> 16,
	         ((TLSRPT_MXSEEN_MAX_CLIENTS + 4) >> 8) & 255,
	         (TLSRPT_MXSEEN_MAX_CLIENTS + 4) & 255);
	failure(x, d0, "r.example", line, "certificate-not-trusted");
	for (i = 0; i < TLSRPT_MXSEEN_MAX_ITEMS; i++) {
		snprintf(rt, sizeof(rt), "x-%d", i);
		failure(x, d0, "r.example", "", rt);
	}
	assert_int_equal(x->nitem, TLSRPT_MXSEEN_MAX_ITEMS);
	assert_int_equal(x->st.items_dropped, 2);
	tlsrpt_mxseen_finish(x);
	it = item(x, d0, "certificate-expired");
	assert_int_equal(it->verdict, TLSRPT_MX_SEEN);
	it = item(x, d0, "certificate-not-trusted");
	assert_int_equal(it->verdict, TLSRPT_MX_NOT_SEEN);
	assert_int_equal(it->dropped, 5);
	tlsrpt_mxseen_free(x);
}

struct memstream {
	const char *p;
	size_t len, at, step;
};

static ssize_t mem_read(void *ctx, void *buf, size_t len)
{
	struct memstream *m = ctx;
	size_t n = m->len - m->at;

	if (n > len) {
		n = len;
	}
	if (n > m->step) {
		n = m->step;
	}
	memcpy(buf, m->p + m->at, n);
	m->at += n;
	return (ssize_t)n;
}

static void test_scan(void **state)
{
	static const char in[] =
	        "Dec 07 07:00:00 mx postfix/qmgr[3]: Q1: removed\n"
	        "Dec 07 07:00:01 mx postfix/smtpd[4]: connect from unknown[192.0.2.1]\n"
	        "Dec 07 07:00:02 mx tlsrpt-milter[9]: Q2: report report-id=r\n"
	        "Dec 07 07:00:03 mx evil[1]: postfix/smtpd[4]: connect from x[1.2.3.4]\n"
	        "Dec 07 07:00:04 mx postfix/smtpd[4]: disconnect from unknown[192.0.2.1]\n";
	static const size_t steps[] = {1, 7, 64, 4096};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		int mta;

		for (mta = 0; mta < 2; mta++) {
			struct memstream m = {in, sizeof(in) - 1, 0, steps[k]};
			struct tlsrpt_logscan *sc = tlsrpt_logscan_new(mem_read, &m, 0);
			const char *line;
			size_t ll, n = 0;
			unsigned long long off;
			char err[64], seen[8] = "";

			assert_non_null(sc);
			if (mta) {
				tlsrpt_logscan_mta(sc);
			}
			while (tlsrpt_logscan_next(sc, &line, &ll, &off, err, sizeof(err)) > 0) {
				struct tlsrpt_mtalog mt;

				/* smtpd's candidates are checked by the parser, as main.c does */
				if (tlsrpt_logscan_mtaline(sc) &&
				    !tlsrpt_mtalog_parse(&mt, line, ll)) {
					continue;
				}
				if (n < sizeof(seen) - 1) {
					seen[n++] = line[14];
				}
			}
			/* the seconds' last digit of each line handed out */
			assert_string_equal(seen, mta ? "124" : "2");
			tlsrpt_logscan_free(sc);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse),     cmocka_unit_test(test_parse_next),
	        cmocka_unit_test(test_reporters), cmocka_unit_test(test_join),
	        cmocka_unit_test(test_limits),    cmocka_unit_test(test_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
