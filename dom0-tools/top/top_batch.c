/* lintel-top's batch and JSON output (see top_batch.h). */
#include "top_batch.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[TOP_NR_STATES] = {
    "running", "blocked", "paused", "shutdown", "crashed", "dying",
};

/* Enough for every vCPU a domain can have in Xen 4.17's PV limit. */
#define MAX_VCPU_ROWS 512

static void print_host_text(FILE *out, const struct top_host *h)
{
    fprintf(out, "host hypervisor=%s version=%s pcpus=%" PRIu32 " total_kib=%" PRIu64
            " free_kib=%" PRIu64 " domains=%u", h->hv_name, h->hv_version, h->nr_cpus,
            h->total_kib, h->free_kib, h->domains);
    for (int s = 0; s < TOP_NR_STATES; s++)
        fprintf(out, " %s=%u", state_names[s], h->by_state[s]);
    fputc('\n', out);
}

static void print_vcpus_text(FILE *out, const struct top_frame *f, uint32_t domid)
{
    static struct top_vcpu_row vrows[MAX_VCPU_ROWS];
    size_t n = top_vcpu_rows_build(f->prev, f->cur, domid, vrows, MAX_VCPU_ROWS);

    for (size_t i = 0; i < n; i++)
        fprintf(out, "vcpu domid=%" PRIu32 " vcpu=%" PRIu32 " state=%c pcpu=%" PRIu32
                " cpu_sec=%.0f cpu_pct=%.1f\n", domid, vrows[i].vcpu, vrows[i].state,
                vrows[i].pcpu, vrows[i].cpu_sec, vrows[i].cpu_pct);
}

void top_print_text(FILE *out, const struct top_frame *f, const struct top_view *view)
{
    char line[512];

    print_host_text(out, &f->host);
    top_format_line(NULL, view->visible, line, sizeof(line));
    fprintf(out, "%s\n", line);
    for (size_t i = 0; i < f->n_rows; i++) {
        struct top_row row = f->rows[i];

        for (char *p = row.name; *p; p++)
            if (isspace((unsigned char)*p))
                *p = '_';
        top_format_line(&row, view->visible, line, sizeof(line));
        fprintf(out, "%s\n", line);
        if (top_view_shows_vcpus(view, row.domid))
            print_vcpus_text(out, f, row.domid);
    }
    fputc('\n', out);
    fflush(out);
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void print_host_json(FILE *out, const struct top_host *h)
{
    fputs("\"host\":{\"hypervisor\":", out);
    json_string(out, h->hv_name);
    fputs(",\"version\":", out);
    json_string(out, h->hv_version);
    fprintf(out, ",\"pcpus\":%" PRIu32 ",\"total_kib\":%" PRIu64 ",\"free_kib\":%" PRIu64
            ",\"domains\":%u", h->nr_cpus, h->total_kib, h->free_kib, h->domains);
    for (int s = 0; s < TOP_NR_STATES; s++)
        fprintf(out, ",\"%s\":%u", state_names[s], h->by_state[s]);
    fputc('}', out);
}

static void print_vcpus_json(FILE *out, const struct top_frame *f, uint32_t domid)
{
    static struct top_vcpu_row vrows[MAX_VCPU_ROWS];
    size_t n = top_vcpu_rows_build(f->prev, f->cur, domid, vrows, MAX_VCPU_ROWS);

    fputs(",\"vcpu_list\":[", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s{\"vcpu\":%" PRIu32 ",\"state\":\"%c\",\"pcpu\":%" PRIu32
                ",\"cpu_sec\":%.3f,\"cpu_pct\":%.1f}", i ? "," : "", vrows[i].vcpu,
                vrows[i].state, vrows[i].pcpu, vrows[i].cpu_sec, vrows[i].cpu_pct);
    fputc(']', out);
}

static void print_row_json(FILE *out, const struct top_frame *f, const struct top_row *r,
                           const struct top_view *view)
{
    fputs("{\"name\":", out);
    json_string(out, r->name);
    fprintf(out, ",\"id\":%" PRIu32 ",\"state\":\"%s\",\"cpu_sec\":%.3f,\"cpu_pct\":%.1f"
            ",\"mem_kib\":%" PRIu64 ",\"mem_pct\":%.1f,", r->domid, r->state, r->cpu_sec,
            r->cpu_pct, r->mem_kib, r->mem_pct);
    /* null, not a magic number, for a domain without a limit */
    if (r->maxmem_kib == TOP_NO_LIMIT)
        fputs("\"maxmem_kib\":null", out);
    else
        fprintf(out, "\"maxmem_kib\":%" PRIu64, r->maxmem_kib);
    fprintf(out, ",\"vcpus\":%" PRIu32, r->vcpus);
    fprintf(out, ",\"nets\":%" PRIu32 ",\"net_tx_kib\":%" PRIu64 ",\"net_rx_kib\":%" PRIu64
            ",\"vbds\":%" PRIu32 ",\"vbd_rd\":%" PRIu64 ",\"vbd_wr\":%" PRIu64
            ",\"vbd_rsect\":%" PRIu64 ",\"vbd_wsect\":%" PRIu64, r->io.nets,
            r->io.net_tx_bytes / 1024, r->io.net_rx_bytes / 1024, r->io.vbds, r->io.vbd_rd,
            r->io.vbd_wr, r->io.vbd_rsect, r->io.vbd_wsect);
    if (top_view_shows_vcpus(view, r->domid))
        print_vcpus_json(out, f, r->domid);
    fputc('}', out);
}

void top_print_json(FILE *out, const struct top_frame *f, const struct top_view *view)
{
    fputc('{', out);
    print_host_json(out, &f->host);
    fputs(",\"domains\":[", out);
    for (size_t i = 0; i < f->n_rows; i++) {
        if (i)
            fputc(',', out);
        print_row_json(out, f, &f->rows[i], view);
    }
    fputs("]}\n", out);
    fflush(out);
}
