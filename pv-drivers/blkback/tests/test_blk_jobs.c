/* Unit tests of what lets lintel-blkback serve several requests at once:
 * the in-flight limit and flush barrier (blk_inflight.c) and the persistent
 * grant cache (blk_pgrant.c) with fake mappings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "blk_inflight.h"
#include "blk_pgrant.h"

static void test_requests_run_together_up_to_the_limit(void **state)
{
    struct blk_inflight q;

    (void)state;
    blk_inflight_init(&q, 3);
    for (int i = 0; i < 3; i++) {
        assert_true(blk_inflight_may_take(&q));
        assert_int_equal(blk_inflight_submit(&q, false), BLK_START_NOW);
    }
    assert_false(blk_inflight_may_take(&q));
    assert_false(blk_inflight_finish(&q));
    assert_true(blk_inflight_may_take(&q));
    assert_int_equal(q.running, 2);
    assert_int_equal(q.peak, 3);
}

static void test_a_flush_waits_for_everything_before_it(void **state)
{
    struct blk_inflight q;

    (void)state;
    blk_inflight_init(&q, 8);
    blk_inflight_submit(&q, false);
    blk_inflight_submit(&q, false);
    assert_int_equal(blk_inflight_submit(&q, true), BLK_START_HELD);
    /* Nothing after the flush is taken while it waits... */
    assert_false(blk_inflight_may_take(&q));
    assert_false(blk_inflight_finish(&q));
    assert_false(blk_inflight_may_take(&q));
    /* ...it starts when the last write before it is done... */
    assert_true(blk_inflight_finish(&q));
    assert_int_equal(q.running, 1);
    /* ...and runs alone until it is answered. */
    assert_false(blk_inflight_may_take(&q));
    assert_false(blk_inflight_finish(&q));
    assert_true(blk_inflight_may_take(&q));
    assert_int_equal(q.running, 0);
}

static void test_a_flush_with_nothing_running_starts_at_once(void **state)
{
    struct blk_inflight q;

    (void)state;
    blk_inflight_init(&q, 8);
    assert_int_equal(blk_inflight_submit(&q, true), BLK_START_NOW);
    assert_false(blk_inflight_may_take(&q));
    assert_false(blk_inflight_finish(&q));
    assert_true(blk_inflight_may_take(&q));
}

static void test_a_limit_of_one_serves_in_order(void **state)
{
    struct blk_inflight q;

    (void)state;
    blk_inflight_init(&q, 0);   /* taken as 1 */
    assert_int_equal(blk_inflight_submit(&q, false), BLK_START_NOW);
    assert_false(blk_inflight_may_take(&q));
    blk_inflight_finish(&q);
    assert_true(blk_inflight_may_take(&q));
    assert_int_equal(q.peak, 1);
}

/* ---- the persistent grant cache, over fake mappings ---- */

struct fake_gntdev {
    uint8_t pages[8][16];
    int mapped_count;
    int maps, unmaps;
    uint32_t bad_gref;      /* a grant the "hypervisor" refuses */
};

static int fake_map(void *ctx, uint32_t gref, void **addr, uint64_t *handle)
{
    struct fake_gntdev *g = ctx;

    if (gref == g->bad_gref)
        return -EINVAL;
    *addr = g->pages[gref % 8];
    *handle = gref;
    g->maps++;
    g->mapped_count++;
    return 0;
}

static void fake_unmap(void *ctx, void *addr, uint64_t handle)
{
    struct fake_gntdev *g = ctx;

    assert_ptr_equal(addr, g->pages[handle % 8]);
    g->unmaps++;
    g->mapped_count--;
}

static const struct blk_pgrant_ops fake_ops = { fake_map, fake_unmap };

static void test_a_grant_is_mapped_once_and_reused(void **state)
{
    static struct blk_pgrant_cache c;
    struct fake_gntdev g = { .bad_gref = 999 };
    void *a, *b;
    int e1, e2;

    (void)state;
    blk_pgrant_init(&c, 4, &fake_ops, &g);
    e1 = blk_pgrant_get(&c, 5, &a);
    assert_true(e1 >= 0);
    assert_ptr_equal(a, g.pages[5]);
    blk_pgrant_put(&c, e1);
    e2 = blk_pgrant_get(&c, 5, &b);
    assert_int_equal(e1, e2);
    assert_ptr_equal(a, b);
    assert_int_equal(g.maps, 1);
    assert_int_equal(c.stats.hits, 1);
    assert_int_equal(c.mapped, 1);
    blk_pgrant_put(&c, e2);
    blk_pgrant_clear(&c);
    assert_int_equal(g.mapped_count, 0);
    assert_int_equal(c.mapped, 0);
}

static void test_full_cache_evicts_the_least_recently_used_unpinned(void **state)
{
    static struct blk_pgrant_cache c;
    struct fake_gntdev g = { .bad_gref = 999 };
    void *a;
    int pinned;

    (void)state;
    blk_pgrant_init(&c, 3, &fake_ops, &g);
    pinned = blk_pgrant_get(&c, 1, &a);                 /* stays pinned */
    blk_pgrant_put(&c, blk_pgrant_get(&c, 2, &a));
    blk_pgrant_put(&c, blk_pgrant_get(&c, 3, &a));
    blk_pgrant_put(&c, blk_pgrant_get(&c, 2, &a));      /* 3 is now the oldest unpinned */
    assert_true(blk_pgrant_get(&c, 4, &a) >= 0);
    assert_int_equal(c.stats.evictions, 1);
    assert_int_equal(g.unmaps, 1);
    assert_int_equal(c.mapped, 3);
    /* 1 (pinned, though older) and 2 stayed: no new map for them. */
    blk_pgrant_put(&c, blk_pgrant_get(&c, 2, &a));
    blk_pgrant_put(&c, blk_pgrant_get(&c, 1, &a));
    assert_int_equal(g.maps, 4);
    /* 3 was dropped: it maps again. */
    blk_pgrant_put(&c, blk_pgrant_get(&c, 3, &a));
    assert_int_equal(g.maps, 5);
    blk_pgrant_put(&c, pinned);
    blk_pgrant_clear(&c);
    assert_int_equal(g.mapped_count, 0);
}

static void test_a_cache_full_of_pinned_pages_refuses(void **state)
{
    static struct blk_pgrant_cache c;
    struct fake_gntdev g = { .bad_gref = 999 };
    void *a;
    int e1, e2;

    (void)state;
    blk_pgrant_init(&c, 2, &fake_ops, &g);
    e1 = blk_pgrant_get(&c, 1, &a);
    e2 = blk_pgrant_get(&c, 2, &a);
    assert_int_equal(blk_pgrant_get(&c, 3, &a), -ENOSPC);
    assert_int_equal(g.maps, 2);
    blk_pgrant_put(&c, e2);
    assert_true(blk_pgrant_get(&c, 3, &a) >= 0);
    blk_pgrant_put(&c, e1);
    blk_pgrant_clear(&c);
    assert_int_equal(g.mapped_count, 0);
}

static void test_a_grant_that_cannot_be_mapped_leaves_nothing(void **state)
{
    static struct blk_pgrant_cache c;
    struct fake_gntdev g = { .bad_gref = 7 };
    void *a = NULL;

    (void)state;
    blk_pgrant_init(&c, 4, &fake_ops, &g);
    assert_int_equal(blk_pgrant_get(&c, 7, &a), -EINVAL);
    assert_null(a);
    assert_int_equal(c.mapped, 0);
    assert_int_equal(c.stats.refused, 1);
    /* The slot it would have used still works. */
    assert_true(blk_pgrant_get(&c, 8, &a) >= 0);
    blk_pgrant_clear(&c);
}

static void test_many_grants_share_buckets(void **state)
{
    static struct blk_pgrant_cache c;
    struct fake_gntdev g = { .bad_gref = UINT32_MAX };
    void *a;

    (void)state;
    blk_pgrant_init(&c, BLK_PGRANT_MAX, &fake_ops, &g);
    /* More references than buckets, and then twice as many as fit. */
    for (uint32_t r = 0; r < 2 * BLK_PGRANT_MAX; r++)
        blk_pgrant_put(&c, blk_pgrant_get(&c, r * 8, &a));
    assert_int_equal(c.mapped, BLK_PGRANT_MAX);
    assert_int_equal(c.stats.evictions, BLK_PGRANT_MAX);
    /* The most recent ones are the ones kept. */
    for (uint32_t r = BLK_PGRANT_MAX; r < 2 * BLK_PGRANT_MAX; r++)
        blk_pgrant_put(&c, blk_pgrant_get(&c, r * 8, &a));
    assert_int_equal(c.stats.hits, BLK_PGRANT_MAX);
    blk_pgrant_clear(&c);
    assert_int_equal(g.mapped_count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_run_together_up_to_the_limit),
        cmocka_unit_test(test_a_flush_waits_for_everything_before_it),
        cmocka_unit_test(test_a_flush_with_nothing_running_starts_at_once),
        cmocka_unit_test(test_a_limit_of_one_serves_in_order),
        cmocka_unit_test(test_a_grant_is_mapped_once_and_reused),
        cmocka_unit_test(test_full_cache_evicts_the_least_recently_used_unpinned),
        cmocka_unit_test(test_a_cache_full_of_pinned_pages_refuses),
        cmocka_unit_test(test_a_grant_that_cannot_be_mapped_leaves_nothing),
        cmocka_unit_test(test_many_grants_share_buckets),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
