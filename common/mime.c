/* mime.c - (to be written) */
#include "mime.h"
