/*
 * Which requests may run at once. Up to LIMIT requests run concurrently and
 * finish in any order (blkif matches answers by id). A flush is a barrier:
 * it starts only when everything taken before it has finished, so the
 * fdatasync it runs covers every write answered before the flush was
 * taken, and nothing taken after it starts until it is answered. Pure
 * bookkeeping, unit-tested on the host.
 */
#ifndef LINTEL_BLK_INFLIGHT_H
#define LINTEL_BLK_INFLIGHT_H

#include <stdbool.h>

struct blk_inflight {
    unsigned int limit;
    unsigned int running;    /* started, not yet finished */
    bool held;               /* a barrier waits for the running ones to finish */
    bool barrier_running;    /* the one running request is a barrier */
    unsigned int peak;       /* the most that ever ran at once */
};

enum blk_start {
    BLK_START_NOW,           /* run it */
    BLK_START_HELD,          /* keep it; blk_inflight_finish says when */
};

void blk_inflight_init(struct blk_inflight *q, unsigned int limit);
/* Whether another request may be taken off the ring now. */
bool blk_inflight_may_take(const struct blk_inflight *q);
/* A checked request is ready to run; BARRIER for flushes. Only after may_take. */
enum blk_start blk_inflight_submit(struct blk_inflight *q, bool barrier);
/*
 * A running request finished. True when the held barrier may start now
 * (it then counts as running).
 */
bool blk_inflight_finish(struct blk_inflight *q);

#endif
