/*
 * Answering the frontend's requests. The loop's thread copies each slot out
 * of the ring once, checks it (blk_request.c), and starts it as a job;
 * worker threads move the data and do the disk I/O (blkback_run_job); the
 * loop's thread answers each job when it finishes, in whatever order they
 * finish. A response never overwrites a slot whose request has not been
 * copied out: every answer belongs to a request already taken, so the
 * response producer never passes our request consumer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend_log.h"
#include "blkback.h"
#include "ring_index.h"

#define MAX_LOGGED_REFUSALS 20

static void refused(struct blkback *b, const struct blk_plan *plan, const char *why)
{
    b->stats.errors++;
    if (b->logged_refusals < MAX_LOGGED_REFUSALS) {
        b->logged_refusals++;
        backend_log("request id %llu (operation %u) refused: %s%s",
                    (unsigned long long)plan->id, plan->operation, why,
                    b->logged_refusals == MAX_LOGGED_REFUSALS ? " (no more such lines)" : "");
    }
}

/* ---- the worker's side: one job, no shared state written ---- */

/* Moves the job's data between the guest's segments and job->data. */
static int move_data(struct blkback *b, struct blk_job *job, bool to_guest)
{
    const struct blk_plan *plan = &job->plan;
    uint8_t *at = job->data;

    for (unsigned int i = 0; i < plan->nr_segments; i++) {
        const struct blk_segment *s = &plan->seg[i];

        if (job->persistent && to_guest)
            memcpy((uint8_t *)job->page[i] + s->offset, at, s->len);
        else if (job->persistent)
            memcpy(at, (const uint8_t *)job->page[i] + s->offset, s->len);
        else if (to_guest)
            grant_copy_to_guest(&job->copy[i], b->be.domid, s->gref, s->offset, at, s->len);
        else
            grant_copy_from_guest(&job->copy[i], b->be.domid, s->gref, s->offset, at, s->len);
        at += s->len;
    }
    return job->persistent ? 0 : grant_copy(&b->gnt, job->copy, plan->nr_segments);
}

#define FAIL(...) do { snprintf(job->why, sizeof(job->why), __VA_ARGS__); \
                       return BLKIF_RSP_ERROR; } while (0)

static int do_write(struct blkback *b, struct blk_job *job)
{
    const struct blk_plan *plan = &job->plan;
    int rc;

    if (plan->nr_segments == 0)
        return BLKIF_RSP_OKAY;
    if (move_data(b, job, false) < 0)
        FAIL("a segment's grant cannot be read");
    rc = blk_disk_write(&b->disk, job->data, (size_t)blk_plan_bytes(plan),
                        plan->sector * BLK_SECTOR_SIZE);
    if (rc < 0)
        FAIL("write: %s", strerror(-rc));
    return BLKIF_RSP_OKAY;
}

static int do_read(struct blkback *b, struct blk_job *job)
{
    const struct blk_plan *plan = &job->plan;
    int rc = blk_disk_read(&b->disk, job->data, (size_t)blk_plan_bytes(plan),
                           plan->sector * BLK_SECTOR_SIZE);

    if (rc < 0)
        FAIL("read: %s", strerror(-rc));
    if (move_data(b, job, true) < 0)
        FAIL("a segment's grant cannot be written");
    return BLKIF_RSP_OKAY;
}

static int execute(struct blkback *b, struct blk_job *job)
{
    const struct blk_plan *plan = &job->plan;
    int rc;

    switch (plan->io) {
    case BLK_IO_READ:
        return do_read(b, job);
    case BLK_IO_WRITE:
        return do_write(b, job);
    case BLK_IO_FLUSH:
        /* Runs alone (blk_inflight.h): every write answered before it is in
         * the file, and the answer goes out only after it is on stable storage. */
        if ((rc = do_write(b, job)) != BLKIF_RSP_OKAY)
            return rc;
        if ((rc = blk_disk_flush(&b->disk)) < 0)
            FAIL("flush: %s", strerror(-rc));
        return BLKIF_RSP_OKAY;
    case BLK_IO_DISCARD:
        rc = blk_disk_discard(&b->disk, plan->sector * BLK_SECTOR_SIZE,
                              plan->nr_sectors * BLK_SECTOR_SIZE);
        if (rc < 0) {
            snprintf(job->why, sizeof(job->why), "discard: %s", strerror(-rc));
            return rc == -EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR;
        }
        return BLKIF_RSP_OKAY;
    }
    FAIL("unknown plan");
}

void blkback_run_job(void *arg, unsigned int job)
{
    struct blkback *b = arg;

    b->jobs[job].status = execute(b, &b->jobs[job]);
}

/* ---- the loop's side ---- */

/* Answers are published a batch at a time (publish_responses). */
static void respond(struct blkback *b, const struct blk_plan *plan, int status)
{
    struct blkif_response *rsp = RING_GET_RESPONSE(&b->ring, b->ring.rsp_prod_pvt);

    rsp->id = plan->id;
    rsp->operation = plan->operation;
    rsp->status = (int16_t)status;
    b->ring.rsp_prod_pvt++;
}

static void publish_responses(struct blkback *b)
{
    int notify;

    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b->ring, notify);
    backend_debug("published responses up to %u%s", b->ring.rsp_prod_pvt,
                  notify ? ", notifying" : "");
    if (notify)
        event_channel_notify(&b->evtchn);
}

static void answer(struct blkback *b, const struct blk_plan *plan, int status, const char *why)
{
    b->stats.requests++;
    backend_debug("request id %llu operation %u sector %llu segments %u: status %d",
                  (unsigned long long)plan->id, plan->operation,
                  (unsigned long long)plan->sector, plan->nr_segments, status);
    if (status != BLKIF_RSP_OKAY)
        refused(b, plan, why);
    respond(b, plan, status);
}

static int fetch_indirect(struct blkback *b, struct blk_plan *plan, char *why,
                          unsigned int why_len)
{
    size_t left = plan->nr_segments * sizeof(struct blkif_request_segment);
    uint8_t *at = (uint8_t *)b->indirect;

    for (unsigned int i = 0; i < plan->nr_indirect_pages; i++) {
        uint16_t len = (uint16_t)(left < GRANT_PAGE_SIZE ? left : GRANT_PAGE_SIZE);

        grant_copy_from_guest(&b->indirect_copy[i], b->be.domid, plan->indirect_grefs[i], 0,
                              at, len);
        at += len;
        left -= len;
    }
    /* Copied, never read in place: the frontend cannot change what was checked. */
    if (grant_copy(&b->gnt, b->indirect_copy, plan->nr_indirect_pages) < 0) {
        snprintf(why, why_len, "indirect page grant %u cannot be read",
                 plan->indirect_grefs[0]);
        return BLKIF_RSP_ERROR;
    }
    return blk_plan_indirect(plan, b->indirect, &b->limits, why, why_len);
}

static void unpin(struct blkback *b, struct blk_job *job, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++)
        blk_pgrant_put(&b->pgrants, job->pin[i]);
}

/* Persistent grants: map (or find) every segment's page; otherwise grant copy. */
static void pin_segments(struct blkback *b, struct blk_job *job)
{
    const struct blk_plan *plan = &job->plan;

    job->persistent = false;
    if (!b->persistent || plan->io == BLK_IO_DISCARD)
        return;
    for (unsigned int i = 0; i < plan->nr_segments; i++) {
        int rc = blk_pgrant_get(&b->pgrants, plan->seg[i].gref, &job->page[i]);

        if (rc < 0) {
            /* Full of pinned pages, or a grant that cannot be mapped: grant
             * copy serves (or refuses) this request as it would without. */
            unpin(b, job, i);
            return;
        }
        job->pin[i] = rc;
    }
    job->persistent = true;
}

static void start(struct blkback *b, unsigned int j)
{
    if (blk_inflight_submit(&b->inflight, b->jobs[j].plan.io == BLK_IO_FLUSH) ==
        BLK_START_HELD)
        b->held_job = (int)j;
    else
        work_pool_submit(&b->pool, j);
}

static void take(struct blkback *b, const struct blkif_request *req)
{
    unsigned int j = b->free_jobs[--b->nr_free_jobs];
    struct blk_job *job = &b->jobs[j];
    struct blk_plan *plan = &job->plan;
    int status = blk_plan_request(req, &b->limits, plan, job->why, sizeof(job->why));

    if (status == BLKIF_RSP_OKAY && plan->nr_indirect_pages)
        status = fetch_indirect(b, plan, job->why, sizeof(job->why));
    if (status != BLKIF_RSP_OKAY) {
        answer(b, plan, status, job->why);
        b->free_jobs[b->nr_free_jobs++] = j;
        return;
    }
    job->why[0] = '\0';
    pin_segments(b, job);
    start(b, j);
}

static void count(struct blkback *b, const struct blk_plan *plan)
{
    uint64_t bytes = blk_plan_bytes(plan);

    switch (plan->io) {
    case BLK_IO_READ:
        b->stats.reads++;
        b->stats.bytes_read += bytes;
        break;
    case BLK_IO_FLUSH:
        b->stats.flushes++;
        if (!plan->nr_segments)
            break;
        /* A flush with data wrote it first. */
        __attribute__((fallthrough));
    case BLK_IO_WRITE:
        b->stats.writes++;
        b->stats.bytes_written += bytes;
        break;
    case BLK_IO_DISCARD:
        b->stats.discards++;
        break;
    }
}

static void finish(struct blkback *b, unsigned int j)
{
    struct blk_job *job = &b->jobs[j];

    if (job->status == BLKIF_RSP_OKAY)
        count(b, &job->plan);
    answer(b, &job->plan, job->status, job->why);
    if (job->persistent)
        unpin(b, job, job->plan.nr_segments);
    b->free_jobs[b->nr_free_jobs++] = j;
    if (blk_inflight_finish(&b->inflight)) {
        work_pool_submit(&b->pool, (unsigned int)b->held_job);
        b->held_job = -1;
    }
}

static void finish_done_jobs(struct blkback *b, bool wait)
{
    unsigned int done[BLKBACK_JOBS];
    unsigned int n = work_pool_take_done(&b->pool, done, BLKBACK_JOBS, wait);

    for (unsigned int i = 0; i < n; i++)
        finish(b, done[i]);
}

void blkback_on_jobs_done(void *arg)
{
    struct blkback *b = arg;

    finish_done_jobs(b, false);
    if (b->be.connected)
        blkback_serve(b);
}

void blkback_drain(struct blkback *b)
{
    while (b->inflight.running)
        finish_done_jobs(b, true);
    if (b->ring.sring)
        publish_responses(b);
}

void blkback_serve(struct blkback *b)
{
    int more = 1;

    while (more && b->be.connected) {
        /* One read of the frontend's index; everything below trusts only the copy. */
        uint32_t prod = *(volatile uint32_t *)&b->ring.sring->req_prod;
        uint32_t pending;

        xen_rmb();
        if (!ring_requests_pending(prod, b->ring.req_cons, RING_SIZE(&b->ring), &pending)) {
            char why[96];

            snprintf(why, sizeof(why), "request producer index %u is more than %u past ours (%u)",
                     prod, RING_SIZE(&b->ring), b->ring.req_cons);
            publish_responses(b);
            xenbus_backend_fail(&b->be, why);
            return;
        }
        for (; pending && blk_inflight_may_take(&b->inflight); pending--) {
            struct blkif_request req;

            RING_COPY_REQUEST(&b->ring, b->ring.req_cons, &req);
            b->ring.req_cons++;
            take(b, &req);
        }
        /* One event for everything this pass answered, not one per request. */
        publish_responses(b);
        /* Jobs are all busy (or a flush waits): their completions come back here. */
        if (pending)
            break;
        RING_FINAL_CHECK_FOR_REQUESTS(&b->ring, more);
    }
    blkback_publish_counters(b, false);
}

void blkback_publish_counters(struct blkback *b, bool force)
{
    const struct blkback_stats *s = &b->stats;
    struct blk_counters c = {
        .reads = s->reads, .writes = s->writes,
        .sectors_read = s->bytes_read / BLK_SECTOR_SIZE,
        .sectors_written = s->bytes_written / BLK_SECTOR_SIZE,
        .flushes = s->flushes, .discards = s->discards,
        .inflight_peak = b->inflight.peak,
        .persistent_grants = b->pgrants.mapped,
        .persistent_hits = b->pgrants.stats.hits,
    };

    blk_stats_file_update(&b->stats_file, &c, force);
}
