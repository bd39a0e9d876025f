/*
 * The counters a monitor reads (lintel-top, scripts): a small text file per
 * device, /run/lintel/vbd-DOMID-DEVID/statistics, with one "name value" line
 * per counter under the names Linux's in-kernel blkback uses in sysfs
 * (rd_req, wr_req, rd_sect, wr_sect, f_req, ds_req), so a monitor treats
 * both backends alike; then lintel-blkback's own (inflight_peak,
 * persistent_grants, persistent_hits). Rewritten at most once a second and replaced whole
 * (write, then rename), so a reader never sees half a file.
 */
#ifndef LINTEL_BLK_STATS_FILE_H
#define LINTEL_BLK_STATS_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define BLK_STATS_DIR "/run/lintel"

struct blk_counters {
    uint64_t reads, writes, sectors_read, sectors_written, flushes, discards;
    /* lintel-blkback's own: the most requests served at once, the persistent
     * grants mapped now and how many segments found theirs already mapped. */
    uint64_t inflight_peak, persistent_grants, persistent_hits;
};

struct blk_stats_file {
    char root[PATH_MAX / 2];
    char dir[PATH_MAX];
    bool published;
    struct timespec last;       /* when the file was last written */
    struct blk_counters written;/* what it holds, so an idle device costs nothing */
    bool failed;                /* logged once; the device keeps working without it */
};

/* Names the file of DOMID's device DEVID under ROOT (BLK_STATS_DIR outside tests). */
void blk_stats_file_init(struct blk_stats_file *f, const char *root, uint32_t domid,
                         uint32_t devid);
/* Writes COUNTERS if they changed and a second has passed since the last write (or FORCE). */
void blk_stats_file_update(struct blk_stats_file *f, const struct blk_counters *counters,
                           bool force);
/* The device is gone: so are its counters. */
void blk_stats_file_remove(struct blk_stats_file *f);

#endif
