/* The daemon's own messages: stderr, which is its log file once detached. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "consoled.h"

void consoled_log(const char *fmt, ...)
{
    va_list ap;
    char stamp[32];
    time_t now = time(NULL);

    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&now));
    fprintf(stderr, "%s lintel-consoled: ", stamp);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
