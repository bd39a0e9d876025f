/* Grant tables' pure logic: entry sizes and status frames, the v1/v2
 * claim protocol against what a granter wrote (and rewrote), pin counts,
 * the maptrack handle allocator and its limit, copy bounds. */
#include "unit.h"

#include <lintel/grant_table.h>
#include <public/grant_table.h>

#define MAPPER  3
#define GRANTER 1

static void *test_alloc(size_t bytes)
{
    return calloc(1, bytes);
}

static void entries_per_frame_and_status_frames(void **state)
{
    (void)state;
    assert_int_equal(grant_entries_per_frame(1), 512);
    assert_int_equal(grant_entries_per_frame(2), 256);
    assert_int_equal(grant_status_frames_for(1, 4), 0);
    assert_int_equal(grant_status_frames_for(2, 1), 1);
    assert_int_equal(grant_status_frames_for(2, 8), 1);     /* 2048 entries */
    assert_int_equal(grant_status_frames_for(2, 9), 2);
    assert_int_equal(grant_status_frames_for(2, 64), 8);
}

static grant_entry_v1_t v1_entry(uint16_t flags, uint16_t domid)
{
    return (grant_entry_v1_t){ .flags = flags, .domid = domid, .frame = 0x1234 };
}

static struct grant_entry_ref v1_ref(grant_entry_v1_t *e)
{
    return (struct grant_entry_ref){ .header = (uint32_t *)e, .status = &e->flags,
                                     .version = 1 };
}

static void v1_claim_sets_in_use_bits(void **state)
{
    grant_entry_v1_t e = v1_entry(GTF_permit_access, MAPPER);
    struct grant_entry_ref r = v1_ref(&e);

    (void)state;
    assert_int_equal(grant_entry_claim(&r, MAPPER, true), GNTST_okay);
    assert_int_equal(e.flags, GTF_permit_access | GTF_reading);
    assert_int_equal(grant_entry_claim(&r, MAPPER, false), GNTST_okay);
    assert_int_equal(e.flags, GTF_permit_access | GTF_reading | GTF_writing);
    grant_entry_release(&r, true, false);
    assert_int_equal(e.flags, GTF_permit_access | GTF_reading);
    grant_entry_release(&r, false, true);
    assert_int_equal(e.flags, GTF_permit_access);
    assert_int_equal(e.domid, MAPPER);
    assert_int_equal(grant_entry_frame(&e, 1), 0x1234);
}

static void v1_claim_refusals_change_nothing(void **state)
{
    const struct { uint16_t flags, domid; bool readonly; } bad[] = {
        { GTF_invalid, MAPPER, true },                      /* not granted */
        { GTF_permit_access, MAPPER + 1, true },            /* granted to someone else */
        { GTF_permit_access | GTF_readonly, MAPPER, false },/* write to a read-only grant */
        { GTF_accept_transfer, MAPPER, true },              /* a transfer slot */
        { GTF_transitive, MAPPER, true },                   /* not in v1 */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        grant_entry_v1_t e = v1_entry(bad[i].flags, bad[i].domid);
        struct grant_entry_ref r = v1_ref(&e);

        assert_int_equal(grant_entry_claim(&r, MAPPER, bad[i].readonly), GNTST_general_error);
        assert_int_equal(e.flags, bad[i].flags);
    }
}

static void v2_claim_uses_the_status_word(void **state)
{
    grant_entry_v2_t e = { 0 };
    uint16_t status = 0;
    struct grant_entry_ref r = { .header = (uint32_t *)&e.hdr, .status = &status, .version = 2 };

    (void)state;
    e.full_page.hdr.flags = GTF_permit_access;
    e.full_page.hdr.domid = MAPPER;
    e.full_page.frame = 0x123456789ULL;     /* beyond 32 bits: v2 only */
    assert_int_equal(grant_entry_claim(&r, MAPPER, false), GNTST_okay);
    assert_int_equal(status, GTF_reading | GTF_writing);
    assert_int_equal(e.hdr.flags, GTF_permit_access);
    assert_true(grant_entry_frame(&e, 2) == 0x123456789ULL);
    grant_entry_release(&r, true, true);
    assert_int_equal(status, 0);
    /* Sub-page grants can be copied, never mapped. */
    e.hdr.flags = GTF_permit_access | GTF_sub_page;
    assert_int_equal(grant_entry_claim(&r, MAPPER, true), GNTST_general_error);
    assert_int_equal(status, 0);
    e.hdr.flags = GTF_permit_access | GTF_readonly;
    assert_int_equal(grant_entry_claim(&r, MAPPER, false), GNTST_general_error);
    assert_int_equal(grant_entry_claim(&r, GRANTER, true), GNTST_general_error);
    assert_int_equal(status, 0);
}

static void pin_counts(void **state)
{
    struct grant_active a = { 0 };

    (void)state;
    assert_false(grant_active_pinned(&a));
    grant_active_pin(&a, GNTMAP_host_map | GNTMAP_readonly);
    assert_true(grant_active_pinned(&a));
    assert_false(grant_active_writing(&a));
    grant_active_pin(&a, GNTMAP_host_map | GNTMAP_device_map);
    assert_true(grant_active_writing(&a));
    assert_int_equal(a.host_rw, 1);
    assert_int_equal(a.dev_rw, 1);
    grant_active_unpin(&a, GNTMAP_host_map | GNTMAP_device_map);
    assert_false(grant_active_writing(&a));
    assert_true(grant_active_pinned(&a));
    grant_active_unpin(&a, GNTMAP_host_map | GNTMAP_readonly);
    assert_false(grant_active_pinned(&a));
}

static void pin_counts_stop_at_the_limit(void **state)
{
    const uint32_t dev_ro = GNTMAP_device_map | GNTMAP_readonly;
    struct grant_active a = { 0 };

    (void)state;
    for (unsigned i = 0; i < GRANT_PIN_LIMIT; i++) {
        assert_false(grant_active_full(&a, dev_ro));
        grant_active_pin(&a, dev_ro);
    }
    assert_true(grant_active_full(&a, dev_ro));
    assert_true(grant_active_full(&a, dev_ro | GNTMAP_host_map));
    /* Each kind has its own count. */
    assert_false(grant_active_full(&a, GNTMAP_device_map));
    assert_false(grant_active_full(&a, GNTMAP_host_map | GNTMAP_readonly));
    grant_active_unpin(&a, dev_ro);
    assert_false(grant_active_full(&a, dev_ro));
    for (unsigned i = 0; i < GRANT_PIN_LIMIT; i++)
        a.copies++;
    assert_true(grant_active_copies_full(&a));
}

static void maptrack_hands_out_up_to_its_limit(void **state)
{
    struct maptrack_entry *chunks[2];
    struct maptrack mt;
    uint32_t h;

    (void)state;
    maptrack_init(&mt, chunks, 2, test_alloc);
    for (uint32_t i = 0; i < 2 * MAPTRACK_PER_CHUNK; i++) {
        h = maptrack_get(&mt);
        assert_int_equal(h, i);
        maptrack_slot(&mt, h)->flags = GNTMAP_host_map;
    }
    assert_int_equal(mt.nr_chunks, 2);
    assert_int_equal(maptrack_get(&mt), MAPTRACK_NONE);
    assert_int_equal(mt.in_use, 2 * MAPTRACK_PER_CHUNK);
    /* A freed handle is the next one out; lookups see only live handles. */
    maptrack_put(&mt, 300);
    assert_null(maptrack_lookup(&mt, 300));
    assert_non_null(maptrack_lookup(&mt, 299));
    assert_null(maptrack_lookup(&mt, 2 * MAPTRACK_PER_CHUNK));
    assert_null(maptrack_lookup(&mt, 12345));
    assert_int_equal(maptrack_get(&mt), 300);
    free(chunks[0]);
    free(chunks[1]);
}

static void maptrack_double_put_is_harmless(void **state)
{
    struct maptrack_entry *chunks[1];
    struct maptrack mt;
    uint32_t a, b;

    (void)state;
    maptrack_init(&mt, chunks, 1, test_alloc);
    a = maptrack_get(&mt);
    b = maptrack_get(&mt);
    maptrack_put(&mt, a);
    maptrack_put(&mt, a);
    maptrack_put(&mt, 99999);
    assert_int_equal(mt.in_use, 1);
    assert_int_equal(maptrack_get(&mt), a);
    assert_int_not_equal(maptrack_get(&mt), a);
    assert_int_not_equal(maptrack_get(&mt), b);
    free(chunks[0]);
}

static void *failing_alloc(size_t bytes)
{
    (void)bytes;
    return NULL;
}

static void maptrack_out_of_memory_is_no_space(void **state)
{
    struct maptrack_entry *chunks[4];
    struct maptrack mt;

    (void)state;
    maptrack_init(&mt, chunks, 4, failing_alloc);
    assert_int_equal(maptrack_get(&mt), MAPTRACK_NONE);
    assert_int_equal(mt.nr_chunks, 0);
    maptrack_init(&mt, chunks, 0, test_alloc);
    assert_int_equal(maptrack_get(&mt), MAPTRACK_NONE);
}

static void copy_bounds(void **state)
{
    (void)state;
    assert_true(grant_copy_range_ok(0, 4096));
    assert_true(grant_copy_range_ok(4095, 1));
    assert_true(grant_copy_range_ok(100, 0));
    assert_false(grant_copy_range_ok(4092, 8));
    assert_false(grant_copy_range_ok(0, 4097));
    assert_false(grant_copy_range_ok(4096, 0));
    assert_false(grant_copy_range_ok(65535, 65535));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entries_per_frame_and_status_frames),
        cmocka_unit_test(v1_claim_sets_in_use_bits),
        cmocka_unit_test(v1_claim_refusals_change_nothing),
        cmocka_unit_test(v2_claim_uses_the_status_word),
        cmocka_unit_test(pin_counts),
        cmocka_unit_test(pin_counts_stop_at_the_limit),
        cmocka_unit_test(maptrack_hands_out_up_to_its_limit),
        cmocka_unit_test(maptrack_double_put_is_harmless),
        cmocka_unit_test(maptrack_out_of_memory_is_no_space),
        cmocka_unit_test(copy_bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
