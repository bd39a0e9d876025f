/*
 * The `lintel` command table. Help text and usage lines are generated from
 * it, so what `lintel help` lists is exactly what exists.
 */
#ifndef LINTEL_COMMAND_H
#define LINTEL_COMMAND_H

#include <getopt.h>
#include <stdio.h>

/* Exit statuses: 2 is reserved for "you called it wrong". */
#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

struct command {
    const char *name;
    /* argv[0] is the command name, so handlers can use getopt directly. */
    int (*handler)(const struct command *cmd, int argc, char **argv);
    const char *usage;          /* arguments after the command name */
    const char *summary;
    /* Set while the command cannot work yet: why, shown instead of running. */
    const char *unavailable;
};

const struct command *command_lookup(const char *name);
const struct command *command_table(size_t *count);

void command_print_usage(FILE *out, const struct command *cmd);
void command_print_help(FILE *out);

/* Prints "lintel NAME: message" and the usage line; returns EXIT_USAGE. */
int command_usage_error(const struct command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Parses options with getopt_long (options may come after operands); an
 * unknown option or missing option argument is a usage error. Returns the
 * option character, -1 at the end, or '?' after reporting an error.
 */
int command_getopt(const struct command *cmd, int argc, char **argv,
                   const char *shortopts, const struct option *longopts);

/* Prints "lintel NAME: message"; returns EXIT_FAILED. */
int command_fail(const struct command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
