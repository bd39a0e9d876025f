/*
 * segments: data segment selectors and the guest LDT, as Xen 4.17 keeps
 * them for a 64-bit PV vCPU. Selectors from the guest's GDT and LDT load;
 * a far call goes through an LDT code segment; a selector past the LDT's
 * end faults; update_descriptor changes a live LDT entry (and refuses a
 * system descriptor); an LDT page the guest can still write is not used
 * (#PF at the LDT's address) until it is read-only. Across a switch to
 * the other vCPU each keeps its own ds/es/fs/gs and FS base, the second
 * vCPU starts with the selectors of its initial context, and a selector
 * whose descriptor vanished meanwhile is reported through the failsafe
 * callback with the four selectors. Booted with two vCPUs on one pCPU so
 * that both really share it.
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"
#include "lib/vcpus.h"

#include <public/callback.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char kernel_name[] = "segments";

#define DATA_DPL3        0x00cff3000000ffffULL
#define DATA_DPL0        0x00cf93000000ffffULL
#define DATA_NOT_PRESENT 0x00cf73000000ffffULL
#define CODE64_DPL3      0x00affb000000ffffULL
#define TSS_AVAILABLE    0x0000890000000067ULL

/* GDT: entries 1, 2 and 4 data, 3 code; selectors with RPL 3. */
#define GDT_ENTRIES 16
#define SEL_GDT_DATA1  0x0b
#define SEL_GDT_DATA2  0x13
#define SEL_GDT_DATA4  0x23
/* LDT (TI set): 0 data, 1 64-bit code, 2 written later by update_descriptor. */
#define LDT_ENTRIES 3
#define SEL_LDT_DATA   0x07
#define SEL_LDT_CODE   0x0f
#define SEL_LDT_LATER  0x17
#define SEL_LDT_PAST   0x1f

#define gdt_page   ((uint64_t *)scratch_pages[0])
#define ldt_page   ((uint64_t *)scratch_pages[1])
#define loose_page ((uint64_t *)scratch_pages[2])

static unsigned long gdt_mfn;

#define READ_SEG(reg)                                                   \
    ({                                                                  \
        unsigned long v_;                                               \
        asm volatile("mov %%" #reg ", %k0" : "=r"(v_));                 \
        v_ & 0xffff;                                                    \
    })

/* Fills a page of ours with descriptors, then makes it read-only. */
static long make_descriptor_page(uint64_t *page, const uint64_t *descs, unsigned n)
{
    memory_set(page, 0, PAGE_SIZE);
    for (unsigned i = 0; i < n; i++)
        page[i] = descs[i];
    return remap(page, virt_to_mfn(page), PTE_PRESENT | PTE_ACCESSED);
}

static long set_ldt(const void *base, unsigned long entries)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    op.arg1.linear_addr = (unsigned long)base;
    op.arg2.nr_ents = entries;
    return HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF);
}

/* Loads sel into %es under a probe; the trap (if any) is in last_trap. */
static void probe_load_es(unsigned long sel)
{
    trap_reset();
    FAULT_PROBE("mov %k0, %%es", : : "r"(sel));
}

TEST(gdt_selectors_load)
{
    const uint64_t gdt[] = { 0, DATA_DPL3, DATA_DPL3, CODE64_DPL3, DATA_DPL3 };

    EXPECT_OK(traps_install());
    EXPECT_OK(make_descriptor_page(gdt_page, gdt, 5));
    gdt_mfn = virt_to_mfn(gdt_page);
    EXPECT_OK(HYPERVISOR_set_gdt(&gdt_mfn, GDT_ENTRIES));
    asm volatile("mov %k0, %%ds" : : "r"(SEL_GDT_DATA1));
    EXPECT_EQ(READ_SEG(ds), SEL_GDT_DATA1);
    asm volatile("mov %k0, %%ds" : : "r"(0));
    EXPECT_EQ(READ_SEG(ds), 0);
}

/* The far call's target runs with the LDT code selector as CS. */
unsigned long far_target_cs;
extern char ldt_far_target[];
asm(".text\n"
    "ldt_far_target:\n"
    "    mov %cs, %eax\n"
    "    mov %rax, far_target_cs(%rip)\n"
    "    lretq\n");

static struct {
    uint64_t offset;
    uint16_t selector;
} __attribute__((packed)) far_pointer;

TEST(ldt_selectors_load_and_far_call)
{
    const uint64_t ldt[] = { DATA_DPL3, CODE64_DPL3 };

    EXPECT_OK(make_descriptor_page(ldt_page, ldt, 2));
    EXPECT_OK(set_ldt(ldt_page, LDT_ENTRIES));
    probe_load_es(SEL_LDT_DATA);
    EXPECT_EQ(last_trap.count, 0);
    EXPECT_EQ(READ_SEG(es), SEL_LDT_DATA);

    far_pointer.offset = (unsigned long)ldt_far_target;
    far_pointer.selector = SEL_LDT_CODE;
    trap_reset();
    asm volatile("rex64 lcall *%0" : : "m"(far_pointer) : "rax", "memory");
    EXPECT_EQ(last_trap.count, 0);
    EXPECT_EQ(far_target_cs & 0xffff, SEL_LDT_CODE);
}

TEST(ldt_selector_past_the_end_faults)
{
    probe_load_es(SEL_LDT_PAST);
    EXPECT_EQ(last_trap.count, 1);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, SEL_LDT_PAST & ~3UL);
    /* Null is always fine. */
    probe_load_es(0);
    EXPECT_EQ(last_trap.count, 0);
}

TEST(update_descriptor_changes_the_live_ldt)
{
    unsigned long maddr = virt_to_mfn(ldt_page) * PAGE_SIZE;

    /* Entry 2 is empty: it does not load yet. */
    probe_load_es(SEL_LDT_LATER);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, SEL_LDT_LATER & ~3UL);
    /* DPL 0 is raised to 3, since the guest kernel runs in ring 3. */
    EXPECT_OK(HYPERVISOR_update_descriptor(maddr + 16, DATA_DPL0));
    EXPECT_EQ(ldt_page[2], DATA_DPL3);
    probe_load_es(SEL_LDT_LATER);
    EXPECT_EQ(last_trap.count, 0);
    EXPECT_EQ(READ_SEG(es), SEL_LDT_LATER);
    /* A system descriptor is refused and the entry stays as it was. */
    EXPECT_ERRNO(HYPERVISOR_update_descriptor(maddr + 16, TSS_AVAILABLE), XEN_EINVAL);
    EXPECT_EQ(ldt_page[2], DATA_DPL3);
    asm volatile("mov %k0, %%es" : : "r"(0));
}

TEST(writable_ldt_page_is_not_used)
{
    const uint64_t ldt[] = { DATA_DPL3 };

    memory_set(loose_page, 0, PAGE_SIZE);
    loose_page[0] = ldt[0];
    EXPECT_OK(set_ldt(loose_page, 1));
    /* Still mapped writable: the LDT access faults at the LDT's address. */
    probe_load_es(SEL_LDT_DATA);
    EXPECT_EQ(last_trap.count, 1);
    EXPECT_EQ(last_trap.vector, 14);
    EXPECT_EQ(last_trap.cr2, (unsigned long)loose_page);
    /* A not-present read by the CPU itself: no user, write or present bit. */
    EXPECT_EQ(last_trap.error_code, 0);
    /* Read-only now: the same load goes through. */
    EXPECT_OK(remap(loose_page, virt_to_mfn(loose_page), PTE_PRESENT | PTE_ACCESSED));
    probe_load_es(SEL_LDT_DATA);
    EXPECT_EQ(last_trap.count, 0);
    EXPECT_EQ(READ_SEG(es), SEL_LDT_DATA);
    asm volatile("mov %k0, %%es" : : "r"(0));
    /* Back to the real LDT; the loose page may be written again once released. */
    EXPECT_OK(set_ldt(ldt_page, LDT_ENTRIES));
    EXPECT_OK(remap(loose_page, virt_to_mfn(loose_page),
                    PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED));
}

/* ---- two vCPUs on one pCPU ---- */

static char secondary_stack[4 * PAGE_SIZE] __attribute__((aligned(16)));
static vcpu_guest_context_t context;
static volatile unsigned int secondary_runs;
static volatile unsigned long secondary_saw[4];
static unsigned long fs_probe = 0x5e6d5e6d;


static void __attribute__((noreturn)) secondary_main(void)
{
    for (;;) {
        secondary_saw[0] = READ_SEG(ds);
        secondary_saw[1] = READ_SEG(es);
        secondary_saw[2] = READ_SEG(fs);
        secondary_saw[3] = READ_SEG(gs);
        /* Different values everywhere, for vCPU 0 to prove it kept its own. */
        asm volatile("mov %k0, %%ds; mov %k0, %%es; mov %k1, %%fs"
                     : : "r"(SEL_GDT_DATA2), "r"(0));
        __atomic_add_fetch(&secondary_runs, 1, __ATOMIC_SEQ_CST);
        HYPERVISOR_vcpu_op(VCPUOP_down, 1, 0);
    }
}

static int run_secondary_once(void)
{
    unsigned int before = secondary_runs;

    if (HYPERVISOR_vcpu_op(VCPUOP_up, 1, 0))
        return 0;
    return vcpu_wait_count(&secondary_runs, before + 1) && vcpu_wait_down(1);
}

TEST(selectors_survive_a_switch_to_the_other_vcpu)
{
    unsigned long seen;

    vcpu_context_prepare(&context, secondary_main, secondary_stack, sizeof(secondary_stack));
    context.user_regs.ds = SEL_GDT_DATA2;
    context.user_regs.fs = SEL_GDT_DATA1;
    context.gdt_frames[0] = gdt_mfn;
    context.gdt_ents = GDT_ENTRIES;
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &context));

    asm volatile("mov %k0, %%ds; mov %k1, %%es; mov %k2, %%fs"
                 : : "r"(SEL_GDT_DATA1), "r"(SEL_LDT_DATA), "r"(SEL_GDT_DATA2));
    EXPECT_OK(HYPERVISOR_set_segment_base(SEGBASE_FS, (unsigned long)&fs_probe));
    EXPECT_TRUE(run_secondary_once());
    EXPECT_EQ(READ_SEG(ds), SEL_GDT_DATA1);
    EXPECT_EQ(READ_SEG(es), SEL_LDT_DATA);
    EXPECT_EQ(READ_SEG(fs), SEL_GDT_DATA2);
    asm volatile("mov %%fs:0, %0" : "=r"(seen));
    EXPECT_EQ(seen, 0x5e6d5e6d);
    /* The second vCPU started with its context's selectors. */
    EXPECT_EQ(secondary_saw[0], SEL_GDT_DATA2);
    EXPECT_EQ(secondary_saw[2], SEL_GDT_DATA1);
    EXPECT_EQ(secondary_saw[1], 0);
}

/* The failsafe callback records the selectors Xen hands it, then irets. */
volatile unsigned long failsafe_count, failsafe_segments[4], failsafe_saved_rax;
extern char failsafe_entry[];
asm(".text\n"
    "failsafe_entry:\n"
    "    mov %rax, failsafe_saved_rax(%rip)\n"
    "    mov 16(%rsp), %rax\n"
    "    mov %rax, failsafe_segments(%rip)\n"
    "    mov 24(%rsp), %rax\n"
    "    mov %rax, failsafe_segments+8(%rip)\n"
    "    mov 32(%rsp), %rax\n"
    "    mov %rax, failsafe_segments+16(%rip)\n"
    "    mov 40(%rsp), %rax\n"
    "    mov %rax, failsafe_segments+24(%rip)\n"
    "    incq failsafe_count(%rip)\n"
    "    mov (%rsp), %rcx\n"
    "    mov 8(%rsp), %r11\n"
    "    add $48, %rsp\n"           /* rip, cs, rflags, rsp, ss remain */
    "    pushq $0\n"                /* iret flags */
    "    mov failsafe_saved_rax(%rip), %rax\n"
    "    jmp hypercall_page + 23 * 32\n");

TEST(vanished_descriptor_goes_to_the_failsafe_callback)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_failsafe,
        .address = (unsigned long)failsafe_entry,
    };
    unsigned long gdt_maddr = gdt_mfn * PAGE_SIZE;

    EXPECT_OK(HYPERVISOR_callback_op(CALLBACKOP_register, &cb));
    asm volatile("mov %k0, %%es; mov %k1, %%ds" : : "r"(SEL_GDT_DATA4), "r"(SEL_GDT_DATA1));
    /* Loaded already; the CPU keeps it until the vCPU is switched back in. */
    EXPECT_OK(HYPERVISOR_update_descriptor(gdt_maddr + 32, DATA_NOT_PRESENT));
    EXPECT_EQ(READ_SEG(es), SEL_GDT_DATA4);
    EXPECT_TRUE(run_secondary_once());
    EXPECT_TRUE(failsafe_count >= 1);
    EXPECT_EQ(failsafe_segments[0], SEL_GDT_DATA1);
    EXPECT_EQ(failsafe_segments[1], SEL_GDT_DATA4);
    /* The one that did not load is null; the others are back. */
    EXPECT_EQ(READ_SEG(es), 0);
    EXPECT_EQ(READ_SEG(ds), SEL_GDT_DATA1);
    asm volatile("mov %k0, %%ds; mov %k0, %%fs" : : "r"(0));
}
