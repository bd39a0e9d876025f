/*
 * lintel-blkback DOMID DEVID: serves the virtual disk the toolstack
 * described under /local/domain/0/backend/vbd/DOMID/DEVID until the device
 * is detached or the domain is gone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_log.h"
#include "blkback.h"
#include "ring_index.h"

static void on_store(void *arg)
{
    xenbus_backend_on_store_event(arg);
}

static int parse_id(const char *text, const char *what, unsigned long max, uint32_t *out)
{
    unsigned long v;

    if (!store_value_to_uint(text, max, &v)) {
        fprintf(stderr, "lintel-blkback: %s \"%s\" is not a number in [0, %lu]\n", what, text,
                max);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* Each job's data buffer is only touched as far as its requests reach. */
static int allocate_buffers(struct blkback *b)
{
    for (unsigned int j = 0; j < BLKBACK_JOBS; j++)
        if (posix_memalign((void **)&b->jobs[j].data, GRANT_PAGE_SIZE,
                           (size_t)BLK_MAX_SEGMENTS * GRANT_PAGE_SIZE))
            return -ENOMEM;
    if (posix_memalign((void **)&b->indirect, GRANT_PAGE_SIZE,
                       BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST * GRANT_PAGE_SIZE))
        return -ENOMEM;
    return 0;
}

static int open_devices(struct blkback *b)
{
    int rc = grant_dev_open(&b->gnt);

    if (rc < 0) {
        backend_log("cannot open /dev/xen/gntdev (xen-gntdev loaded?): %s", strerror(-rc));
        return rc;
    }
    if ((rc = event_channel_open(&b->evtchn)) < 0)
        backend_log("cannot open /dev/xen/evtchn (xen-evtchn loaded?): %s", strerror(-rc));
    return rc;
}

int main(int argc, char **argv)
{
    static struct blkback b;
    struct backend_loop loop;
    uint32_t domid, devid;
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: lintel-blkback DOMID DEVID\n"
                "  serves /local/domain/0/backend/vbd/DOMID/DEVID (params, mode)\n");
        return 2;
    }
    if (parse_id(argv[1], "DOMID", 0x7fef, &domid) < 0 ||
        parse_id(argv[2], "DEVID", UINT32_MAX, &devid) < 0)
        return 2;
    backend_log_init("lintel-blkback", domid, devid);
    blk_stats_file_init(&b.stats_file, BLK_STATS_DIR, domid, devid);
    backend_loop_catch_signals();
    backend_loop_init(&loop);
    b.loop = &loop;
    b.disk.fd = -1;
    b.gnt.fd = -1;
    b.evtchn.fd = -1;
    if (allocate_buffers(&b) < 0 || open_devices(&b) < 0)
        return 1;
    if ((rc = work_pool_start(&b.pool, BLKBACK_THREADS, blkback_run_job, &b)) < 0) {
        backend_log("cannot start the I/O threads: %s", strerror(-rc));
        return 1;
    }
    backend_loop_add(&loop, work_pool_fd(&b.pool), blkback_on_jobs_done, &b);
    if (xenbus_backend_open(&b.be, "vbd", domid, devid, &blkback_ops, &b) < 0)
        return 1;
    backend_loop_add(&loop, xenbus_backend_fd(&b.be), on_store, &b.be);
    rc = backend_loop_run(&loop, &b.be.finished);
    if (rc < 0)
        backend_log("poll failed: %s", strerror(-rc));
    backend_log("exiting");
    xenbus_backend_close(&b.be);
    work_pool_stop(&b.pool);
    blk_disk_close(&b.disk);
    blk_stats_file_remove(&b.stats_file);
    return rc < 0 ? 1 : 0;
}
