#include "config_error.h"

#include <stdio.h>
#include <string.h>

void config_origin_set(struct config_origin *origin, int line,
                       const char *element)
{
    origin->line = line;
    snprintf(origin->element, sizeof(origin->element), "%s",
             element ? element : "");
}

/* Appends to BUF at *USED, never past LEN, keeping BUF terminated. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*used >= len - 1)
        return;
    va_start(ap, fmt);
    n = vsnprintf(buf + *used, len - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used = *used + (size_t)n < len - 1 ? *used + (size_t)n : len - 1;
}

void config_error_at(struct config_error *err, const char *file,
                     const struct config_origin *where, const char *fmt, ...)
{
    size_t used = 0, len = sizeof(err->message);
    va_list ap;

    err->message[0] = '\0';
    if (file && *file)
        append(err->message, len, &used, "%s:", file);
    if (where && where->line > 0)
        append(err->message, len, &used, "%d:", where->line);
    if (where && where->element[0])
        append(err->message, len, &used, " %s:", where->element);
    if (used)
        append(err->message, len, &used, " ");
    if (used < len - 1) {
        va_start(ap, fmt);
        vsnprintf(err->message + used, len - used, fmt, ap);
        va_end(ap);
    }
}
