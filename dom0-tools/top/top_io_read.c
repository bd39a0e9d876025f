/* dom0's files behind the NET and VBD columns (see top_io_read.h). */
#include "top_io_read.h"

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "top_io.h"

const struct top_io_paths top_io_default_paths = {
    .net_dev = "/proc/net/dev",
    .kernel_vbds = "/sys/bus/xen-backend/devices",
    .lintel_vbds = "/run/lintel",
};

/* The sample's domains come sorted by id from the domain list. */
static struct top_io *io_of(struct top_sample *s, uint32_t domid)
{
    size_t lo = 0, hi = s->n_doms;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->doms[mid].domid == domid)
            return &s->doms[mid].io;
        if (s->doms[mid].domid < domid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void read_vifs(const char *net_dev, struct top_sample *s)
{
    FILE *in = fopen(net_dev, "r");
    char line[512], ifname[64];

    if (!in)
        return;
    while (fgets(line, sizeof(line), in)) {
        uint64_t rx, tx;
        uint32_t domid, devid;
        struct top_io *io;

        if (top_io_parse_net_dev_line(line, ifname, sizeof(ifname), &rx, &tx) &&
            top_io_parse_vif_name(ifname, &domid, &devid) && (io = io_of(s, domid)))
            top_io_add_vif(io, rx, tx);
    }
    fclose(in);
}

static size_t read_small_file(const char *path, char *buf, size_t len)
{
    FILE *in = fopen(path, "r");
    size_t n;

    if (!in)
        return 0;
    n = fread(buf, 1, len - 1, in);
    buf[n] = '\0';
    fclose(in);
    return n;
}

static const char *const kernel_counters[] = { "rd_req", "wr_req", "rd_sect", "wr_sect" };

static void read_kernel_vbd(const char *dir, struct top_io *io)
{
    char path[PATH_MAX + 32], text[32];

    /*
     * dom0's kernel lists every backend device in the store here, also those
     * a userspace backend (lintel-blkback) serves; only one bound to Linux's
     * blkback has statistics.
     */
    snprintf(path, sizeof(path), "%s/statistics", dir);
    if (access(path, F_OK) < 0)
        return;
    io->vbds++;
    for (size_t i = 0; i < sizeof(kernel_counters) / sizeof(kernel_counters[0]); i++) {
        snprintf(path, sizeof(path), "%s/statistics/%s", dir, kernel_counters[i]);
        if (read_small_file(path, text, sizeof(text)))
            top_io_add_vbd_counter(io, kernel_counters[i], strtoull(text, NULL, 10));
    }
}

static void read_lintel_vbd(const char *dir, struct top_io *io)
{
    char path[PATH_MAX + 32], text[512];

    io->vbds++;
    snprintf(path, sizeof(path), "%s/statistics", dir);
    if (read_small_file(path, text, sizeof(text)))
        top_io_add_vbd_text(io, text);
}

static void read_vbds(const char *root, bool kernel, struct top_sample *s)
{
    DIR *d = opendir(root);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        uint32_t domid, devid;
        struct top_io *io;
        char dir[PATH_MAX];

        if (!top_io_parse_vbd_name(e->d_name, &domid, &devid) || !(io = io_of(s, domid)))
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", root, e->d_name);
        if (kernel)
            read_kernel_vbd(dir, io);
        else
            read_lintel_vbd(dir, io);
    }
    closedir(d);
}

void top_io_read(const struct top_io_paths *paths, struct top_sample *s)
{
    for (size_t i = 0; i < s->n_doms; i++)
        memset(&s->doms[i].io, 0, sizeof(s->doms[i].io));
    read_vifs(paths->net_dev, s);
    read_vbds(paths->kernel_vbds, true, s);
    read_vbds(paths->lintel_vbds, false, s);
}
