/*
 * conf.c - tlsrpt-milter.conf: the option table and loader
 *
 * The table below is the only place an option is described.  Defaults are
 * stored as the text a user would write and go through the same parser
 * as the file, so the defaults, the sample file, "-n" and the manual can
 * never disagree.
 *
 * Diagnostics: every failure writes one message into the caller's buffer,
 * "file:line: Key: what is wrong" while loading, "Key: ..." from
 * tlsrpt_conf_set(); nothing is printed or logged.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "addr.h"
#include "ascii.h"
#include "conf.h"
#include "errbuf.h"
#include "pipeline.h"
#include "record.h"
#include "sockspec.h"

#define KIB 1024ULL
#define MIB (1024ULL * 1024)
#define GIB (1024ULL * 1024 * 1024)

static int check_socket(const char *v, char *err, size_t errlen);
static int check_report_address(const char *v, char *err, size_t errlen);
static int check_redirect_to(const char *v, char *err, size_t errlen);
static int check_delimiter(const char *v, char *err, size_t errlen);
static int check_user(const char *v, char *err, size_t errlen);
static int check_path(const char *v, char *err, size_t errlen);
static int check_name(const char *v, char *err, size_t errlen);

static const char *const action_words[] = {"deliver", "discard", "hold", "redirect", NULL};
/* LogFormat: one word per enum tlsrpt_format, in its order */
static const char *const format_words[] = {"kv", "json", NULL};
_Static_assert(sizeof(format_words) / sizeof(format_words[0]) == TLSRPT_FORMAT_N + 1,
               "a LogFormat word for every output format");
static const char *const facility_words[] = {
        "mail",   "daemon", "user",   "local0", "local1", "local2",
        "local3", "local4", "local5", "local6", "local7", NULL,
};
/* the syslog facility of each LogFacility word, in the same order */
static const int facility_codes[] = {
        LOG_MAIL,   LOG_DAEMON, LOG_USER,   LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
        LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7,
};
_Static_assert(sizeof(facility_codes) / sizeof(facility_codes[0]) + 1 ==
                       sizeof(facility_words) / sizeof(facility_words[0]),
               "a syslog facility for every LogFacility word");

#define F(field) offsetof(struct tlsrpt_conf, field)
#define MINUTE 60ULL
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define WEEK (7 * DAY)

static const struct tlsrpt_option options[] = {
        {
                .name = "Socket",
                .type = TLSRPT_OPT_STRING,
                .def = "unix:/var/spool/postfix/tlsrpt-milter/tlsrpt-milter.sock",
                .offset = F(socket),
                .check = check_socket,
                .summary =
                        "where to listen: `unix:/path`, `inet:PORT@HOST`, `inet6:PORT@HOST` (`-p` overrides)",
                .descr =
                        "Where the milter listens for the MTA, in libmilter notation: unix:/path or local:/path for a Unix-domain socket, inet:PORT@HOST or inet6:PORT@HOST for TCP. The -p option overrides it. A Unix-domain socket is given the mode UMask allows and the owner UserID names; one left behind by an earlier run is removed, one that another running milter answers on is not. The default is inside Postfix's queue directory, where a chrooted smtpd reaches it as unix:tlsrpt-milter/tlsrpt-milter.sock.",
        },
        {
                .name = "ReportAddress",
                .type = TLSRPT_OPT_LIST,
                .def = "",
                .example = "tlsrpt@example.com",
                .offset = F(report_address),
                .check = check_report_address,
                .entries = "addresses",
                .summary =
                        "required: report addresses to watch: `tlsrpt@example.com`, or `tlsrpt@` for any domain; case-insensitive, `<>` and `+extension` ignored; repeat the key or list them",
                .descr =
                        "The TLS-RPT report addresses to watch; required to run the daemon. Either a full address (tlsrpt@example.com) or a local part followed by @ (tlsrpt@) for that local part in every domain. Matching ignores case, angle brackets and an address extension (see RecipientDelimiter). Repeat the key or separate the addresses with commas or blanks. A message with no report recipient is accepted at DATA: the milter never sees its header or body and logs nothing about it.",
        },
        {
                .name = "RecipientDelimiter",
                .type = TLSRPT_OPT_STRING,
                .def = "+",
                .empty_ok = 1,
                .offset = F(recipient_delimiter),
                .check = check_delimiter,
                .summary =
                        "characters that start an address extension (each one a delimiter); empty turns extensions off",
                .descr =
                        "The characters that start an address extension, as Postfix recipient_delimiter: each character is a delimiter, so +- makes tlsrpt+google and tlsrpt-google both match tlsrpt. An empty value turns extensions off.",
        },
        {
                .name = "Action",
                .type = TLSRPT_OPT_ENUM,
                .def = "deliver",
                .words = action_words,
                .offset = F(action),
                .summary = "`deliver`, `discard`, `hold` or `redirect` (see below)",
                .descr =
                        "What happens to a report message after its reports are logged: deliver leaves it alone; discard drops it; hold puts it in the Postfix hold queue (Sendmail: quarantine); redirect sends it to RedirectTo instead of the report addresses. Only a message whose reports were all read without error is diverted: one with an error line is always delivered untouched. When a message has other recipients too, only the report recipients are removed (redirect: replaced by RedirectTo) and the others get the message unchanged; hold cannot apply to single recipients, so it removes them and the action line says so.",
        },
        {
                .name = "RedirectTo",
                .type = TLSRPT_OPT_STRING,
                .def = "",
                .example = "tlsrpt-archive@example.com",
                .offset = F(redirect_to),
                .check = check_redirect_to,
                .summary = "the address that receives reports with `Action redirect`",
                .descr =
                        "The address that receives report messages when Action is redirect. It must be a full address that is not itself a ReportAddress.",
        },
        {
                .name = "AddHeader",
                .type = TLSRPT_OPT_BOOL,
                .def = "no",
                .offset = F(add_header),
                .summary =
                        "add `X-TLSRPT-Milter: reports=N failures=N errors=N` to delivered report messages",
                .descr =
                        "Add the header field X-TLSRPT-Milter: reports=N failures=N errors=N to report messages that are delivered to all their recipients and hold at least one readable report, so that whoever reads the mailbox sees the verdict. failures is the number of failed sessions reported. A message with no readable report is never changed.",
        },
        {
                .name = "LogFacility",
                .type = TLSRPT_OPT_ENUM,
                .def = "mail",
                .words = facility_words,
                .offset = F(log_facility),
                .summary = "syslog facility: `mail`, `daemon`, `user`, `local0`..`local7`",
                .descr = "The syslog facility: mail, daemon, user or local0 to local7.",
        },
        {
                .name = "LogFormat",
                .type = TLSRPT_OPT_ENUM,
                .def = "kv",
                .words = format_words,
                .offset = F(log_format),
                .summary =
                        "`kv` (log format v2) or `json` (one JSON object per event behind `@cee:`)",
                .descr =
                        "kv writes log format v2 lines (QUEUEID: event key=value ...); json writes each event as one JSON object behind an @cee: cookie, for rsyslog mmjsonparse and syslog-ng json-parser. It also selects the output of -t.",
        },
        {
                .name = "MaxMessageSize",
                .type = TLSRPT_OPT_SIZE,
                .def = "25M",
                .min = KIB,
                .max = GIB,
                .offset = F(max_message_size),
                .summary = "bytes of a report message examined",
                .descr =
                        "Bytes of a report message that are examined; past them the message gives an error line and is delivered untouched.",
        },
        {
                .name = "MaxReportSize",
                .type = TLSRPT_OPT_SIZE,
                .def = "20M",
                .min = KIB,
                .max = GIB,
                .offset = F(max_report_size),
                .summary = "largest report after decoding and decompression",
                .descr =
                        "The largest report after transfer decoding and decompression; a larger one (a gzip bomb) gives an error line. It also bounds the reports of one message together, and each report's JSON tree may take at most 4 times this much memory (a report whose tree would take more gives an error line).",
        },
        {
                .name = "MemoryBudget",
                .type = TLSRPT_OPT_SIZE,
                .def = "512M",
                .min = MIB,
                .max = 1024 * GIB,
                .offset = F(memory_budget),
                .summary =
                        "report text and JSON trees of all messages read at once; past it a report mail gets a temporary failure (451) and is retried",
                .descr =
                        "The memory all messages being read at once may hold for report text and JSON trees together; one report takes up to 5 times MaxReportSize (its text and a tree of at most 4 times that), so MemoryBudget must be at least that much. A report message that would pass the budget is answered with a temporary failure (451 4.3.2) and an error line, and its sender tries again later; nothing is lost.",
        },
        {
                .name = "MaxFailureLines",
                .type = TLSRPT_OPT_INT,
                .def = "50",
                .max = 100000,
                .offset = F(max_failure_lines),
                .summary = "failure lines per message; the rest go into one `failure-omitted` line",
                .descr =
                        "How many failure lines are logged per message, over all its reports (each report those with the most failed sessions first); the rest are summed up in one failure-omitted line.",
        },
        {
                .name = "MaxPolicyLines",
                .type = TLSRPT_OPT_INT,
                .def = "100",
                .max = 4000,
                .offset = F(max_policy_lines),
                .summary = "policy lines per report; the rest go into one `policy-omitted` line",
                .descr =
                        "How many policy lines are logged per report, those with the most failed sessions first; the rest are summed up in one policy-omitted line (their failure details are not logged).",
        },
        {
                .name = "MaxMimeDepth",
                .type = TLSRPT_OPT_INT,
                .def = "16",
                .min = 1,
                .max = 100,
                .offset = F(max_mime_depth),
                .summary = "deepest multipart nesting followed",
                .descr = "The deepest multipart nesting followed.",
        },
        {
                .name = "MaxParts",
                .type = TLSRPT_OPT_INT,
                .def = "256",
                .min = 1,
                .max = 100000,
                .offset = F(max_parts),
                .summary = "MIME parts examined per message",
                .descr = "The most MIME parts examined in one message.",
        },
        {
                .name = "UserID",
                .type = TLSRPT_OPT_STRING,
                .def = "",
                .example = "tlsrpt-milter:postfix",
                .offset = F(user_id),
                .check = check_user,
                .summary = "`user` or `user:group` to run as after opening the socket",
                .descr =
                        "The user, or user:group, to run as once the socket is open and the pid file written; only used when started as root. Without a group, the user's primary group. Not set: the milter keeps the user it was started as (a systemd unit sets User= instead).",
        },
        {
                .name = "PidFile",
                .type = TLSRPT_OPT_STRING,
                .def = "",
                .example = "/run/tlsrpt-milter/tlsrpt-milter.pid",
                .offset = F(pid_file),
                .check = check_path,
                .summary = "pid file, removed at exit",
                .descr =
                        "A file to write the process ID to at start-up; it is removed at exit. Not set: no pid file.",
        },
        {
                .name = "UMask",
                .type = TLSRPT_OPT_OCTAL,
                .def = "007",
                .max = 0777,
                .offset = F(umask),
                .summary = "mode mask of the Unix socket (007 gives 0660)",
                .descr =
                        "The mode mask, in octal, of the Unix-domain socket. 007 gives mode 0660: the socket's owner and group can connect, so run as UserID tlsrpt-milter:postfix or add the postfix user to the milter's group. 000 lets every local user connect.",
        },
        {
                .name = "TrustedAuthservIDs",
                .type = TLSRPT_OPT_LIST,
                .def = "",
                .example = "mx.example.com",
                .offset = F(trusted_authserv_ids),
                .check = check_name,
                .entries = "names",
                .summary =
                        "authserv-ids whose `Authentication-Results` are believed (see [doc/dkim.md](doc/dkim.md)); when not set, the MTA's host name",
                .descr =
                        "The authserv-ids (RFC 8601) whose Authentication-Results header fields are believed: those written by the DKIM verifier that runs before this milter (OpenDKIM AuthservID, rspamd, ...). Fields with any other authserv-id are ignored, since a sender can write them. Not set: the MTA's own host name (macro j; -t mode and an MTA that does not send it: the system host name).",
        },
        {
                .name = "RequireDKIM",
                .type = TLSRPT_OPT_BOOL,
                .def = "no",
                .offset = F(require_dkim),
                .summary =
                        "`yes` (recommended with a DKIM verifier in front): a report without a trusted `dkim=pass` of its submitter gives only an `ignored` line and is never diverted",
                .descr =
                        "RFC 8460 says a report sent by mail must carry a valid DKIM signature of the reporting domain and that one without must be ignored. yes (recommended once a DKIM verifier runs before this milter) does that: a report without a trusted dkim=pass for its TLS-Report-Submitter domain gives one ignored line, no policy or failure lines, and is never diverted. no logs every report and says dkim=pass, fail or none on its report line.",
        },
        {
                .name = "ReportDomains",
                .type = TLSRPT_OPT_LIST,
                .def = "",
                .example = "example.com",
                .offset = F(report_domains),
                .check = check_name,
                .entries = "names",
                .summary =
                        "your policy domains; a report about none of them gives only an `ignored` line and is never diverted; when not set, all",
                .descr =
                        "The policy domains reports are expected for. A report none of whose policy domains is one of these (or a sub-domain of one) gives one ignored line and is never diverted. Not set: every report is accepted.",
        },
        {
                .name = "MXHosts",
                .type = TLSRPT_OPT_LIST,
                .def = "",
                .example = "mx1.example.com",
                .offset = F(mx_hosts),
                .check = check_name,
                .entries = "names",
                .summary =
                        "our MX host names, exactly: a DANE report whose policy domain is one of them is accepted under `ReportDomains` and shown per host by `tlsrpt-lookout`",
                .descr =
                        "Our MX host names, exactly (not their sub-domains). A sender that does DANE finds the TLSA records under the MX host's own name (_25._tcp.MXHOST), and some such senders write that name as the policy domain of their report. When ReportDomains is set, a report whose policy domain is one of these is accepted as well; tlsrpt-lookout shows these hosts in a section of their own. Not set: only ReportDomains decide.",
        },
        {
                .name = "StateFile",
                .type = TLSRPT_OPT_STRING,
                .def = "",
                .example = "/var/lib/tlsrpt-milter/state",
                .offset = F(state_file),
                .check = check_path,
                .summary =
                        "remember logged reports (the reporter and its kind, DKIM or claimed; report-id, date range); a repeat gives `ignored reason=duplicate`",
                .descr =
                        "A file where the milter remembers which reports it has logged, by sender (the DKIM-authenticated domain, else the claimed submitter domain), report-id and date range, for DuplicateWindow; a report seen again from the same sender gives one ignored reason=duplicate line and is diverted like a new one. The directory must be writable by the milter's user. A missing or damaged file is rebuilt, never fatal. Not set: duplicates are logged again.",
        },
        {
                .name = "DuplicateWindow",
                .type = TLSRPT_OPT_TIME,
                .def = "7d",
                .min = 60,
                .max = 366ULL * 24 * 3600,
                .offset = F(duplicate_window),
                .summary = "how long `StateFile` remembers a report (`s`, `m`, `h`, `d`, `w`)",
                .descr =
                        "How long a logged report is remembered in StateFile: a number of seconds or a number followed by s, m, h, d or w.",
        },
        {
                .name = "Background",
                .type = TLSRPT_OPT_BOOL,
                .def = "yes",
                .offset = F(background),
                .summary = "detach (`-f` overrides)",
                .descr =
                        "Detach and run in the background. The -f option overrides it; systemd and other supervisors use -f.",
        },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))
#define TLSRPT_SOCKET_PATH_MAX 108 /* sun_path of Linux, with its NUL */

/*
 * check_socket - a libmilter socket specification, whole: unix:/path,
 * local:/path or /path (absolute, printable, no space or comma, short
 * enough for sun_path), inet:PORT[@HOST] or inet6:PORT[@HOST] (PORT 1 to
 * 65535, HOST letters, digits and . - : [ ] *); anything after is an error,
 * so "unix:/x.sock," is refused rather than becoming part of the name
 */
static int check_socket(const char *v, char *err, size_t errlen)
{
	enum tlsrpt_sock_kind kind;
	const char *rest, *p;
	unsigned long port = 0;
	size_t n;

	if (tlsrpt_sockspec_split(v, &kind, &rest) < 0) {
		tlsrpt_errbuf_set(
		        err, errlen,
		        "\"%.200s\" is not a socket (unix:/path, local:/path, inet:PORT@HOST, inet6:PORT@HOST)",
		        v);
		return -1;
	}
	if (kind == TLSRPT_SOCK_UNIX) {
		if (rest[0] != '/') {
			tlsrpt_errbuf_set(err, errlen,
			                  "\"%.200s\": the socket path must be absolute", v);
			return -1;
		}
		if (strlen(rest) >= TLSRPT_SOCKET_PATH_MAX) {
			tlsrpt_errbuf_set(err, errlen,
			                  "\"%.200s\": the socket path is longer than %d bytes", v,
			                  TLSRPT_SOCKET_PATH_MAX - 1);
			return -1;
		}
		for (p = rest; *p != '\0'; p++) {
			if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == ',') {
				tlsrpt_errbuf_set(
				        err, errlen,
				        "\"%.200s\": a socket path has no space, comma or control character",
				        v);
				return -1;
			}
		}
		return 0;
	}
	for (n = 0; rest[n] >= '0' && rest[n] <= '9' && port <= 65535; n++) {
		port = port * 10 + (unsigned long)(rest[n] - '0');
	}
	if (n == 0 || port == 0 || port > 65535 || (rest[n] != '\0' && rest[n] != '@') ||
	    (rest[n] == '@' && rest[n + 1] == '\0')) {
		tlsrpt_errbuf_set(err, errlen,
		                  "\"%.200s\": expected %sPORT or %sPORT@HOST, PORT 1 to 65535", v,
		                  tlsrpt_sockspec_prefix(kind), tlsrpt_sockspec_prefix(kind));
		return -1;
	}
	if (rest[n] == '@' &&
	    rest[n + 1 +
	         strspn(rest + n + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                              "0123456789.-:[]*")] != '\0') {
		tlsrpt_errbuf_set(
		        err, errlen,
		        "\"%.200s\": the host after @ is a name or an address, nothing else", v);
		return -1;
	}
	return 0;
}

/* check_report_address - local@domain or local@ */
static int check_report_address(const char *v, char *err, size_t errlen)
{
	return tlsrpt_addr_check(v, 1, err, errlen);
}

/* check_redirect_to - a full address */
static int check_redirect_to(const char *v, char *err, size_t errlen)
{
	char bare[TLSRPT_ADDR_MAX];

	if (tlsrpt_addr_bare(v, bare, sizeof(bare)) < 0 || strcmp(bare, v) != 0) {
		tlsrpt_errbuf_set(err, errlen, "\"%.200s\" is not an address (local@domain)", v);
		return -1;
	}
	return tlsrpt_addr_check(v, 0, err, errlen);
}

/* check_delimiter - printable, not part of an address's structure */
static int check_delimiter(const char *v, char *err, size_t errlen)
{
	const char *p;

	for (p = v; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("@<>,\"", *p)) {
			tlsrpt_errbuf_set(
			        err, errlen,
			        "\"%.200s\": delimiters must be printable ASCII other than @ < > , \"",
			        v);
			return -1;
		}
	}
	return 0;
}

/* check_user - user or user:group, no blanks */
static int check_user(const char *v, char *err, size_t errlen)
{
	const char *colon = strchr(v, ':');

	if (strpbrk(v, " \t") != NULL || v[0] == ':' || (colon != NULL && colon[1] == '\0') ||
	    (colon != NULL && strchr(colon + 1, ':') != NULL)) {
		tlsrpt_errbuf_set(err, errlen, "\"%.200s\" is not user or user:group", v);
		return -1;
	}
	return 0;
}

/* check_path - an absolute path */
static int check_path(const char *v, char *err, size_t errlen)
{
	if (v[0] != '/') {
		tlsrpt_errbuf_set(err, errlen, "\"%.200s\": the path must be absolute", v);
		return -1;
	}
	return 0;
}

/* check_name - a host or domain name: letters, digits, "-", "_" and ".", at most 253 bytes */
static int check_name(const char *v, char *err, size_t errlen)
{
	const char *p;

	if (strlen(v) > 253) {
		tlsrpt_errbuf_set(err, errlen, "\"%.64s...\": a name is at most 253 bytes", v);
		return -1;
	}
	for (p = v; *p != '\0'; p++) {
		if (!tlsrpt_alnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.') {
			tlsrpt_errbuf_set(err, errlen, "\"%.200s\" is not a host or domain name",
			                  v);
			return -1;
		}
	}
	return 0;
}

/* field - address of option o's field in cfg */
static void *field(struct tlsrpt_conf *cfg, const struct tlsrpt_option *o)
{
	return (char *)cfg + o->offset;
}

/* find - table index of key (case-insensitive), or -1 */
static int find(const char *key)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++) {
		if (strcasecmp(key, options[i].name) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/* parse_bool - yes/no/true/false/1/0 */
static int parse_bool(const char *v, int *out)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0) {
		*out = 1;
		return 0;
	}
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0) {
		*out = 0;
		return 0;
	}
	return -1;
}

/*
 * parse_number - digits in base (10 or 8), then an optional suffix: K, M or G
 * for TLSRPT_OPT_SIZE, s, m, h, d or w for TLSRPT_OPT_TIME; -1 bad, -2 overflow
 */
static int parse_number(const char *v, int base, enum tlsrpt_opt_type type, unsigned long long *out)
{
	unsigned long long n = 0, mult = 1;
	const char *p = v;

	if (*p == '\0') {
		return -1;
	}
	for (; *p >= '0' && *p < '0' + base; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (n > (~0ULL - d) / (unsigned)base) {
			return -2;
		}
		n = n * (unsigned)base + d;
	}
	if (p == v) {
		return -1;
	}
	if (type == TLSRPT_OPT_TIME && *p != '\0' && p[1] == '\0') {
		switch (*p) {
		case 's':
			break;
		case 'm':
			mult = MINUTE;
			break;
		case 'h':
			mult = HOUR;
			break;
		case 'd':
			mult = DAY;
			break;
		case 'w':
			mult = WEEK;
			break;
		default:
			return -1;
		}
		p++;
	} else if (type == TLSRPT_OPT_SIZE && *p != '\0' && p[1] == '\0') {
		switch (*p) {
		case 'k':
		case 'K':
			mult = KIB;
			break;
		case 'm':
		case 'M':
			mult = MIB;
			break;
		case 'g':
		case 'G':
			mult = GIB;
			break;
		default:
			return -1;
		}
		p++;
	}
	if (*p != '\0') {
		return -1;
	}
	if (n > ~0ULL / mult) {
		return -2;
	}
	*out = n * mult;
	return 0;
}

/* tlsrpt_conf_format_number - the way option o writes n */
void tlsrpt_conf_format_number(const struct tlsrpt_option *o, unsigned long long n, char *buf,
                               size_t len)
{
	if (o->type == TLSRPT_OPT_OCTAL) {
		snprintf(buf, len, "%03llo", n);
	} else if (o->type == TLSRPT_OPT_TIME) {
		static const struct {
			unsigned long long secs;
			char unit;
		} units[] = {{WEEK, 'w'}, {DAY, 'd'}, {HOUR, 'h'}, {MINUTE, 'm'}};
		size_t i;

		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (n != 0 && n % units[i].secs == 0) {
				snprintf(buf, len, "%llu%c", n / units[i].secs, units[i].unit);
				return;
			}
		}
		snprintf(buf, len, "%llus", n);
	} else if (o->type == TLSRPT_OPT_SIZE && n != 0 && n % GIB == 0) {
		snprintf(buf, len, "%lluG", n / GIB);
	} else if (o->type == TLSRPT_OPT_SIZE && n != 0 && n % MIB == 0) {
		snprintf(buf, len, "%lluM", n / MIB);
	} else if (o->type == TLSRPT_OPT_SIZE && n != 0 && n % KIB == 0) {
		snprintf(buf, len, "%lluK", n / KIB);
	} else {
		snprintf(buf, len, "%llu", n);
	}
}

/* list_add - append a copy of entry (lower-cased) to a list option */
static int list_add(const struct tlsrpt_option *o, struct tlsrpt_strlist *l, const char *entry,
                    char *msg, size_t msglen)
{
	char **nv, *copy;

	if (o->check != NULL && o->check(entry, msg, msglen) < 0) {
		return -1;
	}
	if (l->n >= TLSRPT_CONF_LIST_MAX) {
		tlsrpt_errbuf_set(msg, msglen, "more than %d entries", TLSRPT_CONF_LIST_MAX);
		return -1;
	}
	copy = strdup(entry);
	nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	if (copy == NULL || nv == NULL) {
		free(copy);
		if (nv != NULL) {
			l->v = nv;
		}
		tlsrpt_errbuf_set(msg, msglen, "out of memory");
		return -1;
	}
	tlsrpt_lower_str(copy);
	l->v = nv;
	l->v[l->n++] = copy;
	return 0;
}

/* list_clear - drop every entry */
static void list_clear(struct tlsrpt_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i]);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * not_reloadable - would value, written back by -n, not read back as itself
 * (a comment, blanks at an end, a control character)?  A file never
 * yields one (comments are cut and values trimmed first) but
 * tlsrpt_conf_set() could; the -n output must always load back to the
 * same settings.
 */
static int not_reloadable(const char *value)
{
	const char *p;
	size_t n = strlen(value);

	if (n > 0 &&
	    (value[0] == ' ' || value[0] == '\t' || value[n - 1] == ' ' || value[n - 1] == '\t')) {
		return 1; /* blanks at either end would be trimmed: not the same value */
	}
	for (p = value; *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' && *p != '\t') {
			return 1; /* a line end would split the line */
		}
	}

	for (p = value; (p = strchr(p, '#')) != NULL; p++) {
		if (p == value || p[-1] == ' ' || p[-1] == '\t') {
			return 1;
		}
	}
	return 0;
}

/* apply - parse value for option o into cfg; 0 ok, -1 + "message" (without the key) */
static int apply(struct tlsrpt_conf *cfg, const struct tlsrpt_option *o, const char *value,
                 char *msg, size_t msglen)
{
	void *f = field(cfg, o);
	unsigned long long n;
	int b, rc;
	size_t i;

	if (*value == '\0' && !(o->type == TLSRPT_OPT_STRING && o->empty_ok)) {
		tlsrpt_errbuf_set(msg, msglen, "missing value");
		return -1;
	}
	if (not_reloadable(value)) {
		tlsrpt_errbuf_set(
		        msg, msglen,
		        "\"%.200s\": blanks at either end, control characters, or a # at the start or after a blank (a comment) are not allowed",
		        value);
		return -1;
	}
	switch (o->type) {
	case TLSRPT_OPT_STRING: {
		char *copy;

		if (*value != '\0' && o->check != NULL && o->check(value, msg, msglen) < 0) {
			return -1;
		}
		copy = strdup(value);
		if (copy == NULL) {
			tlsrpt_errbuf_set(msg, msglen, "out of memory");
			return -1;
		}
		free(*(char **)f);
		*(char **)f = copy;
		return 0;
	}
	case TLSRPT_OPT_BOOL:
		if (parse_bool(value, &b) < 0) {
			tlsrpt_errbuf_set(msg, msglen,
			                  "\"%.200s\" is not yes, no, true, false, 1 or 0", value);
			return -1;
		}
		*(int *)f = b;
		return 0;
	case TLSRPT_OPT_INT:
	case TLSRPT_OPT_SIZE:
	case TLSRPT_OPT_OCTAL:
	case TLSRPT_OPT_TIME:
		rc = parse_number(value, o->type == TLSRPT_OPT_OCTAL ? 8 : 10, o->type, &n);
		if (rc == -1) {
			tlsrpt_errbuf_set(
			        msg, msglen, "\"%.200s\" is not %s", value,
			        o->type == TLSRPT_OPT_SIZE
			                ? "a size (digits with an optional K, M or G suffix)"
			        : o->type == TLSRPT_OPT_TIME
			                ? "a time (digits with an optional s, m, h, d or w suffix)"
			        : o->type == TLSRPT_OPT_OCTAL ? "an octal number"
			                                      : "a number");
			return -1;
		}
		if (rc == -2 || n < o->min || n > o->max) {
			char lo[32], hi[32];

			tlsrpt_conf_format_number(o, o->min, lo, sizeof(lo));
			tlsrpt_conf_format_number(o, o->max, hi, sizeof(hi));
			tlsrpt_errbuf_set(msg, msglen, "%.200s is out of range (%s to %s)", value,
			                  lo, hi);
			return -1;
		}
		*(unsigned long long *)f = n;
		return 0;
	case TLSRPT_OPT_ENUM:
		for (i = 0; o->words[i] != NULL; i++) {
			if (strcasecmp(value, o->words[i]) == 0) {
				*(int *)f = (int)i;
				return 0;
			}
		}
		{
			char words[256] = "";

			for (i = 0; o->words[i] != NULL; i++) {
				size_t len = strlen(words);

				snprintf(words + len, sizeof(words) - len, "%s%s",
				         i == 0                    ? ""
				         : o->words[i + 1] == NULL ? " or "
				                                   : ", ",
				         o->words[i]);
			}
			tlsrpt_errbuf_set(msg, msglen, "\"%.200s\" is not %s", value, words);
		}
		return -1;
	case TLSRPT_OPT_LIST: {
		char entry[TLSRPT_CONF_LINE_MAX];
		const char *p = value;

		while (*p != '\0') {
			size_t len = strcspn(p, ", \t");

			if (len > 0) {
				if (len >= sizeof(entry)) {
					tlsrpt_errbuf_set(msg, msglen, "entry too long");
					return -1;
				}
				memcpy(entry, p, len);
				entry[len] = '\0';
				if (entry[0] == '#') {
					tlsrpt_errbuf_set(
					        msg, msglen,
					        "\"%.200s\": an entry starting with # would read as a comment",
					        entry);
					return -1;
				}
				if (list_add(o, f, entry, msg, msglen) < 0) {
					return -1;
				}
			}
			p += len;
			p += strspn(p, ", \t");
		}
		return 0;
	}
	}
	tlsrpt_errbuf_set(msg, msglen, "internal error: bad option type");
	return -1;
}

/* tlsrpt_conf_noptions - number of table entries */
size_t tlsrpt_conf_noptions(void)
{
	return NOPTIONS;
}

/* tlsrpt_conf_option - table entry i */
const struct tlsrpt_option *tlsrpt_conf_option(size_t i)
{
	return i < NOPTIONS ? &options[i] : NULL;
}

/* tlsrpt_conf_free - release cfg; accepts NULL */
void tlsrpt_conf_free(struct tlsrpt_conf *cfg)
{
	size_t i;

	if (cfg == NULL) {
		return;
	}
	for (i = 0; i < NOPTIONS; i++) {
		if (options[i].type == TLSRPT_OPT_STRING) {
			free(*(char **)field(cfg, &options[i]));
		} else if (options[i].type == TLSRPT_OPT_LIST) {
			list_clear(field(cfg, &options[i]));
		}
	}
	free(cfg->source);
	free(cfg->line);
	free(cfg);
}

/* tlsrpt_conf_new - a configuration holding the defaults */
struct tlsrpt_conf *tlsrpt_conf_new(char *err, size_t errlen)
{
	struct tlsrpt_conf *cfg = calloc(1, sizeof(*cfg));
	char msg[512];
	size_t i;

	if (cfg == NULL || (cfg->line = calloc(NOPTIONS, sizeof(*cfg->line))) == NULL) {
		tlsrpt_conf_free(cfg);
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < NOPTIONS; i++) {
		const struct tlsrpt_option *o = &options[i];

		if (o->def[0] == '\0' && o->type != TLSRPT_OPT_STRING) {
			continue; /* empty list */
		}
		if (o->def[0] == '\0' && !o->empty_ok) {
			continue; /* string not set: NULL */
		}
		if (apply(cfg, o, o->def, msg, sizeof(msg)) < 0) {
			tlsrpt_errbuf_set(err, errlen, "default of %s: %s", o->name, msg);
			tlsrpt_conf_free(cfg);
			return NULL;
		}
	}
	return cfg;
}

/* trim - strip blanks and line ends at both ends, in place */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) {
		*--e = '\0';
	}
	return s;
}

/* parse_line - one line of a file; 0 ok, -1 + message (without file:line) */
static int parse_line(struct tlsrpt_conf *cfg, char *line, unsigned lineno, char *msg,
                      size_t msglen)
{
	char *p, *key, *value;
	int idx;

	for (p = line; *p != '\0'; p++) { /* comment: at the start or after a blank */
		if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	key = trim(line);
	if (*key == '\0') {
		return 0;
	}
	value = key + strcspn(key, " \t");
	if (*value != '\0') {
		*value++ = '\0';
		value = trim(value);
	}
	idx = find(key);
	if (idx < 0) {
		tlsrpt_errbuf_set(msg, msglen, "unknown key \"%.100s\"", key);
		return -1;
	}
	if (cfg->line[idx] != 0 && options[idx].type != TLSRPT_OPT_LIST) {
		tlsrpt_errbuf_set(msg, msglen, "%s: already set on line %u", options[idx].name,
		                  cfg->line[idx]);
		return -1;
	}
	if (options[idx].type == TLSRPT_OPT_LIST && cfg->line[idx] == 0) {
		list_clear(field(cfg, &options[idx])); /* the file replaces a default list */
	}
	if (apply(cfg, &options[idx], value, msg, msglen) < 0) {
		char inner[512];

		snprintf(inner, sizeof(inner), "%s", msg);
		tlsrpt_errbuf_set(msg, msglen, "%s: %s", options[idx].name, inner);
		return -1;
	}
	cfg->line[idx] = lineno;
	return 0;
}

/* tlsrpt_conf_load_fp - read an open stream into cfg */
int tlsrpt_conf_load_fp(struct tlsrpt_conf *cfg, FILE *fp, const char *name, char *err,
                        size_t errlen)
{
	char line[TLSRPT_CONF_LINE_MAX + 2], msg[512];
	unsigned lineno = 0;
	char *copy = strdup(name);

	if (copy == NULL) {
		tlsrpt_errbuf_set(err, errlen, "%s: out of memory", name);
		return -1;
	}
	free(cfg->source);
	cfg->source = copy;
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t len = strlen(line);

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			tlsrpt_errbuf_set(err, errlen, "%s:%u: line longer than %d bytes", name,
			                  lineno, TLSRPT_CONF_LINE_MAX);
			return -1;
		}
		if (parse_line(cfg, line, lineno, msg, sizeof(msg)) < 0) {
			tlsrpt_errbuf_set(err, errlen, "%s:%u: %s", name, lineno, msg);
			return -1;
		}
	}
	if (ferror(fp)) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s: read error", name);
		return -1;
	}
	return 0;
}

/* tlsrpt_conf_load - read a file into cfg */
int tlsrpt_conf_load(struct tlsrpt_conf *cfg, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	int rc;

	if (fp == NULL) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s: cannot open", path);
		return -1;
	}
	rc = tlsrpt_conf_load_fp(cfg, fp, path, err, errlen);
	fclose(fp);
	return rc;
}

/* tlsrpt_conf_set - set key to value (command-line override) */
int tlsrpt_conf_set(struct tlsrpt_conf *cfg, const char *key, const char *value, char *err,
                    size_t errlen)
{
	char msg[512];
	int idx = find(key);

	if (idx < 0) {
		tlsrpt_errbuf_set(err, errlen, "unknown key \"%.100s\"", key);
		return -1;
	}
	if (apply(cfg, &options[idx], value, msg, sizeof(msg)) < 0) {
		tlsrpt_errbuf_set(err, errlen, "%s: %s", options[idx].name, msg);
		return -1;
	}
	return 0;
}

/* where - "file:line" of option idx, "file" when defaulted, or a fixed text */
static void where(const struct tlsrpt_conf *cfg, int idx, char *buf, size_t len)
{
	if (cfg->source != NULL && idx >= 0 && cfg->line[idx] != 0) {
		snprintf(buf, len, "%s:%u", cfg->source, cfg->line[idx]);
	} else if (cfg->source != NULL) {
		snprintf(buf, len, "%s", cfg->source);
	} else {
		snprintf(buf, len, "configuration");
	}
}

/* tlsrpt_conf_check - cross-checks */
int tlsrpt_conf_check(const struct tlsrpt_conf *cfg, int daemon, char *err, size_t errlen)
{
	char at[512];

	if (daemon && cfg->report_address.n == 0) {
		where(cfg, find("ReportAddress"), at, sizeof(at));
		tlsrpt_errbuf_set(err, errlen,
		                  "%s: ReportAddress is not set: name at least one report address",
		                  at);
		return -1;
	}
	if (cfg->memory_budget < (1 + TLSRPT_JSON_TREE_FACTOR) * cfg->max_report_size) {
		where(cfg, find("MemoryBudget"), at, sizeof(at));
		tlsrpt_errbuf_set(
		        err, errlen,
		        "%s: MemoryBudget %llu is less than %u times MaxReportSize: a large report could never be read",
		        at, cfg->memory_budget, 1 + TLSRPT_JSON_TREE_FACTOR);
		return -1;
	}
	if (cfg->action == TLSRPT_ACTION_REDIRECT && cfg->redirect_to == NULL) {
		where(cfg, find("Action"), at, sizeof(at));
		tlsrpt_errbuf_set(err, errlen, "%s: Action redirect needs RedirectTo", at);
		return -1;
	}
	if (cfg->redirect_to != NULL &&
	    tlsrpt_addr_match(cfg->redirect_to, cfg->report_address.v, cfg->report_address.n,
	                      cfg->recipient_delimiter)) {
		where(cfg, find("RedirectTo"), at, sizeof(at));
		tlsrpt_errbuf_set(err, errlen, "%s: RedirectTo %.200s is itself a ReportAddress",
		                  at, cfg->redirect_to);
		return -1;
	}
	return 0;
}

/* tlsrpt_conf_limits - the pipeline limits the configuration sets */
void tlsrpt_conf_limits(const struct tlsrpt_conf *cfg, struct tlsrpt_limits *lim)
{
	tlsrpt_limits_default(lim);
	lim->max_message_size = (size_t)cfg->max_message_size;
	lim->max_report_size = (size_t)cfg->max_report_size;
	lim->max_json_tree = TLSRPT_JSON_TREE_FACTOR * lim->max_report_size;
	lim->max_failure_lines = (unsigned)cfg->max_failure_lines;
	lim->max_policy_lines = (unsigned)cfg->max_policy_lines;
	lim->max_mime_depth = (unsigned)cfg->max_mime_depth;
	lim->max_parts = (unsigned)cfg->max_parts;
}

/* tlsrpt_conf_trust - the pipeline trust settings the configuration sets */
void tlsrpt_conf_trust(const struct tlsrpt_conf *cfg, const char *const *host_id,
                       struct tlsrpt_trust *t)
{
	memset(t, 0, sizeof(*t));
	if (cfg->trusted_authserv_ids.n > 0) {
		t->authserv_ids = (const char *const *)cfg->trusted_authserv_ids.v;
		t->nauthserv_ids = cfg->trusted_authserv_ids.n;
	} else {
		t->authserv_ids = host_id;
		t->nauthserv_ids = host_id[0][0] != '\0' ? 1 : 0;
	}
	t->require_dkim = cfg->require_dkim;
	t->report_domains = (const char *const *)cfg->report_domains.v;
	t->nreport_domains = cfg->report_domains.n;
	t->mx_hosts = (const char *const *)cfg->mx_hosts.v;
	t->nmx_hosts = cfg->mx_hosts.n;
}

/* tlsrpt_conf_action_name - "deliver", "discard", "hold", "redirect" */
const char *tlsrpt_conf_action_name(int action)
{
	if (action < 0 || action >= (int)(sizeof(action_words) / sizeof(action_words[0])) - 1) {
		return "unknown";
	}
	return action_words[action];
}

/* tlsrpt_conf_syslog_facility - the LOG_* facility of a LogFacility value */
int tlsrpt_conf_syslog_facility(int facility)
{
	if (facility < 0 || facility >= (int)(sizeof(facility_codes) / sizeof(facility_codes[0]))) {
		return LOG_MAIL;
	}
	return facility_codes[facility];
}
