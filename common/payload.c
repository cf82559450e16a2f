/* payload.c - (to be written) */
#include "payload.h"
