/* The column table of lintel-top (see top_columns.h). */
#include "top_columns.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int compare_u64(uint64_t a, uint64_t b)
{
    return (a > b) - (a < b);
}

static int compare_double(double a, double b)
{
    return (a > b) - (a < b);
}

static void format_name(const struct top_row *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s", r->name);
}

static int compare_name(const struct top_row *a, const struct top_row *b)
{
    return strcasecmp(a->name, b->name);
}

static void format_id(const struct top_row *r, char *buf, size_t len)
{
    snprintf(buf, len, "%" PRIu32, r->domid);
}

static int compare_id(const struct top_row *a, const struct top_row *b)
{
    return compare_u64(a->domid, b->domid);
}

static void format_state(const struct top_row *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s", r->state);
}

static int compare_state(const struct top_row *a, const struct top_row *b)
{
    return compare_u64(a->main_state, b->main_state);
}

static void format_cpu_sec(const struct top_row *r, char *buf, size_t len)
{
    snprintf(buf, len, "%.0f", r->cpu_sec);
}

static int compare_cpu_sec(const struct top_row *a, const struct top_row *b)
{
    return compare_double(a->cpu_sec, b->cpu_sec);
}

static void format_cpu_pct(const struct top_row *r, char *buf, size_t len)
{
    snprintf(buf, len, "%.1f", r->cpu_pct);
}

static int compare_cpu_pct(const struct top_row *a, const struct top_row *b)
{
    return compare_double(a->cpu_pct, b->cpu_pct);
}

static void format_mem(const struct top_row *r, char *buf, size_t len)
{
    snprintf(buf, len, "%" PRIu64, r->mem_kib);
}

static int compare_mem(const struct top_row *a, const struct top_row *b)
{
    return compare_u64(a->mem_kib, b->mem_kib);
}

static void format_mem_pct(const struct top_row *r, char *buf, size_t len)
{
    snprintf(buf, len, "%.1f", r->mem_pct);
}

static int compare_mem_pct(const struct top_row *a, const struct top_row *b)
{
    return compare_double(a->mem_pct, b->mem_pct);
}

static void format_maxmem(const struct top_row *r, char *buf, size_t len)
{
    /* One word, so a script splitting on blanks keeps its column count. */
    if (r->maxmem_kib == TOP_NO_LIMIT)
        snprintf(buf, len, "unlimited");
    else
        snprintf(buf, len, "%" PRIu64, r->maxmem_kib);
}

static int compare_maxmem(const struct top_row *a, const struct top_row *b)
{
    return compare_u64(a->maxmem_kib, b->maxmem_kib);
}

static void format_vcpus(const struct top_row *r, char *buf, size_t len)
{
    snprintf(buf, len, "%" PRIu32, r->vcpus);
}

static int compare_vcpus(const struct top_row *a, const struct top_row *b)
{
    return compare_u64(a->vcpus, b->vcpus);
}

/* The device counters: one formatter and comparator per field, made alike. */
#define IO_COLUMN(field, divisor)                                                        \
    static void format_##field(const struct top_row *r, char *buf, size_t len)           \
    {                                                                                     \
        snprintf(buf, len, "%" PRIu64, (uint64_t)r->io.field / (divisor));                \
    }                                                                                     \
    static int compare_##field(const struct top_row *a, const struct top_row *b)          \
    {                                                                                     \
        return compare_u64(a->io.field, b->io.field);                                     \
    }

IO_COLUMN(nets, 1)
IO_COLUMN(net_tx_bytes, 1024)
IO_COLUMN(net_rx_bytes, 1024)
IO_COLUMN(vbds, 1)
IO_COLUMN(vbd_rd, 1)
IO_COLUMN(vbd_wr, 1)
IO_COLUMN(vbd_rsect, 1)
IO_COLUMN(vbd_wsect, 1)

#define IO_DEF(key, header, width, letter, field, help) \
    { key, header, width, false, letter, true, help, format_##field, compare_##field }

const struct top_column_def top_columns[TOP_NR_COLUMNS] = {
    [COL_NAME] = { "name", "NAME", 18, true, 'N', false, "domain name",
                   format_name, compare_name },
    [COL_ID] = { "id", "ID", 5, false, 'I', false, "domain id", format_id, compare_id },
    [COL_STATE] = { "state", "STATE", 6, true, 'S', false,
                    "r running b blocked p paused s shutdown c crashed d dying",
                    format_state, compare_state },
    [COL_CPU_SEC] = { "cpu_sec", "CPU(sec)", 9, false, 'T', true, "CPU time used, seconds",
                      format_cpu_sec, compare_cpu_sec },
    [COL_CPU_PCT] = { "cpu_pct", "CPU(%)", 7, false, 'C', true,
                      "CPU use over the last interval, % of one pCPU",
                      format_cpu_pct, compare_cpu_pct },
    [COL_MEM] = { "mem_kib", "MEM(k)", 10, false, 'M', true, "memory, KiB",
                  format_mem, compare_mem },
    [COL_MEM_PCT] = { "mem_pct", "MEM(%)", 7, false, 'P', true, "share of the host's memory",
                      format_mem_pct, compare_mem_pct },
    [COL_MAXMEM] = { "maxmem_kib", "MAXMEM(k)", 10, false, 'X', true, "memory limit, KiB",
                     format_maxmem, compare_maxmem },
    [COL_VCPUS] = { "vcpus", "VCPUS", 5, false, 'V', true, "online vCPUs",
                    format_vcpus, compare_vcpus },
    [COL_NETS] = IO_DEF("nets", "NETS", 4, 'E', nets, "network interfaces (vifs)"),
    [COL_NET_TX] = IO_DEF("net_tx_kib", "NETTX(k)", 9, 'O', net_tx_bytes, "KiB the domain sent"),
    [COL_NET_RX] = IO_DEF("net_rx_kib", "NETRX(k)", 9, 'R', net_rx_bytes, "KiB the domain received"),
    [COL_VBDS] = IO_DEF("vbds", "VBDS", 4, 'B', vbds, "virtual block devices"),
    [COL_VBD_RD] = IO_DEF("vbd_rd", "VBD_RD", 8, 'D', vbd_rd, "block read requests"),
    [COL_VBD_WR] = IO_DEF("vbd_wr", "VBD_WR", 8, 'W', vbd_wr, "block write requests"),
    [COL_VBD_RSECT] = IO_DEF("vbd_rsect", "VBD_RSECT", 10, 'G', vbd_rsect, "sectors read"),
    [COL_VBD_WSECT] = IO_DEF("vbd_wsect", "VBD_WSECT", 10, 'H', vbd_wsect, "sectors written"),
};

int top_column_by_key(const char *key)
{
    for (int c = 0; c < TOP_NR_COLUMNS; c++)
        if (strcmp(top_columns[c].key, key) == 0)
            return c;
    return -1;
}

int top_column_by_sort_key(int key)
{
    for (int c = 0; c < TOP_NR_COLUMNS; c++)
        if (top_columns[c].sort_key == key || top_columns[c].sort_key + 'a' - 'A' == key)
            return c;
    return -1;
}

struct sort_order {
    enum top_column column;
    bool reverse;
};

static int compare_rows(const void *pa, const void *pb, void *arg)
{
    const struct sort_order *order = arg;
    const struct top_row *a = pa, *b = pb;
    int c = top_columns[order->column].compare(a, b);

    if (c == 0)
        return compare_id(a, b);
    return order->reverse ? -c : c;
}

void top_rows_sort(struct top_row *rows, size_t n, enum top_column column, bool reverse)
{
    struct sort_order order = { column, reverse };

    qsort_r(rows, n, sizeof(*rows), compare_rows, &order);
}

void top_format_line(const struct top_row *row, const bool visible[TOP_NR_COLUMNS],
                     char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int c = 0; c < TOP_NR_COLUMNS && used < len; c++) {
        const struct top_column_def *col = &top_columns[c];
        char cell[TOP_NAME_LEN + 8];
        int w;

        if (!visible[c])
            continue;
        if (row)
            col->format(row, cell, sizeof(cell));
        else
            snprintf(cell, sizeof(cell), "%s", col->header);
        w = snprintf(buf + used, len - used, "%s%*s", used ? " " : "",
                     col->left_aligned ? -col->width : col->width, cell);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}
