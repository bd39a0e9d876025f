/*
 * Takes samples of the host: physinfo and the domain list from sysctl,
 * vCPUs from getvcpuinfo (only for the domains whose vCPU rows show, so an
 * idle refresh costs a few hypercalls), names from the store.
 */
#ifndef LINTEL_TOP_COLLECT_H
#define LINTEL_TOP_COLLECT_H

#include <stddef.h>

#include "top_model.h"
#include "top_view.h"
#include "xenctl.h"

struct top_name_cache;

struct top_collector {
    struct xenctl ctl;
    struct xs_handle *store;        /* NULL: names unknown but dom0's */
    char hv_name[16];
    char hv_version[48];
    struct top_name_cache *names;
};

/* 0, or a negative errno with *WHAT naming the step that failed. */
int top_collect_open(struct top_collector *c, const char **what);
void top_collect_close(struct top_collector *c);

/* Fills S (its arrays are reused between calls); 0 or -errno with *WHAT set. */
int top_collect_sample(struct top_collector *c, const struct top_view *view,
                       struct top_sample *s, const char **what);
void top_sample_free(struct top_sample *s);

#endif
