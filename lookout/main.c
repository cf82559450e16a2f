/*
 * main.c - tlsrpt-lookout: a per-domain TLS health digest from the milter's logs
 *
 * Reads syslog files (plain or gzip-rotated), or standard input, picks out
 * tlsrpt-milter's lines, aggregates them over a period of UTC days and
 * writes the digest as text (default), JSON, an HTML page, a Prometheus
 * textfile, or mails text and HTML as multipart/alternative (both
 * quoted-printable, so no line passes 76 characters whatever a report's
 * values hold) through the local sendmail.  The library does the work (logscan, logline, digest,
 * render) and logfile.c reads the inputs; this file is options, outputs and the exit status:
 * 0 no failed session in the period, 1 some, 2 usage or input error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alertmode.h"
#include "calendar.h"
#include "conf.h"
#include "digest.h"
#include "dnsnote.h"
#include "logline.h"
#include "journalfile.h"
#include "logfile.h"
#include "meaning.h"
#include "mtalog.h"
#include "mxseen.h"
#include "render.h"
#include "siteconf.h"

#define EXIT_CLEAN 0
#define EXIT_FAILURES 1
#define EXIT_USAGE 2
#define MAX_DOMAIN_OPTS 256 /* --domain, as many as ReportDomains may list */

struct opts {
	int no_mx;
	int days;
	long since, today;
	int silent_days;
	int ready_days;
	int json, text, dns;
	const char *html, *prom, *mail, *mail_file, *sendmail, *from, *config;
	int journal;                    /* inputs are journalctl -o json */
	const char *juser, *junit;      /* who may write our lines there */
	struct tlsrpt_journal_trust jt; /* the two, resolved */
	int no_config;
};

/* usage - the synopsis on stderr */
static void usage(void)
{
	fputs("usage: tlsrpt-lookout [--days N | --since YYYY-MM-DD] [--today YYYY-MM-DD]\n"
	      "         [--silent-days N] [--ready-after DAYS] [--domain DOMAIN]...\n"
	      "         [--config FILE | --no-config] [--json] [--no-mx]\n"
	      "         [--html FILE] [--prometheus FILE] [--mail ADDRESS [--from ADDRESS] [--sendmail PATH | --mail-file FILE]]\n"
	      "         [--dns] [--journal [--journal-user USER] [--journal-unit UNIT]]\n"
	      "         [FILE|-]...\n"
	      "       tlsrpt-lookout --explain RESULT-TYPE\n"
	      "       tlsrpt-lookout --alert --help (stateful alerts)\n"
	      "exit: 0 no failed session in the period, 1 failed sessions, 2 usage or input error\n"
	      "--config: the milter's configuration (default " TLSRPT_SITECONF_DEFAULT
	      ", if there)\n",
	      stderr);
}

/* parse_int - a decimal in [lo, hi]; -1 when not */
static long parse_int(const char *s, long lo, long hi)
{
	char *e;
	long v;

	errno = 0;
	v = strtol(s, &e, 10);
	if (errno != 0 || e == s || *e != '\0' || v < lo || v > hi) {
		return -1;
	}
	return v;
}

/* parse_date - YYYY-MM-DD, from 1970-01-01, as a day number; 0 ok, -1 not a date */
static int parse_date(const char *s, long *day)
{
	/* a day before 1970 would be negative: -1 is "not given" (the default period) */
	return strlen(s) == 10 && tlsrpt_calendar_day(s, 10, day) == 0 && *day >= 0 ? 0 : -1;
}

/*
 * struct mta_clock - the local hour last converted: mktime reads the zone
 * file at every call when TZ is unset, and a busy log has thousands of
 * smtpd lines per hour.  Minutes and seconds are added to the hour's start
 * (zone offsets and DST changes fall on whole quarter hours at the least,
 * a change inside the hour itself aside).
 */
struct mta_clock {
	int mon, mday, hh; /* mon 0: nothing converted yet */
	time_t hour;       /* the hour's start, UTC seconds */
};

/*
 * mta_day - the UTC day of an smtpd line: an RFC 3339 stamp carries it; a
 * traditional one ("Dec  7 07:21:36") is local time (TZ) without a year,
 * taken in the year that puts it no later than the day after today
 */
static long mta_day(struct mta_clock *ck, const struct tlsrpt_mtalog *m, long today)
{
	char ymd[16];
	struct tm tm;
	time_t t = 0;
	int k;

	if (m->zoned) {
		return m->day;
	}
	if (ck->mon != m->mon || ck->mday != m->mday || ck->hh != m->hh) {
		tlsrpt_calendar_date(today, ymd, sizeof(ymd));
		for (k = 0; k < 2; k++) {
			memset(&tm, 0, sizeof(tm));
			tm.tm_year = atoi(ymd) - 1900 - k;
			tm.tm_mon = m->mon - 1;
			tm.tm_mday = m->mday;
			tm.tm_hour = m->hh;
			tm.tm_isdst = -1;
			if ((t = mktime(&tm)) == (time_t)-1) {
				return -1;
			}
			if ((long)(t / 86400) <= today + 1) {
				break;
			}
		}
		ck->mon = m->mon;
		ck->mday = m->mday;
		ck->hh = m->hh;
		ck->hour = t;
	}
	t = ck->hour + m->mi * 60 + m->ss;
	return t >= 0 ? (long)(t / 86400) : -1 - (long)((-t - 1) / 86400);
}

/* struct feed - what the lines of the inputs go into */
struct feed {
	struct tlsrpt_digest *d;
	struct mta_clock ck;
};

/* feed_line - one line of an input into the digest */
static void feed_line(void *ctx, const struct tlsrpt_logline *ll, unsigned long long ino,
                      unsigned long long off)
{
	struct feed *f = ctx;

	(void)ino;
	(void)off;
	tlsrpt_digest_add(f->d, ll);
}

/* feed_mta - one smtpd line into the MX join, on its UTC day */
static void feed_mta(void *ctx, const struct tlsrpt_mtalog *m)
{
	struct feed *f = ctx;

	tlsrpt_mxseen_line(f->d->mx, m, mta_day(&f->ck, m, f->d->last_day));
}

/* feed_entry - one journal entry into the digest when the milter wrote it */
static void feed_entry(void *ctx, const struct tlsrpt_logline *ll,
                       enum tlsrpt_journal_origin origin)
{
	struct feed *f = ctx;

	if (origin == TLSRPT_JOURNAL_MILTER) {
		tlsrpt_digest_add(f->d, ll);
	}
}

/*
 * scan - one input: a syslog file (with Postfix's smtpd lines for the MX
 * join), or with --journal a journalctl -o json stream (the milter's
 * entries only)
 */
static int scan(const struct opts *o, struct feed *f, const char *name)
{
	if (o->journal) {
		return tlsrpt_journalfile_scan(name, &o->jt, feed_entry, f);
	}
	return tlsrpt_logfile_scan_mta(name, feed_line, f->d->mx != NULL ? feed_mta : NULL, f);
}

/* write_prom - the textfile, written to a temporary name and renamed (the collector may read it) */
static int write_prom(const char *path, const struct tlsrpt_digest *d,
                      const struct tlsrpt_render_opts *ro)
{
	char tmp[4096];
	FILE *fp;
	int rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >= sizeof(tmp) ||
	    (fp = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = tlsrpt_render_prom(fp, d, ro);
	if (fclose(fp) != 0 || rc < 0 || rename(tmp, path) < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* write_html - the page */
static int write_html(const char *path, const struct tlsrpt_digest *d,
                      const struct tlsrpt_render_opts *ro)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int rc;

	if (fp == NULL) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = tlsrpt_render_html(fp, d, ro);
	if ((fp != stdout && fclose(fp) != 0) || rc < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * safe_address - a mail address that cannot inject a header or an option:
 * user@domain or a bare local name (root, postmaster), as sendmail takes
 * them; no space, control character, comma, quote, bracket or leading "-"
 */
static int safe_address(const char *a)
{
	size_t i;

	if (a[0] == '\0' || a[0] == '-' || a[0] == '@' || strlen(a) > 254) {
		return 0;
	}
	for (i = 0; a[i] != '\0'; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == ',' || c == '"' ||
		    c == '(' || c == ')' || c == ';' || c == '\\') {
			return 0;
		}
	}
	return 1;
}

/* render_mem - one renderer into a malloc'ed string */
static char *render_mem(int (*fn)(FILE *, const struct tlsrpt_digest *,
                                  const struct tlsrpt_render_opts *),
                        const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *ro)
{
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);

	if (fp == NULL) {
		return NULL;
	}
	if (fn(fp, d, ro) < 0) {
		fclose(fp);
		free(s);
		return NULL;
	}
	fclose(fp);
	return s;
}

/*
 * put_qp - s as quoted-printable (RFC 2045): lines of at most 76
 * characters, "=" and bytes outside printable ASCII as =HH, a space or tab
 * before a line end encoded; the mail's lines stay short whatever a
 * report's values hold.
 */
static void put_qp(FILE *fp, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		int plain = (c >= 33 && c <= 126 && c != '=') ||
		            ((c == ' ' || c == '\t') && s[1] != '\n' && s[1] != '\0');

		if (c == '\n') {
			fputc('\n', fp);
			col = 0;
			continue;
		}
		if (col + (plain ? 1 : 3) > 75) {
			fputs("=\n", fp);
			col = 0;
		}
		if (plain) {
			fputc(c, fp);
			col++;
		} else {
			fputc('=', fp);
			fputc(hex[c >> 4], fp);
			fputc(hex[c & 15], fp);
			col += 3;
		}
	}
}

/* write_message - the digest as a mail: headers, then text and HTML as multipart/alternative */
static int write_message(FILE *fp, const struct opts *o, const struct tlsrpt_digest *d,
                         const struct tlsrpt_render_opts *ro)
{
	char *text = render_mem(tlsrpt_render_text, d, ro),
	     *html = render_mem(tlsrpt_render_html, d, ro);
	char boundary[64], from[32], to[32], date[64];
	unsigned long long failed = tlsrpt_render_failed(d);
	struct tm tm;
	time_t now = time(NULL);

	if (text == NULL || html == NULL) {
		fprintf(stderr, "tlsrpt-lookout: cannot prepare the mail: %s\n", strerror(errno));
		free(text);
		free(html);
		return -1;
	}
	tlsrpt_calendar_date(d->first_day, from, sizeof(from));
	tlsrpt_calendar_date(d->last_day, to, sizeof(to));
	snprintf(boundary, sizeof(boundary), "=_tlsrpt-lookout-%ld-%ld", (long)getpid(), (long)now);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if (o->from != NULL) {
		fprintf(fp, "From: %s\n", o->from);
	}
	fprintf(fp,
	        "To: %s\nDate: %s\nSubject: TLS-RPT digest %s to %s: %llu failed %s\n"
	        "Auto-Submitted: auto-generated\nMIME-Version: 1.0\n"
	        "Content-Type: multipart/alternative;\n boundary=\"%s\"\n\n"
	        "--%s\nContent-Type: text/plain; charset=utf-8\n"
	        "Content-Transfer-Encoding: quoted-printable\n\n",
	        o->mail, date, from, to, failed, failed == 1 ? "session" : "sessions", boundary,
	        boundary);
	put_qp(fp, text);
	fprintf(fp,
	        "\n--%s\nContent-Type: text/html; charset=utf-8\n"
	        "Content-Transfer-Encoding: quoted-printable\n\n",
	        boundary);
	put_qp(fp, html);
	fprintf(fp, "\n--%s--\n", boundary);
	free(text);
	free(html);
	return 0;
}

/*
 * save_mail - the mail into a file (--mail-file), for a second step to hand
 * to sendmail: a sandboxed run (no new privileges) cannot run Postfix's
 * set-group-ID postdrop.  Written to FILE.tmp, then renamed, so a half
 * written mail is never sent.
 */
static int save_mail(const struct opts *o, const struct tlsrpt_digest *d,
                     const struct tlsrpt_render_opts *ro)
{
	char tmp[4096];
	FILE *fp;
	int rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", o->mail_file) >= sizeof(tmp)) {
		fprintf(stderr, "tlsrpt-lookout: --mail-file: name too long\n");
		return -1;
	}
	if ((fp = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	rc = write_message(fp, o, d, ro);
	if (fclose(fp) != 0 || rc < 0) {
		if (rc == 0) {
			fprintf(stderr, "tlsrpt-lookout: %s: %s\n", tmp, strerror(errno));
		}
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, o->mail_file) < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", o->mail_file, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* send_mail - the mail through sendmail, the recipient on its command line */
static int send_mail(const struct opts *o, const struct tlsrpt_digest *d,
                     const struct tlsrpt_render_opts *ro)
{
	int pfd[2], status, rc = -1;
	pid_t pid;
	FILE *fp;

	if (pipe(pfd) < 0) {
		fprintf(stderr, "tlsrpt-lookout: cannot prepare the mail: %s\n", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "tlsrpt-lookout: fork: %s\n", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(pfd[0], 0);
		close(pfd[0]);
		close(pfd[1]);
		if (o->from != NULL) {
			execl(o->sendmail, o->sendmail, "-oi", "-f", o->from, "--", o->mail,
			      (char *)NULL);
		} else {
			execl(o->sendmail, o->sendmail, "-oi", "--", o->mail, (char *)NULL);
		}
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", o->sendmail, strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	if ((fp = fdopen(pfd[1], "w")) == NULL) {
		close(pfd[1]);
		waitpid(pid, &status, 0);
		return -1;
	}
	rc = write_message(fp, o, d, ro);
	if (fclose(fp) != 0) {
		fprintf(stderr, "tlsrpt-lookout: writing to sendmail: %s\n", strerror(errno));
		rc = -1;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "tlsrpt-lookout: %s did not take the mail\n", o->sendmail);
		rc = -1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"days", required_argument, NULL, 'd'},
	        {"since", required_argument, NULL, 's'},
	        {"today", required_argument, NULL, 'T'},
	        {"silent-days", required_argument, NULL, 'S'},
	        {"ready-after", required_argument, NULL, 'R'},
	        {"domain", required_argument, NULL, 'D'},
	        {"config", required_argument, NULL, 'c'},
	        {"no-config", no_argument, NULL, 'C'},
	        {"json", no_argument, NULL, 'j'},
	        {"html", required_argument, NULL, 'H'},
	        {"prometheus", required_argument, NULL, 'P'},
	        {"mail", required_argument, NULL, 'm'},
	        {"from", required_argument, NULL, 'f'},
	        {"sendmail", required_argument, NULL, 'M'},
	        {"mail-file", required_argument, NULL, 'F'},
	        {"dns", no_argument, NULL, 'N'},
	        {"no-mx", no_argument, NULL, 'X'},
	        {"journal", no_argument, NULL, 'J'},
	        {"journal-user", required_argument, NULL, 'U'},
	        {"journal-unit", required_argument, NULL, 'u'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct opts o = {.days = 7,
	                 .since = -1,
	                 .today = -1,
	                 .silent_days = 7,
	                 .ready_days = 7,
	                 .text = 1,
	                 .sendmail = "/usr/sbin/sendmail",
	                 .junit = "tlsrpt-milter.service"};
	const char *domains[MAX_DOMAIN_OPTS], *config_used;
	struct tlsrpt_conf *cfg;
	size_t ndomains = 0, i;
	struct tlsrpt_render_opts ro;
	struct tlsrpt_dnsnote *dn = NULL;
	struct feed feed = {NULL, {0, 0, 0, 0}};
	struct tlsrpt_digest *d;
	char err[256];
	int ch, bad = 0, days_given = 0;
	long v, first;

	if (argc > 1 && strcmp(argv[1], "--alert") == 0) {
		return tlsrpt_digest_alert_main(argc - 1, argv + 1);
	}
	if (argc == 3 && strcmp(argv[1], "--explain") == 0) {
		const struct tlsrpt_meaning *m = tlsrpt_meaning_result(argv[2]);

		if (m == NULL) {
			m = tlsrpt_meaning_reason(argv[2], strlen(argv[2]));
		}
		if (m == NULL) {
			fprintf(stderr, "tlsrpt-lookout: no explanation for this result type\n");
			return EXIT_FAILURES;
		}
		printf("%s: %s\n\n%s\n\nFix: %s\n", m->name, m->title, m->meaning, m->fix);
		return EXIT_CLEAN;
	}
	while ((ch = getopt_long(argc, argv, "d:s:c:jH:P:m:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if ((v = parse_int(optarg, 1, TLSRPT_LOOKOUT_MAX_DAYS)) < 0) {
				fprintf(stderr, "tlsrpt-lookout: --days: 1 to %d\n",
				        TLSRPT_LOOKOUT_MAX_DAYS);
				return EXIT_USAGE;
			}
			o.days = (int)v;
			days_given = 1;
			break;
		case 's':
			if (parse_date(optarg, &o.since) < 0) {
				fprintf(stderr, "tlsrpt-lookout: --since: want YYYY-MM-DD\n");
				return EXIT_USAGE;
			}
			break;
		case 'T':
			if (parse_date(optarg, &o.today) < 0) {
				fprintf(stderr, "tlsrpt-lookout: --today: want YYYY-MM-DD\n");
				return EXIT_USAGE;
			}
			break;
		case 'S':
			if ((v = parse_int(optarg, 1, 3650)) < 0) {
				fprintf(stderr, "tlsrpt-lookout: --silent-days: 1 to 3650\n");
				return EXIT_USAGE;
			}
			o.silent_days = (int)v;
			break;
		case 'R':
			if ((v = parse_int(optarg, 1, TLSRPT_LOOKOUT_MAX_DAYS)) < 0) {
				fprintf(stderr, "tlsrpt-lookout: --ready-after: 1 to %d days\n",
				        TLSRPT_LOOKOUT_MAX_DAYS);
				return EXIT_USAGE;
			}
			o.ready_days = (int)v;
			break;
		case 'D':
			if (ndomains >= MAX_DOMAIN_OPTS || optarg[0] == '\0') {
				fprintf(stderr, "tlsrpt-lookout: --domain: at most %d, not empty\n",
				        MAX_DOMAIN_OPTS);
				return EXIT_USAGE;
			}
			domains[ndomains++] = optarg;
			break;
		case 'c':
			o.config = optarg;
			break;
		case 'C':
			o.no_config = 1;
			break;
		case 'j':
			o.json = 1;
			o.text = 0;
			break;
		case 'H':
			o.html = optarg;
			break;
		case 'P':
			o.prom = optarg;
			break;
		case 'm':
			if (!safe_address(optarg)) {
				fprintf(stderr, "tlsrpt-lookout: --mail: not a plain address: %s\n",
				        optarg);
				return EXIT_USAGE;
			}
			o.mail = optarg;
			break;
		case 'f':
			if (!safe_address(optarg)) {
				fprintf(stderr, "tlsrpt-lookout: --from: not a plain address: %s\n",
				        optarg);
				return EXIT_USAGE;
			}
			o.from = optarg;
			break;
		case 'M':
			o.sendmail = optarg;
			break;
		case 'F':
			o.mail_file = optarg;
			break;
		case 'N':
			o.dns = 1;
			break;
		case 'X':
			o.no_mx = 1;
			break;
		case 'J':
			o.journal = 1;
			break;
		case 'U':
			o.juser = optarg;
			break;
		case 'u':
			o.junit = optarg;
			break;
		case 'h':
			usage();
			return EXIT_CLEAN;
		default:
			usage();
			return EXIT_USAGE;
		}
	}
	if (o.mail_file != NULL && o.mail == NULL) {
		fprintf(stderr, "tlsrpt-lookout: --mail-file needs --mail\n");
		return EXIT_USAGE;
	}
	if (days_given && o.since >= 0) {
		fprintf(stderr, "tlsrpt-lookout: --days and --since exclude each other\n");
		return EXIT_USAGE;
	}
	if (o.today < 0) {
		o.today = (long)(time(NULL) / 86400);
	}
	first = o.since >= 0 ? o.since : o.today - o.days + 1;
	if (first > o.today) {
		fprintf(stderr, "tlsrpt-lookout: --since is after today\n");
		return EXIT_USAGE;
	}
	if (o.config != NULL && o.no_config) {
		fprintf(stderr, "tlsrpt-lookout: --config and --no-config exclude each other\n");
		return EXIT_USAGE;
	}
	if (tlsrpt_siteconf_load(o.config, o.no_config, &cfg, &config_used) < 0) {
		return EXIT_USAGE;
	}
	if ((d = tlsrpt_digest_new(first, o.today, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tlsrpt-lookout: %s\n", err);
		tlsrpt_conf_free(cfg);
		return EXIT_USAGE;
	}
	if (!o.no_mx && (d->mx = tlsrpt_mxseen_new(first, o.today, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tlsrpt-lookout: %s\n", err);
		tlsrpt_digest_free(d);
		tlsrpt_conf_free(cfg);
		return EXIT_USAGE;
	}
	d->inv.ready_days = o.ready_days;
	/* our domains first: they are never left out (digest.h) */
	for (i = 0; i < ndomains; i++) {
		tlsrpt_digest_expect(d, domains[i]);
	}
	for (i = 0; cfg != NULL && i < cfg->report_domains.n; i++) {
		tlsrpt_digest_expect(d, cfg->report_domains.v[i]);
	}
	/* our MX hosts (MXHosts): reports about them are shown apart */
	for (i = 0; cfg != NULL && i < cfg->mx_hosts.n; i++) {
		tlsrpt_digest_mxhost(d, cfg->mx_hosts.v[i]);
	}
	if (o.journal &&
	    tlsrpt_journal_trust_init(&o.jt, o.juser, cfg, o.junit, err, sizeof(err)) < 0) {
		fprintf(stderr, "tlsrpt-lookout: --journal: %s\n", err);
		tlsrpt_conf_free(cfg);
		tlsrpt_mxseen_free(d->mx);
		tlsrpt_digest_free(d);
		return EXIT_USAGE;
	}
	tlsrpt_conf_free(cfg);
	feed.d = d;
	if (optind == argc) {
		bad |= scan(&o, &feed, "-") < 0;
	}
	for (; optind < argc; optind++) {
		bad |= scan(&o, &feed, argv[optind]) < 0;
	}
	tlsrpt_digest_finish(d);
	if (d->mx != NULL) {
		tlsrpt_mxseen_finish(d->mx);
	}
	ro.today = o.today;
	ro.silent_days = o.silent_days;
	ro.meanings = 1;
	ro.dns = NULL;
	ro.ndns = 0;
	if (o.dns) {
		if ((dn = malloc(sizeof(*dn))) == NULL ||
		    tlsrpt_dnsnote_collect(dn, d, config_used, err, sizeof(err)) < 0) {
			fprintf(stderr, "tlsrpt-lookout: --dns: %s\n",
			        dn == NULL ? "out of memory" : err);
			bad = 1;
		} else {
			ro.dns = dn->v;
			ro.ndns = dn->n;
		}
	}
	if (o.json && tlsrpt_render_json(stdout, d, &ro) < 0) {
		bad = 1;
	}
	if (o.text && o.mail == NULL && (o.html == NULL || strcmp(o.html, "-") != 0) &&
	    tlsrpt_render_text(stdout, d, &ro) < 0) {
		bad = 1;
	}
	if (o.html != NULL && write_html(o.html, d, &ro) < 0) {
		bad = 1;
	}
	if (o.prom != NULL && write_prom(o.prom, d, &ro) < 0) {
		bad = 1;
	}
	if (o.mail != NULL && o.mail_file != NULL && save_mail(&o, d, &ro) < 0) {
		bad = 1;
	} else if (o.mail != NULL && o.mail_file == NULL && send_mail(&o, d, &ro) < 0) {
		bad = 1;
	}
	/* failed sessions left out (of names past the pool of others) count too */
	v = tlsrpt_render_failed(d) > 0 || d->st.left_out.failed > 0;
	free(dn);
	tlsrpt_mxseen_free(d->mx);
	tlsrpt_digest_free(d);
	if (bad) {
		return EXIT_USAGE;
	}
	return v ? EXIT_FAILURES : EXIT_CLEAN;
}
