#include <stdio.h>

#include "commands.h"

int cmd_help(const struct command *cmd, int argc, char **argv)
{
    const struct command *topic;

    if (argc > 1)
        return command_usage_error(cmd, "too many arguments");
    if (argc == 0) {
        command_print_help(stdout);
        return EXIT_OK;
    }
    topic = command_lookup(argv[0]);
    if (!topic)
        return command_usage_error(cmd, "unknown command \"%s\"", argv[0]);
    command_print_usage(stdout, topic);
    printf("\n%s\n", topic->summary);
    if (topic->unavailable)
        printf("(not available yet: %s)\n", topic->unavailable);
    return EXIT_OK;
}
