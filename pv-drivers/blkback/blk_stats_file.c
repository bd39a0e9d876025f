/* lintel-blkback's counters for monitors (see blk_stats_file.h). */
#include "blk_stats_file.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend_log.h"

#define MIN_INTERVAL_NS 1000000000LL

void blk_stats_file_init(struct blk_stats_file *f, const char *root, uint32_t domid,
                         uint32_t devid)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->root, sizeof(f->root), "%s", root);
    snprintf(f->dir, sizeof(f->dir), "%s/vbd-%" PRIu32 "-%" PRIu32, root, domid, devid);
}

static long long ns_since(const struct timespec *then, const struct timespec *now)
{
    return (now->tv_sec - then->tv_sec) * 1000000000LL + (now->tv_nsec - then->tv_nsec);
}

static int write_file(const struct blk_stats_file *f, const struct blk_counters *c)
{
    char path[PATH_MAX + 16], tmp[PATH_MAX + 16];
    FILE *out;

    /* The parent may not exist yet (a fresh /run): make both levels. */
    if (mkdir(f->root, 0755) < 0 && errno != EEXIST)
        return -errno;
    if (mkdir(f->dir, 0755) < 0 && errno != EEXIST)
        return -errno;
    snprintf(path, sizeof(path), "%s/statistics", f->dir);
    snprintf(tmp, sizeof(tmp), "%s/.statistics.new", f->dir);
    out = fopen(tmp, "w");
    if (!out)
        return -errno;
    fprintf(out, "rd_req %" PRIu64 "\nwr_req %" PRIu64 "\nrd_sect %" PRIu64 "\nwr_sect %" PRIu64
            "\nf_req %" PRIu64 "\nds_req %" PRIu64 "\ninflight_peak %" PRIu64
            "\npersistent_grants %" PRIu64 "\npersistent_hits %" PRIu64 "\n", c->reads, c->writes,
            c->sectors_read, c->sectors_written, c->flushes, c->discards, c->inflight_peak,
            c->persistent_grants, c->persistent_hits);
    if (fclose(out) != 0 || rename(tmp, path) < 0) {
        int err = errno;

        unlink(tmp);
        return -err;
    }
    return 0;
}

void blk_stats_file_update(struct blk_stats_file *f, const struct blk_counters *counters,
                           bool force)
{
    struct timespec now;
    int rc;

    if (f->failed || !f->dir[0])
        return;
    if (f->published && memcmp(counters, &f->written, sizeof(*counters)) == 0)
        return;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    if (!force && f->published && ns_since(&f->last, &now) < MIN_INTERVAL_NS)
        return;
    rc = write_file(f, counters);
    if (rc < 0) {
        backend_log("cannot publish counters under %s (monitors will not see them): %s",
                    f->dir, strerror(-rc));
        f->failed = true;
        return;
    }
    f->published = true;
    f->last = now;
    f->written = *counters;
}

void blk_stats_file_remove(struct blk_stats_file *f)
{
    char path[PATH_MAX + 16];

    if (!f->dir[0])
        return;
    snprintf(path, sizeof(path), "%s/statistics", f->dir);
    unlink(path);
    rmdir(f->dir);
}
