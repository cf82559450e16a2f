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
#define TLSRPT_MAX_LOG_LINE 2000    /* one formatted log line, bytes */

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
