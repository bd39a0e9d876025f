#include <stdio.h>

#include "commands.h"
#include "domain_config.h"

int cmd_check_config(const struct command *cmd, int argc, char **argv)
{
    struct domain_config cfg;
    struct config_error err;
    int opt;

    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, "", NULL)) != -1)
        return EXIT_USAGE;
    if (argc - optind != 1)
        return command_usage_error(cmd, argc - optind ? "too many arguments"
                                                      : "missing CONFIG file");
    if (config_load(argv[optind], &cfg, &err) < 0)
        return command_fail(cmd, "%s", err.message);
    domain_config_print(stdout, &cfg);
    domain_config_free(&cfg);
    return EXIT_OK;
}
