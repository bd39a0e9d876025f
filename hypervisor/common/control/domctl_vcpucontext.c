/*
 * XEN_DOMCTL_getvcpucontext: a paused vCPU's whole guest context in the
 * public ABI's form (struct vcpu_guest_context), the inverse of what
 * setvcpucontext loads (arch/x86_64/pv/vcpu_context.c): registers, trap
 * table, callbacks, descriptor tables, page-table roots, debug registers
 * and the legacy FPU image. Save/restore and debuggers read it.
 */
#include "control_private.h"

#include <lintel/guest_access.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/traps.h>
#include <public/errno.h>

#define CR0_TS        (1UL << 3)
#define FXSAVE_BYTES  512

static void get_registers(const struct vcpu *v, struct cpu_user_regs *u)
{
    const struct cpu_regs *r = (const struct cpu_regs *)v->pv.saved_regs;

    u->r15 = r->r15; u->r14 = r->r14; u->r13 = r->r13; u->r12 = r->r12;
    u->rbp = r->rbp; u->rbx = r->rbx; u->r11 = r->r11; u->r10 = r->r10;
    u->r9 = r->r9; u->r8 = r->r8; u->rax = r->rax; u->rcx = r->rcx;
    u->rdx = r->rdx; u->rsi = r->rsi; u->rdi = r->rdi;
    u->rip = r->rip;
    u->cs = (uint16_t)r->cs;
    /* The virtual IOPL travels in the flags, as setvcpucontext takes it. */
    u->rflags = r->rflags | ((uint64_t)v->pv.iopl << 12);
    u->rsp = r->rsp;
    u->ss = (uint16_t)r->ss;
    u->ds = v->pv.ds;
    u->es = v->pv.es;
    u->fs = v->pv.fs;
    u->gs = v->pv.gs;
}

static unsigned long context_flags(const struct vcpu *v)
{
    unsigned long flags = 0;

    if (v->pv.fpu_area)
        flags |= VGCF_i387_valid;
    if (v->pv.in_kernel)
        flags |= VGCF_in_kernel;
    if (v->pv.failsafe_disables_events)
        flags |= VGCF_failsafe_disables_events;
    if (v->pv.syscall_disables_events)
        flags |= VGCF_syscall_disables_events;
    if (v->online)
        flags |= VGCF_online;
    return flags;
}

static void get_context(const struct vcpu *v, struct vcpu_guest_context *c)
{
    const struct pv_vcpu *pv = &v->pv;

    memset(c, 0, sizeof(*c));
    if (pv->fpu_area)
        memcpy(c->fpu_ctxt.x, pv->fpu_area, FXSAVE_BYTES);
    c->flags = context_flags(v);
    get_registers(v, &c->user_regs);
    for (unsigned i = 0; i < 256; i++) {
        if (!pv->traps[i].address)
            continue;
        c->trap_ctxt[i] = (struct trap_info){
            .vector = (uint8_t)i, .flags = pv->traps[i].flags, .cs = pv->traps[i].cs,
            .address = pv->traps[i].address,
        };
    }
    c->ldt_base = pv->ldt_base;
    c->ldt_ents = pv->ldt_entries;
    for (unsigned i = 0; i < PV_GDT_MAX_FRAMES && i < ARRAY_SIZE(c->gdt_frames); i++)
        c->gdt_frames[i] = pv->gdt_frames[i];
    c->gdt_ents = pv->gdt_entries;
    c->kernel_ss = pv->kernel_ss;
    c->kernel_sp = pv->kernel_sp;
    c->ctrlreg[0] = pv->fpu_switched_out ? CR0_TS : 0;
    c->ctrlreg[1] = pv->user_root ? xen_pfn_to_cr3(pv->user_root) : 0;
    c->ctrlreg[2] = pv->cr2;
    c->ctrlreg[3] = pv->kernel_root ? xen_pfn_to_cr3(pv->kernel_root) : 0;
    c->ctrlreg[4] = pv->guest_cr4;
    for (unsigned i = 0; i < 8; i++)
        c->debugreg[i] = pv->debugreg[i];
    c->event_callback_eip = pv->event_callback;
    c->failsafe_callback_eip = pv->failsafe_callback;
    c->syscall_callback_eip = pv->syscall_callback;
    c->vm_assist = v->domain->vm_assist;
    c->fs_base = pv->fs_base;
    c->gs_base_kernel = pv->gs_base_kernel;
    c->gs_base_user = pv->gs_base_user;
}

long domctl_getvcpucontext(struct domain *d, const struct xen_domctl_vcpucontext *vc)
{
    uint64_t to = (uint64_t)(uintptr_t)vc->ctxt.p;
    struct vcpu_guest_context *c;
    struct vcpu *v;
    long rc = 0;

    /* Xen's rules: an existing vCPU, and never the caller's own (it could
     * not be paused to read it). */
    if (vc->vcpu >= d->max_vcpus || !(v = d->vcpus[vc->vcpu]) || v == current_vcpu())
        return -XEN_EINVAL;
    /* A vCPU never given a context has none to report (Xen: -ENODATA). */
    if (!v->pv.initialised)
        return -XEN_ENODATA;
    if (!(c = xmalloc(sizeof(*c))))
        return -XEN_ENOMEM;
    /* Another domain is paused so its vCPU's saved state stands still; a
     * sibling of the caller is read as it was last saved. */
    if (d != current_domain())
        domain_pause(d);
    get_context(v, c);
    if (d != current_domain())
        domain_unpause(d);
    if (copy_to_guest(to, c, sizeof(*c)))
        rc = -XEN_EFAULT;
    xfree(c);
    return rc;
}
