/*
 * lintel-top's model: what one sample of the host holds, and the rows a
 * screen or a script sees. Pure functions of two samples (the previous one
 * gives the CPU time deltas), so cmocka tests drive them with synthetic data.
 */
#ifndef LINTEL_TOP_MODEL_H
#define LINTEL_TOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "top_io.h"

#define TOP_NAME_LEN 64
#define TOP_PAGE_KIB 4u

struct top_domain_sample {
    uint32_t domid;
    char name[TOP_NAME_LEN];    /* "" when the store has no name */
    uint32_t flags;             /* XEN_DOMINF_* with the shutdown reason */
    uint64_t cpu_time_ns;       /* all vCPUs together */
    uint64_t tot_pages;
    uint64_t max_pages;
    uint32_t online_vcpus;
    uint32_t max_vcpu_id;
    struct top_io io;           /* its vifs and vbds, from dom0 */
};

struct top_vcpu_sample {
    uint32_t domid;
    uint32_t vcpu;
    bool online, blocked, running;
    uint32_t pcpu;
    uint64_t cpu_time_ns;
};

struct top_sample {
    uint64_t wall_ns;           /* monotonic clock when taken */
    uint32_t nr_cpus;
    uint64_t total_pages, free_pages;
    char hv_name[16];           /* "Xen" or "Lintel" */
    char hv_version[48];        /* "4.17.0" */
    struct top_domain_sample *doms;
    size_t n_doms;
    struct top_vcpu_sample *vcpus;  /* only for domains whose vCPUs are wanted */
    size_t n_vcpus;
    size_t doms_cap, vcpus_cap; /* allocated lengths, for the collector */
};

/* What a state flag column shows: xl's letters r b p s c d, '-' otherwise. */
enum top_state {
    TOP_RUNNING, TOP_BLOCKED, TOP_PAUSED, TOP_SHUTDOWN, TOP_CRASHED, TOP_DYING,
    TOP_NR_STATES
};

struct top_row {
    uint32_t domid;
    char name[TOP_NAME_LEN];
    char state[TOP_NR_STATES + 1];
    enum top_state main_state;  /* the one that picks the row's colour */
    double cpu_sec;
    double cpu_pct;             /* of one pCPU: a domain with 2 busy vCPUs shows 200 */
    uint64_t mem_kib;
    double mem_pct;             /* of the host's memory */
    uint64_t maxmem_kib;        /* TOP_NO_LIMIT when the domain has none */
    uint32_t vcpus;
    struct top_io io;
};

#define TOP_NO_LIMIT UINT64_MAX

struct top_vcpu_row {
    uint32_t domid;
    uint32_t vcpu;
    char state;                 /* 'r' running, 'b' blocked, '-' offline */
    uint32_t pcpu;
    double cpu_sec;
    double cpu_pct;
};

struct top_host {
    uint32_t nr_cpus;
    uint64_t total_kib, free_kib;
    unsigned domains;
    unsigned by_state[TOP_NR_STATES];
    const char *hv_name, *hv_version;
};

/* Which hypervisor speaks, from XENVER_extraversion ("Lintel" or "Xen"). */
const char *top_hypervisor_name(const char *extraversion);

void top_state_letters(uint32_t flags, char out[TOP_NR_STATES + 1]);
enum top_state top_main_state(uint32_t flags);

/*
 * CPU share over the interval between two readings; 0 when there is no
 * earlier reading or the counter went backwards (a reused domain id).
 */
double top_cpu_percent(uint64_t prev_ns, uint64_t cur_ns, uint64_t wall_delta_ns);

/* One row per domain of CUR; PREV (may be NULL) supplies the deltas. */
size_t top_rows_build(const struct top_sample *prev, const struct top_sample *cur,
                      struct top_row *rows, size_t max_rows);

/* The vCPU rows of DOMID in CUR, in vCPU order; returns how many. */
size_t top_vcpu_rows_build(const struct top_sample *prev, const struct top_sample *cur,
                           uint32_t domid, struct top_vcpu_row *rows, size_t max_rows);

void top_host_build(const struct top_sample *cur, struct top_host *host);

/* Keeps the rows whose name contains NEEDLE (any case); returns the new count. */
size_t top_rows_filter(struct top_row *rows, size_t n, const char *needle);

#endif
