/*
 * test_config.c - the configuration table, loader, cross-checks and printers
 *
 * Table-driven: good lines (every type) and the value -n prints for them;
 * bad lines and the exact "file:line: message" they give; cross-checks;
 * defaults equal to the pipeline's; the sample file loads to the defaults;
 * -n output loads back to itself; the option list in
 * doc/tlsrpt-milter.conf.5 and the option table in README.md are exactly
 * what the table generates ("make regen" rewrites them).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cmocka.h>

#include "conf.h"
#include "tlsrpt_limits.h"
#include "pipeline.h"
#include "record.h"

#define NAME "t.conf"
#define MAN_BEGIN ".\\\" BEGIN OPTIONS"
#define MAN_END ".\\\" END OPTIONS"
#define MD_BEGIN "<!-- BEGIN OPTIONS"
#define MD_END "<!-- END OPTIONS"

/* load_text - a configuration loaded from text; returns the status, err filled */
static int load_text(const char *text, struct tlsrpt_conf **out, char *err, size_t errlen)
{
	struct tlsrpt_conf *cfg = tlsrpt_conf_new(err, errlen);
	FILE *fp;
	int rc;

	assert_non_null(cfg);
	fp = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(fp);
	err[0] = '\0';
	rc = tlsrpt_conf_load_fp(cfg, fp, NAME, err, errlen);
	fclose(fp);
	*out = cfg;
	return rc;
}

/* written - what tlsrpt_conf_write prints (without its first, comment line) */
static char *written(const struct tlsrpt_conf *cfg)
{
	char *buf = NULL, *nl;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(tlsrpt_conf_write(cfg, fp), 0);
	fclose(fp);
	nl = strchr(buf, '\n');
	assert_non_null(nl);
	memmove(buf, nl + 1, strlen(nl + 1) + 1);
	return buf;
}

/* written_value - the value -n prints for key; NULL when the key's line is absent */
static char *written_value(const struct tlsrpt_conf *cfg, const char *key)
{
	char *all = written(cfg), *line, *save = NULL, *res = NULL;
	size_t kl = strlen(key);

	for (line = strtok_r(all, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, key, kl) == 0 && (line[kl] == ' ' || line[kl] == '\0')) {
			res = strdup(line[kl] == ' ' ? line + kl + 1 : "");
			break;
		}
	}
	free(all);
	return res;
}

struct good_case {
	const char *text;
	const char *key;
	const char *want; /* as -n prints it */
};

static const struct good_case good_cases[] = {
        {"AddHeader yes", "AddHeader", "yes"},
        {"AddHeader TRUE", "AddHeader", "yes"},
        {"addheader 1", "AddHeader", "yes"},
        {"ADDHEADER No", "AddHeader", "no"},
        {"AddHeader false", "AddHeader", "no"},
        {"AddHeader 0", "AddHeader", "no"},
        {"Background no", "Background", "no"},
        {"MaxMessageSize 1048576", "MaxMessageSize", "1M"},
        {"MaxMessageSize 2048k", "MaxMessageSize", "2M"},
        {"MaxMessageSize 1G", "MaxMessageSize", "1G"},
        {"MaxMessageSize 1K", "MaxMessageSize", "1K"},
        {"MaxMessageSize 1500000", "MaxMessageSize", "1500000"},
        {"MaxReportSize 3m", "MaxReportSize", "3M"},
        {"MaxFailureLines 0", "MaxFailureLines", "0"},
        {"MaxFailureLines 100000", "MaxFailureLines", "100000"},
        {"MaxMimeDepth 1", "MaxMimeDepth", "1"},
        {"MaxParts 007", "MaxParts", "7"},
        {"UMask 0", "UMask", "000"},
        {"UMask 0777", "UMask", "777"},
        {"UMask 22", "UMask", "022"},
        {"Action HOLD", "Action", "hold"},
        {"Action discard   # comment after a blank", "Action", "discard"},
        {"  # a comment line\n\nAction deliver", "Action", "deliver"},
        {"LogFacility local3", "LogFacility", "local3"},
        {"LogFormat JSON", "LogFormat", "json"},
        {"Socket inet:8891@127.0.0.1", "Socket", "inet:8891@127.0.0.1"},
        {"Socket inet6:8891", "Socket", "inet6:8891"},
        {"Socket /var/run/m.sock", "Socket", "/var/run/m.sock"},
        {"Socket local:/run/m.sock\r\n", "Socket", "local:/run/m.sock"},
        {"\tSocket\t unix:/a#b \t", "Socket", "unix:/a#b"},
        {"RecipientDelimiter", "RecipientDelimiter", ""},
        {"RecipientDelimiter +-", "RecipientDelimiter", "+-"},
        {"RedirectTo Archive@Example.org", "RedirectTo", "Archive@Example.org"},
        {"UserID milter:postfix", "UserID", "milter:postfix"},
        {"PidFile /run/x.pid", "PidFile", "/run/x.pid"},
        {"ReportAddress TLSRPT@Example.COM", "ReportAddress", "tlsrpt@example.com"},
};

/* test_good - every type parses and prints back as expected */
static void test_good(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const struct good_case *c = &good_cases[i];
		struct tlsrpt_conf *cfg;
		char err[512];
		char *got;

		if (load_text(c->text, &cfg, err, sizeof(err)) != 0) {
			fail_msg("%s: got error \"%s\", want %s %s", c->text, err, c->key, c->want);
		}
		got = written_value(cfg, c->key);
		if (got == NULL || strcmp(got, c->want) != 0) {
			fail_msg("%s: got %s \"%s\", want \"%s\"", c->text, c->key,
			         got ? got : "(no line)", c->want);
		}
		free(got);
		tlsrpt_conf_free(cfg);
	}
}

/* test_list - a list key repeats and splits at commas and blanks */
static void test_list(void **state)
{
	static const char *const want[] = {"a@x.com", "b@", "c@y", "d@z"};
	struct tlsrpt_conf *cfg;
	char err[512];
	size_t i;

	(void)state;
	if (load_text("ReportAddress A@X.com, b@\tc@y\nreportaddress ,d@z,", &cfg, err,
	              sizeof(err)) != 0) {
		fail_msg("list: got error \"%s\"", err);
	}
	if (cfg->report_address.n != 4) {
		fail_msg("list: got %zu entries, want 4", cfg->report_address.n);
	}
	for (i = 0; i < 4; i++) {
		if (strcmp(cfg->report_address.v[i], want[i]) != 0) {
			fail_msg("list entry %zu: got \"%s\", want \"%s\"", i,
			         cfg->report_address.v[i], want[i]);
		}
	}
	tlsrpt_conf_free(cfg);
}

struct bad_case {
	const char *text;
	const char *want; /* the whole message */
};

static const struct bad_case bad_cases[] = {
        {"Bogus 1", "t.conf:1: unknown key \"Bogus\""},
        {"\n\nAction", "t.conf:3: Action: missing value"},
        {"AddHeader maybe", "t.conf:1: AddHeader: \"maybe\" is not yes, no, true, false, 1 or 0"},
        {"AddHeader 2", "t.conf:1: AddHeader: \"2\" is not yes, no, true, false, 1 or 0"},
        {"AddHeader y", "t.conf:1: AddHeader: \"y\" is not yes, no, true, false, 1 or 0"},
        {"MaxParts 0", "t.conf:1: MaxParts: 0 is out of range (1 to 100000)"},
        {"MaxParts 100001", "t.conf:1: MaxParts: 100001 is out of range (1 to 100000)"},
        {"MaxParts -1", "t.conf:1: MaxParts: \"-1\" is not a number"},
        {"MaxParts +1", "t.conf:1: MaxParts: \"+1\" is not a number"},
        {"MaxParts 1K", "t.conf:1: MaxParts: \"1K\" is not a number"},
        {"MaxParts 12 13", "t.conf:1: MaxParts: \"12 13\" is not a number"},
        {"MaxParts 99999999999999999999999",
         "t.conf:1: MaxParts: 99999999999999999999999 is out of range (1 to 100000)"},
        {"MaxMessageSize 1023", "t.conf:1: MaxMessageSize: 1023 is out of range (1K to 1G)"},
        {"MaxMessageSize 2G", "t.conf:1: MaxMessageSize: 2G is out of range (1K to 1G)"},
        {"MaxMessageSize 10MB",
         "t.conf:1: MaxMessageSize: \"10MB\" is not a size (digits with an optional K, M or G suffix)"},
        {"MaxMessageSize 17179869184G",
         "t.conf:1: MaxMessageSize: 17179869184G is out of range (1K to 1G)"},
        {"MaxMessageSize K",
         "t.conf:1: MaxMessageSize: \"K\" is not a size (digits with an optional K, M or G suffix)"},
        {"UMask 8", "t.conf:1: UMask: \"8\" is not an octal number"},
        {"UMask 1000", "t.conf:1: UMask: 1000 is out of range (000 to 777)"},
        {"Action bounce", "t.conf:1: Action: \"bounce\" is not deliver, discard, hold or redirect"},
        {"Action hold#x", "t.conf:1: Action: \"hold#x\" is not deliver, discard, hold or redirect"},
        {"LogFormat xml", "t.conf:1: LogFormat: \"xml\" is not kv or json"},
        {"LogFacility kern",
         "t.conf:1: LogFacility: \"kern\" is not mail, daemon, user, local0, local1, local2, local3, local4, local5, local6 or local7"},
        {"Socket tcp:1",
         "t.conf:1: Socket: \"tcp:1\" is not a socket (unix:/path, local:/path, inet:PORT@HOST, inet6:PORT@HOST)"},
        {"Socket unix:run/m.sock",
         "t.conf:1: Socket: \"unix:run/m.sock\": the socket path must be absolute"},
        {"Socket inet:@localhost",
         "t.conf:1: Socket: \"inet:@localhost\": expected inet:PORT or inet:PORT@HOST, PORT 1 to 65535"},
        {"Socket unix:/run/m.sock,",
         "t.conf:1: Socket: \"unix:/run/m.sock,\": a socket path has no space, comma or control character"},
        {"Socket inet:8891,",
         "t.conf:1: Socket: \"inet:8891,\": expected inet:PORT or inet:PORT@HOST, PORT 1 to 65535"},
        {"Socket inet:65536",
         "t.conf:1: Socket: \"inet:65536\": expected inet:PORT or inet:PORT@HOST, PORT 1 to 65535"},
        {"Socket inet:8891@localhost,",
         "t.conf:1: Socket: \"inet:8891@localhost,\": the host after @ is a name or an address, nothing else"},
        {"ReportAddress tlsrpt",
         "t.conf:1: ReportAddress: \"tlsrpt\" is not an address (local@domain, or local@ for any domain)"},
        {"ReportAddress @example.com",
         "t.conf:1: ReportAddress: \"@example.com\" is not an address (local@domain, or local@ for any domain)"},
        {"ReportAddress a<b@x",
         "t.conf:1: ReportAddress: \"a<b@x\" holds a blank, control character, comma or angle bracket"},
        {"RedirectTo tlsrpt@", "t.conf:1: RedirectTo: \"tlsrpt@\" has no domain (local@domain)"},
        {"RedirectTo <a@b>", "t.conf:1: RedirectTo: \"<a@b>\" is not an address (local@domain)"},
        {"RecipientDelimiter @",
         "t.conf:1: RecipientDelimiter: \"@\": delimiters must be printable ASCII other than @ < > , \""},
        {"UserID a:b:c", "t.conf:1: UserID: \"a:b:c\" is not user or user:group"},
        {"UserID :grp", "t.conf:1: UserID: \":grp\" is not user or user:group"},
        {"UserID user:", "t.conf:1: UserID: \"user:\" is not user or user:group"},
        {"PidFile x.pid", "t.conf:1: PidFile: \"x.pid\": the path must be absolute"},
        {"Action hold\n# c\nACTION hold", "t.conf:3: Action: already set on line 1"},
        {"ReportAddress tlsrpt@,#x@example.com",
         "t.conf:1: ReportAddress: \"#x@example.com\": an entry starting with # would read as a comment"},
};

/* test_bad - every error names file:line and says what is wrong */
static void test_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct tlsrpt_conf *cfg;
		char err[512];

		if (load_text(c->text, &cfg, err, sizeof(err)) == 0) {
			fail_msg("%s: got no error, want \"%s\"", c->text, c->want);
		}
		if (strcmp(err, c->want) != 0) {
			fail_msg("%s: got \"%s\", want \"%s\"", c->text, err, c->want);
		}
		tlsrpt_conf_free(cfg);
	}
}

/* test_long_line - a line over the limit is an error, not a silent cut */
static void test_long_line(void **state)
{
	size_t n = TLSRPT_CONF_LINE_MAX + 100;
	char *text = malloc(n + 32);
	struct tlsrpt_conf *cfg;
	char err[512];

	(void)state;
	strcpy(text, "Action deliver\nPidFile /");
	memset(text + strlen(text), 'a', n);
	text[24 + n] = '\0';
	if (load_text(text, &cfg, err, sizeof(err)) == 0) {
		fail_msg("long line: got no error");
	}
	if (strcmp(err, "t.conf:2: line longer than 4096 bytes") != 0) {
		fail_msg("long line: got \"%s\", want \"t.conf:2: line longer than 4096 bytes\"",
		         err);
	}
	tlsrpt_conf_free(cfg);
	free(text);
}

struct check_case {
	const char *text;
	int daemon;
	const char *want; /* NULL: passes */
};

static const struct check_case check_cases[] = {
        {"", 0, NULL},
        {"", 1, "t.conf: ReportAddress is not set: name at least one report address"},
        {"ReportAddress tlsrpt@", 1, NULL},
        {"ReportAddress tlsrpt@\nAction redirect", 0, "t.conf:2: Action redirect needs RedirectTo"},
        {"Action redirect\nRedirectTo a@example.org", 0, NULL},
        {"ReportAddress tlsrpt@\nRedirectTo TLSRPT+x@example.org", 1,
         "t.conf:2: RedirectTo TLSRPT+x@example.org is itself a ReportAddress"},
        {"ReportAddress tlsrpt@example.com\nRedirectTo tlsrpt@example.org", 1, NULL},
};

/* test_check - the cross-checks */
static void test_check(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		const struct check_case *c = &check_cases[i];
		struct tlsrpt_conf *cfg;
		char err[512] = "";
		int rc;

		if (load_text(c->text, &cfg, err, sizeof(err)) != 0) {
			fail_msg("%s: load error \"%s\"", c->text, err);
		}
		rc = tlsrpt_conf_check(cfg, c->daemon, err, sizeof(err));
		if (c->want == NULL && rc != 0) {
			fail_msg("%s (daemon %d): got \"%s\", want no error", c->text, c->daemon,
			         err);
		}
		if (c->want != NULL && (rc == 0 || strcmp(err, c->want) != 0)) {
			fail_msg("%s (daemon %d): got \"%s\", want \"%s\"", c->text, c->daemon,
			         rc == 0 ? "no error" : err, c->want);
		}
		tlsrpt_conf_free(cfg);
	}
}

/* test_defaults - the defaults are the pipeline's and the documented ones */
static void test_defaults(void **state)
{
	struct tlsrpt_limits want, got;
	struct tlsrpt_conf *cfg;
	char err[512];

	(void)state;
	cfg = tlsrpt_conf_new(err, sizeof(err));
	assert_non_null(cfg);
	tlsrpt_limits_default(&want);
	tlsrpt_conf_limits(cfg, &got);
	assert_int_equal(got.max_message_size, want.max_message_size);
	assert_int_equal(got.max_report_size, want.max_report_size);
	assert_int_equal(got.max_mime_depth, want.max_mime_depth);
	assert_int_equal(got.max_parts, want.max_parts);
	assert_int_equal(got.max_failure_lines, want.max_failure_lines);
	assert_int_equal(got.max_policy_lines, want.max_policy_lines);
	assert_string_equal(cfg->socket,
	                    "unix:/var/spool/postfix/tlsrpt-milter/tlsrpt-milter.sock");
	assert_string_equal(cfg->recipient_delimiter, "+");
	assert_int_equal(cfg->action, TLSRPT_ACTION_DELIVER);
	assert_int_equal(cfg->log_facility, TLSRPT_FAC_MAIL);
	assert_int_equal(cfg->log_format, TLSRPT_FORMAT_KV);
	assert_int_equal(cfg->umask, 07);
	assert_int_equal(cfg->background, 1);
	assert_int_equal(cfg->add_header, 0);
	assert_null(cfg->user_id);
	assert_null(cfg->pid_file);
	assert_null(cfg->redirect_to);
	assert_int_equal(cfg->report_address.n, 0);
	assert_int_equal(tlsrpt_conf_set(cfg, "socket", "inet:1@localhost", err, sizeof(err)), 0);
	assert_string_equal(cfg->socket, "inet:1@localhost");
	assert_int_equal(tlsrpt_conf_set(cfg, "Socket", "unix:/a #b", err, sizeof(err)), -1);
	assert_string_equal(
	        err,
	        "Socket: \"unix:/a #b\": blanks at either end, control characters, or a # at the start or after a blank (a comment) are not allowed");
	assert_int_equal(tlsrpt_conf_set(cfg, "PidFile", "/x\n", err, sizeof(err)), -1);
	assert_int_equal(tlsrpt_conf_set(cfg, "PidFile", " /x", err, sizeof(err)), -1);
	assert_int_equal(tlsrpt_conf_set(cfg, "Nope", "x", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown key \"Nope\"");
	tlsrpt_conf_free(cfg);
	tlsrpt_conf_free(NULL);
}

/* test_sample_and_roundtrip - the sample loads to the defaults; -n reloads to itself */
static void test_sample_and_roundtrip(void **state)
{
	char *sample = NULL, *a, *b;
	size_t len = 0;
	struct tlsrpt_conf *def, *cfg, *again;
	char err[512];
	FILE *fp = open_memstream(&sample, &len);

	(void)state;
	assert_int_equal(tlsrpt_conf_write_sample(fp), 0);
	fclose(fp);
	if (load_text(sample, &cfg, err, sizeof(err)) != 0) {
		fail_msg("sample: got \"%s\", want it to load", err);
	}
	def = tlsrpt_conf_new(err, sizeof(err));
	a = written(def);
	b = written(cfg);
	if (strcmp(a, b) != 0) {
		fail_msg("sample: got settings\n%s\nwant the defaults\n%s", b, a);
	}
	free(a);
	free(b);
	tlsrpt_conf_free(cfg);
	tlsrpt_conf_free(def);
	free(sample);

	if (load_text("ReportAddress a@b, c@\nRecipientDelimiter\nAction hold\nUMask 0\n"
	              "MaxMessageSize 3000\nUserID u:g\nLogFacility local7\nAddHeader 1\n",
	              &cfg, err, sizeof(err)) != 0) {
		fail_msg("roundtrip: load error \"%s\"", err);
	}
	a = written(cfg);
	if (load_text(a, &again, err, sizeof(err)) != 0) {
		fail_msg("roundtrip: -n output does not load: \"%s\"\n%s", err, a);
	}
	b = written(again);
	if (strcmp(a, b) != 0) {
		fail_msg("roundtrip: got\n%s\nwant\n%s", b, a);
	}
	free(a);
	free(b);
	tlsrpt_conf_free(cfg);
	tlsrpt_conf_free(again);
}

/* generated - what printer gen writes, as a string */
static char *generated(int (*gen)(FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(gen(fp), 0);
	fclose(fp);
	return buf;
}

/* shipped - the part of the file at path between the begin and end lines (malloc'd) */
static char *shipped(const char *path, const char *begin, const char *end)
{
	char *page, *b, *e, *part;
	FILE *fp = fopen(path, "r");
	size_t n;
	long size;

	if (fp == NULL) {
		fail_msg("cannot open %s", path);
	}
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	page = calloc(1, (size_t)size + 1);
	assert_non_null(page);
	n = fread(page, 1, (size_t)size, fp);
	fclose(fp);
	page[n] = '\0';
	b = strstr(page, begin);
	b = b != NULL ? strchr(b, '\n') : NULL;
	e = b != NULL ? strstr(b, end) : NULL;
	if (e == NULL) {
		fail_msg("%s: no \"%s\" ... \"%s\" lines", path, begin, end);
	}
	*e = '\0';
	part = strdup(b + 1);
	free(page);
	return part;
}

/* check_generated - the shipped part of path is what gen writes, and names every key */
static void check_generated(const char *path, const char *begin, const char *end,
                            int (*gen)(FILE *), const char *key_open, const char *key_close)
{
	char *want = generated(gen);
	char *got = shipped(path, begin, end);
	char key[128];
	size_t i;

	if (strcmp(got, want) != 0) {
		fail_msg(
		        "%s: option list differs from the table (run make regen); got\n%s\nwant\n%s",
		        path, got, want);
	}
	for (i = 0; i < tlsrpt_conf_noptions(); i++) {
		snprintf(key, sizeof(key), "%s%s%s", key_open, tlsrpt_conf_option(i)->name,
		         key_close);
		if (strstr(got, key) == NULL) {
			fail_msg("%s: key %s missing", path, tlsrpt_conf_option(i)->name);
		}
	}
	free(got);
	free(want);
}

/* test_man_page - doc/tlsrpt-milter.conf.5 lists exactly the table */
static void test_man_page(void **state)
{
	(void)state;
	check_generated(TEST_SRCDIR "/../doc/tlsrpt-milter.conf.5", MAN_BEGIN, MAN_END,
	                tlsrpt_conf_write_man, "\\fB", "\\fR");
}

/* test_readme - README.md's option table lists exactly the table, with its defaults */
static void test_readme(void **state)
{
	char *md;

	(void)state;
	check_generated(TEST_SRCDIR "/../README.md", MD_BEGIN, MD_END, tlsrpt_conf_write_markdown,
	                "| `", "` |");
	md = generated(tlsrpt_conf_write_markdown);
	if (strstr(md, "| `MaxMessageSize` | `25M` | ") == NULL ||
	    strstr(md, "| `RedirectTo` | | ") == NULL || strstr(md, "list them |\n") == NULL) {
		fail_msg("README table rows: got\n%s\nwant a default column and summaries", md);
	}
	free(md);
}

/* test_trust - the pipeline trust settings built from a configuration */
static void test_trust(void **state)
{
	static const char *const host[1] = {"mx.example.net"};
	static const char *const none[1] = {""};
	struct tlsrpt_conf *cfg;
	struct tlsrpt_trust t;
	char err[512];

	(void)state;
	cfg = tlsrpt_conf_new(err, sizeof(err));
	assert_non_null(cfg);
	tlsrpt_conf_trust(cfg, host, &t);
	assert_int_equal(t.nauthserv_ids, 1);
	assert_string_equal(t.authserv_ids[0], "mx.example.net");
	assert_int_equal(t.require_dkim, 0);
	assert_int_equal(t.nreport_domains, 0);
	assert_null(t.dedup);
	tlsrpt_conf_trust(cfg, none, &t);
	assert_int_equal(t.nauthserv_ids, 0);
	tlsrpt_conf_free(cfg);

	if (load_text("TrustedAuthservIDs A.example, b.example\nRequireDKIM yes\n"
	              "ReportDomains example.com\nMXHosts MX1.example.net mx2.example.net\n",
	              &cfg, err, sizeof(err)) != 0) {
		fail_msg("load error \"%s\"", err);
	}
	tlsrpt_conf_trust(cfg, host, &t);
	assert_int_equal(t.nauthserv_ids, 2);
	assert_string_equal(t.authserv_ids[0], "a.example");
	assert_string_equal(t.authserv_ids[1], "b.example");
	assert_int_equal(t.require_dkim, 1);
	assert_int_equal(t.nreport_domains, 1);
	assert_string_equal(t.report_domains[0], "example.com");
	assert_int_equal(t.nmx_hosts, 2);
	assert_string_equal(t.mx_hosts[0], "mx1.example.net");
	assert_string_equal(t.mx_hosts[1], "mx2.example.net");
	tlsrpt_conf_free(cfg);
}

/* test_facility - every LogFacility word has its syslog facility; out of range is mail */
static void test_facility(void **state)
{
	static const struct {
		int value;
		int want;
	} cases[] = {
	        {TLSRPT_FAC_MAIL, LOG_MAIL},
	        {TLSRPT_FAC_DAEMON, LOG_DAEMON},
	        {TLSRPT_FAC_USER, LOG_USER},
	        {TLSRPT_FAC_LOCAL0, LOG_LOCAL0},
	        {TLSRPT_FAC_LOCAL3, LOG_LOCAL3},
	        {TLSRPT_FAC_LOCAL7, LOG_LOCAL7},
	        {-1, LOG_MAIL},
	        {TLSRPT_FAC_LOCAL7 + 1, LOG_MAIL},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = tlsrpt_conf_syslog_facility(cases[i].value);

		if (got != cases[i].want) {
			fail_msg("facility %d: got %d, want %d", cases[i].value, got,
			         cases[i].want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good),
	        cmocka_unit_test(test_list),
	        cmocka_unit_test(test_bad),
	        cmocka_unit_test(test_long_line),
	        cmocka_unit_test(test_check),
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_sample_and_roundtrip),
	        cmocka_unit_test(test_man_page),
	        cmocka_unit_test(test_readme),
	        cmocka_unit_test(test_trust),
	        cmocka_unit_test(test_facility),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
