/* summary.c - (to be written) */
#include "summary.h"
