/* escape.c - (to be written) */
#include "escape.h"
