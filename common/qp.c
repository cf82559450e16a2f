/* qp.c - (to be written) */
#include "qp.h"
