/* lintel-top's samples from the hypervisor and the store (see top_collect.h). */
#include "top_collect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "public/version.h"
#include "top_io_read.h"
#include "xenstore.h"

#define LIST_BATCH 64
#define DOM0_NAME "Domain-0"

struct top_name_cache {
    uint32_t *domids;
    char (*names)[TOP_NAME_LEN];
    size_t n, cap;
};

int top_collect_open(struct top_collector *c, const char **what)
{
    char extra[sizeof(xen_extraversion_t)];
    unsigned major, minor;
    int rc;

    memset(c, 0, sizeof(*c));
    rc = xenctl_open(&c->ctl, what);
    if (rc < 0)
        return rc;
    rc = xenctl_version(&c->ctl, &major, &minor);
    if (rc == 0)
        rc = xenctl_version_string(&c->ctl, XENVER_extraversion, extra, sizeof(extra));
    if (rc < 0) {
        *what = " (XENVER_version failed)";
        xenctl_close(&c->ctl);
        return rc;
    }
    snprintf(c->hv_name, sizeof(c->hv_name), "%s", top_hypervisor_name(extra));
    snprintf(c->hv_version, sizeof(c->hv_version), "%u.%u%s", major, minor, extra);
    c->names = calloc(1, sizeof(*c->names));
    if (!c->names)
        abort();
    /* Without a store lintel-top still works; names are then only "Domain-0". */
    c->store = xs_open(XS_OPEN_READONLY);
    return 0;
}

void top_collect_close(struct top_collector *c)
{
    if (c->store)
        xs_close(c->store);
    if (c->names) {
        free(c->names->domids);
        free(c->names->names);
        free(c->names);
    }
    xenctl_close(&c->ctl);
}

static void read_name(struct top_collector *c, uint32_t domid, char out[TOP_NAME_LEN])
{
    char path[64];
    unsigned int len;
    char *name = NULL;

    out[0] = '\0';
    if (c->store) {
        snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
        name = xs_read(c->store, XBT_NULL, path, &len);
    }
    if (name)
        snprintf(out, TOP_NAME_LEN, "%s", name);
    else if (domid == 0)
        snprintf(out, TOP_NAME_LEN, "%s", DOM0_NAME);
    free(name);
}

/* Names are read once per domain: the store round trip is most of a refresh's cost. */
static void name_of(struct top_collector *c, uint32_t domid, char out[TOP_NAME_LEN])
{
    struct top_name_cache *nc = c->names;

    for (size_t i = 0; i < nc->n; i++) {
        if (nc->domids[i] == domid) {
            memcpy(out, nc->names[i], TOP_NAME_LEN);
            return;
        }
    }
    read_name(c, domid, out);
    /* An unnamed domain may be one the toolstack is still building: ask again next time. */
    if (!out[0])
        return;
    if (nc->n == nc->cap) {
        nc->cap = nc->cap ? nc->cap * 2 : 32;
        nc->domids = realloc(nc->domids, nc->cap * sizeof(*nc->domids));
        nc->names = realloc(nc->names, nc->cap * sizeof(*nc->names));
        if (!nc->domids || !nc->names)
            abort();
    }
    nc->domids[nc->n] = domid;
    memcpy(nc->names[nc->n++], out, TOP_NAME_LEN);
}

/* Forgets the names of domains that are gone, so a reused id is asked afresh. */
static void prune_names(struct top_collector *c, const struct top_sample *s)
{
    struct top_name_cache *nc = c->names;
    size_t kept = 0;

    for (size_t i = 0; i < nc->n; i++) {
        bool alive = false;

        for (size_t d = 0; d < s->n_doms && !alive; d++)
            alive = s->doms[d].domid == nc->domids[i];
        if (alive) {
            nc->domids[kept] = nc->domids[i];
            memcpy(nc->names[kept++], nc->names[i], TOP_NAME_LEN);
        }
    }
    nc->n = kept;
}

static void *grow(void *array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return array;
    *cap = need * 2;
    array = realloc(array, *cap * size);
    if (!array)
        abort();
    return array;
}

static void add_domain(struct top_collector *c, struct top_sample *s,
                       const struct xen_domctl_getdomaininfo *info)
{
    struct top_domain_sample *d;

    s->doms = grow(s->doms, &s->doms_cap, s->n_doms + 1, sizeof(*s->doms));
    d = &s->doms[s->n_doms++];
    d->domid = info->domain;
    d->flags = info->flags;
    d->cpu_time_ns = info->cpu_time;
    d->tot_pages = info->tot_pages;
    d->max_pages = info->max_pages;
    d->online_vcpus = info->nr_online_vcpus;
    d->max_vcpu_id = info->max_vcpu_id;
    name_of(c, d->domid, d->name);
}

static int collect_domains(struct top_collector *c, struct top_sample *s)
{
    static struct xen_domctl_getdomaininfo batch[LIST_BATCH];
    uint32_t next = 0;
    int got;

    s->n_doms = 0;
    do {
        got = xenctl_domain_list(&c->ctl, next, batch, LIST_BATCH);
        if (got < 0)
            return got;
        for (int i = 0; i < got; i++)
            add_domain(c, s, &batch[i]);
        if (got > 0)
            next = batch[got - 1].domain + 1u;
    } while (got == LIST_BATCH);
    return 0;
}

static void collect_vcpus(struct top_collector *c, const struct top_view *view,
                          struct top_sample *s)
{
    s->n_vcpus = 0;
    for (size_t i = 0; i < s->n_doms; i++) {
        const struct top_domain_sample *d = &s->doms[i];

        if (!top_view_shows_vcpus(view, d->domid) || d->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID)
            continue;
        for (uint32_t v = 0; v <= d->max_vcpu_id; v++) {
            struct xen_domctl_getvcpuinfo info;
            struct top_vcpu_sample *vs;

            /* A domain dying between the two calls just loses its vCPU rows. */
            if (xenctl_vcpu_getinfo(&c->ctl, d->domid, v, &info) < 0)
                break;
            s->vcpus = grow(s->vcpus, &s->vcpus_cap, s->n_vcpus + 1, sizeof(*s->vcpus));
            vs = &s->vcpus[s->n_vcpus++];
            vs->domid = d->domid;
            vs->vcpu = v;
            vs->online = info.online;
            vs->blocked = info.blocked;
            vs->running = info.running;
            vs->pcpu = info.cpu;
            vs->cpu_time_ns = info.cpu_time;
        }
    }
}

static uint64_t monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int top_collect_sample(struct top_collector *c, const struct top_view *view,
                       struct top_sample *s, const char **what)
{
    struct xen_sysctl_physinfo phys;
    int rc;

    rc = xenctl_physinfo(&c->ctl, &phys);
    if (rc < 0) {
        *what = "XEN_SYSCTL_physinfo";
        return rc;
    }
    s->nr_cpus = phys.nr_cpus;
    s->total_pages = phys.total_pages;
    s->free_pages = phys.free_pages;
    snprintf(s->hv_name, sizeof(s->hv_name), "%s", c->hv_name);
    snprintf(s->hv_version, sizeof(s->hv_version), "%s", c->hv_version);
    /* The clock is read next to the CPU counters so the deltas share an interval. */
    s->wall_ns = monotonic_ns();
    rc = collect_domains(c, s);
    if (rc < 0) {
        *what = "XEN_SYSCTL_getdomaininfolist";
        return rc;
    }
    prune_names(c, s);
    collect_vcpus(c, view, s);
    top_io_read(&top_io_default_paths, s);
    return 0;
}

void top_sample_free(struct top_sample *s)
{
    free(s->doms);
    free(s->vcpus);
    memset(s, 0, sizeof(*s));
}
