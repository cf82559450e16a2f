/* offline.c - (to be written) */
#include "offline.h"
int tlsrpt_offline_run(char *const files[], int nfiles, const struct tlsrpt_limits *lim, int json, FILE *out, FILE *errout) { (void)files; (void)nfiles; (void)lim; (void)json; (void)out; (void)errout; return 1; }
