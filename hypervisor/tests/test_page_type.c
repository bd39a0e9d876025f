/* The page-type state machine on a fake frame table: typing and counts,
 * validation of whole trees, the attacks it must refuse, and that every
 * refusal leaves the counts exactly as they were. */
#include "unit.h"

#include <lintel/errno.h>
#include <lintel/page_type.h>

#define NR_FRAMES 64
#define GUEST     1
#define OTHER     2
#define IO_FRAME  3         /* reserved: not RAM the allocator manages */
#define HV_MARK   0xabcdULL /* what the fake hypervisor writes in its slots */

static struct page_info frames[NR_FRAMES];
static uint64_t memory[NR_FRAMES][PT_ENTRIES];
static unsigned released[NR_FRAMES];
static unsigned writable_gone_calls, becoming_table_calls;
/* Preemption requests: stop whenever asked while true, counted. */
static bool preempt_always;
static unsigned preempt_asked;

static uint64_t *fake_entries(void *opaque, uint64_t mfn)
{
    (void)opaque;
    return memory[mfn];
}

static void fake_released(void *opaque, uint64_t mfn)
{
    (void)opaque;
    released[mfn]++;
}

static void fake_hv_slots(void *opaque, uint64_t *l4)
{
    (void)opaque;
    for (unsigned i = PT_HV_L4_FIRST; i <= PT_HV_L4_LAST; i++)
        l4[i] = HV_MARK;
}

static void fake_writable_gone(void *opaque, uint64_t mfn)
{
    (void)opaque;
    (void)mfn;
    writable_gone_calls++;
}

static void fake_becoming_table(void *opaque, uint64_t mfn)
{
    (void)opaque;
    (void)mfn;
    becoming_table_calls++;
}

static bool fake_preempt(void *opaque)
{
    (void)opaque;
    preempt_asked++;
    return preempt_always;
}

#define XEN_SHARED 60        /* a hypervisor frame shared read-only (the M2P) */
#define XEN_PRIVATE 61

static bool fake_xen_shared_ro(void *opaque, uint64_t mfn)
{
    (void)opaque;
    return mfn == XEN_SHARED;
}

static const struct pt_env env = {
    .preempt = fake_preempt, .xen_shared_ro = fake_xen_shared_ro,
    .writable_gone = fake_writable_gone, .becoming_table = fake_becoming_table,
    .frames = frames, .nr_frames = NR_FRAMES, .entries = fake_entries,
    .released = fake_released, .install_hv_slots = fake_hv_slots,
};
static const struct pt_owner guest = { .id = GUEST, .io_ok = false };
static const struct pt_owner dom0 = { .id = GUEST, .io_ok = true };

static int setup(void **state)
{
    (void)state;
    memset(frames, 0, sizeof(frames));
    memset(memory, 0, sizeof(memory));
    memset(released, 0, sizeof(released));
    writable_gone_calls = becoming_table_calls = 0;
    preempt_always = false;
    preempt_asked = 0;
    for (unsigned i = 0; i < NR_FRAMES; i++) {
        frames[i].state = FRAME_IN_USE;
        pt_assign_allocated(&frames[i], i < 40 ? GUEST : OTHER);
    }
    frames[IO_FRAME].state = FRAME_RESERVED;
    frames[IO_FRAME].refcount = 0;
    frames[IO_FRAME].owner = FRAME_OWNER_IO;
    return 0;
}

static uint64_t pte(uint64_t mfn, uint64_t flags)
{
    return (mfn << 12) | flags;
}

#define RO (PT_PRESENT)
#define RW (PT_PRESENT | PT_RW)

static void assert_untouched(uint64_t mfn)
{
    assert_int_equal(frames[mfn].refcount, 1);
    assert_int_equal(frames[mfn].type_count, 0);
    assert_int_equal(frames[mfn].type, FRAME_TYPE_NONE);
}

static void general_refs_only_for_the_owner(void **state)
{
    (void)state;
    assert_int_equal(pt_get_page(&env, 10, GUEST), 0);
    assert_int_equal(frames[10].refcount, 2);
    assert_int_equal(pt_get_page(&env, 50, GUEST), -EINVAL);
    assert_int_equal(pt_get_page(&env, NR_FRAMES, GUEST), -EINVAL);
    assert_int_equal(pt_get_page(&env, IO_FRAME, GUEST), -EINVAL);
    pt_put_page(&env, 10);
    assert_int_equal(released[10], 0);
    assert_int_equal(pt_drop_allocation(&env, GUEST, 10), 0);
    assert_int_equal(released[10], 1);
    assert_int_equal(pt_drop_allocation(&env, GUEST, 50), -EINVAL);
}

static void writable_and_table_exclude_each_other(void **state)
{
    (void)state;
    assert_int_equal(pt_get_page_and_type(&env, &guest, 10, FRAME_TYPE_WRITABLE), 0);
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), -EINVAL);
    assert_int_equal(frames[10].type, FRAME_TYPE_WRITABLE);
    assert_int_equal(frames[10].refcount, 2);
    pt_put_page_and_type(&env, 10);
    assert_untouched(10);
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), 0);
    assert_int_equal(pt_get_page_and_type(&env, &guest, 10, FRAME_TYPE_WRITABLE), -EINVAL);
    assert_int_equal(pt_get_page_and_type(&env, &guest, 10, FRAME_TYPE_L2), -EINVAL);
    assert_int_equal(pt_unpin(&env, &guest, 10), 0);
    assert_untouched(10);
}

static void l1_entries_take_references(void **state)
{
    (void)state;
    memory[10][0] = pte(11, RW);
    memory[10][1] = pte(12, RO);
    memory[10][2] = pte(12, RO);
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), 0);
    assert_int_equal(frames[10].refcount, 2);
    assert_int_equal(frames[10].type_count, 1);
    assert_true(frames[10].flags & FRAME_FLAG_PINNED);
    assert_int_equal(frames[11].type, FRAME_TYPE_WRITABLE);
    assert_int_equal(frames[11].refcount, 2);
    assert_int_equal(frames[12].type_count, 0);
    assert_int_equal(frames[12].refcount, 3);
    /* The guest kernel runs in ring 3. */
    assert_true(memory[10][0] & PT_USER);
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), -EINVAL);
    assert_int_equal(pt_unpin(&env, &guest, 10), 0);
    assert_int_equal(pt_unpin(&env, &guest, 10), -EINVAL);
    assert_untouched(10);
    assert_untouched(11);
    assert_untouched(12);
}

static void refused_entry_rolls_back_the_earlier_ones(void **state)
{
    (void)state;
    memory[10][0] = pte(11, RW);
    memory[10][1] = pte(12, RO);
    memory[10][7] = pte(50, RO);    /* another domain's frame */
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), -EBUSY);
    assert_untouched(10);
    assert_untouched(11);
    assert_untouched(12);
    assert_int_equal(frames[10].flags & FRAME_FLAG_PINNED, 0);
}

static void table_mapping_itself_writable_is_refused(void **state)
{
    (void)state;
    memory[10][3] = pte(10, RW);
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), -EBUSY);
    assert_untouched(10);
    /* Read-only is fine. */
    memory[10][3] = pte(10, RO);
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), 0);
    assert_int_equal(frames[10].refcount, 3);
    assert_int_equal(pt_unpin(&env, &guest, 10), 0);
    assert_untouched(10);
}

/* L4 20 -> L3 21 -> L2 22 -> L1 23 -> data 24 (RW). */
static void build_tree(void)
{
    memory[20][0] = pte(21, RW);
    memory[21][0] = pte(22, RW);
    memory[22][0] = pte(23, RW);
    memory[23][0] = pte(24, RW);
}

static void whole_tree_validates_and_releases(void **state)
{
    (void)state;
    build_tree();
    memory[20][PT_HV_L4_FIRST] = pte(50, RW);   /* ignored: the hypervisor's slot */
    assert_int_equal(pt_pin(&env, &guest, 20, FRAME_TYPE_L4), 0);
    assert_int_equal(frames[21].type, FRAME_TYPE_L3);
    assert_int_equal(frames[22].type, FRAME_TYPE_L2);
    assert_int_equal(frames[23].type, FRAME_TYPE_L1);
    assert_int_equal(frames[24].type, FRAME_TYPE_WRITABLE);
    assert_int_equal(memory[20][PT_HV_L4_FIRST], HV_MARK);
    assert_int_equal(memory[20][PT_HV_L4_LAST], HV_MARK);
    assert_int_equal(frames[50].refcount, 1);
    /* Any table of the tree made writable: refused. */
    for (uint64_t t = 20; t <= 23; t++)
        assert_int_equal(pt_update_entry(&env, &guest, &guest, 23, 5, pte(t, RW)),
                         -EBUSY);
    assert_int_equal(pt_unpin(&env, &guest, 20), 0);
    for (uint64_t f = 20; f <= 24; f++)
        assert_untouched(f);
}

static void cycles_through_levels_are_refused(void **state)
{
    (void)state;
    build_tree();
    memory[21][1] = pte(20, RO);    /* the L3 names its own L4 as an L2 */
    assert_int_equal(pt_pin(&env, &guest, 20, FRAME_TYPE_L4), -EINVAL);
    for (uint64_t f = 20; f <= 24; f++)
        assert_untouched(f);
}

static void recursive_map_read_only_only(void **state)
{
    (void)state;
    build_tree();
    memory[20][510] = pte(20, RW);
    assert_int_equal(pt_pin(&env, &guest, 20, FRAME_TYPE_L4), -EINVAL);
    assert_untouched(20);
    memory[20][510] = pte(20, RO);
    assert_int_equal(pt_pin(&env, &guest, 20, FRAME_TYPE_L4), 0);
    assert_int_equal(frames[20].type_count, 1);
    /* Making the recursive slot writable later: refused, slot unchanged. */
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 20, 510, pte(20, RW)), -EINVAL);
    assert_int_equal(pt_entry_mfn(memory[20][510]), 20);
    assert_false(memory[20][510] & PT_RW);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 20, 510, 0), 0);
    assert_int_equal(frames[20].refcount, 2);
    assert_int_equal(pt_unpin(&env, &guest, 20), 0);
    for (uint64_t f = 20; f <= 24; f++)
        assert_untouched(f);
}

static void hypervisor_slots_cannot_be_updated(void **state)
{
    (void)state;
    assert_int_equal(pt_pin(&env, &guest, 20, FRAME_TYPE_L4), 0);
    for (unsigned s = PT_HV_L4_FIRST; s <= PT_HV_L4_LAST; s++)
        assert_int_equal(pt_update_entry(&env, &guest, &guest, 20, s, 0), -EINVAL);
    assert_int_equal(memory[20][PT_HV_L4_FIRST + 3], HV_MARK);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 20, PT_ENTRIES, 0), -EINVAL);
    assert_int_equal(pt_unpin(&env, &guest, 20), 0);
}

static void updates_move_references(void **state)
{
    (void)state;
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), 0);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 0, pte(11, RW)), 0);
    assert_int_equal(frames[11].type, FRAME_TYPE_WRITABLE);
    /* Same frame, now read-only: the writable type goes. */
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 0, pte(11, RO)), 0);
    assert_int_equal(frames[11].type_count, 0);
    assert_int_equal(frames[11].refcount, 2);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 0, pte(12, RW)), 0);
    assert_untouched(11);
    /* Refused update: old entry and counts stay. */
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 0, pte(50, RW)), -EBUSY);
    assert_int_equal(pt_entry_mfn(memory[10][0]), 12);
    assert_int_equal(frames[12].refcount, 2);
    /* Another domain's table. */
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 50, 0, 0), -EINVAL);
    /* A table of a domain naming another as page owner (foreign mapping). */
    {
        const struct pt_owner other = { .id = OTHER };
        assert_int_equal(pt_update_entry(&env, &guest, &other, 10, 1, pte(50, RW)), 0);
        assert_int_equal(frames[50].type, FRAME_TYPE_WRITABLE);
    }
    assert_int_equal(pt_unpin(&env, &guest, 10), 0);
    assert_untouched(10);
    assert_untouched(12);
    assert_untouched(50);
}

static void plain_frames_are_written_as_memory(void **state)
{
    (void)state;
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 15, 4, 0x1234), 0);
    assert_int_equal(memory[15][4], 0x1234);
    assert_untouched(15);
}

static void entry_flag_rules(void **state)
{
    (void)state;
    assert_int_equal(pt_check_entry_flags(1, pte(5, RW | PT_GLOBAL | PT_NX), false), 0);
    assert_int_equal(pt_check_entry_flags(1, pte(5, RW | PT_PCD), false), -EINVAL);
    assert_int_equal(pt_check_entry_flags(1, pte(5, RW | PT_PCD), true), 0);
    assert_int_equal(pt_check_entry_flags(1, pte(5, RW) | (1ULL << 52), false), 0);
    assert_int_equal(pt_check_entry_flags(2, pte(5, RW) | (1ULL << 52), false), 0);
    assert_int_equal(pt_check_entry_flags(2, pte(5, RW | PT_PSE), true), -EINVAL);
    assert_int_equal(pt_check_entry_flags(3, pte(5, RW | PT_GLOBAL), true), -EINVAL);
    assert_int_equal(pt_check_entry_flags(4, pte(5, RW | PT_ACCESSED | PT_DIRTY), false), 0);
    /* Not present: anything goes (the guest keeps swap entries there). */
    assert_int_equal(pt_check_entry_flags(2, ~PT_PRESENT, false), 0);
    memory[10][0] = pte(11, RW | PT_PSE);
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L2), -EINVAL);
    assert_untouched(11);
}

static void io_frames_only_for_the_privileged(void **state)
{
    (void)state;
    memory[10][0] = pte(IO_FRAME, RW | PT_PCD);
    memory[10][1] = pte(NR_FRAMES + 100, RW);
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), -EINVAL);
    assert_int_equal(pt_pin(&env, &dom0, 10, FRAME_TYPE_L1), 0);
    assert_int_equal(frames[IO_FRAME].refcount, 0);
    assert_int_equal(pt_unpin(&env, &dom0, 10), 0);
    assert_untouched(10);
    /* A table cannot live in I/O memory. */
    assert_int_equal(pt_pin(&env, &dom0, IO_FRAME, FRAME_TYPE_L1), -EINVAL);
}

static void given_back_frame_lives_until_unmapped(void **state)
{
    (void)state;
    memory[10][0] = pte(11, RW);
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), 0);
    assert_int_equal(pt_drop_allocation(&env, GUEST, 11), 0);
    assert_int_equal(released[11], 0);
    assert_int_equal(pt_drop_allocation(&env, GUEST, 11), -EINVAL);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 0, 0), 0);
    assert_int_equal(released[11], 1);
    /* A pinned table given back is unpinned and freed. */
    assert_int_equal(pt_drop_allocation(&env, GUEST, 10), 0);
    assert_int_equal(released[10], 1);
}

static void level_and_type_arguments_checked(void **state)
{
    (void)state;
    assert_int_equal(pt_pin(&env, &guest, 10, 0), -EINVAL);
    assert_int_equal(pt_pin(&env, &guest, 10, 5), -EINVAL);
    assert_int_equal(pt_pin(&env, &guest, NR_FRAMES + 1, 1), -EINVAL);
    assert_int_equal(pt_unpin(&env, &guest, NR_FRAMES + 1), -EINVAL);
    assert_int_equal(pt_get_page_and_type(&env, &guest, 10, FRAME_TYPE_HYPERVISOR), -EINVAL);
    assert_untouched(10);
}

static void flush_hooks_see_writable_to_table(void **state)
{
    (void)state;
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), 0);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 0, pte(11, RW)), 0);
    assert_int_equal(writable_gone_calls, 0);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 0, 0), 0);
    assert_int_equal(writable_gone_calls, 1);
    becoming_table_calls = 0;
    assert_int_equal(pt_pin(&env, &guest, 11, FRAME_TYPE_L1), 0);
    assert_int_equal(becoming_table_calls, 1);
    /* A second reference of the same type validates nothing. */
    assert_int_equal(pt_get_page_and_type(&env, &guest, 11, FRAME_TYPE_L1), 0);
    assert_int_equal(becoming_table_calls, 1);
    pt_put_page_and_type(&env, 11);
    assert_int_equal(pt_unpin(&env, &guest, 11), 0);
    assert_int_equal(pt_unpin(&env, &guest, 10), 0);
}

static void lent_hypervisor_page_is_never_released(void **state)
{
    (void)state;
    /* shared_info: owned by the guest for mapping, but not its memory. */
    frames[30].refcount = 0;
    frames[30].flags = 0;
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), 0);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 0, pte(30, RW)), 0);
    assert_int_equal(frames[30].refcount, 1);
    assert_int_equal(pt_drop_allocation(&env, GUEST, 30), -EINVAL);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 0, 0), 0);
    assert_int_equal(frames[30].refcount, 0);
    assert_int_equal(pt_unpin(&env, &guest, 10), 0);
}

static void shared_subtables_are_counted_not_revalidated(void **state)
{
    (void)state;
    /* L2 10 maps L1 11 twice; L1 11 maps data 12 read-write. */
    memory[10][0] = pte(11, RW);
    memory[10][1] = pte(11, RW);
    memory[11][0] = pte(12, RW);
    becoming_table_calls = 0;
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L2), 0);
    assert_int_equal(becoming_table_calls, 2);  /* 10 and 11, each once */
    assert_int_equal(frames[11].type_count, 2);
    assert_int_equal(frames[12].type_count, 1);
    /* Dropping one of the two entries keeps the L1 a table. */
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 1, 0), 0);
    assert_int_equal(frames[11].type, FRAME_TYPE_L1);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 11, 0, 0), 0);
    assert_untouched(12);
    assert_int_equal(pt_unpin(&env, &guest, 10), 0);
    assert_untouched(10);
    assert_untouched(11);
}

static void privileged_caller_pins_another_domains_table(void **state)
{
    const struct pt_owner other = { .id = OTHER };

    (void)state;
    /* What a toolstack does while building a guest: the table and what it
     * maps are the guest's; the guest's own frames only. */
    memory[50][0] = pte(51, RW);
    memory[50][1] = pte(10, RO);    /* one of GUEST's frames */
    assert_int_equal(pt_pin(&env, &other, 50, FRAME_TYPE_L1), -EBUSY);
    assert_untouched(51);
    memory[50][1] = 0;
    assert_int_equal(pt_pin(&env, &other, 50, FRAME_TYPE_L1), 0);
    assert_int_equal(frames[51].type, FRAME_TYPE_WRITABLE);
    assert_int_equal(pt_unpin(&env, &guest, 50), -EINVAL);
    assert_int_equal(pt_unpin(&env, &other, 50), 0);
    assert_untouched(50);
    assert_untouched(51);
}

/* Chains frames into a domain list through page_info.next. */
static uint32_t chain(const unsigned *mfns, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        frames[mfns[i]].next = i + 1 < n ? mfns[i + 1] : FRAME_LINK_NONE;
    return mfns[0];
}

static void dying_domain_frees_all_but_what_others_map(void **state)
{
    static const unsigned list[] = { 24, 20, 23, 21, 22, 25, 26 };
    const struct pt_owner other = { .id = OTHER };

    (void)state;
    build_tree();                           /* L4 20 .. L1 23 -> data 24 */
    memory[23][1] = pte(25, RO);
    assert_int_equal(pt_pin(&env, &guest, 20, FRAME_TYPE_L4), 0);
    assert_int_equal(pt_pin(&env, &guest, 22, FRAME_TYPE_L2), 0);
    /* Another domain's table maps guest frame 26 (a foreign mapping). */
    assert_int_equal(pt_pin(&env, &other, 50, FRAME_TYPE_L1), 0);
    assert_int_equal(pt_update_entry(&env, &other, &guest, 50, 0, pte(26, RW)), 0);

    uint32_t head = chain(list, 7);

    pt_release_domain_frames(&env, GUEST, &head);
    for (unsigned f = 20; f <= 25; f++) {
        assert_int_equal(released[f], 1);
        assert_int_equal(frames[f].refcount, 0);
        assert_int_equal(frames[f].type_count, 0);
        assert_int_equal(frames[f].flags & (FRAME_FLAG_PINNED | FRAME_FLAG_ALLOCATED), 0);
    }
    /* Still mapped by the other domain: alive until that entry goes. */
    assert_int_equal(released[26], 0);
    assert_int_equal(frames[26].type, FRAME_TYPE_WRITABLE);
    /* ...and nobody's: a new domain with the same id cannot take it. */
    assert_int_equal(frames[26].owner, PT_OWNER_ORPHAN);
    assert_int_equal(pt_get_page(&env, 26, GUEST), -EINVAL);
    assert_int_equal(pt_update_entry(&env, &other, &guest, 50, 1, pte(26, RO)), -EBUSY);
    assert_int_equal(pt_update_entry(&env, &other, &guest, 50, 0, 0), 0);
    assert_int_equal(released[26], 1);
    assert_int_equal(pt_unpin(&env, &other, 50), 0);
    assert_untouched(50);
}

/* L4 20 -> L3 21 -> L2 22 -> L1s 23, 27, 28 -> data 24 (RW) and 25 (RO). */
static void build_wide_tree(void)
{
    build_tree();
    memory[22][1] = pte(27, RO);
    memory[22][2] = pte(28, RO);
    memory[27][0] = pte(25, RO);
    memory[28][7] = pte(25, RO);
}

/* Pins 20 as an L4 preemptibly, re-asking as a continuation would. */
static int pin_to_the_end(unsigned *restarts)
{
    int rc;

    *restarts = 0;
    while ((rc = pt_pin_preemptible(&env, &guest, 20, FRAME_TYPE_L4)) == -PT_ERESTART)
        (*restarts)++;
    return rc;
}

static void preempted_pin_ends_as_an_unpreempted_one(void **state)
{
    unsigned restarts;

    (void)state;
    build_wide_tree();
    preempt_always = true;
    assert_int_equal(pin_to_the_end(&restarts), 0);
    /* Stops between the L1s (never inside one): after 23 and after 27. */
    assert_int_equal(restarts, 2);
    for (uint64_t f = 21; f <= 23; f++)
        assert_int_equal(frames[f].type, FRAME_TYPE_L4 - (f - 20));
    assert_int_equal(frames[27].type, FRAME_TYPE_L1);
    assert_int_equal(frames[28].type, FRAME_TYPE_L1);
    assert_int_equal(frames[25].refcount, 3);
    assert_int_equal(memory[20][PT_HV_L4_FIRST], HV_MARK);
    for (uint64_t f = 20; f <= 28; f++)
        assert_int_equal(frames[f].flags & (FRAME_FLAG_PARTIAL | FRAME_FLAG_CHILD_PARTIAL), 0);
    assert_int_equal(frames[20].refcount, 2);    /* allocation + pin, no self-reference */
    assert_int_equal(pt_unpin(&env, &guest, 20), 0);
    for (uint64_t f = 20; f <= 28; f++)
        if (f != 26)
            assert_untouched(f);
    /* Not preemptible, or nothing pending: never asked to stop early. */
    preempt_always = false;
    assert_int_equal(pin_to_the_end(&restarts), 0);
    assert_int_equal(restarts, 0);
    assert_int_equal(pt_unpin(&env, &guest, 20), 0);
    preempt_asked = 0;
    assert_int_equal(pt_pin(&env, &guest, 20, FRAME_TYPE_L4), 0);
    assert_int_equal(preempt_asked, 0);
    assert_int_equal(pt_unpin(&env, &guest, 20), 0);
}

static void stopped_validation_keeps_the_tables_out_of_reach(void **state)
{
    (void)state;
    build_wide_tree();
    preempt_always = true;
    assert_int_equal(pt_pin_preemptible(&env, &guest, 20, FRAME_TYPE_L4), -PT_ERESTART);
    assert_true(frames[20].flags & FRAME_FLAG_PARTIAL);
    assert_true(frames[22].flags & FRAME_FLAG_PARTIAL);
    assert_int_equal(frames[22].nr_validated, 1);
    assert_false(frames[20].flags & FRAME_FLAG_PINNED);
    assert_int_equal(frames[20].refcount, 2);    /* allocation + its self-reference */
    /* Half-validated tables cannot be written, nor used as another type. */
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 22, 3, pte(24, RO)), -EINVAL);
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 23, 5, pte(22, RW)), -EBUSY);
    assert_int_equal(pt_pin(&env, &guest, 22, FRAME_TYPE_L1), -EINVAL);
    assert_int_equal(pt_unpin(&env, &guest, 20), -EINVAL);
    assert_int_equal(memory[22][3], 0);
    /* Anyone asking for the same type finishes it (unpreemptibly here). */
    assert_int_equal(pt_pin(&env, &guest, 22, FRAME_TYPE_L2), 0);
    assert_false(frames[22].flags & FRAME_FLAG_PARTIAL);
    assert_int_equal(frames[28].type, FRAME_TYPE_L1);
    /* ...and the stopped pin then completes around it. */
    preempt_always = false;
    assert_int_equal(pt_pin_preemptible(&env, &guest, 20, FRAME_TYPE_L4), 0);
    assert_int_equal(frames[22].type_count, 2);
    assert_int_equal(pt_unpin(&env, &guest, 20), 0);
    assert_int_equal(pt_unpin(&env, &guest, 22), 0);
    for (uint64_t f = 20; f <= 28; f++)
        if (f != 26)
            assert_untouched(f);
}

static void refusal_after_a_stop_undoes_every_step(void **state)
{
    unsigned restarts;

    (void)state;
    build_wide_tree();
    memory[28][9] = pte(50, RO);    /* the last L1 maps another domain's frame */
    preempt_always = true;
    assert_int_equal(pin_to_the_end(&restarts), -EBUSY);
    assert_int_equal(restarts, 2);
    for (uint64_t f = 20; f <= 28; f++)
        if (f != 26)
            assert_untouched(f);
    assert_int_equal(frames[50].refcount, 1);
}

static void dying_domain_undoes_a_stopped_validation(void **state)
{
    static const unsigned list[] = { 24, 20, 23, 21, 22, 25, 27, 28 };
    uint32_t head = chain(list, 8);

    (void)state;
    build_wide_tree();
    preempt_always = true;
    assert_int_equal(pt_pin_preemptible(&env, &guest, 20, FRAME_TYPE_L4), -PT_ERESTART);
    /* Given back while half validated: kept alive by the stopped validation. */
    assert_int_equal(pt_drop_allocation(&env, GUEST, 20), 0);
    assert_int_equal(released[20], 0);
    pt_release_domain_frames(&env, GUEST, &head);
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(released[list[i]], 1);
        assert_int_equal(frames[list[i]].refcount, 0);
        assert_int_equal(frames[list[i]].type_count, 0);
        assert_int_equal(frames[list[i]].flags & (FRAME_FLAG_PARTIAL | FRAME_FLAG_CHILD_PARTIAL), 0);
    }
}

static void upper_entry_update_resumes_its_tables_validation(void **state)
{
    unsigned restarts = 0;
    int rc;

    (void)state;
    build_wide_tree();
    memory[20][0] = 0;
    assert_int_equal(pt_pin(&env, &guest, 20, FRAME_TYPE_L4), 0);
    preempt_always = true;
    while ((rc = pt_update_entry_preemptible(&env, &guest, &guest, 20, 0, pte(21, RW))) ==
           -PT_ERESTART) {
        restarts++;
        assert_int_equal(memory[20][0], 0);     /* stored only once validated */
        assert_int_equal(frames[21].refcount, 2);   /* allocation + partial */
    }
    assert_int_equal(rc, 0);
    assert_int_equal(restarts, 2);
    assert_true(memory[20][0] & PT_PRESENT);
    assert_int_equal(frames[21].type_count, 1);
    assert_int_equal(frames[28].type, FRAME_TYPE_L1);
    assert_int_equal(pt_unpin(&env, &guest, 20), 0);
    for (uint64_t f = 20; f <= 28; f++)
        if (f != 26)
            assert_untouched(f);
}

static void domid_xen_maps_only_shared_frames_read_only(void **state)
{
    const struct pt_owner xen = { .id = FRAME_OWNER_XEN };

    (void)state;
    for (unsigned f = XEN_SHARED; f <= XEN_PRIVATE; f++) {
        frames[f].owner = FRAME_OWNER_XEN;
        frames[f].refcount = 0;
        frames[f].flags = 0;
        frames[f].type = FRAME_TYPE_HYPERVISOR;
    }
    assert_int_equal(pt_pin(&env, &guest, 10, FRAME_TYPE_L1), 0);
    assert_int_equal(pt_update_entry(&env, &guest, &xen, 10, 0, pte(XEN_SHARED, RO)), 0);
    assert_int_equal(frames[XEN_SHARED].refcount, 1);
    assert_int_equal(pt_update_entry(&env, &guest, &xen, 10, 1, pte(XEN_SHARED, RW)), -EBUSY);
    assert_int_equal(pt_update_entry(&env, &guest, &xen, 10, 1, pte(XEN_PRIVATE, RO)), -EBUSY);
    assert_int_equal(pt_update_entry(&env, &guest, &xen, 10, 1, pte(11, RO)), -EBUSY);
    /* Without DOMID_XEN the guest cannot name them at all. */
    assert_int_equal(pt_update_entry(&env, &guest, &guest, 10, 1, pte(XEN_SHARED, RO)), -EBUSY);
    assert_int_equal(frames[XEN_SHARED].type, FRAME_TYPE_HYPERVISOR);
    assert_int_equal(frames[XEN_PRIVATE].refcount, 0);
    assert_int_equal(pt_unpin(&env, &guest, 10), 0);
    assert_int_equal(frames[XEN_SHARED].refcount, 0);
    assert_untouched(10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(general_refs_only_for_the_owner, setup),
        cmocka_unit_test_setup(writable_and_table_exclude_each_other, setup),
        cmocka_unit_test_setup(l1_entries_take_references, setup),
        cmocka_unit_test_setup(refused_entry_rolls_back_the_earlier_ones, setup),
        cmocka_unit_test_setup(table_mapping_itself_writable_is_refused, setup),
        cmocka_unit_test_setup(whole_tree_validates_and_releases, setup),
        cmocka_unit_test_setup(cycles_through_levels_are_refused, setup),
        cmocka_unit_test_setup(recursive_map_read_only_only, setup),
        cmocka_unit_test_setup(hypervisor_slots_cannot_be_updated, setup),
        cmocka_unit_test_setup(updates_move_references, setup),
        cmocka_unit_test_setup(plain_frames_are_written_as_memory, setup),
        cmocka_unit_test_setup(entry_flag_rules, setup),
        cmocka_unit_test_setup(io_frames_only_for_the_privileged, setup),
        cmocka_unit_test_setup(given_back_frame_lives_until_unmapped, setup),
        cmocka_unit_test_setup(level_and_type_arguments_checked, setup),
        cmocka_unit_test_setup(flush_hooks_see_writable_to_table, setup),
        cmocka_unit_test_setup(lent_hypervisor_page_is_never_released, setup),
        cmocka_unit_test_setup(shared_subtables_are_counted_not_revalidated, setup),
        cmocka_unit_test_setup(privileged_caller_pins_another_domains_table, setup),
        cmocka_unit_test_setup(dying_domain_frees_all_but_what_others_map, setup),
        cmocka_unit_test_setup(preempted_pin_ends_as_an_unpreempted_one, setup),
        cmocka_unit_test_setup(stopped_validation_keeps_the_tables_out_of_reach, setup),
        cmocka_unit_test_setup(refusal_after_a_stop_undoes_every_step, setup),
        cmocka_unit_test_setup(dying_domain_undoes_a_stopped_validation, setup),
        cmocka_unit_test_setup(domid_xen_maps_only_shared_frames_read_only, setup),
        cmocka_unit_test_setup(upper_entry_update_resumes_its_tables_validation, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
