#include "backend_log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static char prefix[96] = "backend";
static bool debug_on;

void backend_log_init(const char *program, uint32_t domid, uint32_t devid)
{
    snprintf(prefix, sizeof(prefix), "%s %u/%u", program, domid, devid);
    debug_on = getenv("LINTEL_BACKEND_DEBUG") != NULL;
    /* Line-buffered so a killed backend's last words are in the log. */
    setvbuf(stderr, NULL, _IOLBF, 0);
}

static void emit(const char *fmt, va_list ap)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    fprintf(stderr, "[%5lld.%03ld] %s: ", (long long)now.tv_sec, now.tv_nsec / 1000000, prefix);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void backend_log(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(fmt, ap);
    va_end(ap);
}

void backend_debug(const char *fmt, ...)
{
    va_list ap;

    if (!debug_on)
        return;
    va_start(ap, fmt);
    emit(fmt, ap);
    va_end(ap);
}
