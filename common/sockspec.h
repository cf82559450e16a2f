/*
 * sockspec.h - read a libmilter socket specification
 *
 * The forms libmilter listens on (smfi_setconn): "unix:PATH" or
 * "local:PATH" (a Unix-domain socket), a bare "/PATH" (the same),
 * "inet:PORT[@HOST]" and "inet6:PORT[@HOST]" (TCP).  The prefixes are
 * matched in any case, as libmilter matches them.  This module only
 * splits a specification; what makes one valid (an absolute path, a port
 * number) is the configuration's check (conf.c, which reads it through
 * here like the daemon and the -n checks).  No globals.
 */
#ifndef TLSRPT_SOCKSPEC_H
#define TLSRPT_SOCKSPEC_H

enum tlsrpt_sock_kind {
	TLSRPT_SOCK_UNIX = 0, /* unix:, local: or a bare path */
	TLSRPT_SOCK_INET,     /* inet: */
	TLSRPT_SOCK_INET6,    /* inet6: */
};

/*
 * tlsrpt_sockspec_split - the kind of spec and what follows its prefix
 * (*rest: the path, or PORT[@HOST]); 0, or -1 when spec is none of the
 * forms above (nothing set)
 */
int tlsrpt_sockspec_split(const char *spec, enum tlsrpt_sock_kind *kind, const char **rest);

/* tlsrpt_sockspec_prefix - the prefix of a kind as messages write it: "unix:", "inet:", "inet6:" */
const char *tlsrpt_sockspec_prefix(enum tlsrpt_sock_kind kind);

/* tlsrpt_sockspec_path - the file of a Unix-domain socket spec, or NULL for any other */
const char *tlsrpt_sockspec_path(const char *spec);

#endif
