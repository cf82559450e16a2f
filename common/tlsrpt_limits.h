/*
 * tlsrpt_limits.h - the bounds every stage of the report pipeline obeys
 *
 * One struct, filled with defaults by tlsrpt_limits_default() and changed
 * by the configuration.  Every buffer in common/ is sized from these.
 *
 * The file is not called limits.h: with -I on common/ it would stand in
 * for the system's <limits.h>, which zlib's zconf.h and libc include.
 */
#ifndef TLSRPT_LIMITS_H
#define TLSRPT_LIMITS_H

#include <stddef.h>

#define TLSRPT_DEF_MAX_MESSAGE_SIZE (25u * 1024 * 1024) /* message bytes examined */
#define TLSRPT_DEF_MAX_REPORT_SIZE (20u * 1024 * 1024)  /* decompressed report */
/* the JSON tree of one report (cJSON nodes and the report model) per byte of
 * MaxReportSize: a dense real report needs about 3, {"policies":[0,0,...]}
 * would need 32 */
#define TLSRPT_JSON_TREE_FACTOR 4u
#define TLSRPT_DEF_MAX_JSON_TREE (TLSRPT_JSON_TREE_FACTOR * TLSRPT_DEF_MAX_REPORT_SIZE)
#define TLSRPT_DEF_MAX_MIME_DEPTH 16u
#define TLSRPT_DEF_MAX_PARTS 256u
#define TLSRPT_DEF_MAX_FAILURE_LINES 50u
#define TLSRPT_DEF_MAX_POLICY_LINES 100u

/* Fixed structural bounds (not configurable). */
#define TLSRPT_MAX_HEADER_LEN 16384 /* one unfolded header field; longer ones are cut */
#define TLSRPT_MAX_LINE_LEN 8192    /* body line buffer; longer lines pass through in pieces */
#define TLSRPT_MAX_BOUNDARY 70      /* RFC 2046 */
#define TLSRPT_MAX_VALUE_LEN 256    /* log value length before "..." */
/*
 * One formatted log line, bytes: queue ID, event, fields and the JSON
 * cookie.  With a traditional syslog header of up to 104 bytes ("Dec  7
 * 07:18:38 ", a 64-byte host name, " tlsrpt-milter[123456]: ") a line
 * stays within the 1,024 bytes of RFC 3164 that relays commonly cut at.
 */
#define TLSRPT_MAX_LOG_LINE 912
/* one value of a report's line as written (escaped, quotes and "..." included) */
#define TLSRPT_LOG_VALUE_WIDTH 96
/* an IP address of a report's line as written (an IPv6 address with a zone fits) */
#define TLSRPT_LOG_ADDR_WIDTH 48
/* one value of an error or action line as written (a reason, the recipients) */
#define TLSRPT_LOG_TEXT_WIDTH 512

struct tlsrpt_limits {
	size_t max_message_size;    /* bytes of message examined */
	size_t max_report_size;     /* bytes of one decoded, decompressed report */
	size_t max_json_tree;       /* bytes of its JSON tree: TLSRPT_JSON_TREE_FACTOR x that */
	unsigned max_mime_depth;    /* multipart nesting */
	unsigned max_parts;         /* MIME parts per message */
	unsigned max_failure_lines; /* failure lines per message */
	unsigned max_policy_lines;  /* policy lines per report */
};

/* tlsrpt_limits_default - fill in the documented defaults */
void tlsrpt_limits_default(struct tlsrpt_limits *lim);

#endif
