/*
 * lintel-top's command line, parsed without side effects so every bad value
 * is tested to come back with a message naming it.
 */
#ifndef LINTEL_TOP_ARGS_H
#define LINTEL_TOP_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "top_view.h"

#define TOP_MIN_DELAY_MS 100u
#define TOP_MAX_DELAY_MS 3600000u

struct top_args {
    bool batch;
    bool json;
    bool help;
    long iterations;            /* 0: until interrupted */
    struct top_view view;
};

/* Seconds as typed ("2", "0.5") to milliseconds within the limits above. */
bool top_parse_delay(const char *text, unsigned *ms, char *err, size_t err_len);

/* false with ERR set (naming the offending value) on bad input. */
bool top_args_parse(int argc, char **argv, struct top_args *args, char *err, size_t err_len);

void top_usage(FILE *out);

#endif
