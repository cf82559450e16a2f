/*
 * alertmode.c - tlsrpt-lookout --alert: stateful alerts from the new log lines
 *
 * Run every few minutes (tlsrpt-lookout-alert.timer, or cron).  Reads each
 * named plain log file from where the last run left it (logfile.h,
 * cursor.h: by inode, a rotated file is finished from its old offset, a
 * new one read from 0), only whole lines, feeds them to the alert machine
 * (alert.h) as seen at --now, writes its events to syslog (tag
 * tlsrpt-milter, prefix ALERT, the milter's LogFormat and LogFacility) or
 * to standard output, then saves the state (alertstate.h): logged first,
 * saved after, so a crash in between repeats
 * nothing (the next run reads its own lines back) rather than losing
 * anything.  A damaged state file is reported with an error line and
 * rebuilt by reading the files from their start.  Exit: 0, or 2 for a
 * usage, file or state error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "alert_log.h"
#include "calendar.h"
#include "alertmode.h"
#include "alertstate.h"
#include "conf.h"
#include "cursor.h"
#include "journalfile.h"
#include "logfile.h"
#include "logline.h"
#include "siteconf.h"

#define ALERT_MAX_DOMAINS 256

struct aopts {
	const char *state, *config, *tag;
	int no_config;
	const char *domains[ALERT_MAX_DOMAINS];
	size_t ndomains;
	int format; /* enum tlsrpt_format, -1 until --json or the configuration says */
	int to_stdout, facility;
	int journal, verified; /* inputs: journalctl -o json; files of verified origin */
	const char *juser, *junit;
	struct tlsrpt_journal_trust jt;
	time_t now;
	struct tlsrpt_alert_conf c;
};

static void alert_usage(void)
{
	fputs("usage: tlsrpt-lookout --alert [--state FILE] [--now YYYY-MM-DD[THH:MM:SS] | @EPOCH]\n"
	      "         [--alert-window DAYS] [--silent-after DAYS] [--min-failed N]\n"
	      "         [--min-rate PERCENT] [--baseline REPORTS] [--baseline-factor K]\n"
	      "         [--baseline-margin POINTS] [--baseline-min-failed N]\n"
	      "         [--domain DOMAIN]... [--config FILE | --no-config]\n"
	      "         [--json] [--stdout] [--tag TAG] [--verified] FILE...\n"
	      "       tlsrpt-lookout --alert --journal [--journal-user USER] [--journal-unit UNIT]\n"
	      "         [options as above] FILE|-...\n"
	      "--config: the milter's configuration (default " TLSRPT_SITECONF_DEFAULT
	      ", if there)\n",
	      stderr);
}

/* number - a decimal in [lo, hi] into *v; -1 when not */
static int number(const char *s, double lo, double hi, double *v)
{
	char *e;

	errno = 0;
	*v = strtod(s, &e);
	return errno != 0 || e == s || *e != '\0' || *v < lo || *v > hi ? -1 : 0;
}

/* parse_now - YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z] or @EPOCH; 0 or -1 */
static int parse_now(const char *s, time_t *t)
{
	unsigned h = 0, m = 0, sec = 0;
	double v;
	long day;

	if (s[0] == '@') {
		if (number(s + 1, 0, 1e11, &v) < 0) {
			return -1;
		}
		*t = (time_t)v;
		return 0;
	}
	if (strlen(s) < 10 || tlsrpt_calendar_day(s, 10, &day) < 0) {
		return -1;
	}
	if (s[10] != '\0' && sscanf(s + 10, "T%2u:%2u:%2u", &h, &m, &sec) < 2) {
		return -1;
	}
	if (h > 23 || m > 59 || sec > 60) {
		return -1;
	}
	*t = (time_t)day * 86400 + h * 3600 + m * 60 + sec;
	return 0;
}

/*
 * read_config - the milter's configuration (siteconf.h: --config, else the
 * default file when there): LogFormat and LogFacility into o; -1 (said)
 */
static int read_config(struct aopts *o, struct tlsrpt_conf **out)
{
	struct tlsrpt_conf *cfg;
	const char *used;

	if (tlsrpt_siteconf_load(o->config, o->no_config, out, &used) < 0) {
		return -1;
	}
	if ((cfg = *out) == NULL) {
		return 0;
	}
	if (o->format < 0) {
		o->format = cfg->log_format;
	}
	o->facility = tlsrpt_conf_syslog_facility(cfg->log_facility);
	return 0;
}

struct feed {
	struct tlsrpt_alert *a;
	time_t now;
	int verified;
};

/* own_event - an event line of the alert mode (problem, recovered, silent) */
static int own_event(const struct tlsrpt_logline *ll)
{
	return ll->event == TLSRPT_LL_OTHER && ll->word != NULL &&
	       (strcmp(ll->word, "problem") == 0 || strcmp(ll->word, "recovered") == 0 ||
	        strcmp(ll->word, "silent") == 0);
}

/*
 * feed_line - one line of a log file into the machine; an event line only
 * from a file of verified origin (--verified): in a file anyone can log
 * to, it may be a local user's, written to silence a real problem
 */
static void feed_line(void *ctx, const struct tlsrpt_logline *ll, unsigned long long ino,
                      unsigned long long off)
{
	const struct feed *f = ctx;

	if (f->verified || !own_event(ll)) {
		tlsrpt_alert_add_at(f->a, ll, f->now, ino, off);
	}
}

/*
 * feed_entry - one journal entry into the machine: the milter's lines, and
 * the event lines tlsrpt-lookout wrote as the milter's user; nothing else
 */
static void feed_entry(void *ctx, const struct tlsrpt_logline *ll,
                       enum tlsrpt_journal_origin origin)
{
	const struct feed *f = ctx;

	if (origin != TLSRPT_JOURNAL_FOREIGN &&
	    own_event(ll) == (origin == TLSRPT_JOURNAL_LOOKOUT)) {
		tlsrpt_alert_add(f->a, ll, f->now);
	}
}

/*
 * lock_state - hold STATE.lock (flock, exclusive) until the process ends: a
 * second run started meanwhile (the timer and a hand-started one) waits,
 * then reads the state the first saved, so nothing is announced twice and
 * the two never rename over each other.  The descriptor or -1 (said).
 */
static int lock_state(const char *state)
{
	char path[4096];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s.lock", state) >= sizeof(path)) {
		fprintf(stderr, "tlsrpt-lookout: %s: name too long\n", state);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			fprintf(stderr,
			        "tlsrpt-lookout: %s: another --alert run holds it; waiting\n",
			        path);
		}
		if (errno != EWOULDBLOCK || flock(fd, LOCK_EX) < 0) {
			fprintf(stderr, "tlsrpt-lookout: %s: %s\n", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* out_format - the format of the event lines: --json, else LogFormat, else kv */
static enum tlsrpt_format out_format(const struct aopts *o)
{
	return o->format < 0 ? TLSRPT_FORMAT_KV : (enum tlsrpt_format)o->format;
}

/* report_error - an error line (syslog or stdout) and stderr */
static void report_error(const struct aopts *o, const char *reason)
{
	fprintf(stderr, "tlsrpt-lookout: %s\n", reason);
	tlsrpt_alert_log_error(reason, out_format(o), o->to_stdout ? stdout : NULL);
}

/* tlsrpt_digest_alert_main - the --alert mode; argv[0] is "--alert" */
int tlsrpt_digest_alert_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"state", required_argument, NULL, 's'},
	        {"now", required_argument, NULL, 'n'},
	        {"alert-window", required_argument, NULL, 'w'},
	        {"silent-after", required_argument, NULL, 'S'},
	        {"min-failed", required_argument, NULL, 'f'},
	        {"min-rate", required_argument, NULL, 'r'},
	        {"baseline", required_argument, NULL, 'b'},
	        {"baseline-factor", required_argument, NULL, 'k'},
	        {"baseline-margin", required_argument, NULL, 'm'},
	        {"baseline-min-failed", required_argument, NULL, 'M'},
	        {"domain", required_argument, NULL, 'D'},
	        {"config", required_argument, NULL, 'c'},
	        {"no-config", no_argument, NULL, 'C'},
	        {"json", no_argument, NULL, 'j'},
	        {"stdout", no_argument, NULL, 'o'},
	        {"tag", required_argument, NULL, 't'},
	        {"journal", no_argument, NULL, 'J'},
	        {"journal-user", required_argument, NULL, 'U'},
	        {"journal-unit", required_argument, NULL, 'u'},
	        {"verified", no_argument, NULL, 'V'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct aopts o;
	struct tlsrpt_alert *a;
	struct tlsrpt_cursor *cur = NULL;
	struct tlsrpt_conf *cfg = NULL;
	struct feed feed;
	const struct tlsrpt_alert_event *ev;
	char err[512];
	size_t n, i;
	double v;
	int ch, bad = 0, rc, lockfd;

	memset(&o, 0, sizeof(o));
	o.state = "/var/lib/tlsrpt-milter/alert-state";
	o.tag = "tlsrpt-milter";
	o.format = -1;
	o.facility = LOG_MAIL;
	o.now = time(NULL);
	o.junit = "tlsrpt-milter.service";
	tlsrpt_alert_defaults(&o.c);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o.state = optarg;
			break;
		case 'n':
			if (parse_now(optarg, &o.now) < 0) {
				fprintf(stderr,
				        "tlsrpt-lookout: --now: want YYYY-MM-DD[THH:MM:SS] or @EPOCH\n");
				return 2;
			}
			break;
		case 'w':
		case 'S':
			if (number(optarg, 0.01, 3650, &v) < 0) {
				fprintf(stderr, "tlsrpt-lookout: --%s: days, 0.01 to 3650\n",
				        ch == 'w' ? "alert-window" : "silent-after");
				return 2;
			}
			*(ch == 'w' ? &o.c.window : &o.c.silent_after) = (long)(v * 86400);
			break;
		case 'f':
			if (number(optarg, 0, 1e15, &v) < 0) {
				fprintf(stderr, "tlsrpt-lookout: --min-failed: a count\n");
				return 2;
			}
			o.c.min_failed = (unsigned long long)v;
			break;
		case 'r':
			if (number(optarg, 0, 100, &v) < 0) {
				fprintf(stderr, "tlsrpt-lookout: --min-rate: percent, 0 to 100\n");
				return 2;
			}
			o.c.min_rate = v;
			break;
		case 'b':
			if (number(optarg, 0, TLSRPT_ALERT_BASELINE_MAX, &v) < 0 ||
			    v != (unsigned)v) {
				fprintf(stderr,
				        "tlsrpt-lookout: --baseline: reports, 0 (off) to %d\n",
				        TLSRPT_ALERT_BASELINE_MAX);
				return 2;
			}
			o.c.baseline_reports = (unsigned)v;
			break;
		case 'k':
			if (number(optarg, 1, 1000, &v) < 0) {
				fprintf(stderr, "tlsrpt-lookout: --baseline-factor: 1 to 1000\n");
				return 2;
			}
			o.c.baseline_factor = v;
			break;
		case 'm':
			if (number(optarg, 0, 100, &v) < 0) {
				fprintf(stderr,
				        "tlsrpt-lookout: --baseline-margin: percentage points, 0 to 100\n");
				return 2;
			}
			o.c.baseline_margin = v;
			break;
		case 'M':
			if (number(optarg, 1, 1e15, &v) < 0) {
				fprintf(stderr,
				        "tlsrpt-lookout: --baseline-min-failed: a count, 1 or more\n");
				return 2;
			}
			o.c.baseline_min_failed = (unsigned long long)v;
			break;
		case 'D':
			if (o.ndomains >= ALERT_MAX_DOMAINS || optarg[0] == '\0') {
				fprintf(stderr, "tlsrpt-lookout: --domain: at most %d, not empty\n",
				        ALERT_MAX_DOMAINS);
				return 2;
			}
			o.domains[o.ndomains++] = optarg;
			break;
		case 'c':
			o.config = optarg;
			break;
		case 'C':
			o.no_config = 1;
			break;
		case 'j':
			o.format = TLSRPT_FORMAT_JSON;
			break;
		case 'o':
			o.to_stdout = 1;
			break;
		case 't':
			o.tag = optarg;
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
		case 'V':
			o.verified = 1;
			break;
		case 'h':
			alert_usage();
			return 0;
		default:
			alert_usage();
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "tlsrpt-lookout: --alert needs the log files to follow\n");
		alert_usage();
		return 2;
	}
	if (o.config != NULL && o.no_config) {
		fprintf(stderr, "tlsrpt-lookout: --config and --no-config exclude each other\n");
		return 2;
	}
	if (read_config(&o, &cfg) < 0) {
		return 2;
	}
	if (o.journal &&
	    tlsrpt_journal_trust_init(&o.jt, o.juser, cfg, o.junit, err, sizeof(err)) < 0) {
		fprintf(stderr, "tlsrpt-lookout: --journal: %s\n", err);
		tlsrpt_conf_free(cfg);
		return 2;
	}
	if ((lockfd = lock_state(o.state)) < 0) {
		tlsrpt_conf_free(cfg);
		return 2;
	}
	if ((cur = tlsrpt_cursor_new(err, sizeof(err))) == NULL ||
	    (a = tlsrpt_alert_new(&o.c, cur, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tlsrpt-lookout: %s\n", err);
		tlsrpt_cursor_free(cur);
		tlsrpt_conf_free(cfg);
		return 2;
	}
	if (!o.to_stdout) {
		openlog(o.tag, LOG_PID, o.facility);
	}
	rc = tlsrpt_alertstate_load(o.state, a, cur, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s\n", err);
		tlsrpt_alert_free(a);
		tlsrpt_cursor_free(cur);
		tlsrpt_conf_free(cfg);
		return 2;
	}
	if (rc > 0) {
		char reason[700];

		snprintf(reason, sizeof(reason), "%s; rebuilt from the logs", err);
		report_error(&o, reason);
	}
	/* our domains: never crowded out (alert.h); at most 256 + 256, so always room */
	for (i = 0; cfg != NULL && i < cfg->report_domains.n; i++) {
		(void)tlsrpt_alert_expect(a, cfg->report_domains.v[i], o.now);
	}
	tlsrpt_conf_free(cfg);
	for (i = 0; i < o.ndomains; i++) {
		(void)tlsrpt_alert_expect(a, o.domains[i], o.now);
	}
	feed.a = a;
	feed.now = o.now;
	feed.verified = o.verified;
	for (; optind < argc; optind++) {
		bad |= (o.journal ? tlsrpt_journalfile_scan(argv[optind], &o.jt, feed_entry, &feed)
		                  : tlsrpt_logfile_scan(argv[optind], cur, feed_line, &feed)) < 0;
	}
	ev = tlsrpt_alert_finish(a, o.now, &n);
	if (tlsrpt_alert_log(ev, n, out_format(&o), (long)(o.c.silent_after / 86400),
	                     o.to_stdout ? stdout : NULL) < 0) {
		bad = 1;
	}
	if (o.to_stdout) {
		fflush(stdout);
	}
	if (tlsrpt_alertstate_save(o.state, a, cur, err, sizeof(err)) < 0) {
		report_error(&o, err);
		bad = 1;
	}
	tlsrpt_alert_free(a);
	tlsrpt_cursor_free(cur);
	close(lockfd); /* the lock goes with it, after the state is saved */
	return bad ? 2 : 0;
}
