/*
 * PV vCPU mechanism: CPU set-up for running guests in ring 3, per-vCPU
 * state, the entry dispatch from a guest, the exit work on the way back
 * and the context switch the scheduler calls.
 *
 * Each pCPU has its own guest-entry stack, syscall stub and current vCPU
 * (percpu.h, smp.h). The guest frame always sits at the top of the pCPU's
 * stack block, so a context switch is "save that frame into prev, load
 * next's into it, return from it".
 */
#include <lintel/domain.h>
#include <lintel/event.h>
#include <lintel/hypercall.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/printk.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>
#include <lintel/sched.h>
#include <lintel/smp.h>
#include <lintel/softirq.h>
#include <lintel/traps.h>
#include <lintel/x86.h>
#include <public/xen.h>

#define MSR_STAR            0xC0000081
#define MSR_LSTAR           0xC0000082
#define MSR_CSTAR           0xC0000083
#define MSR_SYSCALL_MASK    0xC0000084
#define MSR_FS_BASE         0xC0000100
#define MSR_GS_BASE         0xC0000101
#define EFER_SCE            (1UL << 0)
#define CR0_MP              (1UL << 1)
#define CR0_EM              (1UL << 2)
#define CR0_TS              (1UL << 3)
#define CR4_OSFXSR          (1UL << 9)
#define CR4_OSXMMEXCPT      (1UL << 10)

#define RFLAGS_TF   (1UL << 8)
#define RFLAGS_IF   (1UL << 9)
#define RFLAGS_DF   (1UL << 10)
#define RFLAGS_NT   (1UL << 14)
#define RFLAGS_AC   (1UL << 18)

extern const char pv_interrupt_stubs[];

static uint64_t hypervisor_cr3;

struct cpu_regs *pv_frame(void)
{
    return this_cpu_guest_frame();
}

static void install_idt_gates(void)
{
    for (unsigned v = 0; v < 256; v++) {
        /* int3, into and int $0x80 may be raised by the guest directly. */
        unsigned dpl = (v == 3 || v == 4 || v == 0x80) ? 3 : 0;

        idt_set_handler(v, pv_interrupt_stubs + v * 16, dpl);
    }
}

/* What every pCPU needs before it runs a guest (the boot CPU and each AP). */
void pv_exec_cpu_init(void)
{
    unsigned cpu = smp_processor_id();

    tss_set_rsp0(cpu_stack_top(cpu));
    /* sysret would return to FLAT_RING3_CS32 + 16 = 0xe033; we return by iretq. */
    wrmsr(MSR_STAR, (0xe023ULL << 48) | ((uint64_t)HYPERVISOR_CS << 32));
    wrmsr(MSR_LSTAR, smp_syscall_entry(cpu, false));
    wrmsr(MSR_CSTAR, smp_syscall_entry(cpu, true));
    wrmsr(MSR_SYSCALL_MASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* Guests use SSE: the OS-support bits must be on, x87 emulation off. */
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    pv_xstate_cpu_init();
    __asm__ volatile("mov %%cr0, %%rax; or %0, %%rax; and %1, %%rax; mov %%rax, %%cr0"
                     : : "i"(CR0_MP), "i"(~(CR0_EM | CR0_TS)) : "rax", "memory");
}

void pv_exec_init(void)
{
    hypervisor_cr3 = read_cr3();
    install_idt_gates();
    pv_exec_cpu_init();
    printk("pv: guest entry ready (syscall hypercalls, ring-3 kernels)\n");
}

int pv_vcpu_init(struct vcpu *v)
{
    struct pv_vcpu *pv = &v->pv;

    memset(pv, 0, sizeof(*pv));
    if (pv_xstate_vcpu_init(v))
        return -1;
    pv->in_kernel = true;
    pv->kernel_ss = PV_KERNEL_SS;
    pv_debugreg_init(v);
    if (v->id < XEN_LEGACY_MAX_VCPUS && v->domain->shared_info) {
        struct shared_info *s = v->domain->shared_info;
        pv->vcpu_info = &s->vcpu_info[v->id];
        pv->vcpu_info_mfn = v->domain->shared_info_mfn;
        /* Events stay masked until the guest says it can take them. */
        s->vcpu_info[v->id].evtchn_upcall_mask = 1;
    }
    return 0;
}

void pv_vcpu_destroy(struct vcpu *v)
{
    /* The descriptor-table frames it holds typed go back to the domain. */
    pv_ldt_release(v);
    pv_gdt_release(v);
    /* So does a vcpu_info registered in a page of its own (VCPUOP_register_vcpu_info). */
    if (v->pv.vcpu_info_mfn && v->pv.vcpu_info_mfn != v->domain->shared_info_mfn) {
        put_page_type(v->pv.vcpu_info_mfn);
        put_page(v->pv.vcpu_info_mfn);
        v->pv.vcpu_info = NULL;
        v->pv.vcpu_info_mfn = 0;
    }
    xfree(v->pv.fpu_area);
    v->pv.fpu_area = NULL;
}

struct cpu_regs *pv_guest_regs(struct vcpu *v)
{
    if (v == current_vcpu())
        return pv_frame();
    return (struct cpu_regs *)v->pv.saved_regs;
}

uint64_t pv_vcpu_guest_rip(const struct vcpu *v)
{
    return pv_guest_regs((struct vcpu *)v)->rip;
}

struct vcpu_info *pv_vcpu_info(struct vcpu *v)
{
    return v->pv.vcpu_info;
}

void pv_vcpu_set_entry(struct vcpu *v, uint64_t rip, uint64_t rsp, uint64_t rsi)
{
    struct cpu_regs *r = (struct cpu_regs *)v->pv.saved_regs;

    memset(r, 0, sizeof(*r));
    r->rip = rip;
    r->cs = PV_KERNEL_CS;
    r->rflags = RFLAGS_IF | 0x2;
    r->rsp = rsp;
    r->ss = PV_KERNEL_SS;
    r->rsi = rsi;
    v->pv.in_kernel = true;
}

void pv_vcpu_print_state(struct vcpu *v)
{
    const struct cpu_regs *r = pv_guest_regs(v);

    pr_err("d%uv%u %s mode: RIP %04lx:%016lx RFLAGS %016lx\n", v->domain->id, v->id,
           v->pv.in_kernel ? "kernel" : "user", (unsigned long)r->cs,
           (unsigned long)r->rip, (unsigned long)r->rflags);
    pr_err("rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    pr_err("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    pr_err("rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp, r->rsp, r->r8);
    pr_err("r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9, r->r10, r->r11);
    pr_err("r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12, r->r13, r->r14);
    pr_err("r15: %016lx   cr2: %016lx   cr3: %016lx\n", r->r15, (unsigned long)v->pv.cr2,
           (unsigned long)((v->pv.in_kernel ? v->pv.kernel_root : v->pv.user_root)
                           << PAGE_SHIFT));
    pr_err("vector %lu, error code %#lx, ss %04lx\n", (unsigned long)r->vector,
           (unsigned long)r->error_code, (unsigned long)r->ss);
}

static void load_guest_cr3(struct vcpu *v)
{
    mfn_t root = v->pv.in_kernel ? v->pv.kernel_root : v->pv.user_root;

    write_cr3(root ? root << PAGE_SHIFT : hypervisor_cr3);
}

void pv_toggle_guest_mode(struct vcpu *v)
{
    v->pv.in_kernel = !v->pv.in_kernel;
    wrmsr(MSR_GS_BASE, v->pv.in_kernel ? v->pv.gs_base_kernel : v->pv.gs_base_user);
    load_guest_cr3(v);
}

/* The selector in segment register seg (ds, es, fs or gs). */
#define READ_SELECTOR(seg)                                      \
    ({                                                          \
        uint16_t sel_;                                          \
        __asm__ volatile("mov %%" #seg ", %0" : "=r"(sel_));   \
        sel_;                                                   \
    })

/* The guest's data selectors are still live in ring 0: nothing here loads them. */
static void save_segments(struct vcpu *v)
{
    v->pv.ds = READ_SELECTOR(ds);
    v->pv.es = READ_SELECTOR(es);
    v->pv.fs = READ_SELECTOR(fs);
    v->pv.gs = READ_SELECTOR(gs);
}

/*
 * Loads v's data selectors once its GDT and LDT are in place, each checked
 * first so none can fault here; one that no longer loads is left null and
 * reported (false), as Xen reports it with the failsafe callback. The
 * bases come after: loading %fs and %gs overwrites them.
 */
static bool load_segments(struct vcpu *v)
{
    uint16_t ds = v->pv.ds, es = v->pv.es, fs = v->pv.fs, gs = v->pv.gs;
    bool ok = true;

#define LOAD_CHECKED(reg)                                                   \
    do {                                                                    \
        if (!pv_data_selector_ok(v, reg)) {                                 \
            ok = false;                                                     \
            reg = 0;                                                        \
        }                                                                   \
        __asm__ volatile("mov %0, %%" #reg : : "r"((uint32_t)reg));         \
    } while (0)
    LOAD_CHECKED(ds);
    LOAD_CHECKED(es);
    LOAD_CHECKED(fs);
    LOAD_CHECKED(gs);
#undef LOAD_CHECKED
    wrmsr(MSR_FS_BASE, v->pv.fs_base);
    wrmsr(MSR_GS_BASE, v->pv.in_kernel ? v->pv.gs_base_kernel : v->pv.gs_base_user);
    return ok;
}

static void save_guest_state(struct vcpu *v)
{
    memcpy(v->pv.saved_regs, pv_frame(), sizeof(struct cpu_regs));
    save_segments(v);
    pv_debugreg_switch_out(v);
    v->pv.fs_base = rdmsr(MSR_FS_BASE);
    if (v->pv.in_kernel)
        v->pv.gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        v->pv.gs_base_user = rdmsr(MSR_GS_BASE);
    pv_xstate_save(v);
}

static void load_guest_state(struct vcpu *v)
{
    const uint16_t segments[4] = { v->pv.ds, v->pv.es, v->pv.fs, v->pv.gs };

    memcpy(pv_frame(), v->pv.saved_regs, sizeof(struct cpu_regs));
    pv_xstate_restore(v);
    if (v->pv.fpu_switched_out)
        __asm__ volatile("mov %%cr0, %%rax; or %0, %%rax; mov %%rax, %%cr0"
                         : : "i"(CR0_TS) : "rax", "memory");
    pv_load_descriptor_tables(v);
    load_guest_cr3(v);
    pv_debugreg_switch_in(v);
    if (!load_segments(v))
        pv_inject_failsafe(pv_frame(), v, segments);
}

/*
 * Switching to the idle vCPU re-enters sched_start() on an empty stack:
 * that loop is the idle vCPU's body, and it picks the next guest itself.
 */
static void idle_body(void)
{
    write_cr3(hypervisor_cr3);
    sched_start();
}

void pv_context_switch(struct vcpu *prev, struct vcpu *next)
{
    local_irq_disable();
    if (!is_idle_vcpu(prev))
        save_guest_state(prev);
    sched_context_saved(prev);
    set_current_vcpu(next);
    next->processor = (int)smp_processor_id();
    if (is_idle_vcpu(next))
        pv_reset_stack_and_call(idle_body);
    sched_wait_context_saved(next);
    load_guest_state(next);
    pv_reset_stack_and_return(pv_frame());
}

static void enter_syscall_callback(struct cpu_regs *regs, struct vcpu *v)
{
    if (!pv_inject_syscall(regs, v))
        domain_crash(v->domain, "system call from user mode with no syscall callback");
}

void pv_entry_from_guest(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();

    if (regs->vector == PV_VECTOR_SYSCALL) {
        local_irq_enable();
        if (v->pv.in_kernel)
            hypercall_dispatch(regs);
        else
            enter_syscall_callback(regs, v);
    } else if (regs->vector == PV_VECTOR_SYSCALL_COMPAT) {
        local_irq_enable();
        domain_crash(v->domain, "32-bit syscall from a 64-bit PV guest");
    } else if (regs->vector < 32) {
        pv_handle_exception(regs);
    } else {
        pv_handle_soft_vector(regs);
    }
}

/*
 * The last thing before iretq to a guest: deferred work, a reschedule if
 * the current vCPU may not go on, then an event upcall if one is pending
 * and unmasked. Interrupts stay off from the final check to the iretq so
 * nothing new can slip in unseen.
 */
void pv_exit_work(struct cpu_regs *regs)
{
    struct vcpu *v;

    for (;;) {
        local_irq_enable();
        softirq_run_pending();
        schedule();
        v = current_vcpu();
        if (!vcpu_runnable(v))
            continue;
        local_irq_disable();
        if (softirq_pending())
            continue;
        pv_deliver_event(regs, v);
        if (pv_check_return_frame(regs, v))
            break;
    }
}
