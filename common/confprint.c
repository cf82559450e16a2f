/*
 * confprint.c - the option table and a configuration, written out
 *
 * Four printers read the option table of conf.c: the effective
 * configuration in file syntax ("tlsrpt-milter -n"), the commented sample
 * file ("tlsrpt-milter -C", shipped as etc/tlsrpt-milter.conf), the option
 * list of tlsrpt-milter.conf(5) and the README's option table; "make regen"
 * rewrites the shipped copies from them and tests compare the two.  Each
 * writes to the caller's stream and returns -1 when the stream reports an
 * error; nothing else is printed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"

#define WRAP 76 /* sample file comment width */

/* value_text - option o's value in cfg as file text; NULL when not set (or a list) */
static const char *value_text(const struct tlsrpt_conf *cfg, const struct tlsrpt_option *o,
                              char *buf, size_t len)
{
	const void *f = (const char *)cfg + o->offset;

	switch (o->type) {
	case TLSRPT_OPT_STRING:
		return *(char *const *)f;
	case TLSRPT_OPT_BOOL:
		return *(const int *)f ? "yes" : "no";
	case TLSRPT_OPT_INT:
	case TLSRPT_OPT_SIZE:
	case TLSRPT_OPT_OCTAL:
	case TLSRPT_OPT_TIME:
		tlsrpt_conf_format_number(o, *(const unsigned long long *)f, buf, len);
		return buf;
	case TLSRPT_OPT_ENUM:
		return o->words[*(const int *)f];
	case TLSRPT_OPT_LIST:
		return NULL;
	}
	return NULL;
}

/* tlsrpt_conf_write - the effective configuration in file syntax */
int tlsrpt_conf_write(const struct tlsrpt_conf *cfg, FILE *fp)
{
	char buf[64];
	size_t i, j;

	fprintf(fp, "# effective configuration (%s)\n",
	        cfg->source != NULL ? cfg->source : "defaults");
	for (i = 0; i < tlsrpt_conf_noptions(); i++) {
		const struct tlsrpt_option *o = tlsrpt_conf_option(i);
		const char *v;

		if (o->type == TLSRPT_OPT_LIST) {
			const struct tlsrpt_strlist *l =
			        (const void *)((const char *)cfg + o->offset);

			if (l->n == 0) {
				fprintf(fp, "# %s (not set)\n", o->name);
			}
			for (j = 0; j < l->n; j++) {
				fprintf(fp, "%s %s\n", o->name, l->v[j]);
			}
			continue;
		}
		v = value_text(cfg, o, buf, sizeof(buf));
		if (v == NULL) {
			fprintf(fp, "# %s (not set)\n", o->name);
		} else if (*v == '\0') {
			fprintf(fp, "%s\n", o->name);
		} else {
			fprintf(fp, "%s %s\n", o->name, v);
		}
	}
	return ferror(fp) ? -1 : 0;
}

/* type_text - "string", "yes or no", "integer, 1 to 100", ... */
static void type_text(const struct tlsrpt_option *o, char *buf, size_t len)
{
	char lo[32], hi[32];
	size_t i;

	switch (o->type) {
	case TLSRPT_OPT_STRING:
		snprintf(buf, len, "string");
		return;
	case TLSRPT_OPT_BOOL:
		snprintf(buf, len, "yes or no");
		return;
	case TLSRPT_OPT_INT:
	case TLSRPT_OPT_SIZE:
	case TLSRPT_OPT_OCTAL:
	case TLSRPT_OPT_TIME:
		tlsrpt_conf_format_number(o, o->min, lo, sizeof(lo));
		tlsrpt_conf_format_number(o, o->max, hi, sizeof(hi));
		snprintf(buf, len, "%s, %s to %s",
		         o->type == TLSRPT_OPT_SIZE    ? "size"
		         : o->type == TLSRPT_OPT_TIME  ? "time"
		         : o->type == TLSRPT_OPT_OCTAL ? "octal"
		                                       : "integer",
		         lo, hi);
		return;
	case TLSRPT_OPT_ENUM:
		buf[0] = '\0';
		for (i = 0; o->words[i] != NULL; i++) {
			size_t n = strlen(buf);

			if (i == 3 && o->words[i + 1] != NULL && o->words[i + 2] != NULL) {
				while (o->words[i + 1] != NULL) {
					i++;
				}
				snprintf(buf + n, len - n, " | ... | %s", o->words[i]);
				break;
			}
			snprintf(buf + n, len - n, "%s%s", i == 0 ? "" : " | ", o->words[i]);
		}
		return;
	case TLSRPT_OPT_LIST:
		snprintf(buf, len, "list of %s", o->entries != NULL ? o->entries : "values");
		return;
	}
	buf[0] = '\0';
}

/* wrap - write text as "# " comment lines of at most WRAP columns */
static void wrap(FILE *fp, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		size_t take = strlen(p), cut;

		if (take > WRAP - 2) {
			cut = WRAP - 2;
			while (cut > 0 && p[cut] != ' ') {
				cut--;
			}
			take = cut > 0 ? cut : strcspn(p, " ");
		}
		fprintf(fp, "# %.*s\n", (int)take, p);
		p += take;
		while (*p == ' ') {
			p++;
		}
	}
}

/* tlsrpt_conf_write_sample - the commented sample configuration */
int tlsrpt_conf_write_sample(FILE *fp)
{
	char type[128];
	size_t i;

	fputs("# tlsrpt-milter.conf - configuration of tlsrpt-milter(8)\n"
	      "#\n"
	      "# Written by \"tlsrpt-milter -C\"; tlsrpt-milter.conf(5) describes every\n"
	      "# setting.  Lines are \"Key value\"; keys are not case-sensitive; \"#\" at\n"
	      "# the start of a line or after a blank starts a comment.  Each setting is\n"
	      "# shown commented out with its default; settings without a default show\n"
	      "# an example.  ReportAddress must be set before the milter will start.\n",
	      fp);
	for (i = 0; i < tlsrpt_conf_noptions(); i++) {
		const struct tlsrpt_option *o = tlsrpt_conf_option(i);
		int has_default = o->def[0] != '\0';

		type_text(o, type, sizeof(type));
		fprintf(fp, "\n# %s (%s%s)\n", o->name, type,
		        has_default || o->empty_ok ? "" : "; not set by default");
		wrap(fp, o->descr);
		if (has_default || o->example == NULL) {
			fprintf(fp, "#%s %s\n", o->name, o->def);
		} else {
			fprintf(fp, "#%s %s\n", o->name, o->example);
		}
	}
	return ferror(fp) ? -1 : 0;
}

/* man_text - write s with man(7) escapes */
static void man_text(FILE *fp, const char *s)
{
	if (*s == '.' || *s == '\'') {
		fputs("\\&", fp);
	}
	for (; *s != '\0'; s++) {
		if (*s == '\\') {
			fputs("\\e", fp);
		} else if (*s == '-') {
			fputs("\\-", fp);
		} else {
			fputc(*s, fp);
		}
	}
}

/* tlsrpt_conf_write_man - the option list as man(7) markup */
int tlsrpt_conf_write_man(FILE *fp)
{
	char type[128];
	size_t i;

	for (i = 0; i < tlsrpt_conf_noptions(); i++) {
		const struct tlsrpt_option *o = tlsrpt_conf_option(i);

		type_text(o, type, sizeof(type));
		fputs(".TP\n\\fB", fp);
		man_text(fp, o->name);
		fputs("\\fR \\fI", fp);
		man_text(fp, type);
		fputs("\\fR\n", fp);
		if (o->def[0] != '\0') {
			fputs("Default: \\fB", fp);
			man_text(fp, o->def);
			fputs("\\fR.\n", fp);
		} else if (o->empty_ok) {
			fputs("Default: empty.\n", fp);
		} else {
			fputs("Not set by default.\n", fp);
		}
		man_text(fp, o->descr);
		fputc('\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

/* md_cell - write s for a Markdown table cell (a "|" escaped) */
static void md_cell(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|') {
			fputc('\\', fp);
		}
		fputc(*s, fp);
	}
}

/* tlsrpt_conf_write_markdown - the option list as the README's Markdown table */
int tlsrpt_conf_write_markdown(FILE *fp)
{
	size_t i;

	fputs("| key | default | meaning |\n|---|---|---|\n", fp);
	for (i = 0; i < tlsrpt_conf_noptions(); i++) {
		const struct tlsrpt_option *o = tlsrpt_conf_option(i);

		fprintf(fp, "| `%s` | ", o->name);
		if (o->def[0] != '\0') {
			fputc('`', fp);
			md_cell(fp, o->def);
			fputs("` ", fp);
		}
		fputs("| ", fp);
		md_cell(fp, o->summary != NULL ? o->summary : "");
		fputs(" |\n", fp);
	}
	return ferror(fp) ? -1 : 0;
}
