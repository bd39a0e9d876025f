/*
 * Turning one request copied off the ring into a checked plan of I/O.
 * Everything the frontend wrote is untrusted: the operation, the segment
 * count, each segment's sector range within its page, the disk range, and
 * (for indirect requests) the descriptors in the indirect pages. Pure code:
 * no I/O, unit-tested on the host.
 */
#ifndef LINTEL_BLK_REQUEST_H
#define LINTEL_BLK_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "public/io/blkif.h"

#define BLK_SECTOR_SIZE 512u
#define BLK_SECTORS_PER_PAGE 8u
/* What we advertise as feature-max-indirect-segments (Xen's blkback: 256). */
#define BLK_MAX_INDIRECT_SEGMENTS 256u
#define BLK_SEGMENTS_PER_INDIRECT_PAGE (4096u / sizeof(struct blkif_request_segment))
#define BLK_MAX_SEGMENTS BLK_MAX_INDIRECT_SEGMENTS

struct blk_disk_limits {
    uint64_t sectors;        /* the disk's size in 512-byte sectors */
    bool readonly;
    bool discard;            /* feature-discard was advertised */
};

enum blk_io {
    BLK_IO_READ,
    BLK_IO_WRITE,
    BLK_IO_FLUSH,            /* write the segments (if any), then make everything durable */
    BLK_IO_DISCARD,
};

struct blk_segment {
    grant_ref_t gref;
    uint16_t offset;         /* bytes into the granted page */
    uint16_t len;            /* bytes */
};

struct blk_plan {
    uint64_t id;
    uint8_t operation;       /* echoed in the response (an indirect request's inner one) */
    enum blk_io io;
    uint64_t sector;
    uint64_t nr_sectors;
    unsigned int nr_segments;
    struct blk_segment seg[BLK_MAX_SEGMENTS];
    /* Indirect requests: the pages holding the descriptors, still to be read. */
    unsigned int nr_indirect_pages;
    grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

/*
 * Checks REQ (already copied out of the ring) and fills PLAN. Returns
 * BLKIF_RSP_OKAY, or the status to answer with (BLKIF_RSP_ERROR,
 * BLKIF_RSP_EOPNOTSUPP) and a reason in WHY. PLAN->id and operation are
 * set in every case, so the error can be answered.
 * For BLKIF_OP_INDIRECT the segments are not known yet: the caller reads
 * nr_indirect_pages pages and calls blk_plan_indirect().
 */
int blk_plan_request(const struct blkif_request *req, const struct blk_disk_limits *disk,
                     struct blk_plan *plan, char *why, unsigned int why_len);

/*
 * Completes an indirect plan from the descriptors read out of the indirect
 * pages (DESCS holds plan->nr_segments entries). Same returns as above.
 */
int blk_plan_indirect(struct blk_plan *plan, const struct blkif_request_segment *descs,
                      const struct blk_disk_limits *disk, char *why, unsigned int why_len);

/* Total bytes the plan's segments carry. */
uint64_t blk_plan_bytes(const struct blk_plan *plan);

#endif
