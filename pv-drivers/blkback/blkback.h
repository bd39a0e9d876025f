/*
 * lintel-blkback: one process serves one virtual block device of one
 * domain (backend directory /local/domain/0/backend/vbd/DOMID/DEVID).
 * The poll loop's thread owns the ring and every piece of state here; it
 * checks each request and hands it, as a job, to a few worker threads that
 * move the data and do the disk I/O. Data moves by grant copy, or, when the
 * frontend negotiated persistent grants, by memcpy to and from pages this
 * process keeps mapped (blk_pgrant.h).
 */
#ifndef LINTEL_BLKBACK_H
#define LINTEL_BLKBACK_H

#include <limits.h>
#include <stdint.h>

#include "backend_loop.h"
#include "blk_disk.h"
#include "blk_inflight.h"
#include "blk_pgrant.h"
#include "blk_request.h"
#include "blk_stats_file.h"
#include "event_channel.h"
#include "grant_dev.h"
#include "public/io/blkif.h"
#include "work_pool.h"
#include "xenbus_backend.h"

/* Largest shared ring we accept: 2^4 pages (max-ring-page-order). */
#define BLKBACK_MAX_RING_ORDER 4u
/* Requests served at once, and the threads that run them. */
#define BLKBACK_JOBS 8u
#define BLKBACK_THREADS 4u

struct blkback_stats {
    uint64_t requests, errors, reads, writes, bytes_read, bytes_written, flushes, discards;
};

/* One request between the ring and its answer. */
struct blk_job {
    struct blk_plan plan;
    uint8_t *data;                         /* its data, up to BLK_MAX_SEGMENTS pages */
    struct gntdev_grant_copy_segment copy[BLK_MAX_SEGMENTS];
    bool persistent;                       /* segments go through page[], pinned in pin[] */
    void *page[BLK_MAX_SEGMENTS];
    int pin[BLK_MAX_SEGMENTS];
    int status;                            /* BLKIF_RSP_*, set by the worker */
    char why[160];                         /* why it failed */
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
    struct blkif_request_segment *indirect; /* indirect descriptors being checked */
    struct gntdev_grant_copy_segment indirect_copy[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
    struct blk_job jobs[BLKBACK_JOBS];
    unsigned int free_jobs[BLKBACK_JOBS];  /* a stack of idle job numbers */
    unsigned int nr_free_jobs;
    int held_job;                          /* a flush waiting for the others, or -1 */
    struct blk_inflight inflight;
    struct work_pool pool;
    bool persistent;                       /* the frontend negotiated feature-persistent */
    struct blk_pgrant_cache pgrants;
    unsigned int logged_refusals;          /* bad requests are logged, up to a limit */
    struct blkback_stats stats;
    struct blk_stats_file stats_file;      /* the counters as monitors read them */
};

/* The xenbus hooks (blkback_device.c). */
extern const struct xenbus_backend_ops blkback_ops;
/* Persistent grants through gntdev, one page per mapping (blkback_device.c). */
extern const struct blk_pgrant_ops blkback_pgrant_ops;

/*
 * Takes every request the frontend has published, as far as free jobs and
 * the flush barrier allow, and starts them (blkback_serve.c).
 */
void blkback_serve(struct blkback *b);
/* The workers finished jobs: answer them and take more requests. */
void blkback_on_jobs_done(void *arg);
/* Waits for every started job and answers it (before the ring goes away). */
void blkback_drain(struct blkback *b);
/* Runs one job (a worker thread). */
void blkback_run_job(void *arg, unsigned int job);
/* Rewrites the monitors' counters file; without FORCE at most once a second. */
void blkback_publish_counters(struct blkback *b, bool force);

#endif
