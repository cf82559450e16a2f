/*
 * alertmode.c - tlsrpt-lookout --alert: stateful alerts from the new log lines
 *
 * Run every few minutes (tlsrpt-lookout-alert.timer, or cron).  Reads each named
 * plain log file from where the last run left it (by inode: a rotated file
 * is finished from its old offset, a new one read from 0), only whole
 * lines, feeds them to the alert machine (lookout/alert.c) as seen at --now,
 * writes its events to syslog (tag tlsrpt-milter, prefix ALERT, the
 * milter's LogFormat and LogFacility) or to standard output, then saves
 * the state: logged first, saved after, so a crash in between repeats
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
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "alert_log.h"
#include "conf.h"
#include "alertmode.h"
#include "journal.h"
#include "logline.h"
#include "logscan.h"

#define ALERT_MAX_DOMAINS 256

struct aopts {
	const char *state, *config, *tag;
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
	      "         [--min-rate PERCENT] [--domain DOMAIN]... [--config FILE]\n"
	      "         [--json] [--stdout] [--tag TAG] [--verified] FILE...\n"
	      "       tlsrpt-lookout --alert --journal [--journal-user USER] [--journal-unit UNIT]\n"
	      "         [options as above] FILE|-...\n",
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
	if (strlen(s) < 10 || tlsrpt_logline_day(s, 10, &day) < 0) {
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

/* read_config - expected domains, LogFormat and LogFacility from the milter's file */
static int read_config(struct tlsrpt_alert *a, struct aopts *o)
{
	char err[512];
	struct tlsrpt_conf *cfg = tlsrpt_conf_new(err, sizeof(err));
	static const int fac[] = {LOG_MAIL,   LOG_DAEMON, LOG_USER,   LOG_LOCAL0,
	                          LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4,
	                          LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};
	size_t i;

	if (cfg == NULL || tlsrpt_conf_load(cfg, o->config, err, sizeof(err)) < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s\n", err);
		tlsrpt_conf_free(cfg);
		return -1;
	}
	for (i = 0; i < cfg->report_domains.n; i++) {
		tlsrpt_alert_expect(a, cfg->report_domains.v[i], o->now);
	}
	if (o->format < 0) {
		o->format = cfg->log_format;
	}
	if (cfg->log_facility >= 0 && (size_t)cfg->log_facility < sizeof(fac) / sizeof(fac[0])) {
		o->facility = fac[cfg->log_facility];
	}
	tlsrpt_conf_free(cfg);
	return 0;
}

static ssize_t fd_read(void *ctx, void *buf, size_t len)
{
	return read(*(int *)ctx, buf, len);
}

/* own_event - an event line of the alert mode (problem, recovered, silent): taken only when
 * verified */
static int own_event(const struct tlsrpt_logline *ll)
{
	return ll->event == TLSRPT_LL_OTHER && ll->word != NULL &&
	       (strcmp(ll->word, "problem") == 0 || strcmp(ll->word, "recovered") == 0 ||
	        strcmp(ll->word, "silent") == 0);
}

/*
 * scan_journal - a journalctl -o json stream (a file or -) into the
 * machine, whole: the milter's entries, and the alert mode's own event
 * lines (written by tlsrpt-lookout as the milter's user); nothing else
 */
static int scan_journal(struct tlsrpt_alert *a, const char *path, const struct aopts *o)
{
	struct tlsrpt_logline *ll = malloc(sizeof(*ll));
	struct tlsrpt_journal *j = NULL;
	const struct tlsrpt_journal_stats *st;
	enum tlsrpt_journal_origin org;
	const char *msg;
	char err[256];
	size_t len;
	int fd, r;

	fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	if (ll == NULL || fd < 0 || (j = tlsrpt_journal_new(fd_read, &fd, &o->jt)) == NULL) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", path,
		        fd < 0 ? strerror(errno) : "out of memory");
		if (fd >= 0) {
			close(fd);
		}
		free(ll);
		return -1;
	}
	while ((r = tlsrpt_journal_next(j, &msg, &len, &org, err, sizeof(err))) > 0) {
		if (org == TLSRPT_JOURNAL_FOREIGN ||
		    !tlsrpt_logline_parse(ll, msg, len, TLSRPT_LOGLINE_BARE) ||
		    own_event(ll) != (org == TLSRPT_JOURNAL_LOOKOUT)) {
			continue;
		}
		tlsrpt_alert_add(a, ll, o->now);
	}
	if (r < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", path, err);
	}
	st = tlsrpt_journal_stats(j);
	if (st->foreign > 0) {
		fprintf(stderr,
		        "tlsrpt-lookout: %s: %llu entries tagged tlsrpt-milter left out: not written by the milter or the alert mode (uid %ld)\n",
		        path, st->foreign, o->jt.uid);
	}
	tlsrpt_journal_free(j);
	close(fd);
	free(ll);
	return r < 0 ? -1 : 0;
}

/* scan - the new whole lines of one file into the machine; 0 or -1 (message printed) */
static int scan(struct tlsrpt_alert *a, const char *path, time_t now, int verified)
{
	struct tlsrpt_logline *ll = malloc(sizeof(*ll));
	struct tlsrpt_logscan *sc = NULL;
	unsigned long long off;
	unsigned char magic[2];
	const char *line;
	char err[256];
	size_t len;
	struct stat st;
	int fd, r, rc = 0;

	if (ll == NULL) {
		fprintf(stderr, "tlsrpt-lookout: out of memory\n");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		if (errno == ENOENT) { /* not there (yet): a rotation that has not happened */
			free(ll);
			return 0;
		}
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) ||
	    (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)) {
		fprintf(stderr, "tlsrpt-lookout: %s: --alert reads plain files only\n", path);
		goto fail;
	}
	off = tlsrpt_alert_pos(a, (unsigned long long)st.st_ino);
	if (off > (unsigned long long)st.st_size) {
		off = 0; /* truncated in place (copytruncate): start again */
	}
	if (lseek(fd, (off_t)off, SEEK_SET) < 0 ||
	    (sc = tlsrpt_logscan_new(fd_read, &fd, off)) == NULL) {
		fprintf(stderr, "tlsrpt-lookout: %s: cannot read\n", path);
		goto fail;
	}
	tlsrpt_logscan_whole_lines(sc);
	while ((r = tlsrpt_logscan_next(sc, &line, &len, &off, err, sizeof(err))) > 0) {
		/* an event line in a file anyone can log to may be a local user's: left out */
		if (tlsrpt_logline_parse(ll, line, len,
		                         tlsrpt_logscan_bare(sc) ? TLSRPT_LOGLINE_BARE : 0) &&
		    (verified || !own_event(ll))) {
			tlsrpt_alert_add_at(a, ll, now, (unsigned long long)st.st_ino, off);
		}
	}
	if (r < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", path, err);
		rc = -1;
	}
	tlsrpt_alert_set_pos(a, path, (unsigned long long)st.st_ino, tlsrpt_logscan_end(sc));
	tlsrpt_logscan_free(sc);
	close(fd);
	free(ll);
	return rc;
fail:
	if (fd >= 0) {
		close(fd);
	}
	free(ll);
	return -1;
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

/*
 * lock_state - hold STATE.lock (flock, exclusive) until the process ends: a
 * second run started meanwhile (the timer and a hand-started one) waits,
 * then reads the state the first saved, so nothing is announced twice and
 * the two never rename over each other.  The descriptor or -1 (message printed).
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
	        {"domain", required_argument, NULL, 'D'},
	        {"config", required_argument, NULL, 'c'},
	        {"json", no_argument, NULL, 'j'},
	        {"stdout", no_argument, NULL, 'o'},
	        {"tag", required_argument, NULL, 't'},
	        {"journal", no_argument, NULL, 'J'},
	        {"journal-user", required_argument, NULL, 'U'},
	        {"journal-unit", required_argument, NULL, 'N'},
	        {"verified", no_argument, NULL, 'V'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct aopts o;
	struct tlsrpt_alert *a;
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
		case 'N':
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
	if (o.journal &&
	    tlsrpt_journal_trust_init(&o.jt, o.juser, o.config, o.junit, err, sizeof(err)) < 0) {
		fprintf(stderr, "tlsrpt-lookout: --journal: %s\n", err);
		return 2;
	}
	if ((lockfd = lock_state(o.state)) < 0) {
		return 2;
	}
	if ((a = tlsrpt_alert_new(&o.c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tlsrpt-lookout: %s\n", err);
		return 2;
	}
	if (o.config != NULL && read_config(a, &o) < 0) {
		tlsrpt_alert_free(a);
		return 2;
	}
	if (!o.to_stdout) {
		openlog(o.tag, LOG_PID, o.facility);
	}
	/* the state first, the expected domains after it (loading replaces the machine's contents)
	 */
	rc = tlsrpt_alert_load(a, o.state, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s\n", err);
		tlsrpt_alert_free(a);
		return 2;
	}
	if (rc > 0) {
		char reason[700];

		snprintf(reason, sizeof(reason), "%s; rebuilt from the logs", err);
		report_error(&o, reason);
	}
	if (o.config != NULL && read_config(a, &o) < 0) {
		tlsrpt_alert_free(a);
		return 2;
	}
	for (i = 0; i < o.ndomains; i++) {
		tlsrpt_alert_expect(a, o.domains[i], o.now);
	}
	tlsrpt_alert_begin_files(a);
	for (; optind < argc; optind++) {
		bad |= (o.journal ? scan_journal(a, argv[optind], &o)
		                  : scan(a, argv[optind], o.now, o.verified)) < 0;
	}
	ev = tlsrpt_alert_finish(a, o.now, &n);
	if (tlsrpt_alert_log(ev, n, out_format(&o), (long)(o.c.silent_after / 86400),
	                     o.to_stdout ? stdout : NULL) < 0) {
		bad = 1;
	}
	if (o.to_stdout) {
		fflush(stdout);
	}
	if (tlsrpt_alert_save(a, o.state, err, sizeof(err)) < 0) {
		report_error(&o, err);
		bad = 1;
	}
	tlsrpt_alert_free(a);
	close(lockfd); /* the lock goes with it, after the state is saved */
	return bad ? 2 : 0;
}
