#include "command.h"

#include <stdarg.h>
#include <string.h>

#include "commands.h"


static const struct command commands[] = {
    { "help", cmd_help, "[COMMAND]", "show the commands, or one command's usage", NULL },
    { "check-config", cmd_check_config, "CONFIG",
      "parse and validate an xl.cfg or libvirt XML file; print it normalized", NULL },
    { "kernel-info", cmd_kernel_info, "[-m MEMORY] KERNEL",
      "show a PV kernel's Xen notes (and its boot layout for MEMORY)", NULL },
    { "create", cmd_create, "[-c] CONFIG", "build and start a domain (-c: attach its console)",
      NULL },
    { "list", cmd_list, "[-l] [--json] [DOMAIN...]", "list domains", NULL },
    { "info", cmd_info, "", "show the host and hypervisor", NULL },
    { "dmesg", cmd_dmesg, "[-c]", "show the hypervisor's console ring (-c: clear it)", NULL },
    { "pause", cmd_pause, "DOMAIN", "pause a domain's vCPUs", NULL },
    { "unpause", cmd_unpause, "DOMAIN", "let a paused domain run again", NULL },
    { "destroy", cmd_destroy, "DOMAIN", "stop a domain at once and free its resources", NULL },
    { "shutdown", cmd_shutdown, "[-w] DOMAIN", "ask a domain to shut down (-w: wait for it)",
      NULL },
    { "reboot", cmd_reboot, "DOMAIN", "ask a domain to reboot", NULL },
    { "console", cmd_console, "DOMAIN", "attach to a domain's console (Ctrl-] detaches)",
      NULL },
    { "mem-set", cmd_mem_set, "DOMAIN MEMORY", "set a domain's memory target (MiB, or k/m/g/t)",
      NULL },
    { "mem-max", cmd_mem_max, "DOMAIN MEMORY", "set a domain's memory limit (MiB, or k/m/g/t)", NULL },
    { "vcpu-set", cmd_vcpu_set, "DOMAIN COUNT", "set how many vCPUs a domain has online",
      NULL },
    { "vcpu-list", cmd_vcpu_list, "[DOMAIN...]", "list vCPUs with state, time and affinity",
      NULL },
    { "vcpu-pin", cmd_vcpu_pin, "DOMAIN VCPU|all CPUS", "set which pCPUs a vCPU may run on",
      NULL },
    { "sched-credit", cmd_sched_credit, "[-d DOMAIN [-w WEIGHT] [-c CAP]]",
      "show or set credit scheduler weight and cap", NULL },
    { "uptime", cmd_uptime, "[DOMAIN...]", "show how long domains have run", NULL },
    { "domid", cmd_domid, "NAME", "print a domain's id", NULL },
    { "domname", cmd_domname, "DOMID", "print a domain's name", NULL },
    { "rename", cmd_rename, "DOMAIN NEW-NAME", "rename a domain", NULL },
    { "block-attach", cmd_block_attach, "DOMAIN DISK-SPEC",
      "give a running domain a disk ('format=raw, vdev=xvdb, access=rw, target=/path')", NULL },
    { "block-detach", cmd_block_detach, "[-f] DOMAIN DEVICE",
      "take a disk (xvdb or its number) from a domain (-f: without waiting for it)", NULL },
    { "block-list", cmd_block_list, "DOMAIN", "list a domain's disks", NULL },
    { "network-attach", cmd_network_attach, "DOMAIN [bridge=BRIDGE] [mac=MAC]",
      "give a running domain a network interface", NULL },
    { "network-detach", cmd_network_detach, "DOMAIN DEVID|MAC",
      "take a network interface from a domain", NULL },
    { "network-list", cmd_network_list, "DOMAIN...", "list domains' network interfaces", NULL },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct command *command_table(size_t *count)
{
    *count = N_COMMANDS;
    return commands;
}

const struct command *command_lookup(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void command_print_usage(FILE *out, const struct command *cmd)
{
    fprintf(out, "usage: lintel %s%s%s\n", cmd->name, *cmd->usage ? " " : "",
            cmd->usage);
}

void command_print_help(FILE *out)
{
    size_t width = 0;

    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strlen(commands[i].name) > width)
            width = strlen(commands[i].name);
    fprintf(out, "usage: lintel COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-*s  %s%s\n", (int)width, commands[i].name,
                commands[i].summary,
                commands[i].unavailable ? " (not available yet)" : "");
    fprintf(out, "\nRun `lintel help COMMAND` for a command's arguments.\n");
}

int command_usage_error(const struct command *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "lintel %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    command_print_usage(stderr, cmd);
    return EXIT_USAGE;
}

int command_fail(const struct command *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "lintel %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_FAILED;
}

int command_getopt(const struct command *cmd, int argc, char **argv,
                   const char *shortopts, const struct option *longopts)
{
    static const struct option no_longopts[] = { { NULL, 0, NULL, 0 } };
    char spec[64];
    int opt;

    /* Options may follow operands; ':' reports missing arguments as ':'. */
    snprintf(spec, sizeof(spec), ":%s", shortopts);
    opterr = 0;
    opt = getopt_long(argc, argv, spec, longopts ? longopts : no_longopts, NULL);
    if (opt == '?') {
        if (optopt)
            command_usage_error(cmd, "unknown option \"-%c\"", optopt);
        else
            command_usage_error(cmd, "unknown option \"%s\"", argv[optind - 1]);
    } else if (opt == ':') {
        command_usage_error(cmd, "option \"%s\" needs a value", argv[optind - 1]);
        opt = '?';
    }
    return opt;
}
