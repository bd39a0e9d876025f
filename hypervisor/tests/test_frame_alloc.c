/* Frame allocator and frame table: buddy splitting and merging, exhaustion,
 * fragmentation, double frees and bad frees, claimed ranges. */
#include "unit.h"

#include <lintel/errno.h>
#include <lintel/frame.h>

#define NR_FRAMES 1024

static struct page_info table[NR_FRAMES];
static struct frame_allocator fa;

static int setup(void **state)
{
    (void)state;
    frame_allocator_init(&fa, table, NR_FRAMES);
    return 0;
}

static void starts_with_nothing_free(void **state)
{
    (void)state;
    assert_int_equal(fa.free_frames, 0);
    assert_int_equal(frame_alloc(&fa, 0, 1, FRAME_TYPE_NONE), INVALID_MFN);
    assert_int_equal(table[5].state, FRAME_RESERVED);
    assert_int_equal(frame_largest_free_order(&fa), -1);
}

static void free_range_becomes_aligned_blocks(void **state)
{
    (void)state;
    /* 3..1000: blocks of 1, 4, 8, ... up to the alignment that fits. */
    assert_int_equal(frame_add_free_range(&fa, 3, 997), 0);
    assert_int_equal(fa.free_frames, 997);
    assert_int_equal(frame_largest_free_order(&fa), 8);
    assert_int_equal(table[2].state, FRAME_RESERVED);
    assert_int_equal(table[3].state, FRAME_FREE);
    assert_int_equal(table[999].state, FRAME_FREE);
    assert_int_equal(table[1000].state, FRAME_RESERVED);
}

static void rejects_bad_and_overlapping_ranges(void **state)
{
    (void)state;
    assert_int_equal(frame_add_free_range(&fa, 0, 0), -EINVAL);
    assert_int_equal(frame_add_free_range(&fa, NR_FRAMES, 1), -EINVAL);
    assert_int_equal(frame_add_free_range(&fa, 1000, 100), -EINVAL);
    assert_int_equal(frame_add_free_range(&fa, 100, 100), 0);
    assert_int_equal(frame_add_free_range(&fa, 150, 100), -EEXIST);
    /* The failed call changed nothing. */
    assert_int_equal(fa.free_frames, 100);
    assert_int_equal(table[220].state, FRAME_RESERVED);
}

static void alloc_records_owner_and_alignment(void **state)
{
    uint64_t mfn;

    (void)state;
    assert_int_equal(frame_add_free_range(&fa, 0, NR_FRAMES), 0);
    mfn = frame_alloc(&fa, 3, 7, FRAME_TYPE_L1);
    assert_int_not_equal(mfn, INVALID_MFN);
    assert_int_equal(mfn % 8, 0);
    for (uint64_t i = mfn; i < mfn + 8; i++) {
        assert_int_equal(table[i].state, FRAME_IN_USE);
        assert_int_equal(table[i].owner, 7);
        assert_int_equal(table[i].type, FRAME_TYPE_L1);
    }
    assert_int_equal(table[mfn].order, 3);
    assert_int_equal(fa.free_frames, NR_FRAMES - 8);
}

static void exhaustion_returns_invalid_and_recovers(void **state)
{
    uint64_t got[NR_FRAMES];
    unsigned n = 0;

    (void)state;
    assert_int_equal(frame_add_free_range(&fa, 0, 64), 0);
    while ((got[n] = frame_alloc(&fa, 0, 1, FRAME_TYPE_NONE)) != INVALID_MFN)
        n++;
    assert_int_equal(n, 64);
    assert_int_equal(fa.free_frames, 0);
    assert_int_equal(frame_alloc(&fa, 0, 1, FRAME_TYPE_NONE), INVALID_MFN);
    /* Every frame handed out exactly once. */
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = i + 1; j < n; j++)
            assert_int_not_equal(got[i], got[j]);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(frame_free(&fa, got[i], 0), 0);
    /* Everything merged back into one block. */
    assert_int_equal(fa.free_frames, 64);
    assert_int_equal(frame_largest_free_order(&fa), 6);
    assert_int_not_equal(frame_alloc(&fa, 6, 1, FRAME_TYPE_NONE), INVALID_MFN);
}

static void fragmentation_blocks_large_allocs_until_buddies_return(void **state)
{
    uint64_t single[64];

    (void)state;
    assert_int_equal(frame_add_free_range(&fa, 0, 64), 0);
    for (unsigned i = 0; i < 64; i++)
        single[i] = frame_alloc(&fa, 0, 1, FRAME_TYPE_NONE);
    /* Free every other frame: 32 free frames, but no two adjacent. */
    for (unsigned i = 0; i < 64; i += 2)
        assert_int_equal(frame_free(&fa, single[i], 0), 0);
    assert_int_equal(fa.free_frames, 32);
    assert_int_equal(frame_largest_free_order(&fa), 0);
    assert_int_equal(frame_alloc(&fa, 1, 1, FRAME_TYPE_NONE), INVALID_MFN);
    /* Freeing the rest lets the buddies coalesce again. */
    for (unsigned i = 1; i < 64; i += 2)
        assert_int_equal(frame_free(&fa, single[i], 0), 0);
    assert_int_equal(frame_largest_free_order(&fa), 6);
}

static void double_free_is_detected(void **state)
{
    uint64_t mfn, other;

    (void)state;
    assert_int_equal(frame_add_free_range(&fa, 0, 16), 0);
    mfn = frame_alloc(&fa, 2, 1, FRAME_TYPE_NONE);
    other = frame_alloc(&fa, 2, 1, FRAME_TYPE_NONE);
    assert_int_equal(frame_free(&fa, mfn, 2), 0);
    assert_int_equal(frame_free(&fa, mfn, 2), -EALREADY);
    /* Also after the block merged into a bigger free one. */
    assert_int_equal(frame_free(&fa, other, 2), 0);
    assert_int_equal(frame_free(&fa, other, 2), -EALREADY);
    assert_int_equal(fa.free_frames, 16);
}

static void bad_frees_are_rejected(void **state)
{
    uint64_t mfn;

    (void)state;
    assert_int_equal(frame_add_free_range(&fa, 0, 16), 0);
    mfn = frame_alloc(&fa, 2, 1, FRAME_TYPE_NONE);
    assert_int_equal(frame_free(&fa, mfn, 1), -EINVAL);        /* wrong order */
    assert_int_equal(frame_free(&fa, mfn + 1, 0), -EINVAL);    /* inside a block */
    assert_int_equal(frame_free(&fa, 100, 0), -EINVAL);        /* reserved */
    assert_int_equal(frame_free(&fa, NR_FRAMES + 5, 0), -EINVAL);
    assert_int_equal(frame_free(&fa, 0, FRAME_MAX_ORDER + 1), -EINVAL);
    table[mfn].refcount = 1;
    assert_int_equal(frame_free(&fa, mfn, 2), -EBUSY);          /* still referenced */
    table[mfn].refcount = 0;
    assert_int_equal(frame_free(&fa, mfn, 2), 0);
}

static void claimed_ranges_are_in_use_until_released(void **state)
{
    (void)state;
    assert_int_equal(frame_claim_range(&fa, 10, 5, FRAME_OWNER_XEN,
                                       FRAME_TYPE_BOOT_MODULE), 0);
    assert_int_equal(table[12].state, FRAME_IN_USE);
    assert_int_equal(table[12].owner, FRAME_OWNER_XEN);
    assert_int_equal(table[12].type, FRAME_TYPE_BOOT_MODULE);
    assert_int_equal(frame_claim_range(&fa, 14, 2, 0, FRAME_TYPE_NONE), -EEXIST);
    assert_int_equal(frame_free(&fa, 12, 0), -EINVAL);
    assert_int_equal(frame_release_range(&fa, 10, 5), 0);
    assert_int_equal(fa.free_frames, 5);
    assert_int_equal(frame_release_range(&fa, 10, 5), -EALREADY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(starts_with_nothing_free, setup),
        cmocka_unit_test_setup(free_range_becomes_aligned_blocks, setup),
        cmocka_unit_test_setup(rejects_bad_and_overlapping_ranges, setup),
        cmocka_unit_test_setup(alloc_records_owner_and_alignment, setup),
        cmocka_unit_test_setup(exhaustion_returns_invalid_and_recovers, setup),
        cmocka_unit_test_setup(fragmentation_blocks_large_allocs_until_buddies_return, setup),
        cmocka_unit_test_setup(double_free_is_detected, setup),
        cmocka_unit_test_setup(bad_frees_are_rejected, setup),
        cmocka_unit_test_setup(claimed_ranges_are_in_use_until_released, setup),
    };
    return cmocka_run_group_tests_name("frame_alloc", tests, NULL, NULL);
}
