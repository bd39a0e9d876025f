#include "blk_request.h"

#include <stdio.h>
#include <string.h>

#define REFUSE(status, ...) do { snprintf(why, why_len, __VA_ARGS__); return (status); } while (0)

static int check_range(const struct blk_plan *plan, const struct blk_disk_limits *disk,
                       char *why, unsigned int why_len)
{
    /* Written so that no sum can wrap around. */
    if (plan->sector > disk->sectors || plan->nr_sectors > disk->sectors - plan->sector)
        REFUSE(BLKIF_RSP_ERROR, "sectors %llu+%llu lie past the disk's end (%llu)",
               (unsigned long long)plan->sector, (unsigned long long)plan->nr_sectors,
               (unsigned long long)disk->sectors);
    return BLKIF_RSP_OKAY;
}

/* Fills plan->seg from the frontend's descriptors and counts the sectors. */
static int take_segments(struct blk_plan *plan, const struct blkif_request_segment *descs,
                         unsigned int count, char *why, unsigned int why_len)
{
    plan->nr_sectors = 0;
    for (unsigned int i = 0; i < count; i++) {
        struct blkif_request_segment s = descs[i];

        if (s.first_sect > s.last_sect || s.last_sect >= BLK_SECTORS_PER_PAGE)
            REFUSE(BLKIF_RSP_ERROR, "segment %u: sectors %u..%u do not fit a page", i,
                   s.first_sect, s.last_sect);
        plan->seg[i].gref = s.gref;
        plan->seg[i].offset = (uint16_t)(s.first_sect * BLK_SECTOR_SIZE);
        plan->seg[i].len = (uint16_t)((s.last_sect - s.first_sect + 1) * BLK_SECTOR_SIZE);
        plan->nr_sectors += s.last_sect - s.first_sect + 1u;
    }
    plan->nr_segments = count;
    return BLKIF_RSP_OKAY;
}

static int plan_data(const struct blkif_request *req, const struct blk_disk_limits *disk,
                     struct blk_plan *plan, char *why, unsigned int why_len)
{
    int rc;

    if (req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
        REFUSE(BLKIF_RSP_ERROR, "%u segments (at most %u)", req->nr_segments,
               BLKIF_MAX_SEGMENTS_PER_REQUEST);
    /* Only a flush may come without data. */
    if (req->nr_segments == 0 && plan->io != BLK_IO_FLUSH)
        REFUSE(BLKIF_RSP_ERROR, "a read or write without segments");
    if (plan->io != BLK_IO_READ && req->nr_segments && disk->readonly)
        REFUSE(BLKIF_RSP_ERROR, "write to a read-only disk");
    rc = take_segments(plan, req->seg, req->nr_segments, why, why_len);
    if (rc != BLKIF_RSP_OKAY)
        return rc;
    /* An empty flush names no sectors: Linux sends it with sector -1. */
    if (req->nr_segments == 0)
        return BLKIF_RSP_OKAY;
    return check_range(plan, disk, why, why_len);
}

static int plan_discard(const struct blkif_request *req, const struct blk_disk_limits *disk,
                        struct blk_plan *plan, char *why, unsigned int why_len)
{
    struct blkif_request_discard d;

    memcpy(&d, req, sizeof(d));
    if (!disk->discard)
        REFUSE(BLKIF_RSP_EOPNOTSUPP, "discard was not offered");
    if (d.flag & BLKIF_DISCARD_SECURE)
        REFUSE(BLKIF_RSP_EOPNOTSUPP, "secure discard was not offered");
    if (disk->readonly)
        REFUSE(BLKIF_RSP_ERROR, "discard on a read-only disk");
    plan->sector = d.sector_number;
    plan->nr_sectors = d.nr_sectors;
    return check_range(plan, disk, why, why_len);
}

static int plan_indirect_header(const struct blkif_request *req,
                                const struct blk_disk_limits *disk, struct blk_plan *plan,
                                char *why, unsigned int why_len)
{
    struct blkif_request_indirect ind;
    unsigned int pages;

    memcpy(&ind, req, sizeof(ind));
    if (ind.indirect_op != BLKIF_OP_READ && ind.indirect_op != BLKIF_OP_WRITE)
        REFUSE(BLKIF_RSP_ERROR, "indirect operation %u is neither read nor write",
               ind.indirect_op);
    plan->io = ind.indirect_op == BLKIF_OP_READ ? BLK_IO_READ : BLK_IO_WRITE;
    /* Linux's blkfront matches an indirect request's answer against the inner operation. */
    plan->operation = ind.indirect_op;
    if (ind.nr_segments == 0 || ind.nr_segments > BLK_MAX_INDIRECT_SEGMENTS)
        REFUSE(BLKIF_RSP_ERROR, "%u indirect segments (1 to %u)", ind.nr_segments,
               BLK_MAX_INDIRECT_SEGMENTS);
    if (plan->io == BLK_IO_WRITE && disk->readonly)
        REFUSE(BLKIF_RSP_ERROR, "write to a read-only disk");
    pages = (ind.nr_segments + BLK_SEGMENTS_PER_INDIRECT_PAGE - 1) /
            BLK_SEGMENTS_PER_INDIRECT_PAGE;
    plan->sector = ind.sector_number;
    plan->nr_segments = ind.nr_segments;
    plan->nr_indirect_pages = pages;
    memcpy(plan->indirect_grefs, ind.indirect_grefs, pages * sizeof(grant_ref_t));
    return BLKIF_RSP_OKAY;
}

int blk_plan_request(const struct blkif_request *req, const struct blk_disk_limits *disk,
                     struct blk_plan *plan, char *why, unsigned int why_len)
{
    plan->id = req->id;
    plan->operation = req->operation;
    plan->sector = req->sector_number;
    plan->nr_sectors = 0;
    plan->nr_segments = 0;
    plan->nr_indirect_pages = 0;
    why[0] = '\0';
    switch (req->operation) {
    case BLKIF_OP_READ:
        plan->io = BLK_IO_READ;
        return plan_data(req, disk, plan, why, why_len);
    case BLKIF_OP_WRITE:
        plan->io = BLK_IO_WRITE;
        return plan_data(req, disk, plan, why, why_len);
    case BLKIF_OP_FLUSH_DISKCACHE:
        plan->io = BLK_IO_FLUSH;
        return plan_data(req, disk, plan, why, why_len);
    case BLKIF_OP_DISCARD:
        plan->io = BLK_IO_DISCARD;
        return plan_discard(req, disk, plan, why, why_len);
    case BLKIF_OP_INDIRECT:
        return plan_indirect_header(req, disk, plan, why, why_len);
    default:
        REFUSE(BLKIF_RSP_EOPNOTSUPP, "operation %u is not supported", req->operation);
    }
}

int blk_plan_indirect(struct blk_plan *plan, const struct blkif_request_segment *descs,
                      const struct blk_disk_limits *disk, char *why, unsigned int why_len)
{
    int rc = take_segments(plan, descs, plan->nr_segments, why, why_len);

    return rc != BLKIF_RSP_OKAY ? rc : check_range(plan, disk, why, why_len);
}

uint64_t blk_plan_bytes(const struct blk_plan *plan)
{
    return plan->nr_sectors * BLK_SECTOR_SIZE;
}
