/*
 * conf.h - tlsrpt-milter.conf: the option table, loader and printers
 *
 * One table (tlsrpt_conf_option()) lists every key with its type,
 * default, range and description.  It drives the parser, the effective
 * configuration printed by "tlsrpt-milter -n", the sample file printed by
 * "tlsrpt-milter -C" (shipped as etc/tlsrpt-milter.conf), the option
 * list of tlsrpt-milter.conf(5) and the README's option table ("make
 * regen" rewrites the three; tests keep them in step).
 *
 * File syntax: "Key value" lines; keys are case-insensitive; "#" at the
 * start of a line, or after a blank, starts a comment; blank lines are
 * ignored.  Types:
 *   string   the rest of the line, trailing blanks removed
 *   bool     yes, no, true, false, 1 or 0 (case-insensitive), nothing else
 *   integer  decimal digits, within the option's range
 *   size     an integer with an optional K, M or G suffix (powers of 1024)
 *   octal    octal digits (UMask)
 *   time     seconds, or digits with an s, m, h, d or w suffix
 *   enum     one of the listed words (case-insensitive)
 *   list     repeatable key; each value may hold several entries
 *            separated by commas or blanks
 * A non-list key given twice, an unknown key, a missing or bad value, or a
 * number out of range is an error reported as "file:line: message" in the
 * caller's buffer.  Nothing here prints to the terminal, logs or exits;
 * the printers write to a stream the caller gives.
 *
 * The printers (effective configuration, sample, man page, README table)
 * are in confprint.c; they read nothing but the table and a configuration.
 *
 * (The module is "conf", not "config": config.h is autoconf's header, and
 * milter/ sources include both.)
 */
#ifndef TLSRPT_CONF_H
#define TLSRPT_CONF_H

#include <stddef.h>
#include <stdio.h>

#include "tlsrpt_limits.h"

#define TLSRPT_CONF_LINE_MAX 4096 /* longest configuration line, bytes */
#define TLSRPT_CONF_LIST_MAX 256  /* entries of one list option */

enum tlsrpt_opt_type {
	TLSRPT_OPT_STRING = 0,
	TLSRPT_OPT_BOOL,
	TLSRPT_OPT_INT,
	TLSRPT_OPT_SIZE,
	TLSRPT_OPT_OCTAL,
	TLSRPT_OPT_ENUM,
	TLSRPT_OPT_LIST,
	TLSRPT_OPT_TIME,
};

enum tlsrpt_action {
	TLSRPT_ACTION_DELIVER = 0,
	TLSRPT_ACTION_DISCARD,
	TLSRPT_ACTION_HOLD,
	TLSRPT_ACTION_REDIRECT,
};

/* LogFacility values, in the order of the enum's word list */
enum tlsrpt_facility {
	TLSRPT_FAC_MAIL = 0,
	TLSRPT_FAC_DAEMON,
	TLSRPT_FAC_USER,
	TLSRPT_FAC_LOCAL0,
	TLSRPT_FAC_LOCAL1,
	TLSRPT_FAC_LOCAL2,
	TLSRPT_FAC_LOCAL3,
	TLSRPT_FAC_LOCAL4,
	TLSRPT_FAC_LOCAL5,
	TLSRPT_FAC_LOCAL6,
	TLSRPT_FAC_LOCAL7,
};

struct tlsrpt_strlist {
	char **v;
	size_t n;
};

/* The effective configuration.  Fields follow the table order. */
struct tlsrpt_conf {
	char *socket;                               /* Socket */
	struct tlsrpt_strlist report_address;       /* ReportAddress, lower case */
	char *recipient_delimiter;                  /* RecipientDelimiter ("" = none) */
	int action;                                 /* Action: enum tlsrpt_action */
	char *redirect_to;                          /* RedirectTo, NULL when unset */
	int add_header;                             /* AddHeader */
	int log_facility;                           /* LogFacility: enum tlsrpt_facility */
	int log_format;                             /* LogFormat: enum tlsrpt_format */
	unsigned long long max_message_size;        /* MaxMessageSize */
	unsigned long long max_report_size;         /* MaxReportSize */
	unsigned long long memory_budget;           /* MemoryBudget */
	unsigned long long max_failure_lines;       /* MaxFailureLines */
	unsigned long long max_policy_lines;        /* MaxPolicyLines */
	unsigned long long max_mime_depth;          /* MaxMimeDepth */
	unsigned long long max_parts;               /* MaxParts */
	char *user_id;                              /* UserID, NULL when unset */
	char *pid_file;                             /* PidFile, NULL when unset */
	unsigned long long umask;                   /* UMask */
	struct tlsrpt_strlist trusted_authserv_ids; /* TrustedAuthservIDs, lower case */
	int require_dkim;                           /* RequireDKIM */
	struct tlsrpt_strlist report_domains;       /* ReportDomains, lower case */
	struct tlsrpt_strlist mx_hosts;             /* MXHosts, lower case */
	char *state_file;                           /* StateFile, NULL when unset */
	unsigned long long duplicate_window;        /* DuplicateWindow, seconds */
	int background;                             /* Background */

	char *source;   /* the file loaded, NULL while only defaults */
	unsigned *line; /* per table entry: the line that set it, 0 = default */
};

/* one row of the option table (conf.c writes each row with designated initializers:
   a field not named is 0 or NULL) */
struct tlsrpt_option {
	const char *name;
	enum tlsrpt_opt_type type;
	const char *def;             /* default as written in the file; "" = not set */
	const char *example;         /* shown in the sample when there is no default */
	unsigned long long min, max; /* integer, size, octal */
	const char *const *words;    /* enum: NULL-terminated */
	int empty_ok;                /* string: an empty value is allowed */
	const char *descr;           /* one paragraph of plain text */
	size_t offset;               /* the field in struct tlsrpt_conf */
	int (*check)(const char *value, char *err, size_t errlen); /* string, list entries */
	const char *entries; /* list: what each entry is ("addresses", "names") */
	const char *summary; /* one line for the README's table, Markdown */
};

/* tlsrpt_conf_noptions - number of table entries */
size_t tlsrpt_conf_noptions(void);

/* tlsrpt_conf_option - table entry i (0 <= i < noptions) */
const struct tlsrpt_option *tlsrpt_conf_option(size_t i);

/* tlsrpt_conf_new - a configuration holding the defaults; NULL + err on failure */
struct tlsrpt_conf *tlsrpt_conf_new(char *err, size_t errlen);

/* tlsrpt_conf_load - read a file into cfg; 0 ok, -1 + "file:line: message" */
int tlsrpt_conf_load(struct tlsrpt_conf *cfg, const char *path, char *err, size_t errlen);

/* tlsrpt_conf_load_fp - the same from an open stream, errors named after name */
int tlsrpt_conf_load_fp(struct tlsrpt_conf *cfg, FILE *fp, const char *name, char *err,
                        size_t errlen);

/*
 * tlsrpt_conf_set - set key to value as if read from a file (a list key
 * appends; a key already set is replaced, for command-line overrides).
 * 0 ok; -1 + "key: message".
 */
int tlsrpt_conf_set(struct tlsrpt_conf *cfg, const char *key, const char *value, char *err,
                    size_t errlen);

/*
 * tlsrpt_conf_check - cross-checks: Action redirect needs RedirectTo,
 * RedirectTo is not itself a report address, and (daemon != 0) at least
 * one ReportAddress.  0 ok; -1 + "file:line: message".
 */
int tlsrpt_conf_check(const struct tlsrpt_conf *cfg, int daemon, char *err, size_t errlen);

/* tlsrpt_conf_limits - the pipeline limits the configuration sets */
void tlsrpt_conf_limits(const struct tlsrpt_conf *cfg, struct tlsrpt_limits *lim);

/*
 * tlsrpt_conf_trust - the pipeline trust settings the configuration sets:
 * TrustedAuthservIDs, else the one default id host_id[0] (the MTA's host
 * name; "" trusts none), RequireDKIM, ReportDomains, MXHosts.  No duplicate memory
 * (dedup NULL, now 0): the daemon adds its own.  t points into cfg and
 * host_id, which must outlive it.
 */
struct tlsrpt_trust; /* pipeline.h */
void tlsrpt_conf_trust(const struct tlsrpt_conf *cfg, const char *const *host_id,
                       struct tlsrpt_trust *t);

/* tlsrpt_conf_write - the effective configuration in file syntax; 0 ok, -1 write error */
int tlsrpt_conf_write(const struct tlsrpt_conf *cfg, FILE *fp);

/* tlsrpt_conf_write_sample - the commented sample configuration; 0 ok, -1 write error */
int tlsrpt_conf_write_sample(FILE *fp);

/* tlsrpt_conf_write_man - the option list as man(7) markup; 0 ok, -1 write error */
int tlsrpt_conf_write_man(FILE *fp);

/* tlsrpt_conf_write_markdown - the option list as the README's Markdown table; 0 ok, -1 */
int tlsrpt_conf_write_markdown(FILE *fp);

/* tlsrpt_conf_format_number - n the way option o's values are written ("25M", "7d", "007") */
void tlsrpt_conf_format_number(const struct tlsrpt_option *o, unsigned long long n, char *buf,
                               size_t len);

/* tlsrpt_conf_action_name - "deliver", "discard", "hold", "redirect" */
const char *tlsrpt_conf_action_name(int action);

/*
 * tlsrpt_conf_syslog_facility - the syslog LOG_* facility of a LogFacility
 * value (enum tlsrpt_facility), for openlog; LOG_MAIL when out of range
 */
int tlsrpt_conf_syslog_facility(int facility);

/* tlsrpt_conf_free - release cfg; accepts NULL */
void tlsrpt_conf_free(struct tlsrpt_conf *cfg);

#endif
