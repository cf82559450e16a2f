/*
 * siteconf.h - the milter's configuration, as both modes of tlsrpt-lookout read it
 *
 * By default tlsrpt-lookout reads the milter's own file
 * (TLSRPT_SITECONF_DEFAULT, /etc/tlsrpt-milter.conf in the package), so it
 * knows our domains (ReportDomains), the log format and facility and the
 * trust settings without being told twice.  A default file that is not
 * there is no error (nothing is known, and the outputs say so where it
 * matters); a file named with --config must be there and be valid; any
 * other problem with the default file (unreadable, invalid) is an error, so
 * a digest never quietly runs without the domains it was meant to protect.
 * Part of the program: problems are said on stderr.
 */
#ifndef TLSRPT_SITECONF_H
#define TLSRPT_SITECONF_H

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define TLSRPT_SITECONF_DEFAULT SYSCONFDIR "/tlsrpt-milter.conf"

struct tlsrpt_conf;

/*
 * tlsrpt_siteconf_load - the configuration from path (NULL: the default
 * file; none: no configuration at all) into *cfg (NULL when none was
 * read) and its name into *used (NULL likewise).  0, or -1 (said on
 * stderr).
 */
int tlsrpt_siteconf_load(const char *path, int none, struct tlsrpt_conf **cfg, const char **used);

#endif
