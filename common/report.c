/* report.c - (to be written) */
#include "report.h"
