/* CONTROL: the tools' knobs (quota inspection and changes, log markers). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

struct control_cmd {
    const char *name;
    const char *usage;
    int (*run)(struct request *r, const char *const *argv, int argc);
};

static int control_help(struct request *r, const char *const *argv, int argc);

static int control_print(struct request *r, const char *const *argv, int argc)
{
    if (argc != 1)
        return EINVAL;
    if (r->s->log)
        r->s->log(argv[0]);
    reply_ok(r);
    return 0;
}

static int control_quota(struct request *r, const char *const *argv, int argc)
{
    char buf[512];

    if (argc == 2) {
        int err = quota_set(&r->s->quota, argv[0], argv[1]);

        if (err)
            return err;
        reply_ok(r);
        return 0;
    }
    if (argc != 0)
        return EINVAL;
    quota_format(&r->s->quota, buf, sizeof(buf));
    reply_string(r, buf);
    return 0;
}

static const struct control_cmd control_cmds[] = {
    { "help", "help", control_help },
    { "print", "print <text>", control_print },
    { "quota", "quota [<name> <value>]", control_quota },
};

#define NCMDS (sizeof(control_cmds) / sizeof(control_cmds[0]))

static int control_help(struct request *r, const char *const *argv, int argc)
{
    char buf[512] = "";

    (void)argv;
    if (argc != 0)
        return EINVAL;
    for (size_t i = 0; i < NCMDS; i++) {
        strcat(buf, control_cmds[i].usage);
        strcat(buf, "\n");
    }
    reply_string(r, buf);
    return 0;
}

int op_control(struct request *r)
{
    const char *argv[8];
    int argc;

    if (!requester_is_privileged(r))
        return EACCES;
    argc = split_args(r, argv, 1, 8);
    if (argc < 1)
        return EINVAL;
    for (size_t i = 0; i < NCMDS; i++)
        if (strcmp(argv[0], control_cmds[i].name) == 0)
            return control_cmds[i].run(r, argv + 1, argc - 1);
    return EINVAL;
}
