/* Common includes for the host unit tests (cmocka needs these first). */
#ifndef LINTEL_UNIT_H
#define LINTEL_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#endif
