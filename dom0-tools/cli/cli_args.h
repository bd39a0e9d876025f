/*
 * Argument parsing for `lintel` subcommands: every value is range-checked
 * and refused with a message naming the argument, the value and the reason.
 */
#ifndef LINTEL_CLI_ARGS_H
#define LINTEL_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses a decimal number in [MIN, MAX] for the argument called WHAT.
 * On error returns -1 and writes e.g.
 *   invalid vcpus "x": expected a whole number from 1 to 128
 * into WHY.
 */
int cli_parse_number(const char *what, const char *text, uint64_t min,
                     uint64_t max, uint64_t *out, char *why, size_t why_len);

/*
 * A memory size: a number with an optional suffix k, m, g or t (binary
 * units, case-insensitive; no suffix means MiB), returned in KiB.
 */
int cli_parse_memory_kib(const char *what, const char *text, uint64_t min_kib,
                         uint64_t max_kib, uint64_t *out_kib, char *why,
                         size_t why_len);

/* A domain reference is a domid when it is all digits, a name otherwise. */
struct domain_ref {
    int is_id;
    uint32_t domid;
    const char *name;
};

int cli_parse_domain_ref(const char *text, struct domain_ref *ref, char *why,
                         size_t why_len);

/* Checks that ARGC positional arguments is in [MIN, MAX]. */
int cli_check_arg_count(int argc, int min, int max, char *why, size_t why_len);

#endif
