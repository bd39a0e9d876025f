/* lintel-top's model: samples to rows (see top_model.h). */
#include "top_model.h"

#include <stdio.h>
#include <string.h>

#include "public/domctl.h"
#include "public/sched.h"

const char *top_hypervisor_name(const char *extraversion)
{
    return strstr(extraversion, "lintel") ? "Lintel" : "Xen";
}

static bool has_crashed(uint32_t flags)
{
    uint32_t reason = (flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;

    return (flags & XEN_DOMINF_shutdown) && reason == SHUTDOWN_crash;
}

void top_state_letters(uint32_t flags, char out[TOP_NR_STATES + 1])
{
    bool crashed = has_crashed(flags);

    out[TOP_RUNNING] = (flags & XEN_DOMINF_running) ? 'r' : '-';
    out[TOP_BLOCKED] = (flags & XEN_DOMINF_blocked) ? 'b' : '-';
    out[TOP_PAUSED] = (flags & XEN_DOMINF_paused) ? 'p' : '-';
    /* xl shows a crash as 'c' alone, not as a shutdown too. */
    out[TOP_SHUTDOWN] = ((flags & XEN_DOMINF_shutdown) && !crashed) ? 's' : '-';
    out[TOP_CRASHED] = crashed ? 'c' : '-';
    out[TOP_DYING] = (flags & XEN_DOMINF_dying) ? 'd' : '-';
    out[TOP_NR_STATES] = '\0';
}

/* The most telling state wins: an end of life outranks a pause outranks activity. */
enum top_state top_main_state(uint32_t flags)
{
    if (flags & XEN_DOMINF_dying)
        return TOP_DYING;
    if (has_crashed(flags))
        return TOP_CRASHED;
    if (flags & XEN_DOMINF_shutdown)
        return TOP_SHUTDOWN;
    if (flags & XEN_DOMINF_paused)
        return TOP_PAUSED;
    if (flags & XEN_DOMINF_running)
        return TOP_RUNNING;
    return TOP_BLOCKED;
}

double top_cpu_percent(uint64_t prev_ns, uint64_t cur_ns, uint64_t wall_delta_ns)
{
    if (wall_delta_ns == 0 || cur_ns < prev_ns)
        return 0.0;
    return 100.0 * (double)(cur_ns - prev_ns) / (double)wall_delta_ns;
}

static const struct top_domain_sample *find_domain(const struct top_sample *s, uint32_t domid)
{
    if (!s)
        return NULL;
    for (size_t i = 0; i < s->n_doms; i++)
        if (s->doms[i].domid == domid)
            return &s->doms[i];
    return NULL;
}

static const struct top_vcpu_sample *find_vcpu(const struct top_sample *s, uint32_t domid,
                                               uint32_t vcpu)
{
    if (!s)
        return NULL;
    for (size_t i = 0; i < s->n_vcpus; i++)
        if (s->vcpus[i].domid == domid && s->vcpus[i].vcpu == vcpu)
            return &s->vcpus[i];
    return NULL;
}

static uint64_t wall_delta(const struct top_sample *prev, const struct top_sample *cur)
{
    if (!prev || cur->wall_ns <= prev->wall_ns)
        return 0;
    return cur->wall_ns - prev->wall_ns;
}

/* Page counts this large mean "no limit" (Xen keeps ~0 for an unbounded domain). */
#define UNLIMITED_PAGES (UINT64_MAX / 1024)

static void fill_row(const struct top_domain_sample *d, const struct top_domain_sample *was,
                     uint64_t wall_ns, uint64_t total_kib, struct top_row *row)
{
    memset(row, 0, sizeof(*row));
    row->domid = d->domid;
    if (d->name[0])
        snprintf(row->name, sizeof(row->name), "%s", d->name);
    else
        snprintf(row->name, sizeof(row->name), "(domain %u)", d->domid);
    top_state_letters(d->flags, row->state);
    row->main_state = top_main_state(d->flags);
    row->cpu_sec = (double)d->cpu_time_ns / 1e9;
    row->cpu_pct = was ? top_cpu_percent(was->cpu_time_ns, d->cpu_time_ns, wall_ns) : 0.0;
    row->mem_kib = d->tot_pages * TOP_PAGE_KIB;
    row->mem_pct = total_kib ? 100.0 * (double)row->mem_kib / (double)total_kib : 0.0;
    row->maxmem_kib = d->max_pages >= UNLIMITED_PAGES ? TOP_NO_LIMIT
                                                      : d->max_pages * TOP_PAGE_KIB;
    row->vcpus = d->online_vcpus;
    row->io = d->io;
}

size_t top_rows_build(const struct top_sample *prev, const struct top_sample *cur,
                      struct top_row *rows, size_t max_rows)
{
    uint64_t wall_ns = wall_delta(prev, cur);
    uint64_t total_kib = cur->total_pages * TOP_PAGE_KIB;
    size_t n = 0;

    for (size_t i = 0; i < cur->n_doms && n < max_rows; i++)
        fill_row(&cur->doms[i], find_domain(prev, cur->doms[i].domid), wall_ns, total_kib,
                 &rows[n++]);
    return n;
}

size_t top_vcpu_rows_build(const struct top_sample *prev, const struct top_sample *cur,
                           uint32_t domid, struct top_vcpu_row *rows, size_t max_rows)
{
    uint64_t wall_ns = wall_delta(prev, cur);
    size_t n = 0;

    for (size_t i = 0; i < cur->n_vcpus && n < max_rows; i++) {
        const struct top_vcpu_sample *v = &cur->vcpus[i];
        const struct top_vcpu_sample *was;
        struct top_vcpu_row *row;

        if (v->domid != domid)
            continue;
        was = find_vcpu(prev, domid, v->vcpu);
        row = &rows[n++];
        row->domid = domid;
        row->vcpu = v->vcpu;
        row->state = !v->online ? '-' : v->running ? 'r' : v->blocked ? 'b' : '-';
        row->pcpu = v->pcpu;
        row->cpu_sec = (double)v->cpu_time_ns / 1e9;
        row->cpu_pct = was ? top_cpu_percent(was->cpu_time_ns, v->cpu_time_ns, wall_ns) : 0.0;
    }
    return n;
}

void top_host_build(const struct top_sample *cur, struct top_host *host)
{
    memset(host, 0, sizeof(*host));
    host->nr_cpus = cur->nr_cpus;
    host->total_kib = cur->total_pages * TOP_PAGE_KIB;
    host->free_kib = cur->free_pages * TOP_PAGE_KIB;
    host->domains = (unsigned)cur->n_doms;
    host->hv_name = cur->hv_name;
    host->hv_version = cur->hv_version;
    for (size_t i = 0; i < cur->n_doms; i++)
        host->by_state[top_main_state(cur->doms[i].flags)]++;
}

size_t top_rows_filter(struct top_row *rows, size_t n, const char *needle)
{
    size_t kept = 0;

    if (!needle || !needle[0])
        return n;
    for (size_t i = 0; i < n; i++)
        if (strcasestr(rows[i].name, needle))
            rows[kept++] = rows[i];
    return kept;
}
