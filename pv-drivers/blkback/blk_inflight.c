#include "blk_inflight.h"

void blk_inflight_init(struct blk_inflight *q, unsigned int limit)
{
    *q = (struct blk_inflight){ .limit = limit ? limit : 1 };
}

bool blk_inflight_may_take(const struct blk_inflight *q)
{
    return !q->held && !q->barrier_running && q->running < q->limit;
}

static void start(struct blk_inflight *q, bool barrier)
{
    q->running++;
    q->barrier_running = barrier;
    if (q->running > q->peak)
        q->peak = q->running;
}

enum blk_start blk_inflight_submit(struct blk_inflight *q, bool barrier)
{
    if (barrier && q->running) {
        q->held = true;
        return BLK_START_HELD;
    }
    start(q, barrier);
    return BLK_START_NOW;
}

bool blk_inflight_finish(struct blk_inflight *q)
{
    if (q->running)
        q->running--;
    if (q->running == 0)
        q->barrier_running = false;
    if (q->held && q->running == 0) {
        q->held = false;
        start(q, true);
        return true;
    }
    return false;
}
