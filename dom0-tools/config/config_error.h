/*
 * Error reporting for domain configs.
 *
 * Operators fix configs by reading one line of output, so every message
 * carries where the problem is (file, line, and for XML the element path)
 * before the reason. Parsers fill a config_error and return -1; nothing is
 * printed here, the CLI decides where messages go.
 */
#ifndef LINTEL_CONFIG_ERROR_H
#define LINTEL_CONFIG_ERROR_H

#include <stdarg.h>

#define CONFIG_ERROR_MAX 640
#define CONFIG_ELEMENT_MAX 128

/* Where a value came from: line 0 means "the file as a whole". */
struct config_origin {
    int line;
    char element[CONFIG_ELEMENT_MAX];   /* XML element path, "" for xl.cfg */
};

struct config_error {
    char message[CONFIG_ERROR_MAX];
};

/* Formats "FILE:LINE: ELEMENT: reason" (parts that are unknown are left out). */
void config_error_at(struct config_error *err, const char *file,
                     const struct config_origin *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void config_origin_set(struct config_origin *origin, int line,
                       const char *element);

#endif
