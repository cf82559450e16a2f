/* pipeline.c - (to be written) */
#include "pipeline.h"
