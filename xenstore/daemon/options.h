/* lintel-stored's command line. */
#ifndef LINTEL_XS_OPTIONS_H
#define LINTEL_XS_OPTIONS_H

#include <stdbool.h>
#include "quota.h"

struct options {
    const char *socket_path;   /* where libxenstore looks by default */
    const char *state_file;    /* persisted store, reloaded at start */
    const char *pidfile;
    const char *ring_dir;      /* host-only shared-file rings (tests without a hypervisor) */
    bool no_dom0_ring;         /* do not attach dom0's kernel via /dev/xen/xenbus_backend */
    bool verbose;
    bool foreground;
    bool keep_orphans;         /* released domains' nodes go to dom0, not away */           /* stay attached instead of forking once ready */
    struct quota quota;
};

/* Returns 0 to run, 1 when --help was printed, -1 after printing what was wrong. */
int options_parse(int argc, char **argv, struct options *o);

#endif
