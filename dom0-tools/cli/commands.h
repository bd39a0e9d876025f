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
int cmd_block_attach(const struct command *cmd, int argc, char **argv);
int cmd_block_detach(const struct command *cmd, int argc, char **argv);
int cmd_block_list(const struct command *cmd, int argc, char **argv);
int cmd_network_attach(const struct command *cmd, int argc, char **argv);
int cmd_network_detach(const struct command *cmd, int argc, char **argv);
int cmd_network_list(const struct command *cmd, int argc, char **argv);

struct domain_config;

/*
 * Builds, publishes and unpauses the domain CFG describes; on failure
 * nothing of it is left. *DOMID receives the new domain's id.
 */
int domain_start(const struct command *cmd, struct xenctl *ctl,
                 const struct domain_config *cfg, uint32_t *domid);

/*
 * Forks a process that follows DOMID until it is gone, carrying out CFG's
 * on_poweroff/on_reboot/on_crash when it shuts down.
 */
int supervisor_start(const struct command *cmd, const struct domain_config *cfg,
                     uint32_t domid);

/* Attaches the terminal to DOMID's console until Ctrl-] or the domain dies. */
int console_attach(const struct command *cmd, struct xenctl *ctl, uint32_t domid);

#endif
