/*
 * daemon.h - process hygiene: socket, pid file, privileges, detaching
 *
 * Used by main() in this order, each step checked (see main.c):
 *   tlsrpt_daemon_user()          look up UserID while /etc is readable
 *   tlsrpt_daemon_socket_clear()  refuse a live Unix socket, remove a stale one
 *   (smfi_setconn + smfi_opensocket, under the UMask)
 *   tlsrpt_daemon_socket_perms()  owner UserID, mode 0666 & ~UMask
 *   tlsrpt_daemon_pidfile_open()  create and lock the pid file as root
 *   tlsrpt_daemon_drop()          initgroups, setresgid, setresuid (setgid and
 *                                 setuid where libc lacks them); verified
 *   tlsrpt_daemon_detach()        fork, setsid, stdio to /dev/null (unless -f)
 *   tlsrpt_daemon_pidfile_write() our (final) process ID into the locked file
 *   tlsrpt_daemon_notify()        "READY=1" to systemd (Type=notify), when it asks
 * Every function writes its reason into err and returns -1 on failure;
 * none logs or exits.
 */
#ifndef TLSRPT_DAEMON_H
#define TLSRPT_DAEMON_H

#include <stddef.h>
#include <sys/types.h>

struct tlsrpt_user {
	int set; /* a UserID was given */
	char name[256];
	uid_t uid;
	gid_t gid;
};

/* tlsrpt_daemon_user - resolve "user" or "user:group" (NULL: u->set = 0) */
int tlsrpt_daemon_user(const char *spec, struct tlsrpt_user *u, char *err, size_t errlen);

/* tlsrpt_daemon_socket_clear - for a Unix socket: fail if one answers, remove a stale one */
int tlsrpt_daemon_socket_clear(const char *spec, char *err, size_t errlen);

/* tlsrpt_daemon_socket_perms - chown to the user (when set and root), chmod 0666 & ~mask */
int tlsrpt_daemon_socket_perms(const char *spec, const struct tlsrpt_user *u, mode_t mask,
                               char *err, size_t errlen);

/* tlsrpt_daemon_pidfile_open - create and lock path; the descriptor, or -1 */
int tlsrpt_daemon_pidfile_open(const char *path, char *err, size_t errlen);

/* tlsrpt_daemon_pidfile_write - write getpid() into fd and keep it open (the lock) */
int tlsrpt_daemon_pidfile_write(int fd, char *err, size_t errlen);

/* tlsrpt_daemon_drop - become the user; verify root cannot be regained */
int tlsrpt_daemon_drop(const struct tlsrpt_user *u, char *err, size_t errlen);

/* tlsrpt_daemon_detach - run in the background, detached from the terminal */
int tlsrpt_daemon_detach(char *err, size_t errlen);

/* tlsrpt_daemon_notify - a state ("READY=1") to $NOTIFY_SOCKET (sd_notify(3)); 0 also when unset */
int tlsrpt_daemon_notify(const char *state, char *err, size_t errlen);

#endif
