#include <stdio.h>

#include "commands.h"

int cmd_help(const struct command *cmd, int argc, char **argv)
{
    const struct command *topic;
    int opt;

    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, "", NULL)) != -1)
        return EXIT_USAGE;
    if (argc - optind > 1)
        return command_usage_error(cmd, "too many arguments");
    if (argc - optind == 0) {
        command_print_help(stdout);
        return EXIT_OK;
    }
    topic = command_lookup(argv[optind]);
    if (!topic)
        return command_usage_error(cmd, "unknown command \"%s\"", argv[optind]);
    command_print_usage(stdout, topic);
    printf("\n%s\n", topic->summary);
    if (topic->unavailable)
        printf("(not available yet: %s)\n", topic->unavailable);
    return EXIT_OK;
}
