/*
 * fuzz: random hypercalls with random and boundary arguments, as dom0.
 * The hypervisor must never crash or hang, and must keep answering: after
 * the run, ordinary hypercalls still work.
 *
 * Command line: "seed=<n> calls=<n>" (defaults: a seed from the TSC, 50000
 * calls). The seed is printed first, so any failure replays exactly.
 *
 * What is random and what is not: every hypercall number (0-127 through
 * the hypercall page, any rax through a raw syscall), every count, domid,
 * command and flag, and the bytes behind pointer arguments. Pointers are
 * either bad (NULL page, unmapped, hypervisor range, non-canonical, running
 * off the end of the scratch area) or point into two scratch pages. Machine
 * frames named in arguments are random, or the hypervisor's own range of
 * RAM, or a sandbox of frames set aside for this - never the frames this
 * kernel runs on, since a dom0 may legitimately scribble over those. For
 * the same reason a few calls are never made at all: iret, kexec,
 * set_trap_table with a readable table, shutdown/block/poll/down of the
 * only vCPU, registering memory areas the hypervisor writes behind our
 * back, self-NMIs, and raw IO-APIC writes.
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

const char kernel_name[] = "fuzz";

#define DEFAULT_CALLS   50000UL
#define PROGRESS_EVERY  10000UL
#define SANDBOX_SLOT    300UL
#define SANDBOX_VA      (0xffff000000000000UL | (SANDBOX_SLOT << 39))
#define SANDBOX_DATA    8
#define RW_FLAGS        (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)
#define RO_FLAGS        (PTE_PRESENT | PTE_ACCESSED)

/* The two scratch pages, and the unmapped guard page right after them. */
static char scratch[3][4096] __attribute__((aligned(4096)));
#define SCRATCH_ARGS  ((uint64_t *)scratch[0])
#define SCRATCH_LIST  ((uint64_t *)scratch[1])
#define GUARD         ((unsigned long)scratch[2])

static char sandbox_tables[3][4096] __attribute__((aligned(4096)));  /* L1, L2, L3 */
static char sandbox_data[SANDBOX_DATA][4096] __attribute__((aligned(4096)));
static unsigned long sandbox_mfns[3 + SANDBOX_DATA];
static unsigned long max_ram_page;

static uint64_t rng_state;

static uint64_t next_random(void)
{
    /* splitmix64: small, fast, and the same sequence on every hypervisor. */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
    return n ? next_random() % n : 0;
}

static uint64_t boundary_value(void)
{
    static const uint64_t values[] = {
        0, 1, 2, 7, 8, 63, 64, 127, 128, 255, 256, 511, 512, 4095, 4096,
        0x7fff, 0x7ff0, 0x7ff1, 0x7ff2, 0x7ff4, 0xffff, 0x7fffffff, 0x80000000,
        0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
        0xffffffffffffffffULL, 0xfffffffffffffff0ULL, 0xffff800000000000ULL,
        0x0000800000000000ULL, 0xffff830000000000ULL,
    };
    return values[below(sizeof(values) / sizeof(values[0]))];
}

static uint64_t bad_pointer(void)
{
    static const uint64_t pointers[] = {
        0, 8, 0x1000, 0xdead000, 0x0000800000000000ULL, 0x00007ffffffff000ULL,
        0xffff800000000000ULL, 0xffff830000000000ULL, 0xffff82d040200000ULL,
        0xffff87fffffff000ULL, 0xfffffffffffff000ULL,
    };
    uint64_t choice = below(sizeof(pointers) / sizeof(pointers[0]) + 2);

    if (choice == sizeof(pointers) / sizeof(pointers[0]))
        return GUARD + below(4096);
    if (choice > sizeof(pointers) / sizeof(pointers[0]))
        return GUARD - 1 - below(64);   /* straddles into the guard page */
    return pointers[choice];
}

static uint64_t pointer_arg(void)
{
    switch (below(8)) {
    case 0:
    case 1:
        return bad_pointer();
    case 2:
        return (uint64_t)SCRATCH_LIST + 8 * below(512);
    default:
        return (uint64_t)SCRATCH_ARGS + 8 * below(16);
    }
}

static uint64_t any_arg(void)
{
    switch (below(6)) {
    case 0:
        return boundary_value();
    case 1:
        return below(64);
    case 2:
    case 3:
        return pointer_arg();
    default:
        return next_random();
    }
}

static int is_sandbox_frame(unsigned long mfn)
{
    for (unsigned int i = 0; i < sizeof(sandbox_mfns) / sizeof(sandbox_mfns[0]); i++)
        if (sandbox_mfns[i] == mfn)
            return 1;
    return 0;
}

/* Frames this kernel runs on (reached through our p2m). */
static int is_own_frame(unsigned long mfn)
{
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
    unsigned long pfn;

    /* shared_info is lent to us: random stores there could unmask events. */
    if (mfn == start_info->shared_info / PAGE_SIZE)
        return 1;
    if (mfn >= max_ram_page)
        return 0;
    pfn = mfn_to_pfn(mfn);
    return pfn < start_info->nr_pages && p2m[pfn] == mfn;
}

static uint64_t frame_arg(void)
{
    uint64_t mfn;

    switch (below(4)) {
    case 0:
        return sandbox_mfns[below(sizeof(sandbox_mfns) / sizeof(sandbox_mfns[0]))];
    case 1:
        mfn = boundary_value() & 0xfffffffffULL;
        break;
    default:
        mfn = below(max_ram_page + 16);
        break;
    }
    if (is_own_frame(mfn) && !is_sandbox_frame(mfn))
        mfn = sandbox_mfns[below(sizeof(sandbox_mfns) / sizeof(sandbox_mfns[0]))];
    return mfn;
}

static uint64_t pte_arg(void)
{
    uint64_t flags = next_random() & 0xfff;

    if (below(8) == 0)
        flags |= next_random() & 0xfff0000000000000ULL;
    return below(16) == 0 ? next_random() : (frame_arg() << 12) | flags;
}

static uint64_t domid_arg(void)
{
    switch (below(4)) {
    case 0:
    case 1:
        return DOMID_SELF;
    case 2:
        return below(4) ? DOMID_SELF + below(16) : 0;
    default:
        return below(4) ? below(0x10000) : next_random();
    }
}

static void fill_random(uint64_t *words, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        words[i] = below(4) ? next_random() : boundary_value();
}

static void fill_frames(uint64_t *words, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        words[i] = frame_arg();
}

/* Addresses for calls that change mappings: never our own, scratch included. */
static uint64_t sandbox_va(void)
{
    uint64_t p;

    switch (below(5)) {
    case 0:
        p = bad_pointer();
        return p >= (uint64_t)scratch[0] && p < GUARD + PAGE_SIZE ? 0x1000 : p;
    case 1:
        return next_random() & ~0xfffULL;
    default:
        return SANDBOX_VA + PAGE_SIZE * below(512);
    }
}

static uint64_t count_arg(unsigned int usual_max)
{
    return below(5) == 0 ? boundary_value() : below(usual_max + 1);
}

/* Each generator fills a[0..4] for one hypercall; returns 0 to skip it. */
static int gen_mmu_update(uint64_t *a)
{
    struct mmu_update *req = (struct mmu_update *)SCRATCH_ARGS;
    unsigned int n = 4096 / sizeof(*req);

    for (unsigned int i = 0; i < n; i++) {
        req[i].ptr = (frame_arg() << 12) + 8 * below(512) + below(8);
        req[i].val = pte_arg();
    }
    a[0] = below(8) ? (uint64_t)req : bad_pointer();
    a[1] = count_arg(32);
    a[2] = below(2) ? (uint64_t)SCRATCH_LIST : (below(2) ? 0 : bad_pointer());
    a[3] = below(6) ? domid_arg() : (domid_arg() | (below(4) << 16));
    return 1;
}

static int gen_update_va_mapping(uint64_t *a)
{
    static const uint64_t masks[] = { UVMF_LOCAL, UVMF_ALL };

    a[0] = sandbox_va();
    a[1] = pte_arg();
    a[2] = below(4) | (below(3) ? masks[below(2)] : pointer_arg());
    a[3] = domid_arg();
    return 1;
}

static int gen_mmuext_op(uint64_t *a)
{
    struct mmuext_op *op = (struct mmuext_op *)SCRATCH_ARGS;
    unsigned int n = 4096 / sizeof(*op);

    for (unsigned int i = 0; i < n; i++) {
        op[i].cmd = below(16) ? (unsigned int)below(22) : (unsigned int)next_random();
        op[i].arg1.mfn = below(3) ? frame_arg() : sandbox_va();
        op[i].arg2.src_mfn = below(2) ? frame_arg() : any_arg();
        /* Any other valid L4 (a fresh frame from increase_reservation
         * validates as an empty one) would leave us without our mappings. */
        if (op[i].cmd == MMUEXT_NEW_BASEPTR)
            op[i].arg1.mfn = virt_to_mfn((void *)start_info->pt_base);
    }
    a[0] = below(8) ? (uint64_t)op : bad_pointer();
    a[1] = count_arg(8);
    a[2] = below(2) ? (uint64_t)SCRATCH_LIST : 0;
    a[3] = domid_arg();
    return 1;
}

static int gen_memory_op(uint64_t *a)
{
    struct xen_memory_reservation *r = (struct xen_memory_reservation *)SCRATCH_ARGS;
    uint64_t cmd = below(8) ? below(32) : next_random();

    fill_random(SCRATCH_ARGS, 64);
    if (cmd == XENMEM_increase_reservation || cmd == XENMEM_decrease_reservation ||
        cmd == XENMEM_populate_physmap || below(4) == 0) {
        fill_frames(SCRATCH_LIST, 64);
        set_xen_guest_handle(r->extent_start, below(6) ? (xen_pfn_t *)SCRATCH_LIST
                                                       : (xen_pfn_t *)bad_pointer());
        r->nr_extents = count_arg(8);
        r->extent_order = below(4) ? 0 : (unsigned int)below(24);
        r->mem_flags = below(2) ? 0 : (unsigned int)next_random();
        r->domid = (domid_t)domid_arg();
    }
    if (cmd == XENMEM_current_reservation || cmd == XENMEM_maximum_reservation)
        *(domid_t *)SCRATCH_ARGS = (domid_t)domid_arg();
    if (below(8) == 0)
        cmd |= below(64) << 6;      /* a continuation's progress field */
    a[0] = cmd;
    a[1] = below(8) ? (uint64_t)SCRATCH_ARGS : bad_pointer();
    return 1;
}

static int gen_vcpu_op(uint64_t *a)
{
    a[0] = below(8) ? below(32) : next_random();
    switch (a[0]) {
    case VCPUOP_down:
    case VCPUOP_register_runstate_memory_area:
    case VCPUOP_register_vcpu_info:
    case 11:    /* VCPUOP_send_nmi */
    case VCPUOP_register_vcpu_time_memory_area:
        return 0;
    }
    fill_random(SCRATCH_ARGS, 64);
    a[1] = below(4) ? below(2) : any_arg();
    a[2] = pointer_arg();
    return 1;
}

static int gen_sched_op(uint64_t *a)
{
    a[0] = below(2) ? SCHEDOP_yield : 16 + below(1000);
    a[1] = pointer_arg();
    return 1;
}

static int gen_console_io(uint64_t *a)
{
    a[0] = below(3) ? below(4) : next_random();
    a[1] = below(64);
    /* Writes only from bad pointers: garbage on the console helps nobody. */
    a[2] = a[0] == CONSOLEIO_write ? bad_pointer() : pointer_arg();
    if (a[0] == CONSOLEIO_write && below(2))
        a[1] = count_arg(16) == 0 ? 0 : boundary_value();
    return 1;
}

/*
 * physdev commands that only manage interrupts and I/O permissions. The
 * others drive real devices on dom0's trusted word (IO-APIC writes, PCI
 * add/remove, MSI set-up): Xen 4.17 itself panics on random ones, e.g.
 * PHYSDEVOP_prepare_msix for a device without MSI-X.
 */
static int physdev_cmd_is_safe(uint64_t cmd)
{
    static const uint8_t safe[] = { 5, 6, 7, 8, 10, 11, 12, 17, 23, 28 };

    if (cmd >= 32)
        return 1;
    for (unsigned int i = 0; i < sizeof(safe); i++)
        if (safe[i] == cmd)
            return 1;
    return 0;
}

static int gen_physdev_op(uint64_t *a)
{
    fill_random(SCRATCH_ARGS, 64);
    a[0] = below(8) ? below(32) : next_random();
    a[1] = pointer_arg();
    return physdev_cmd_is_safe(a[0]);
}

static int gen_physdev_op_compat(uint64_t *a)
{
    fill_random(SCRATCH_ARGS, 64);
    ((uint32_t *)SCRATCH_ARGS)[0] = (uint32_t)below(8) ? (uint32_t)below(32) : (uint32_t)next_random();
    if (!physdev_cmd_is_safe(((uint32_t *)SCRATCH_ARGS)[0]))
        return 0;
    a[0] = below(8) ? (uint64_t)SCRATCH_ARGS : bad_pointer();
    return 1;
}

static int gen_set_debugreg(uint64_t *a)
{
    a[0] = below(4) ? below(8) : any_arg();
    a[1] = next_random();
    /* No breakpoint is ever enabled: bits 0-7 of DR7 stay clear. */
    if (a[0] == 7)
        a[1] &= ~0xffULL;
    return 1;
}

static int gen_update_descriptor(uint64_t *a)
{
    a[0] = (frame_arg() << 12) + 8 * below(512) + (below(8) ? 0 : below(8));
    a[1] = next_random();
    return 1;
}

static int gen_set_gdt(uint64_t *a)
{
    fill_frames(SCRATCH_LIST, 16);
    a[0] = below(8) ? (uint64_t)SCRATCH_LIST : bad_pointer();
    a[1] = count_arg(8192);
    return 1;
}

static int gen_multicall(uint64_t *a)
{
    /* Entries are only ever xen_version(0): the multicall code is the target. */
    struct multicall_entry *e = (struct multicall_entry *)SCRATCH_ARGS;

    for (unsigned int i = 0; i < 8; i++) {
        memory_set(&e[i], 0, sizeof(e[i]));
        e[i].op = __HYPERVISOR_xen_version;
    }
    a[0] = below(2) ? (uint64_t)e : bad_pointer();
    a[1] = a[0] == (uint64_t)e ? below(9) : count_arg(8);
    return 1;
}

static int gen_trap_table(uint64_t *a)
{
    uint64_t p = bad_pointer();

    /* Only unreadable tables: NULL would clear our trap table. */
    if (p < 0x1000)
        p = 0x1000;
    a[0] = p;
    return 1;
}

static int gen_generic(uint64_t *a)
{
    fill_random(SCRATCH_ARGS, 512);
    for (unsigned int i = 0; i < 5; i++)
        a[i] = any_arg();
    return 1;
}

static int generate(unsigned int nr, uint64_t *a)
{
    for (unsigned int i = 0; i < 5; i++)
        a[i] = 0;
    switch (nr) {
    case __HYPERVISOR_set_trap_table:
        return gen_trap_table(a);
    case __HYPERVISOR_mmu_update:
        return gen_mmu_update(a);
    case __HYPERVISOR_set_gdt:
        return gen_set_gdt(a);
    case __HYPERVISOR_sched_op_compat:
    case __HYPERVISOR_sched_op:
        return gen_sched_op(a);
    case __HYPERVISOR_set_debugreg:
        return gen_set_debugreg(a);
    case __HYPERVISOR_update_descriptor:
        return gen_update_descriptor(a);
    case __HYPERVISOR_memory_op:
        return gen_memory_op(a);
    case __HYPERVISOR_multicall:
        return gen_multicall(a);
    case __HYPERVISOR_update_va_mapping:
    case __HYPERVISOR_update_va_mapping_otherdomain:
        return gen_update_va_mapping(a);
    case __HYPERVISOR_console_io:
        return gen_console_io(a);
    case __HYPERVISOR_physdev_op_compat:
        return gen_physdev_op_compat(a);
    case __HYPERVISOR_iret:
    case __HYPERVISOR_kexec_op:
        return 0;
    case __HYPERVISOR_vcpu_op:
        return gen_vcpu_op(a);
    case __HYPERVISOR_mmuext_op:
        return gen_mmuext_op(a);
    case __HYPERVISOR_physdev_op:
        return gen_physdev_op(a);
    default:
        return gen_generic(a);
    }
}

/* A hypercall number the hypercall page has no stub for goes in by hand. */
static long raw_hypercall(uint64_t nr, const uint64_t *a)
{
    register uint64_t rdi asm("rdi") = a[0];
    register uint64_t rsi asm("rsi") = a[1];
    register uint64_t rdx asm("rdx") = a[2];
    register uint64_t r10 asm("r10") = a[3];
    register uint64_t r8 asm("r8") = a[4];
    long result;

    asm volatile("syscall"
                 : "=a"(result), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
                 : "a"(nr)
                 : "memory", "rcx", "r9", "r11");
    return result;
}

static unsigned long parse_number(const char *s)
{
    unsigned long v = 0, base = 10;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (;; s++) {
        unsigned long d;

        if (*s >= '0' && *s <= '9')
            d = (unsigned long)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned long)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned long)(*s - 'A' + 10);
        else
            return v;
        v = v * base + d;
    }
}

static unsigned long option(const char *name, unsigned long fallback)
{
    const char *cmd = (const char *)start_info->cmd_line;
    size_t len = string_length(name);

    for (const char *p = cmd; *p; p++)
        if ((p == cmd || p[-1] == ' ') && string_starts_with(p, name) && p[len] == '=')
            return parse_number(p + len + 1);
    return fallback;
}

static uint64_t read_tsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static long write_pte(uint64_t table_maddr, unsigned int index, uint64_t val)
{
    struct mmu_update req = {
        .ptr = (table_maddr + index * 8) | MMU_NORMAL_PT_UPDATE, .val = val,
    };
    return HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF);
}

TEST(setup_sandbox)
{
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L3_TABLE };

    EXPECT_OK(traps_install());
    max_ram_page = (unsigned long)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, 0);
    EXPECT_TRUE(max_ram_page > start_info->nr_pages);
    for (unsigned int i = 0; i < 3; i++)
        sandbox_mfns[i] = virt_to_mfn(sandbox_tables[i]);
    for (unsigned int i = 0; i < SANDBOX_DATA; i++)
        sandbox_mfns[3 + i] = virt_to_mfn(sandbox_data[i]);
    /* L3 -> L2 -> L1, hooked into our L4 at SANDBOX_SLOT. */
    ((uint64_t *)sandbox_tables[2])[0] = (uint64_t)sandbox_mfns[1] * PAGE_SIZE | RW_FLAGS;
    ((uint64_t *)sandbox_tables[1])[0] = (uint64_t)sandbox_mfns[0] * PAGE_SIZE | RW_FLAGS;
    for (unsigned int i = 0; i < 3; i++)
        EXPECT_OK(remap(sandbox_tables[i], sandbox_mfns[i], RO_FLAGS));
    pin.arg1.mfn = sandbox_mfns[2];
    EXPECT_OK(HYPERVISOR_mmuext_op(&pin, 1, 0, DOMID_SELF));
    EXPECT_OK(write_pte(virt_to_mfn((void *)start_info->pt_base) * PAGE_SIZE, SANDBOX_SLOT,
                        (uint64_t)sandbox_mfns[2] * PAGE_SIZE | RW_FLAGS));
    /* The guard page: pointers running off the scratch area fault there. */
    EXPECT_OK(remap(scratch[2], 0, 0));
}

TEST(random_hypercalls)
{
    unsigned long calls = option("calls", DEFAULT_CALLS);
    unsigned long seed = option("seed", 0), made = 0, skipped = 0;

    if (!seed)
        seed = read_tsc() ^ (read_tsc() << 21);
    rng_state = seed;
    printk("fuzz: seed %#lx, %lu calls (replay with seed=%#lx calls=%lu)\n", seed, calls,
           seed, calls);
    while (made < calls) {
        uint64_t a[5];
        unsigned int nr = (unsigned int)below(128);

        if (below(64) == 0) {
            uint64_t raw = below(2) ? next_random() : 128 + below(1024);

            gen_generic(a);
            raw_hypercall(raw, a);
        } else if (generate(nr, a)) {
            hypercall5(nr, a[0], a[1], a[2], a[3], a[4]);
        } else {
            skipped++;
            continue;
        }
        made++;
        if (made % PROGRESS_EVERY == 0)
            printk("fuzz: %lu calls\n", made);
    }
    testfw_note(testfw_current, "%lu calls made, %lu draws skipped", made, skipped);
    EXPECT_EQ(made, calls);
}

TEST(hypervisor_still_answers)
{
    domid_t self = DOMID_SELF;
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_version, 0) >> 16, 4);
    EXPECT_TRUE(HYPERVISOR_memory_op(XENMEM_current_reservation, &self) > 0);
    EXPECT_OK(HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF));
    EXPECT_ERRNO(HYPERVISOR_mmuext_op(0x1000, 1, 0, DOMID_SELF), XEN_EFAULT);
    /* Our own mappings survived: a scratch write and read. */
    scratch[0][0] = 0x5a;
    EXPECT_EQ(scratch[0][0], 0x5a);
}
