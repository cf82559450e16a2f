/*
 * main.c - tlsrpt-milter: command line and start-up
 *
 *   tlsrpt-milter [-fd] [-c FILE] [-p SOCKET]   run the milter
 *   tlsrpt-milter [-c FILE] [-p SOCKET] -n [-D] check the configuration, print it
 *                                               (-D: and the domains' DNS records)
 *   tlsrpt-milter [-c FILE] -t FILE...          saved messages or reports: print the records
 *   tlsrpt-milter -C | -V | -h                  sample configuration, version, help
 *
 * Exit status: 0 success; 1 from -t when a file held no report or an
 * error, from -n when it found a problem on the MTA's side, and from -n -D
 * also when a _smtp._tls record does not bring the reports to
 * ReportAddress; 2 usage error (every mode); EX_CONFIG (78) bad
 * configuration (the daemon also logs it at the mail facility, so it is
 * in mail.log);
 * EX_OSERR (71) / EX_UNAVAILABLE (69) / EX_SOFTWARE (70) when start-up
 * fails (socket, privileges, libmilter).
 *
 * Start-up order (OpenBSD daemons): configuration; openlog; SIGUSR1
 * blocked before any thread exists; UserID looked up; smfi_register; a
 * stale Unix socket removed, the socket opened while still root, under
 * UMask, chowned to UserID; the pid file opened and locked; privileges
 * dropped; detach unless -f; the pid written; the StateFile read; the
 * statistics thread; smfi_main.  SIGTERM, SIGINT and SIGHUP (libmilter's)
 * stop it cleanly: smfi_main returns, report messages in progress get a
 * bounded time to end (tlsrpt_gate_stop; libmilter's workers may still
 * run callbacks), then statistics line, pid file removed, exit 0.  The
 * settings and the StateFile stay until no callback can reach them: app
 * is static, and the configuration is freed only after the gate closed.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <libmilter/mfapi.h>

#include "app.h"
#include "callbacks.h"
#include "conf.h"
#include "daemon.h"
#include "gate.h"
#include "dnscheck.h"
#include "tlsrpt_limits.h"
#include "logging.h"
#include "mtacheck.h"
#include "offline.h"
#include "pipeline.h"
#include "settings.h"
#include "sockspec.h"
#include "stats.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG SYSCONFDIR "/tlsrpt-milter.conf"
#define EXIT_USAGE 2
#define STATE_MAX_ENTRIES 100000 /* reports remembered in StateFile */

struct options {
	const char *config; /* -c, NULL: the default (daemon) or none (-t) */
	const char *socket; /* -p */
	int check;          /* -n */
	int dns;            /* -D: with -n, the DNS records too */
	int foreground;     /* -f */
	int mirror;         /* -d */
	int test;           /* -t */
};

/* usage - the synopsis */
static void usage(FILE *fp)
{
	fprintf(fp,
	        "usage: tlsrpt-milter [-fd] [-c FILE] [-p SOCKET]   run the milter\n"
	        "       tlsrpt-milter [-c FILE] [-p SOCKET] -n      check the configuration and "
	        "print it\n"
	        "       tlsrpt-milter [-c FILE] -t FILE...          print the records of saved "
	        "messages\n"
	        "       tlsrpt-milter -C | -V | -h                  sample configuration, "
	        "version, help\n"
	        "  -c FILE    configuration file (default %s)\n"
	        "  -p SOCKET  listen here instead of Socket: unix:/path, inet:PORT@HOST, inet6:PORT@HOST\n"
	        "  -f         stay in the foreground (overrides Background)\n"
	        "  -d         with -f: also write every log line to standard error\n"
	        "  -n         check the configuration, print the effective settings, exit\n"
	        "  -D         with -n: also look up each report domain's _smtp._tls, _mta-sts and\n"
	        "             MX records and say whether the reports come to ReportAddress\n"
	        "  -t         read messages (or bare .json/.json.gz reports) from the files, - for stdin\n"
	        "  -C         print a sample configuration file\n"
	        "  -V         print the version\n"
	        "  -h         this help\n",
	        DEFAULT_CONFIG);
}

/* load_config - defaults, then the file when there is one; NULL + err */
static struct tlsrpt_conf *load_config(const char *path, const char *socket, int daemon, char *err,
                                       size_t errlen)
{
	struct tlsrpt_conf *cfg;

	cfg = tlsrpt_conf_new(err, errlen);
	if (cfg == NULL) {
		return NULL;
	}
	if ((path != NULL && tlsrpt_conf_load(cfg, path, err, errlen) < 0) ||
	    (socket != NULL && tlsrpt_conf_set(cfg, "Socket", socket, err, errlen) < 0) ||
	    tlsrpt_conf_check(cfg, daemon, err, errlen) < 0) {
		tlsrpt_conf_free(cfg);
		return NULL;
	}
	return cfg;
}

/*
 * config_fail - a configuration the daemon cannot start with: on standard
 * error and in syslog at the mail facility (LogFacility is not known when
 * the file is wrong), so the postmaster finds it in mail.log as well as in
 * the journal (under systemd the journal has it twice: standard error is
 * what "systemctl status" shows for certain, since journald may not tie a
 * syslog line to a process that has already exited)
 */
static int config_fail(const char *err)
{
	fprintf(stderr, "tlsrpt-milter: %s\n", err);
	openlog("tlsrpt-milter", LOG_PID, LOG_MAIL);
	syslog(LOG_ERR, "cannot start: %s", err);
	closelog();
	return EX_CONFIG;
}

/* systemd_booted - the system runs systemd (sd_booted(3)'s test) */
static int systemd_booted(void)
{
	struct stat st;

	return lstat("/run/systemd/system/", &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * check_mode - -n: the effective configuration on standard output, then
 * the MTA's side (and with -D the DNS records) on standard error; 0 and an
 * "ok" line when nothing is wrong, 1 when a problem was found, EX_CONFIG
 * when UserID is unknown
 */
static int check_mode(struct tlsrpt_conf *cfg, int foreground, int dns)
{
	struct tlsrpt_user user;
	char err[1024];
	int problems, note = 0;

	if (tlsrpt_daemon_user(cfg->user_id, &user, err, sizeof(err)) < 0) {
		fprintf(stderr, "tlsrpt-milter: %s\n", err);
		return EX_CONFIG;
	}
	if (cfg->background && (foreground || systemd_booted())) {
		/* the systemd unit runs "tlsrpt-milter -f": the daemon stays in the foreground */
		cfg->background = 0;
		note = 1;
	}
	if (tlsrpt_conf_write(cfg, stdout) != 0 ||
	    (note && printf("# Background: no, as the systemd unit runs it (-f)\n") < 0) ||
	    fflush(stdout) != 0) {
		return EX_IOERR;
	}
	problems = tlsrpt_mtacheck_run(cfg, stderr);
	if (dns) {
		problems += tlsrpt_dnscheck_run(
		        cfg, stderr); /* a record that does not bring the reports */
	}
	if (problems > 0) {
		fprintf(stderr, "tlsrpt-milter: %d problem%s found\n", problems,
		        problems == 1 ? "" : "s");
		return 1;
	}
	fprintf(stderr, "tlsrpt-milter: ok: the configuration%s has no problem\n",
	        " and the MTA's side");
	return 0;
}

/* startup_fail - report a start-up failure to syslog and standard error */
static int startup_fail(int mirror, int code, const char *what, const char *detail)
{
	tlsrpt_log(LOG_ERR, "cannot start: %s%s%s", what, detail ? ": " : "", detail ? detail : "");
	if (!mirror) {
		fprintf(stderr, "tlsrpt-milter: cannot start: %s%s%s\n", what, detail ? ": " : "",
		        detail ? detail : "");
	}
	return code;
}

/* host_name - the system host name, the authserv-id trusted when nothing says otherwise */
static void host_name(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0) {
		buf[0] = '\0';
	}
	buf[len - 1] = '\0';
}

/* The daemon's shared settings and memory budget: static, callbacks may outlive run_daemon's frame
 */
static struct tlsrpt_app app;
static struct tlsrpt_budget budget = TLSRPT_BUDGET_INIT(0);

/* What a reload reads again: set before the signal thread starts */
static const char *reload_path;   /* -c, or the default */
static const char *reload_socket; /* -p, NULL when not given */

/* same_str - two optional strings are equal */
static int same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* restart_only - log each setting that changed but takes effect only at the next restart */
static void restart_only(const struct tlsrpt_conf *run, const struct tlsrpt_conf *now)
{
	static const char *const later = "takes effect at the next restart";
	char a[32], b[32];

	if (!same_str(run->socket, now->socket)) {
		tlsrpt_log(LOG_WARNING, "reload: Socket %s (running: %s) %s", now->socket,
		           run->socket, later);
	}
	if (!same_str(run->user_id, now->user_id)) {
		tlsrpt_log(LOG_WARNING, "reload: UserID %s (running: %s) %s",
		           now->user_id ? now->user_id : "(not set)",
		           run->user_id ? run->user_id : "(not set)", later);
	}
	if (!same_str(run->pid_file, now->pid_file)) {
		tlsrpt_log(LOG_WARNING, "reload: PidFile %s (running: %s) %s",
		           now->pid_file ? now->pid_file : "(not set)",
		           run->pid_file ? run->pid_file : "(not set)", later);
	}
	if (!same_str(run->state_file, now->state_file) ||
	    run->duplicate_window != now->duplicate_window) {
		tlsrpt_log(LOG_WARNING, "reload: StateFile or DuplicateWindow changed: %s", later);
	}
	if (run->umask != now->umask) {
		tlsrpt_log(LOG_WARNING, "reload: UMask %03llo (running: %03llo) %s", now->umask,
		           run->umask, later);
	}
	if (run->memory_budget != now->memory_budget) {
		snprintf(a, sizeof(a), "%llu", now->memory_budget);
		snprintf(b, sizeof(b), "%llu", run->memory_budget);
		tlsrpt_log(LOG_WARNING, "reload: MemoryBudget %s (running: %s) %s", a, b, later);
	}
	if (run->log_facility != now->log_facility || run->log_format != now->log_format) {
		tlsrpt_log(LOG_WARNING, "reload: LogFacility or LogFormat changed: %s", later);
	}
}

/*
 * reload - SIGUSR2 (ExecReload): read the file again and make it current
 * for the messages that start from now on; the messages in progress keep
 * theirs.  A file that does not load keeps the running configuration.
 * Runs on the signal thread.
 */
static void reload(void)
{
	struct tlsrpt_conf *cfg;
	char err[1024];
	unsigned long gen;
	const char *action;
	size_t naddr;

	cfg = load_config(reload_path, reload_socket, 1, err, sizeof(err));
	if (cfg == NULL) {
		tlsrpt_log(LOG_ERR, "reload: %s; the running configuration stays", err);
		return;
	}
	restart_only(app.cfg, cfg);
	action = tlsrpt_conf_action_name(cfg->action);
	naddr = cfg->report_address.n;
	gen = tlsrpt_settings_swap(cfg); /* cfg is the snapshot's from here */
	if (gen == 0) {
		tlsrpt_log(LOG_ERR, "reload: out of memory; the running configuration stays");
		return;
	}
	tlsrpt_log(LOG_INFO, "reloaded %s: generation=%lu action=%s report-addresses=%zu",
	           reload_path, gen, action, naddr);
}

/*
 * run_daemon - the start-up sequence, smfi_main, the orderly stop;
 * *busy is set when a callback may still use cfg (do not free it)
 */
static int run_daemon(const struct tlsrpt_conf *cfg, const struct options *o, int *busy)
{
	struct tlsrpt_user user;
	char err[1024];
	int foreground = o->foreground || !cfg->background;
	int pidfd = -1, rc, status = 0, left = 0;
	mode_t old_mask;

	memset(&app, 0, sizeof(app));
	app.cfg = cfg;
	tlsrpt_conf_limits(cfg, &app.lim);
	budget.max = (size_t)cfg->memory_budget;
	app.budget = &budget;
	host_name(app.hostname, sizeof(app.hostname));

	tlsrpt_log_open(tlsrpt_conf_syslog_facility(cfg->log_facility),
	                (enum tlsrpt_format)cfg->log_format, o->mirror);
	signal(SIGPIPE, SIG_IGN);
	if (tlsrpt_stats_block() < 0) {
		return startup_fail(o->mirror, EX_OSERR, "cannot block SIGUSR1", NULL);
	}
	if (tlsrpt_daemon_user(cfg->user_id, &user, err, sizeof(err)) < 0) {
		return startup_fail(o->mirror, EX_CONFIG, err, NULL);
	}
	if (tlsrpt_callbacks_register(&app) < 0) {
		return startup_fail(o->mirror, EX_SOFTWARE, "smfi_register failed", NULL);
	}
	if (smfi_setconn(cfg->socket) != MI_SUCCESS) {
		return startup_fail(o->mirror, EX_CONFIG, "smfi_setconn failed", cfg->socket);
	}
	if (tlsrpt_daemon_socket_clear(cfg->socket, err, sizeof(err)) < 0) {
		return startup_fail(o->mirror, EX_UNAVAILABLE, err, NULL);
	}
	old_mask = umask((mode_t)cfg->umask);
	rc = smfi_opensocket(false);
	umask(old_mask);
	if (rc != MI_SUCCESS) {
		return startup_fail(o->mirror, EX_UNAVAILABLE, "cannot open the socket",
		                    cfg->socket);
	}
	if (tlsrpt_daemon_socket_perms(cfg->socket, &user, (mode_t)cfg->umask, err, sizeof(err)) <
	    0) {
		return startup_fail(o->mirror, EX_OSERR, err, NULL);
	}
	if (tlsrpt_mtacheck_root_socket(cfg, err, sizeof(err))) {
		tlsrpt_log(LOG_WARNING, "%s", err);
	}
	if (cfg->pid_file != NULL &&
	    (pidfd = tlsrpt_daemon_pidfile_open(cfg->pid_file, err, sizeof(err))) < 0) {
		return startup_fail(o->mirror, EX_OSERR, err, NULL);
	}
	if (tlsrpt_daemon_drop(&user, err, sizeof(err)) < 0) {
		return startup_fail(o->mirror, EX_OSERR, err, NULL);
	}
	if (!foreground && tlsrpt_daemon_detach(err, sizeof(err)) < 0) {
		return startup_fail(o->mirror, EX_OSERR, err, NULL);
	}
	if (pidfd >= 0 && tlsrpt_daemon_pidfile_write(pidfd, err, sizeof(err)) < 0) {
		return startup_fail(o->mirror, EX_OSERR, err, NULL);
	}
	if (cfg->state_file != NULL) {
		int note = 0;

		/* after the privilege drop: the file belongs to the milter's user */
		app.dedup =
		        tlsrpt_dedup_open(cfg->state_file, (long)cfg->duplicate_window,
		                          STATE_MAX_ENTRIES, time(NULL), &note, err, sizeof(err));
		if (app.dedup == NULL) {
			return startup_fail(o->mirror, EX_OSERR, err, NULL);
		}
		if (note) {
			tlsrpt_log(LOG_WARNING, "%s (%s): carrying on with what could be read", err,
			           cfg->state_file);
		}
	}
	rc = tlsrpt_stats_start(reload);
	if (rc != 0) {
		tlsrpt_log_errno(LOG_WARNING, rc, "statistics thread not started");
	}

	tlsrpt_log(LOG_INFO, "starting tlsrpt-milter %s socket=%s action=%s report-addresses=%zu",
	           PACKAGE_VERSION, cfg->socket, tlsrpt_conf_action_name(cfg->action),
	           cfg->report_address.n);
	/* Type=notify: systemctl start/restart return once the socket is open */
	if (tlsrpt_daemon_notify("READY=1", err, sizeof(err)) < 0) {
		tlsrpt_log(LOG_WARNING, "%s", err);
	}
	if (smfi_main() != MI_SUCCESS) {
		tlsrpt_log(LOG_ERR, "smfi_main failed");
		status = EX_SOFTWARE;
	}
	*busy = tlsrpt_gate_stop(TLSRPT_STOP_DRAIN_MS, &left) < 0;
	if (left > 0) {
		tlsrpt_log(
		        LOG_WARNING,
		        "stopping with %d report message(s) in progress: the MTA applies its milter default action to them",
		        left);
	}
	tlsrpt_stats_log("exit");
	tlsrpt_log(LOG_INFO, "stopping tlsrpt-milter");
	if (tlsrpt_sockspec_path(cfg->socket) != NULL) {
		(void)unlink(tlsrpt_sockspec_path(cfg->socket)); /* best effort */
	}
	if (pidfd >= 0) {
		if (unlink(cfg->pid_file) < 0 && errno != ENOENT) {
			tlsrpt_log_errno(LOG_WARNING, errno, "cannot remove %s", cfg->pid_file);
		}
		close(pidfd);
	}
	if (!*busy) {
		tlsrpt_dedup_close(app.dedup);
	}
	tlsrpt_log_close();
	return status;
}

/* main - parse the command line, then -C/-V/-h, -t, -n or the daemon */
int main(int argc, char **argv)
{
	struct options o;
	struct tlsrpt_conf *cfg;
	struct tlsrpt_settings *start;
	struct tlsrpt_limits lim;
	struct tlsrpt_trust trust;
	char host[TLSRPT_HOSTNAME_MAX];
	const char *host_ids[1] = {host};
	char err[1024];
	int ch, rc, busy = 0;

#ifdef M_MMAP_THRESHOLD
	/* Big buffers (a report inflates to up to MaxReportSize) go back to the
	 * system when freed: glibc's dynamic threshold would keep them in each
	 * thread's arena and RSS would grow with the sessions (tests/load). */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
	memset(&o, 0, sizeof(o));
	while ((ch = getopt(argc, argv, "c:p:nDfdtCVh")) != -1) {
		switch (ch) {
		case 'c':
			o.config = optarg;
			break;
		case 'p':
			o.socket = optarg;
			break;
		case 'n':
			o.check = 1;
			break;
		case 'D':
			o.dns = 1;
			break;
		case 'f':
			o.foreground = 1;
			break;
		case 'd':
			o.mirror = 1;
			break;
		case 't':
			o.test = 1;
			break;
		case 'C':
			return tlsrpt_conf_write_sample(stdout) == 0 && fflush(stdout) == 0
			               ? 0
			               : EX_IOERR;
		case 'V':
			printf("tlsrpt-milter %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}

	if (o.test) {
		if (optind >= argc || o.check || o.foreground || o.mirror || o.socket != NULL) {
			usage(stderr);
			return EXIT_USAGE;
		}
		cfg = load_config(o.config, NULL, 0, err,
		                  sizeof(err)); /* -t: the defaults unless -c */
		if (cfg == NULL) {
			fprintf(stderr, "tlsrpt-milter: %s\n", err);
			return EX_CONFIG;
		}
		tlsrpt_conf_limits(cfg, &lim);
		host_name(host, sizeof(host));
		tlsrpt_conf_trust(cfg, host_ids, &trust);
		/* no StateFile: -t only reads, it must not mark reports as seen */
		rc = tlsrpt_offline_run(argv + optind, argc - optind, &lim, &trust,
		                        (enum tlsrpt_format)cfg->log_format, stdout, stderr);
		tlsrpt_conf_free(cfg);
		return rc;
	}
	if (o.dns && !o.check) {
		fprintf(stderr, "tlsrpt-milter: -D needs -n\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (optind < argc || (o.mirror && !o.foreground && !o.check)) {
		if (o.mirror && !o.foreground) {
			fprintf(stderr, "tlsrpt-milter: -d needs -f\n");
		}
		usage(stderr);
		return EXIT_USAGE;
	}
	reload_path = o.config != NULL ? o.config : DEFAULT_CONFIG;
	reload_socket = o.socket;
	cfg = load_config(reload_path, o.socket, 1, err, sizeof(err));
	if (cfg == NULL && o.check) {
		fprintf(stderr, "tlsrpt-milter: %s\n", err);
		return EX_CONFIG;
	}
	if (cfg == NULL) {
		return config_fail(err);
	}
	if (o.check) {
		rc = check_mode(cfg, o.foreground, o.dns);
		tlsrpt_conf_free(cfg);
		return rc;
	}
	/* the settings own cfg; this reference keeps it as app.cfg until the end */
	if ((start = tlsrpt_settings_init(cfg)) == NULL) {
		tlsrpt_conf_free(cfg);
		fprintf(stderr, "tlsrpt-milter: cannot start: out of memory\n");
		return EX_OSERR;
	}
	rc = run_daemon(start->cfg, &o, &busy);
	if (!busy) {
		/* else a callback still running may read them */
		tlsrpt_settings_end();
		tlsrpt_settings_put(start);
	}
	return rc;
}
