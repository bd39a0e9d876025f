/* The vbd device's side of the handshake: features, then the ring. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_log.h"
#include "blkback.h"
#include "xenstore.h"

static int open_disk(struct blkback *b)
{
    char *params = xenbus_backend_read(&b->be, "params");
    char *mode = xenbus_backend_read(&b->be, "mode");
    bool readonly = mode && mode[0] == 'r';
    char why[PATH_MAX + 128];
    int rc;

    if (!params || !params[0]) {
        backend_log("%s/params (the disk's path) is missing", b->be.path);
        rc = -ENOENT;
    } else if ((rc = blk_disk_open(&b->disk, params, readonly, why, sizeof(why))) < 0) {
        backend_log("cannot open the disk: %s", why);
    } else {
        backend_log("serving %s (%llu sectors, %s%s)", params,
                    (unsigned long long)b->disk.sectors, readonly ? "read-only" : "read-write",
                    b->disk.can_discard ? ", discard" : "");
    }
    free(params);
    free(mode);
    return rc;
}

static int blkback_setup(struct xenbus_backend *be)
{
    struct blkback *b = be->driver;
    int rc = 0;

    if (b->disk.fd < 0 && (rc = open_disk(b)) < 0)
        return rc;
    b->limits = (struct blk_disk_limits){
        .sectors = b->disk.sectors, .readonly = b->disk.readonly,
        .discard = b->disk.can_discard,
    };
    rc = rc ?: xenbus_backend_write(be, "feature-flush-cache", "1");
    rc = rc ?: xenbus_backend_write(be, "feature-barrier", "0");
    rc = rc ?: xenbus_backend_write(be, "feature-persistent", "1");
    rc = rc ?: xenbus_backend_write(be, "feature-max-indirect-segments", "%u",
                                    BLK_MAX_INDIRECT_SEGMENTS);
    rc = rc ?: xenbus_backend_write(be, "max-ring-page-order", "%u", BLKBACK_MAX_RING_ORDER);
    rc = rc ?: xenbus_backend_write(be, "feature-discard", "%d", b->disk.can_discard);
    if (b->disk.can_discard) {
        rc = rc ?: xenbus_backend_write(be, "discard-granularity", "4096");
        rc = rc ?: xenbus_backend_write(be, "discard-alignment", "0");
        rc = rc ?: xenbus_backend_write(be, "discard-secure", "0");
    }
    return rc;
}

static void on_event(void *arg)
{
    struct blkback *b = arg;

    if (event_channel_ack(&b->evtchn) < 0)
        return;
    blkback_serve(b);
}

/* Only the 64-bit native layout is served; a 32-bit guest's ring differs. */
static int check_protocol(struct blkback *b)
{
    char *protocol = xenbus_frontend_read(&b->be, "protocol");
    int rc = 0;

    if (protocol && strcmp(protocol, "x86_64-abi") != 0) {
        backend_log("frontend protocol \"%s\" is not supported (only x86_64-abi)", protocol);
        xenbus_backend_write(&b->be, "error", "protocol %s is not supported", protocol);
        rc = -EPROTONOSUPPORT;
    }
    free(protocol);
    return rc;
}

/* Linux's blkfront writes feature-persistent=1 when it will reuse its grants. */
static void negotiate_persistent(struct blkback *b)
{
    unsigned long wanted = 0;

    xenbus_frontend_read_uint(&b->be, "feature-persistent", 1, &wanted);
    b->persistent = wanted == 1;
    if (b->persistent)
        blk_pgrant_init(&b->pgrants, BLK_PGRANT_MAX, &blkback_pgrant_ops, b);
}

/* Every job idle, no flush waiting. */
static void reset_jobs(struct blkback *b)
{
    b->nr_free_jobs = 0;
    for (unsigned int j = BLKBACK_JOBS; j-- > 0;)
        b->free_jobs[b->nr_free_jobs++] = j;
    b->held_job = -1;
    blk_inflight_init(&b->inflight, BLKBACK_JOBS);
}

static int publish_geometry(struct blkback *b)
{
    int rc = xenbus_backend_write(&b->be, "sectors", "%llu",
                                  (unsigned long long)b->disk.sectors);

    rc = rc ?: xenbus_backend_write(&b->be, "info", "%u",
                                    b->disk.readonly ? VDISK_READONLY : 0u);
    rc = rc ?: xenbus_backend_write(&b->be, "sector-size", "512");
    rc = rc ?: xenbus_backend_write(&b->be, "physical-sector-size", "4096");
    return rc;
}

static int blkback_connect(struct xenbus_backend *be)
{
    struct blkback *b = be->driver;
    uint32_t refs[1u << BLKBACK_MAX_RING_ORDER], port;
    unsigned int count;
    char why[160];
    int rc;

    if ((rc = check_protocol(b)) < 0)
        return rc;
    if ((rc = xenbus_read_ring(be, BLKBACK_MAX_RING_ORDER, refs, &count, &port, why,
                               sizeof(why))) < 0) {
        backend_log("frontend %s: %s", be->frontend, why);
        return rc;
    }
    if ((rc = grant_map(&b->gnt, be->domid, refs, count, true, &b->ring_map)) < 0) {
        backend_log("cannot map the ring (%u page%s, first grant %u): %s", count,
                    count > 1 ? "s" : "", refs[0], strerror(-rc));
        return rc;
    }
    BACK_RING_ATTACH(&b->ring, (blkif_sring_t *)b->ring_map.addr, 0, count * GRANT_PAGE_SIZE);
    reset_jobs(b);
    negotiate_persistent(b);
    if ((rc = event_channel_bind(&b->evtchn, be->domid, port)) < 0) {
        backend_log("cannot bind the frontend's event channel %u: %s", port, strerror(-rc));
        grant_unmap(&b->gnt, &b->ring_map);
        return rc;
    }
    if ((rc = publish_geometry(b)) < 0 ||
        (rc = backend_loop_add(b->loop, b->evtchn.fd, on_event, b)) < 0) {
        event_channel_unbind(&b->evtchn);
        grant_unmap(&b->gnt, &b->ring_map);
        return rc;
    }
    backend_log("ring of %u page%s (%u slots), event channel %u, %u requests at once, "
                "persistent grants %s", count, count > 1 ? "s" : "", RING_SIZE(&b->ring), port,
                BLKBACK_JOBS, b->persistent ? "on" : "off");
    return 0;
}

static void blkback_disconnect(struct xenbus_backend *be)
{
    struct blkback *b = be->driver;

    backend_loop_remove(b->loop, b->evtchn.fd);
    /* The workers may still be writing into granted pages. */
    blkback_drain(b);
    event_channel_unbind(&b->evtchn);
    if (b->persistent)
        backend_log("unmapping %u persistent grants (%llu segments found theirs mapped, "
                    "%llu maps, %llu evictions)", b->pgrants.mapped,
                    (unsigned long long)b->pgrants.stats.hits,
                    (unsigned long long)b->pgrants.stats.maps,
                    (unsigned long long)b->pgrants.stats.evictions);
    blk_pgrant_clear(&b->pgrants);
    b->persistent = false;
    grant_unmap(&b->gnt, &b->ring_map);
    memset(&b->ring, 0, sizeof(b->ring));
    /* The last second's requests would otherwise never reach the file. */
    blkback_publish_counters(b, true);
    backend_log("disconnected after %llu requests (%llu refused or failed), %llu bytes read, "
                "%llu written, %llu flushes, %llu discards",
                (unsigned long long)b->stats.requests, (unsigned long long)b->stats.errors,
                (unsigned long long)b->stats.bytes_read,
                (unsigned long long)b->stats.bytes_written,
                (unsigned long long)b->stats.flushes, (unsigned long long)b->stats.discards);
}

static int map_one(void *ctx, uint32_t gref, void **addr, uint64_t *handle)
{
    struct blkback *b = ctx;
    struct grant_mapping m;
    int rc = grant_map(&b->gnt, b->be.domid, &gref, 1, true, &m);

    if (rc == 0) {
        *addr = m.addr;
        *handle = m.index;
    }
    return rc;
}

static void unmap_one(void *ctx, void *addr, uint64_t handle)
{
    struct blkback *b = ctx;
    struct grant_mapping m = { .addr = addr, .index = handle, .count = 1 };

    grant_unmap(&b->gnt, &m);
}

const struct blk_pgrant_ops blkback_pgrant_ops = { .map = map_one, .unmap = unmap_one };

const struct xenbus_backend_ops blkback_ops = {
    .setup = blkback_setup,
    .connect = blkback_connect,
    .disconnect = blkback_disconnect,
    .connect_on_initialised = true,
};
