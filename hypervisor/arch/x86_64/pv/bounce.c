/*
 * Getting into the guest kernel's handlers: exception bounces through the
 * trap table, the user-mode syscall callback, event upcalls, and the iret
 * hypercall that returns from all of them.
 *
 * A bounce writes Xen's 64-bit PV exception frame on the guest kernel
 * stack, lowest address first:
 *     rcx, r11, [error code], rip, cs | saved_upcall_mask << 32, rflags, rsp, ss
 * The guest sees its virtual interrupt flag (!evtchn_upcall_mask) as
 * rflags.IF, and a kernel-mode frame's CS with RPL 0, so its iret tells
 * kernel from user returns by the RPL as on hardware.
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/lib.h>
#include <lintel/printk.h>
#include <lintel/setup.h>
#include <lintel/pv_exec.h>
#include <lintel/traps.h>
#include <lintel/x86.h>
#include <public/xen.h>

#define RFLAGS_TF   (1UL << 8)
#define RFLAGS_IF   (1UL << 9)
#define RFLAGS_IOPL (3UL << 12)
#define RFLAGS_NT   (1UL << 14)
#define RFLAGS_RF   (1UL << 16)
#define RFLAGS_VM   (1UL << 17)
#define RFLAGS_AC   (1UL << 18)

#define TRAP_FLAG_DPL_MASK       3
#define TRAP_FLAG_MASK_EVENTS    4

#define PF_ERROR_USER 4

struct bounce {
    const char *what;           /* for the trace */
    uint64_t handler;
    bool has_error;
    uint64_t error_code;
    bool mask_events;
    const uint16_t *segments;   /* failsafe: ds, es, fs, gs it could not load */
};

static const char *const vector_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

static bool vector_has_error_code(unsigned v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
}

static bool create_bounce_frame(struct cpu_regs *regs, struct vcpu *v,
                                const struct bounce *b)
{
    struct vcpu_info *vi = v->pv.vcpu_info;
    uint8_t saved_mask = vi ? vi->evtchn_upcall_mask : 1;
    uint64_t frame[11], cs = regs->cs, rsp;
    unsigned n = 0;

    if (!b->handler)
        return false;
    if (v->pv.in_kernel) {
        rsp = regs->rsp;
        cs &= ~3ULL;
    } else {
        pv_toggle_guest_mode(v);
        rsp = v->pv.kernel_sp;
    }
    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    for (unsigned i = 0; b->segments && i < 4; i++)
        frame[n++] = b->segments[i];
    if (b->has_error)
        frame[n++] = b->error_code;
    frame[n++] = regs->rip;
    frame[n++] = cs | ((uint64_t)saved_mask << 32);
    frame[n++] = (regs->rflags & ~(RFLAGS_IF | RFLAGS_IOPL)) | (saved_mask ? 0 : RFLAGS_IF);
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    rsp = (rsp & ~0xfULL) - n * 8;
    if (boot_options.hypercall_trace)
        printk("bounce d%uv%u %s from %s rip %#lx to %#lx, error code %#lx\n",
               v->domain->id, v->id, b->what, v->pv.in_kernel ? "kernel" : "user",
               (unsigned long)regs->rip, (unsigned long)b->handler,
               (unsigned long)b->error_code);
    if (copy_to_guest(rsp, frame, n * 8)) {
        domain_crash(v->domain, "cannot write an exception frame on the guest kernel "
                     "stack (double fault in the bounce)");
        return true;
    }
    if (b->mask_events && vi)
        vi->evtchn_upcall_mask = 1;
    regs->rip = b->handler;
    regs->cs = PV_KERNEL_CS;
    regs->ss = PV_KERNEL_SS;
    regs->rsp = rsp;
    regs->rflags &= ~(RFLAGS_AC | RFLAGS_VM | RFLAGS_RF | RFLAGS_NT | RFLAGS_TF);
    regs->rflags |= RFLAGS_IF;
    return true;
}

bool pv_inject_trap(struct cpu_regs *regs, unsigned vector, bool has_error,
                    uint64_t error_code)
{
    struct vcpu *v = current_vcpu();
    const struct pv_trap_entry *t = &v->pv.traps[vector & 0xff];
    struct bounce b = {
        .what = vector < 32 ? vector_names[vector] : "software interrupt",
        .handler = t->address,
        .has_error = has_error,
        .error_code = error_code,
        .mask_events = t->flags & TRAP_FLAG_MASK_EVENTS,
    };

    return create_bounce_frame(regs, v, &b);
}

bool pv_inject_syscall(struct cpu_regs *regs, struct vcpu *v)
{
    struct bounce b = {
        .what = "syscall",
        .handler = v->pv.syscall_callback,
        .mask_events = v->pv.syscall_disables_events,
    };

    return create_bounce_frame(regs, v, &b);
}

void pv_inject_failsafe(struct cpu_regs *regs, struct vcpu *v, const uint16_t segments[4])
{
    struct bounce b = {
        .what = "failsafe (segment reload)",
        .handler = v->pv.failsafe_callback,
        .mask_events = v->pv.failsafe_disables_events,
        .segments = segments,
    };

    if (!create_bounce_frame(regs, v, &b))
        domain_crash(v->domain, "a data segment selector does not load any more and "
                     "there is no failsafe callback");
}

void pv_deliver_event(struct cpu_regs *regs, struct vcpu *v)
{
    struct vcpu_info *vi = v->pv.vcpu_info;
    struct bounce b = { .what = "event", .handler = v->pv.event_callback,
                        .mask_events = true };

    if (is_idle_vcpu(v) || !vi || !vi->evtchn_upcall_pending || vi->evtchn_upcall_mask)
        return;
    create_bounce_frame(regs, v, &b);
}

static void crash_unhandled(struct cpu_regs *regs, unsigned vector, uint64_t ec)
{
    char why[120];

    lintel_snprintf(why, sizeof(why), "unhandled %s (vector %u, error code %#lx) at "
                    "%#lx in %s mode", vector < 32 ? vector_names[vector] : "interrupt",
                    vector, (unsigned long)ec, (unsigned long)regs->rip,
                    current_vcpu()->pv.in_kernel ? "kernel" : "user");
    domain_crash(current_domain(), why);
}

static void bounce_or_crash(struct cpu_regs *regs, unsigned vector, bool has_error,
                            uint64_t ec)
{
    if (!pv_inject_trap(regs, vector, has_error, ec))
        crash_unhandled(regs, vector, ec);
}

/* Who may raise a software interrupt through a trap-table entry of this DPL. */
static bool softint_permitted(const struct vcpu *v, unsigned vector)
{
    unsigned dpl = v->pv.traps[vector].flags & TRAP_FLAG_DPL_MASK;

    return v->pv.traps[vector].address && dpl >= (v->pv.in_kernel ? 1u : 3u);
}

/*
 * "int $n" whose IDT gate the guest may not use arrives as #GP with the
 * IDT bit set; the guest's own trap table decides whether it is allowed.
 */
static bool software_interrupt(struct cpu_regs *regs, unsigned vector, unsigned len)
{
    struct vcpu *v = current_vcpu();

    if (!softint_permitted(v, vector))
        return false;
    regs->rip += len;
    bounce_or_crash(regs, vector, false, 0);
    return true;
}

static void page_fault(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();
    uint64_t cr2 = read_cr2(), ec = regs->error_code;

    local_irq_enable();
    if (pv_emulate_pt_write(regs, cr2))
        return;
    v->pv.cr2 = cr2;
    if (v->pv.vcpu_info)
        ((struct vcpu_info *)v->pv.vcpu_info)->arch.cr2 = cr2;
    /* Both guest modes run in ring 3; only user mode is "user" to the guest. */
    if (v->pv.in_kernel)
        ec &= ~(uint64_t)PF_ERROR_USER;
    bounce_or_crash(regs, 14, true, ec);
}

static void device_not_available(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();

    __asm__ volatile("clts");
    if (!v->pv.fpu_switched_out)
        return;
    v->pv.fpu_switched_out = false;
    bounce_or_crash(regs, 7, false, 0);
}

static void general_protection(struct cpu_regs *regs)
{
    uint64_t ec = regs->error_code;

    local_irq_enable();
    /* Error code (n << 3) | 2: the IDT gate of "int $n" refused ring 3. */
    if ((ec & 3) == 2 && software_interrupt(regs, (unsigned)(ec >> 3) & 0xff, 2))
        return;
    if (pv_ldt_fault(regs, ec))
        return;
    if (ec == 0 && pv_emulate_gp(regs))
        return;
    bounce_or_crash(regs, 13, true, ec);
}

/*
 * int $0x80 reaches us through its DPL-3 gate, already past the
 * instruction. Like Xen 4.17's direct path, only the existence of the
 * guest's trap-table entry is checked, not its DPL.
 */
static void int80(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();

    local_irq_enable();
    if (v->pv.traps[0x80].address) {
        bounce_or_crash(regs, 0x80, false, 0);
        return;
    }
    regs->rip -= 2;
    bounce_or_crash(regs, 13, true, (0x80 << 3) | 2);
}

void pv_handle_exception(struct cpu_regs *regs)
{
    unsigned vector = (unsigned)regs->vector;

    switch (vector) {
    case 2: case 8: case 18:
        /* NMI, double fault, machine check: the machine's, not the guest's. */
        do_interrupt(regs);
        return;
    case 1:
        pv_debug_exception(regs);
        return;
    case 6:
        local_irq_enable();
        if (!pv_emulate_ud(regs))
            bounce_or_crash(regs, 6, false, 0);
        return;
    case 7:
        device_not_available(regs);
        return;
    case 13:
        general_protection(regs);
        return;
    case 14:
        page_fault(regs);
        return;
    default:
        local_irq_enable();
        bounce_or_crash(regs, vector, vector_has_error_code(vector), regs->error_code);
    }
}

void pv_handle_soft_vector(struct cpu_regs *regs)
{
    if (regs->vector == 0x80)
        int80(regs);
    else
        do_interrupt(regs);
}

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/*
 * Xen 4.17 reflects a failing iretq to the guest as #GP: error code 0 for
 * a non-canonical rip, else the selector that would not load.
 */
bool pv_check_return_frame(struct cpu_regs *regs, struct vcpu *v)
{
    uint64_t ec;

    if (!canonical(regs->rip))
        ec = 0;
    else if (!pv_selector_ok(v, regs->cs, true))
        ec = regs->cs & 0xfff8;
    else if (!pv_selector_ok(v, regs->ss, false))
        ec = regs->ss & 0xfff8;
    else
        return true;
    if (!v->pv.traps[13].address) {
        domain_crash(v->domain, "return to the guest with an unloadable CS/SS or a "
                     "non-canonical rip, and no #GP handler");
        return false;
    }
    return pv_inject_trap(regs, 13, true, ec) && v->domain->state < DOMAIN_SHUTDOWN;
}

long do_iret(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct cpu_regs *regs = hypercall_regs();
    struct vcpu *v = current_vcpu();
    struct vcpu_info *vi = v->pv.vcpu_info;
    struct iret_context c;

    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    if (copy_from_guest(&c, regs->rsp, sizeof(c))) {
        domain_crash(v->domain, "iret: the iret frame on the guest stack is unreadable");
        return -EFAULT;
    }
    if ((c.cs & 3) == 3) {
        if (!v->pv.user_root) {
            domain_crash(v->domain, "iret to user mode with no user page tables");
            return -EINVAL;
        }
        if (v->pv.in_kernel)
            pv_toggle_guest_mode(v);
    }
    regs->rip = c.rip;
    /* Only the selector: bits 32-39 of the slot hold the saved upcall mask. */
    regs->cs = (c.cs | 3) & 0xffff;
    regs->rflags = (c.rflags & ~(RFLAGS_IOPL | RFLAGS_VM)) | RFLAGS_IF;
    regs->rsp = c.rsp;
    regs->ss = (c.ss | 3) & 0xffff;
    if (c.flags & VGCF_in_syscall) {
        /* A sysret, as Xen returns then: rcx and r11 carry rip and rflags. */
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    } else {
        regs->r11 = c.r11;
        regs->rcx = c.rcx;
    }
    if (vi)
        vi->evtchn_upcall_mask = !(c.rflags & RFLAGS_IF);
    return (long)c.rax;
}
