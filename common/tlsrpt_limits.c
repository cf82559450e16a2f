/*
 * tlsrpt_limits.c - default bounds for the report pipeline
 */
#include "config.h"

#include "tlsrpt_limits.h"

/* tlsrpt_limits_default - fill in the documented defaults */
void tlsrpt_limits_default(struct tlsrpt_limits *lim)
{
	lim->max_message_size = TLSRPT_DEF_MAX_MESSAGE_SIZE;
	lim->max_report_size = TLSRPT_DEF_MAX_REPORT_SIZE;
	lim->max_json_tree = TLSRPT_DEF_MAX_JSON_TREE;
	lim->max_mime_depth = TLSRPT_DEF_MAX_MIME_DEPTH;
	lim->max_parts = TLSRPT_DEF_MAX_PARTS;
	lim->max_failure_lines = TLSRPT_DEF_MAX_FAILURE_LINES;
	lim->max_policy_lines = TLSRPT_DEF_MAX_POLICY_LINES;
}
