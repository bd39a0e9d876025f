/* lintel: the Lintel toolstack's command-line entry point. */
#include <stdio.h>
#include <string.h>

#include "command.h"

int main(int argc, char **argv)
{
    const struct command *cmd;

    if (argc < 2) {
        command_print_help(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        command_print_help(stdout);
        return EXIT_OK;
    }
    cmd = command_lookup(argv[1]);
    if (!cmd) {
        fprintf(stderr, "lintel: unknown command \"%s\" (see `lintel help`)\n",
                argv[1]);
        return EXIT_USAGE;
    }
    if (cmd->unavailable)
        return command_fail(cmd, "not available yet: %s", cmd->unavailable);
    /* Handlers see their own name as argv[0], as getopt expects. */
    return cmd->handler(cmd, argc - 1, argv + 1);
}
