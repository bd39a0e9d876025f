/*
 * lintel-blkback: one process serves one virtual block device of one
 * domain (backend directory /local/domain/0/backend/vbd/DOMID/DEVID).
 * Data moves by grant copy, so the frontend's pages are never mapped into
 * this process; only the shared ring is.
 */
#ifndef LINTEL_BLKBACK_H
#define LINTEL_BLKBACK_H

#include <limits.h>
#include <stdint.h>

#include "backend_loop.h"
#include "blk_disk.h"
#include "blk_request.h"
#include "blk_stats_file.h"
#include "event_channel.h"
#include "grant_dev.h"
#include "public/io/blkif.h"
#include "xenbus_backend.h"

/* Largest shared ring we accept: 2^4 pages (max-ring-page-order). */
#define BLKBACK_MAX_RING_ORDER 4u

struct blkback_stats {
    uint64_t requests, errors, reads, writes, bytes_read, bytes_written, flushes, discards;
};

struct blkback {
    struct xenbus_backend be;
    struct backend_loop *loop;
    struct blk_disk disk;
    struct blk_disk_limits limits;
    struct grant_dev gnt;
    struct event_channel evtchn;
    struct grant_mapping ring_map;
    blkif_back_ring_t ring;
    uint8_t *data;                         /* one request's data, BLK_MAX_SEGMENTS pages */
    struct blkif_request_segment *indirect; /* one request's indirect descriptors */
    struct gntdev_grant_copy_segment copy[BLK_MAX_SEGMENTS];
    struct blk_plan plan;
    unsigned int logged_refusals;          /* bad requests are logged, up to a limit */
    struct blkback_stats stats;
    struct blk_stats_file stats_file;      /* the counters as monitors read them */
};

/* The xenbus hooks (blkback_device.c). */
extern const struct xenbus_backend_ops blkback_ops;

/* Answers every request the frontend has published (blkback_serve.c). */
void blkback_serve(struct blkback *b);
/* Rewrites the monitors' counters file; without FORCE at most once a second. */
void blkback_publish_counters(struct blkback *b, bool force);

#endif
