/*
 * Answering the frontend's requests: copy each slot out of the ring once,
 * check it (blk_request.c), move its data by grant copy, answer in order;
 * the answers of one pass over the ring are published together.
 * Requests are served one at a time to completion, so a response never
 * overwrites a slot whose request has not been copied out yet.
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

/* Copies between the guest's segments and b->data, in the direction of IO. */
static int copy_segments(struct blkback *b, const struct blk_plan *plan, bool to_guest)
{
    uint8_t *at = b->data;

    for (unsigned int i = 0; i < plan->nr_segments; i++) {
        const struct blk_segment *s = &plan->seg[i];

        if (to_guest)
            grant_copy_to_guest(&b->copy[i], b->be.domid, s->gref, s->offset, at, s->len);
        else
            grant_copy_from_guest(&b->copy[i], b->be.domid, s->gref, s->offset, at, s->len);
        at += s->len;
    }
    return grant_copy(&b->gnt, b->copy, plan->nr_segments);
}

static int fetch_indirect(struct blkback *b, struct blk_plan *plan, char *why,
                          unsigned int why_len)
{
    size_t left = plan->nr_segments * sizeof(struct blkif_request_segment);
    uint8_t *at = (uint8_t *)b->indirect;

    for (unsigned int i = 0; i < plan->nr_indirect_pages; i++) {
        uint16_t len = (uint16_t)(left < GRANT_PAGE_SIZE ? left : GRANT_PAGE_SIZE);

        grant_copy_from_guest(&b->copy[i], b->be.domid, plan->indirect_grefs[i], 0, at, len);
        at += len;
        left -= len;
    }
    if (grant_copy(&b->gnt, b->copy, plan->nr_indirect_pages) < 0) {
        snprintf(why, why_len, "indirect page grant %u cannot be read",
                 plan->indirect_grefs[0]);
        return BLKIF_RSP_ERROR;
    }
    return blk_plan_indirect(plan, b->indirect, &b->limits, why, why_len);
}

static int do_write(struct blkback *b, const struct blk_plan *plan, char *why,
                    unsigned int why_len)
{
    size_t bytes = (size_t)blk_plan_bytes(plan);
    int rc;

    if (plan->nr_segments == 0)
        return BLKIF_RSP_OKAY;
    if (copy_segments(b, plan, false) < 0) {
        snprintf(why, why_len, "a segment's grant cannot be read");
        return BLKIF_RSP_ERROR;
    }
    if ((rc = blk_disk_write(&b->disk, b->data, bytes, plan->sector * BLK_SECTOR_SIZE)) < 0) {
        snprintf(why, why_len, "write: %s", strerror(-rc));
        return BLKIF_RSP_ERROR;
    }
    b->stats.writes++;
    b->stats.bytes_written += bytes;
    return BLKIF_RSP_OKAY;
}

static int do_read(struct blkback *b, const struct blk_plan *plan, char *why,
                   unsigned int why_len)
{
    size_t bytes = (size_t)blk_plan_bytes(plan);
    int rc = blk_disk_read(&b->disk, b->data, bytes, plan->sector * BLK_SECTOR_SIZE);

    if (rc < 0) {
        snprintf(why, why_len, "read: %s", strerror(-rc));
        return BLKIF_RSP_ERROR;
    }
    if (copy_segments(b, plan, true) < 0) {
        snprintf(why, why_len, "a segment's grant cannot be written");
        return BLKIF_RSP_ERROR;
    }
    b->stats.reads++;
    b->stats.bytes_read += bytes;
    return BLKIF_RSP_OKAY;
}

static int execute(struct blkback *b, struct blk_plan *plan, char *why, unsigned int why_len)
{
    int rc;

    switch (plan->io) {
    case BLK_IO_READ:
        return do_read(b, plan, why, why_len);
    case BLK_IO_WRITE:
        return do_write(b, plan, why, why_len);
    case BLK_IO_FLUSH:
        /* The answer goes out only after the data is on stable storage. */
        if ((rc = do_write(b, plan, why, why_len)) != BLKIF_RSP_OKAY)
            return rc;
        if ((rc = blk_disk_flush(&b->disk)) < 0) {
            snprintf(why, why_len, "flush: %s", strerror(-rc));
            return BLKIF_RSP_ERROR;
        }
        b->stats.flushes++;
        return BLKIF_RSP_OKAY;
    case BLK_IO_DISCARD:
        rc = blk_disk_discard(&b->disk, plan->sector * BLK_SECTOR_SIZE,
                              plan->nr_sectors * BLK_SECTOR_SIZE);
        if (rc < 0) {
            snprintf(why, why_len, "discard: %s", strerror(-rc));
            return rc == -EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR;
        }
        b->stats.discards++;
        return BLKIF_RSP_OKAY;
    }
    return BLKIF_RSP_ERROR;
}

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

static void handle(struct blkback *b, const struct blkif_request *req)
{
    struct blk_plan *plan = &b->plan;
    char why[160];
    int status = blk_plan_request(req, &b->limits, plan, why, sizeof(why));

    if (status == BLKIF_RSP_OKAY && plan->nr_indirect_pages)
        status = fetch_indirect(b, plan, why, sizeof(why));
    if (status == BLKIF_RSP_OKAY)
        status = execute(b, plan, why, sizeof(why));
    b->stats.requests++;
    backend_debug("request id %llu operation %u sector %llu segments %u: status %d",
                  (unsigned long long)plan->id, plan->operation,
                  (unsigned long long)plan->sector, plan->nr_segments, status);
    if (status != BLKIF_RSP_OKAY)
        refused(b, plan, why);
    respond(b, plan, status);
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
            xenbus_backend_fail(&b->be, why);
            return;
        }
        for (; pending; pending--) {
            struct blkif_request req;

            RING_COPY_REQUEST(&b->ring, b->ring.req_cons, &req);
            b->ring.req_cons++;
            handle(b, &req);
        }
        /* One event for everything this pass answered, not one per request. */
        publish_responses(b);
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
    };

    blk_stats_file_update(&b->stats_file, &c, force);
}
