/* Handlers of `lintel` subcommands, one file per group of commands. */
#ifndef LINTEL_COMMANDS_H
#define LINTEL_COMMANDS_H

#include "command.h"

int cmd_help(const struct command *cmd, int argc, char **argv);
int cmd_check_config(const struct command *cmd, int argc, char **argv);

#endif
