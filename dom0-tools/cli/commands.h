/* Handlers of `lintel` subcommands, one file per group of commands. */
#ifndef LINTEL_COMMANDS_H
#define LINTEL_COMMANDS_H

#include <stdint.h>

#include "command.h"
#include "xenctl.h"

int cmd_help(const struct command *cmd, int argc, char **argv);
int cmd_check_config(const struct command *cmd, int argc, char **argv);
int cmd_list(const struct command *cmd, int argc, char **argv);
int cmd_info(const struct command *cmd, int argc, char **argv);
int cmd_dmesg(const struct command *cmd, int argc, char **argv);
int cmd_pause(const struct command *cmd, int argc, char **argv);
int cmd_unpause(const struct command *cmd, int argc, char **argv);
int cmd_destroy(const struct command *cmd, int argc, char **argv);
int cmd_mem_max(const struct command *cmd, int argc, char **argv);
int cmd_kernel_info(const struct command *cmd, int argc, char **argv);
int cmd_vcpu_list(const struct command *cmd, int argc, char **argv);
int cmd_vcpu_pin(const struct command *cmd, int argc, char **argv);
int cmd_sched_credit(const struct command *cmd, int argc, char **argv);
int cmd_domid(const struct command *cmd, int argc, char **argv);
int cmd_domname(const struct command *cmd, int argc, char **argv);
int cmd_rename(const struct command *cmd, int argc, char **argv);
int cmd_mem_set(const struct command *cmd, int argc, char **argv);
int cmd_vcpu_set(const struct command *cmd, int argc, char **argv);
int cmd_shutdown(const struct command *cmd, int argc, char **argv);
int cmd_reboot(const struct command *cmd, int argc, char **argv);
int cmd_create(const struct command *cmd, int argc, char **argv);
int cmd_console(const struct command *cmd, int argc, char **argv);
int cmd_uptime(const struct command *cmd, int argc, char **argv);

/* Attaches the terminal to DOMID's console until Ctrl-] or the domain dies. */
int console_attach(const struct command *cmd, struct xenctl *ctl, uint32_t domid);

#endif
