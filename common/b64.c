/* b64.c - (to be written) */
#include "b64.h"
