#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct option_doc {
    struct option opt;
    const char *arg;
    const char *help;
};

static const struct option_doc option_docs[] = {
    { { "socket", required_argument, NULL, 's' }, "PATH",
      "unix socket to listen on (default: $XENSTORED_PATH or /run/xenstored/socket)" },
    { { "state", required_argument, NULL, 'S' }, "FILE",
      "state file, reloaded at start (default: /run/lintel-stored/state)" },
    { { "pidfile", required_argument, NULL, 'p' }, "FILE", "write the daemon's pid here" },
    { { "ring-dir", required_argument, NULL, 'r' }, "DIR",
      "guests' rings are files DIR/dom<N>.ring (testing without a hypervisor)" },
    { { "no-dom0-ring", no_argument, NULL, 'n' }, NULL,
      "do not attach dom0's kernel through /dev/xen/xenbus_backend" },
    { { "quota", required_argument, NULL, 'Q' }, "NAME=N",
      "entries, node-size, watches, transactions, outstanding, perms" },
    { { "keep-orphans", no_argument, NULL, 'K' }, NULL,
      "a released domain's nodes pass to dom0 instead of being removed" },
    { { "foreground", no_argument, NULL, 'N' }, NULL,
      "do not fork (by default the daemon forks once its socket and rings are ready)" },
    { { "verbose", no_argument, NULL, 'v' }, NULL, "log every request to stderr" },
    { { "help", no_argument, NULL, 'h' }, NULL, "this text" },
};

#define NOPTS (sizeof(option_docs) / sizeof(option_docs[0]))

static void usage(FILE *f)
{
    fprintf(f, "usage: lintel-stored [options]\n");
    for (size_t i = 0; i < NOPTS; i++) {
        char lhs[48];

        snprintf(lhs, sizeof(lhs), "--%s%s%s", option_docs[i].opt.name,
                 option_docs[i].arg ? " " : "", option_docs[i].arg ? option_docs[i].arg : "");
        fprintf(f, "  %-24s %s\n", lhs, option_docs[i].help);
    }
}

static void set_defaults(struct options *o)
{
    const char *env = getenv("XENSTORED_PATH");

    memset(o, 0, sizeof(*o));
    o->socket_path = env && *env ? env : "/run/xenstored/socket";
    o->state_file = "/run/lintel-stored/state";
    quota_defaults(&o->quota);
}

int options_parse(int argc, char **argv, struct options *o)
{
    struct option longopts[NOPTS + 1];
    int c;

    set_defaults(o);
    for (size_t i = 0; i < NOPTS; i++)
        longopts[i] = option_docs[i].opt;
    memset(&longopts[NOPTS], 0, sizeof(longopts[NOPTS]));
    while ((c = getopt_long(argc, argv, "s:S:p:r:nQ:KNvh", longopts, NULL)) != -1) {
        switch (c) {
        case 's': o->socket_path = optarg; break;
        case 'S': o->state_file = optarg; break;
        case 'p': o->pidfile = optarg; break;
        case 'r': o->ring_dir = optarg; break;
        case 'n': o->no_dom0_ring = true; break;
        case 'v': o->verbose = true; break;
        case 'N': o->foreground = true; break;
        case 'K': o->keep_orphans = true; break;
        case 'Q':
            if (quota_set_pair(&o->quota, optarg)) {
                fprintf(stderr, "lintel-stored: invalid quota \"%s\": expected NAME=N with N > 0 "
                        "and NAME one of entries, node-size, watches, transactions, "
                        "outstanding, perms\n", optarg);
                return -1;
            }
            break;
        case 'h':
            usage(stdout);
            return 1;
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "lintel-stored: unexpected argument \"%s\"\n", argv[optind]);
        return -1;
    }
    return 0;
}
