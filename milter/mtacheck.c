/*
 * mtacheck.c - the MTA's side of the set-up, checked from the milter's host
 *
 * What "tlsrpt-milter -n" checks beyond the configuration file, because
 * a milter the MTA cannot reach fails silently (Postfix logs a warning
 * and delivers, default_action=accept):
 *
 *   - a root process without UserID makes a root-owned socket: can
 *     Postfix's mail_owner, with its primary group only (as smtpd runs),
 *     use it?  Also logged at start-up;
 *   - syslog's socket /dev/log exists and something listens on it;
 *   - Postfix (when postconf(1) runs; MAIL_CONFIG is honoured): every
 *     smtpd service of master.cf and the smtpd_milters it uses (main.cf,
 *     or its own -o override).  Postfix resolves a relative unix: path in
 *     its queue directory, and an absolute one inside the chroot when the
 *     service is chrooted; one of the lists must name this milter's
 *     socket as the service sees it;
 *   - as root, with the socket there: a child process that becomes
 *     mail_owner (setgroups to its group only, setgid, setuid), chroots
 *     like the service when it is chrooted, and connects by the name in
 *     main.cf.  It sends SMFIC_QUIT, so the milter sees a clean session.
 *
 * Diagnostics: one line per problem, "what is wrong; fix: what to do".
 * Nothing is changed; postconf's output is read up to PC_OUT_MAX bytes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "errbuf.h"
#include "mtacheck.h"
#include "sockspec.h"

#define PC_OUT_MAX 65536 /* bytes of one postconf answer */
#define SERVICES_MAX 64  /* smtpd services of master.cf looked at */
#define LINE_MAX_ 1024   /* one diagnostic */
#define PATH_MAX_ 512    /* a socket path, resolved */
#define PW_BUF 4096      /* getpwnam_r / getgrgid_r scratch */
#define RELATIVE_NAME "tlsrpt-milter/tlsrpt-milter.sock"
#define DEFAULT_QUEUE "/var/spool/postfix"

/* the milter's own socket, as configured */
struct ours {
	int unix_socket;      /* 1: path; 0: inet port/host */
	char path[PATH_MAX_]; /* normalised */
	char port[16];
	char host[256]; /* "" for every interface */
};

/* one smtpd service of master.cf */
struct service {
	char name[128];  /* service/type */
	int chroot;      /* chroot column y */
	int override;    /* -o smtpd_milters=... */
	char *milters;   /* its list (points into a postconf answer) */
	char entry[512]; /* the list entry that names our socket, as written */
	int named;       /* an entry names it as this service resolves it */
	int named_plain; /* an entry would name it without the chroot */
	char action[32]; /* default_action of the entry's { } group, "" when none */
};

/* problem - print one diagnostic line and count it */
static void problem(FILE *out, int *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(FILE *out, int *n, const char *fmt, ...)
{
	char line[LINE_MAX_];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(out, "tlsrpt-milter: warning: %s\n", line);
	(*n)++;
}

/* normalise - collapse "//" and "/./", drop a trailing "/" (in place) */
static void normalise(char *p)
{
	char *r = p, *w = p;

	while (*r != '\0') {
		if (r[0] == '/' && r[1] == '/') {
			r++;
		} else if (r[0] == '/' && r[1] == '.' && (r[2] == '/' || r[2] == '\0')) {
			r += 2;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	if (w - p > 1 && w[-1] == '/') {
		w[-1] = '\0';
	}
}

/* ours_parse - the configured socket; -1 if it is neither unix nor inet */
static int ours_parse(const char *spec, struct ours *o)
{
	enum tlsrpt_sock_kind kind;
	const char *p, *at;

	memset(o, 0, sizeof(*o));
	if (tlsrpt_sockspec_split(spec, &kind, &p) < 0) {
		return -1;
	}
	if (kind == TLSRPT_SOCK_UNIX) {
		o->unix_socket = 1;
		snprintf(o->path, sizeof(o->path), "%s", p);
		normalise(o->path);
		return 0;
	}
	at = strchr(p, '@');
	snprintf(o->port, sizeof(o->port), "%.*s", (int)(at ? (size_t)(at - p) : strlen(p)), p);
	snprintf(o->host, sizeof(o->host), "%s", at ? at + 1 : "");
	return 0;
}

/* loopback - a name for the loopback interface */
static int loopback(const char *h)
{
	return strcmp(h, "127.0.0.1") == 0 || strcmp(h, "localhost") == 0 ||
	       strcmp(h, "::1") == 0 || strcmp(h, "[::1]") == 0;
}

/* resolve - where a unix entry of a milter list lands: qdir/entry when
 * relative, qdir+entry when absolute in a chroot, entry otherwise */
static void resolve(const char *entry, const char *qdir, int chrooted, char *buf, size_t len)
{
	if (entry[0] != '/' || chrooted) {
		snprintf(buf, len, "%s/%s", qdir, entry);
	} else {
		snprintf(buf, len, "%s", entry);
	}
	normalise(buf);
}

/*
 * unix_entry - the path of a Postfix milter entry "unix:PATH" or
 * "local:PATH" (Postfix's transport names, matched as it matches them: in
 * lower case), the entry itself when it has no transport, NULL for
 * another transport
 */
static const char *unix_entry(const char *entry)
{
	if (strncmp(entry, "unix:", 5) == 0) {
		return entry + 5;
	}
	if (strncmp(entry, "local:", 6) == 0) {
		return entry + 6;
	}
	return strchr(entry, ':') == NULL ? entry : NULL;
}

/* entry_names - does one milter list entry name our socket for a service? */
static int entry_names(const char *entry, const struct ours *o, const char *qdir, int chrooted)
{
	char buf[PATH_MAX_];
	const char *colon;

	if (strncmp(entry, "inet:", 5) == 0) {
		if (o->unix_socket || (colon = strrchr(entry + 5, ':')) == NULL) {
			return 0;
		}
		if (strcmp(colon + 1, o->port) != 0) {
			return 0;
		}
		return o->host[0] == '\0' || strcmp(o->host, "*") == 0 ||
		       ((size_t)(colon - entry - 5) == strlen(o->host) &&
		        strncmp(entry + 5, o->host, strlen(o->host)) == 0) ||
		       loopback(o->host);
	}
	if (!o->unix_socket || (entry = unix_entry(entry)) == NULL) {
		return 0;
	}
	resolve(entry, qdir, chrooted, buf, sizeof(buf));
	return strcmp(buf, o->path) == 0;
}

/* list_check - walk a milter list ("a, { b, default_action=accept } c") and
 * mark the service: named as it resolves paths, named without its chroot */
static void list_check(struct service *s, const struct ours *o, const char *qdir)
{
	const char *p = s->milters;
	char entry[512], action[32];
	size_t n;
	int group;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\n') {
			p++;
		}
		if (*p == '\0') {
			break;
		}
		group = (*p == '{');
		if (group) {
			p++;
			while (*p == ' ' || *p == '\t') {
				p++;
			}
		}
		n = strcspn(p, " \t,{}\n");
		snprintf(entry, sizeof(entry), "%.*s", (int)n, p);
		p += n;
		action[0] = '\0';
		if (group) {
			const char *end = strchr(p, '}'), *da = strstr(p, "default_action");

			if (da != NULL && (end == NULL || da < end)) {
				da += strlen("default_action");
				da += strspn(da, " \t=");
				snprintf(action, sizeof(action), "%.*s",
				         (int)strcspn(da, " \t,}\n"), da);
			}
			p = end ? end + 1 : p + strlen(p);
		}
		if (entry[0] == '\0') {
			continue;
		}
		if (entry_names(entry, o, qdir, s->chroot)) {
			s->named = 1;
			snprintf(s->entry, sizeof(s->entry), "%s", entry);
			snprintf(s->action, sizeof(s->action), "%s", action);
		}
		if (entry_names(entry, o, qdir, 0)) {
			s->named_plain = 1;
			if (!s->named) {
				snprintf(s->entry, sizeof(s->entry), "%s", entry);
			}
		}
	}
}

/* postconf - run "postconf ARGS", its standard output into buf (unfolded);
 * its exit status, or -1 when it could not be run at all */
static int postconf(const char *const *args, char *buf, size_t len)
{
	const char *argv[8];
	int fd[2], status, devnull;
	size_t got = 0, i;
	ssize_t r;
	pid_t pid;
	char skip[512];

	argv[0] = "postconf";
	for (i = 0; args[i] != NULL && i < 6; i++) {
		argv[i + 1] = args[i];
	}
	argv[i + 1] = NULL;
	if (pipe(fd) < 0) {
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		dup2(fd[1], 1);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 2);
		}
		close(fd[0]);
		execvp("postconf", (char *const *)argv);
		execv("/usr/sbin/postconf", (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	while ((r = read(fd[0], got + 1 < len ? buf + got : skip,
	                 got + 1 < len ? len - 1 - got : sizeof(skip))) != 0) {
		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			break;
		}
		if (got + 1 < len) {
			got += (size_t)r;
		}
	}
	close(fd[0]);
	buf[got] = '\0';
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			return -1;
		}
	}
	/* postconf folds long values onto lines that start with white space */
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '\n' && (buf[i + 1] == ' ' || buf[i + 1] == '\t')) {
			buf[i] = ' ';
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
		return -1;
	}
	return WEXITSTATUS(status);
}

/* chomp - cut a string at its first newline */
static char *chomp(char *s)
{
	s[strcspn(s, "\n")] = '\0';
	return s;
}

/* service_find - the service called name ("smtp/inet"), or NULL */
static struct service *service_find(struct service *sv, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strcmp(sv[i].name, name) == 0) {
			return &sv[i];
		}
	}
	return NULL;
}

/* master_walk - each "service/type/field = value" line of postconf -F or
 * -P output: smtpd services (want NULL) or the value of field want */
static int master_walk(char *text, struct service *sv, int n, const char *want)
{
	char *line, *save = NULL, *eq, *slash;

	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		struct service *s;

		eq = strstr(line, " = ");
		if (eq == NULL) {
			continue;
		}
		*eq = '\0';
		slash = strrchr(line, '/');
		if (slash == NULL) {
			continue;
		}
		*slash = '\0';
		if (want == NULL) {
			if (strcmp(slash + 1, "command") == 0 && strncmp(eq + 3, "smtpd", 5) == 0 &&
			    (eq[8] == '\0' || eq[8] == ' ') && n < SERVICES_MAX) {
				memset(&sv[n], 0, sizeof(sv[n]));
				snprintf(sv[n].name, sizeof(sv[n].name), "%s", line);
				n++;
			}
			continue;
		}
		if (strcmp(slash + 1, want) != 0 || (s = service_find(sv, n, line)) == NULL) {
			continue;
		}
		if (strcmp(want, "chroot") == 0) {
			s->chroot = strcmp(eq + 3, "y") == 0; /* "-": n since Postfix 3.0 */
		} else {
			s->override = 1;
			s->milters = eq + 3;
		}
	}
	return n;
}

/* mail_owner - Postfix's user; 0, or -1 when there is none */
static int mail_owner(const char *name, uid_t *uid, gid_t *gid)
{
	struct passwd pw, *res = NULL;
	char buf[PW_BUF];

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || res == NULL) {
		return -1;
	}
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	return 0;
}

/* try_connect - as uid:gid (that group only), chrooted in root when not
 * NULL, working directory dir: connect to path and say goodbye; 0 or errno */
static int try_connect(uid_t uid, gid_t gid, const char *root, const char *dir, const char *path)
{
	static const char quit[5] = {0, 0, 0, 1, 'Q'}; /* SMFIC_QUIT */
	struct sockaddr_un sa;
	int status, s;
	pid_t pid;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		return ENAMETOOLONG;
	}
	pid = fork();
	if (pid < 0) {
		return errno;
	}
	if (pid == 0) {
		if ((root != NULL && (chroot(root) < 0 || chdir("/") < 0)) ||
		    (root == NULL && chdir(dir) < 0)) {
			_exit(errno & 0xff);
		}
		if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
			_exit(EPERM);
		}
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		memcpy(sa.sun_path, path, strlen(path) + 1);
		s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			_exit(errno & 0xff);
		}
		/* the connection is the test; a lost QUIT only ends the session early */
		if (write(s, quit, sizeof(quit)) < 0) {
			_exit(0);
		}
		close(s);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			return errno;
		}
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

/* check_syslog - /dev/log is a socket that something listens on */
static void check_syslog(FILE *out, int *n)
{
	struct sockaddr_un sa;
	struct stat st;
	int s, rc = -1, e = 0;

	if (stat("/dev/log", &st) < 0 || !S_ISSOCK(st.st_mode)) {
		problem(out, n,
		        "syslog: no socket /dev/log, so the milter's lines are lost; fix: install and start a syslog daemon (apt-get install rsyslog) or systemd-journald");
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, "/dev/log");
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (s >= 0) {
		rc = connect(s, (struct sockaddr *)&sa, sizeof(sa));
		e = errno;
		close(s);
	}
	if (rc < 0 && e == EPROTOTYPE && (s = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0) {
		rc = connect(s, (struct sockaddr *)&sa, sizeof(sa));
		e = errno;
		close(s);
	}
	if (rc < 0 && e == ECONNREFUSED) {
		problem(out, n,
		        "syslog: nothing listens on /dev/log, so the milter's lines are lost; fix: start the syslog daemon (systemctl start rsyslog)");
	}
}

/* socket_fix - the advice for a socket a chrooted smtpd cannot reach */
static const char *socket_fix(const char *qdir, char *buf, size_t len)
{
	snprintf(
	        buf, len,
	        "set Socket unix:%s/%s in the milter's configuration and smtpd_milters = { unix:%s, default_action=accept } in main.cf (or use Socket inet:8893@127.0.0.1 and inet:127.0.0.1:8893)",
	        qdir, RELATIVE_NAME, RELATIVE_NAME);
	return buf;
}

/* check_access - as mail_owner, as the service would: connect to our socket */
static void check_access(const struct service *s, const struct ours *o, const char *qdir,
                         const char *owner, FILE *out, int *n)
{
	const char *entry = s->entry, *root = s->chroot ? qdir : NULL;
	char group[256] = "", gbuf[PW_BUF];
	struct group gr, *gres = NULL;
	struct stat st;
	uid_t uid;
	gid_t gid;
	int e;

	if (mail_owner(owner, &uid, &gid) < 0) {
		problem(out, n,
		        "Postfix: its mail_owner %s does not exist; fix: set mail_owner in main.cf",
		        owner);
		return;
	}
	if (stat(o->path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		problem(out, n,
		        "Postfix: cannot test the connection: %s is not there; fix: start the milter (systemctl start tlsrpt-milter), then run -n again",
		        o->path);
		return;
	}
	if (unix_entry(entry) != NULL) {
		entry = unix_entry(entry);
	}
	e = try_connect(uid, gid, root, qdir, entry);
	if (e == 0) {
		return;
	}
	if (getgrgid_r(gid, &gr, gbuf, sizeof(gbuf), &gres) == 0 && gres != NULL) {
		snprintf(group, sizeof(group), "%s", gr.gr_name);
	}
	if (e == EACCES || e == EPERM) {
		problem(out, n,
		        "Postfix: service %s (user %s, group %s only) cannot connect to %s: permission denied; fix: the socket must be group %s and mode 0660, its directory group %s with g+x: run the milter from its systemd unit (which makes %s/tlsrpt-milter 2750 tlsrpt-milter:%s), or set UserID tlsrpt-milter:%s",
		        s->name, owner, group, o->path, group, group, qdir, group, group);
	} else if (e == ECONNREFUSED) {
		problem(out, n,
		        "Postfix: nothing answers on %s; fix: start the milter (systemctl start tlsrpt-milter)",
		        o->path);
	} else {
		char why[128];

		tlsrpt_errbuf_errno(e, why, sizeof(why));
		problem(out, n, "Postfix: service %s (user %s%s%s) cannot connect to %s%s: %s",
		        s->name, owner, s->chroot ? ", chrooted in " : "", s->chroot ? qdir : "",
		        entry, s->chroot ? "" : " (in the queue directory)", why);
	}
}

/*
 * check_default_action - what smtpd does with ordinary mail when the milter
 * is down: the entry's own default_action, else milter_default_action,
 * whose default is tempfail (every message answered 451 until the milter
 * is back).  tempfail or reject left at Postfix's default is a problem; a
 * value chosen in main.cf or in the entry is the postmaster's choice and
 * only noted.
 */
static void check_default_action(const struct service *sv, int nsv, FILE *out, int *n)
{
	static const char *const q_action[] = {"-hx", "milter_default_action", NULL};
	static const char *const q_set[] = {"-nhx", "milter_default_action", NULL};
	char global[64], set[64];
	int i;

	if (postconf(q_action, global, sizeof(global)) != 0) {
		return;
	}
	chomp(global);
	if (postconf(q_set, set, sizeof(set)) != 0) {
		set[0] = '\0';
	}
	chomp(set);
	for (i = 0; i < nsv; i++) {
		const char *a = sv[i].action[0] != '\0' ? sv[i].action : global;

		if (!sv[i].named || strcmp(a, "accept") == 0) {
			continue;
		}
		if (sv[i].action[0] == '\0' && set[0] == '\0') {
			problem(out, n,
			        "Postfix: service %s names this milter without default_action, so Postfix's default milter_default_action = %s applies: while the milter is down or restarting, every message (not only reports) is answered %s; fix: postconf -e 'smtpd_milters = { %s, default_action=accept }' && postfix reload",
			        sv[i].name, a,
			        strcmp(a, "reject") == 0 ? "5xx" : "451 (try again later)",
			        sv[i].entry);
		} else {
			fprintf(out,
			        "tlsrpt-milter: note: Postfix: service %s: default_action=%s, chosen in %s: while the milter is down, ordinary mail gets it too\n",
			        sv[i].name, a,
			        sv[i].action[0] != '\0' ? "smtpd_milters" : "main.cf");
		}
		return; /* one line: the other services say the same */
	}
}

/* check_postfix - smtpd services, their milter lists, chroot and access */
static void check_postfix(const struct tlsrpt_conf *cfg, FILE *out, int *n)
{
	static const char *const q_queue[] = {"-hx", "queue_directory", NULL};
	static const char *const q_owner[] = {"-hx", "mail_owner", NULL};
	static const char *const q_milters[] = {"-hx", "smtpd_milters", NULL};
	static const char *const q_master[] = {"-F", NULL};
	static const char *const q_params[] = {"-Px", NULL};
	struct service sv[SERVICES_MAX];
	struct ours o;
	char qdir[PATH_MAX_], owner[256], fix[LINE_MAX_];
	char *milters = NULL, *master = NULL, *params = NULL;
	int nsv, i, any = 0, any_plain = 0;

	if (ours_parse(cfg->socket, &o) < 0) {
		return;
	}
	milters = malloc(PC_OUT_MAX);
	master = malloc(PC_OUT_MAX);
	params = malloc(PC_OUT_MAX);
	if (milters == NULL || master == NULL || params == NULL) {
		goto out;
	}
	if (postconf(q_queue, qdir, sizeof(qdir)) != 0) {
		goto out; /* no Postfix here, or not one postconf can read */
	}
	chomp(qdir);
	if (qdir[0] != '/') {
		snprintf(qdir, sizeof(qdir), "%s", DEFAULT_QUEUE);
	}
	normalise(qdir);
	if (postconf(q_owner, owner, sizeof(owner)) != 0 || chomp(owner)[0] == '\0') {
		snprintf(owner, sizeof(owner), "postfix");
	}
	if (postconf(q_milters, milters, PC_OUT_MAX) != 0 ||
	    postconf(q_master, master, PC_OUT_MAX) != 0) {
		goto out;
	}
	chomp(milters);
	if (postconf(q_params, params, PC_OUT_MAX) != 0) {
		params[0] = '\0';
	}
	nsv = master_walk(master, sv, 0, NULL);
	if (postconf(q_master, master, PC_OUT_MAX) != 0) {
		goto out;
	}
	(void)master_walk(master, sv, nsv, "chroot");
	(void)master_walk(params, sv, nsv, "smtpd_milters");
	if (nsv == 0) {
		problem(out, n,
		        "Postfix: master.cf runs no smtpd; fix: enable the smtp inet service");
		goto out;
	}
	for (i = 0; i < nsv; i++) {
		if (!sv[i].override) {
			sv[i].milters = milters;
		}
		list_check(&sv[i], &o, qdir);
		any |= sv[i].named;
		any_plain |= sv[i].named_plain;
	}
	if (!any && !any_plain) {
		if (o.unix_socket && strncmp(o.path, qdir, strlen(qdir)) == 0 &&
		    o.path[strlen(qdir)] == '/') {
			problem(out, n,
			        "Postfix: smtpd_milters does not name this milter's socket %s; fix: postconf -e 'smtpd_milters = { unix:%s, default_action=accept }' && postfix reload (other milters go in the same list)",
			        o.path, o.path + strlen(qdir) + 1);
		} else if (o.unix_socket) {
			problem(out, n,
			        "Postfix: smtpd_milters does not name this milter's socket %s; fix: %s",
			        o.path, socket_fix(qdir, fix, sizeof(fix)));
		} else {
			problem(out, n,
			        "Postfix: smtpd_milters does not name this milter's socket %s; fix: postconf -e 'smtpd_milters = { inet:%s:%s, default_action=accept }' && postfix reload",
			        cfg->socket,
			        o.host[0] && strcmp(o.host, "*") ? o.host : "127.0.0.1", o.port);
		}
		goto out;
	}
	check_default_action(sv, nsv, out, n);
	for (i = 0; i < nsv; i++) {
		if (sv[i].named_plain && !sv[i].named) {
			problem(out, n,
			        "Postfix: service %s runs chrooted in %s and cannot reach %s as main.cf names it (%s); fix: %s",
			        sv[i].name, qdir, o.path, sv[i].entry,
			        socket_fix(qdir, fix, sizeof(fix)));
		} else if (sv[i].named && o.unix_socket && geteuid() == 0) {
			check_access(&sv[i], &o, qdir, owner, out, n);
			break; /* one connection test: the others would say the same */
		}
	}
out:
	free(milters);
	free(master);
	free(params);
}

int tlsrpt_mtacheck_root_socket(const struct tlsrpt_conf *cfg, char *msg, size_t msglen)
{
	const char *path = tlsrpt_sockspec_path(cfg->socket);
	char dir[PATH_MAX_], gbuf[PW_BUF], gname[256], *slash;
	struct group gr, *gres = NULL;
	struct stat st, dst;
	uid_t uid, puid;
	gid_t gid, pgid;
	mode_t mode;

	if (path == NULL || geteuid() != 0 || (cfg->user_id != NULL && cfg->user_id[0] != '\0') ||
	    mail_owner("postfix", &puid, &pgid) < 0) {
		return 0;
	}
	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		uid = st.st_uid;
		gid = st.st_gid;
		mode = st.st_mode & 0777;
	} else {
		/* not made yet: root's, the directory's group when it is set-group-ID */
		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash != NULL) {
			*(slash == dir ? slash + 1 : slash) = '\0';
		}
		uid = 0;
		gid = getegid();
		if (slash != NULL && stat(dir, &dst) == 0 && (dst.st_mode & S_ISGID)) {
			gid = dst.st_gid;
		}
		mode = 0666 & ~(mode_t)cfg->umask;
	}
	if ((uid == puid && (mode & S_IWUSR)) || (gid == pgid && (mode & S_IWGRP)) ||
	    (mode & S_IWOTH)) {
		return 0;
	}
	if (getgrgid_r(gid, &gr, gbuf, sizeof(gbuf), &gres) != 0 || gres == NULL) {
		snprintf(gname, sizeof(gname), "%lu", (unsigned long)gid);
	} else {
		snprintf(gname, sizeof(gname), "%s", gr.gr_name);
	}
	tlsrpt_errbuf_set(
	        msg, msglen,
	        "running as root without UserID: the socket %s is owned by root, group %s, mode %04o, so Postfix's smtpd (user postfix, group postfix only) cannot connect; fix: set UserID tlsrpt-milter:postfix in the configuration (or start the milter from its systemd unit)",
	        path, gname, (unsigned)mode);
	return 1;
}

int tlsrpt_mtacheck_run(const struct tlsrpt_conf *cfg, FILE *out)
{
	char msg[LINE_MAX_];
	int n = 0;

	if (tlsrpt_mtacheck_root_socket(cfg, msg, sizeof(msg))) {
		problem(out, &n, "%s", msg);
	}
	check_syslog(out, &n);
	check_postfix(cfg, out, &n);
	return n;
}
