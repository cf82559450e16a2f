/*
 * daemon.c - process hygiene: socket, pid file, privileges, detaching
 *
 * The OpenBSD daemon order (see daemon.h): everything that needs root
 * happens first, then privileges are dropped for good (setgroups via
 * initgroups, setresgid, setresuid where available, each checked, then a
 * check that root cannot be regained), then the process detaches.  The
 * pid file is opened and locked (flock, inherited across fork) while still
 * root, and the process ID written after detaching, so it is the daemon's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"
#include "errbuf.h"
#include "logging.h"
#include "sockspec.h"

#define PW_BUF 16384

/* tlsrpt_daemon_user - resolve "user" or "user:group" */
int tlsrpt_daemon_user(const char *spec, struct tlsrpt_user *u, char *err, size_t errlen)
{
	char name[256], buf[PW_BUF];
	const char *group = NULL;
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	size_t n;
	int rc;

	memset(u, 0, sizeof(*u));
	if (spec == NULL || *spec == '\0') {
		return 0;
	}
	n = strcspn(spec, ":");
	if (n >= sizeof(name)) {
		tlsrpt_errbuf_set(err, errlen, "UserID %s: name too long", spec);
		return -1;
	}
	memcpy(name, spec, n);
	name[n] = '\0';
	if (spec[n] == ':') {
		group = spec + n + 1;
	}
	rc = getpwnam_r(name, &pw, buf, sizeof(buf), &pwp);
	if (pwp == NULL) {
		if (rc != 0) {
			tlsrpt_errbuf_set_errno(err, errlen, rc, "%s", "UserID: getpwnam_r");
		} else {
			tlsrpt_errbuf_set(err, errlen, "UserID %s: no such user", name);
		}
		return -1;
	}
	u->set = 1;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	if (group != NULL) {
		rc = getgrnam_r(group, &gr, buf, sizeof(buf), &grp);
		if (grp == NULL) {
			if (rc != 0) {
				tlsrpt_errbuf_set_errno(err, errlen, rc, "%s",
				                        "UserID: getgrnam_r");
			} else {
				tlsrpt_errbuf_set(err, errlen, "UserID %s: no such group %s", spec,
				                  group);
			}
			return -1;
		}
		u->gid = gr.gr_gid;
	}
	return 0;
}

/* tlsrpt_daemon_socket_clear - fail if a Unix socket answers, remove a stale one */
int tlsrpt_daemon_socket_clear(const char *spec, char *err, size_t errlen)
{
	const char *path = tlsrpt_sockspec_path(spec);
	struct sockaddr_un sun;
	struct stat st;
	int fd, rc, e;

	if (path == NULL) {
		return 0;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		tlsrpt_errbuf_set(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT) {
			return 0;
		}
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", path);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		tlsrpt_errbuf_set(err, errlen, "%s exists and is not a socket", path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "socket");
		return -1;
	}
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	e = errno;
	close(fd);
	if (rc == 0) {
		tlsrpt_errbuf_set(err, errlen, "%s: another milter is listening on this socket",
		                  path);
		return -1;
	}
	if (e != ECONNREFUSED && e != ENOENT) {
		tlsrpt_errbuf_set_errno(err, errlen, e, "%s", path);
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", path);
		return -1;
	}
	return 0;
}

/* tlsrpt_daemon_socket_perms - chown to the user, chmod 0666 & ~mask */
int tlsrpt_daemon_socket_perms(const char *spec, const struct tlsrpt_user *u, mode_t mask,
                               char *err, size_t errlen)
{
	const char *path = tlsrpt_sockspec_path(spec);

	if (path == NULL) {
		return 0;
	}
	if (u->set && geteuid() == 0 && chown(path, u->uid, u->gid) < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", path);
		return -1;
	}
	if (chmod(path, 0666 & ~mask) < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", path);
		return -1;
	}
	return 0;
}

/* tlsrpt_daemon_pidfile_open - create and lock path */
int tlsrpt_daemon_pidfile_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		close(fd);
		if (e == EWOULDBLOCK) {
			tlsrpt_errbuf_set(err, errlen,
			                  "%s: locked: another tlsrpt-milter is running", path);
		} else {
			tlsrpt_errbuf_set_errno(err, errlen, e, "%s", path);
		}
		return -1;
	}
	return fd;
}

/* tlsrpt_daemon_pidfile_write - write getpid() into fd */
int tlsrpt_daemon_pidfile_write(int fd, char *err, size_t errlen)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "pid file");
		return -1;
	}
	return 0;
}

/* tlsrpt_daemon_drop - become the user; verify root cannot be regained */
int tlsrpt_daemon_drop(const struct tlsrpt_user *u, char *err, size_t errlen)
{
	if (!u->set) {
		return 0;
	}
	if (geteuid() != 0) {
		if (getuid() == u->uid && geteuid() == u->uid) {
			return 0; /* already that user (systemd User=) */
		}
		tlsrpt_errbuf_set(err, errlen, "UserID %s: must be started as root to change user",
		                  u->name);
		return -1;
	}
	if (initgroups(u->name, u->gid) < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "initgroups");
		return -1;
	}
#ifdef HAVE_SETRESGID
	if (setresgid(u->gid, u->gid, u->gid) < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "setresgid");
		return -1;
	}
#else
	if (setgid(u->gid) < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "setgid");
		return -1;
	}
#endif
#ifdef HAVE_SETRESUID
	if (setresuid(u->uid, u->uid, u->uid) < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "setresuid");
		return -1;
	}
#else
	if (setuid(u->uid) < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "setuid");
		return -1;
	}
#endif
	if (getuid() != u->uid || geteuid() != u->uid || getgid() != u->gid ||
	    getegid() != u->gid) {
		tlsrpt_errbuf_set(err, errlen, "UserID %s: user or group did not change", u->name);
		return -1;
	}
	if (u->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		tlsrpt_errbuf_set(err, errlen, "UserID %s: root could be regained", u->name);
		return -1;
	}
	return 0;
}

/* tlsrpt_daemon_detach - run in the background, detached from the terminal */
int tlsrpt_daemon_detach(char *err, size_t errlen)
{
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "fork");
		return -1;
	}
	if (pid > 0) {
		_exit(0);
	}
	if (setsid() < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "setsid");
		return -1;
	}
	if (chdir("/") < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "chdir /");
		return -1;
	}
	fd = open("/dev/null", O_RDWR);
	if (fd < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "/dev/null");
		return -1;
	}
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "dup2");
		close(fd);
		return -1;
	}
	if (fd > STDERR_FILENO) {
		close(fd);
	}
	return 0;
}

/*
 * tlsrpt_daemon_notify - sd_notify(3) without libsystemd: one datagram to
 * the Unix socket named by $NOTIFY_SOCKET ("@name" is abstract).  With
 * Type=notify, "systemctl start" and "restart" wait for READY=1, so a
 * milter that exits at start-up (a bad configuration) makes them fail.
 */
int tlsrpt_daemon_notify(const char *state, char *err, size_t errlen)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	size_t n;
	socklen_t len;
	int fd;

	if (path == NULL || path[0] == '\0') {
		return 0;
	}
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sa.sun_path)) {
		tlsrpt_errbuf_set(err, errlen, "NOTIFY_SOCKET %.100s: not a Unix socket path",
		                  path);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@') {
		sa.sun_path[0] = '\0';
	}
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '/'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "NOTIFY_SOCKET %.100s", path);
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	close(fd);
	return 0;
}
