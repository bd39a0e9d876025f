/*
 * A vCPU's full guest context as the public ABI describes it
 * (struct vcpu_guest_context), loaded into a vCPU that has not run yet.
 * Addresses are checked before anything changes; the page-table roots and
 * GDT frames are then taken through the memory manager, which may refuse.
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/lib.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>
#include <lintel/traps.h>
#include <public/xen.h>

#define RFLAGS_IF   (1UL << 9)
#define RFLAGS_IOPL (3UL << 12)
#define RFLAGS_VM   (1UL << 17)
#define GUEST_GDT_ENTRIES (0xe000 / 8)

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static bool code_address_ok(uint64_t va)
{
    return va == 0 || (canonical(va) && guest_range_ok(va, 1));
}

static int check_context(const struct vcpu_guest_context *c)
{
    if (!canonical(c->user_regs.rip) || !canonical(c->user_regs.rsp))
        return -EINVAL;
    if (!code_address_ok(c->event_callback_eip) || !code_address_ok(c->failsafe_callback_eip) ||
        !code_address_ok(c->syscall_callback_eip))
        return -EINVAL;
    for (unsigned i = 0; i < 256; i++)
        if (!code_address_ok(c->trap_ctxt[i].address))
            return -EINVAL;
    if (c->ldt_ents > PV_LDT_MAX_ENTRIES || (c->ldt_base & (PAGE_SIZE - 1)) ||
        (c->ldt_ents && !guest_range_ok(c->ldt_base, c->ldt_ents * 8)))
        return -EINVAL;
    if (c->gdt_ents > GUEST_GDT_ENTRIES || !canonical(c->fs_base) ||
        !canonical(c->gs_base_kernel) || !canonical(c->gs_base_user))
        return -EINVAL;
    return 0;
}

static void load_registers(struct vcpu *v, const struct cpu_user_regs *u)
{
    struct cpu_regs *r = (struct cpu_regs *)v->pv.saved_regs;

    memset(r, 0, sizeof(*r));
    r->r15 = u->r15; r->r14 = u->r14; r->r13 = u->r13; r->r12 = u->r12;
    r->rbp = u->rbp; r->rbx = u->rbx; r->r11 = u->r11; r->r10 = u->r10;
    r->r9 = u->r9; r->r8 = u->r8; r->rax = u->rax; r->rcx = u->rcx;
    r->rdx = u->rdx; r->rsi = u->rsi; r->rdi = u->rdi;
    r->rip = u->rip;
    r->cs = (uint16_t)(u->cs | 3);
    r->rflags = (u->rflags & ~(RFLAGS_IOPL | RFLAGS_VM)) | RFLAGS_IF | 2;
    r->rsp = u->rsp;
    r->ss = (uint16_t)(u->ss | 3);
    /* Checked when the vCPU is switched in (a bad one meets the failsafe callback). */
    v->pv.ds = u->ds;
    v->pv.es = u->es;
    v->pv.fs = u->fs;
    v->pv.gs = u->gs;
}

int pv_vcpu_load_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    mfn_t kernel_root = xen_cr3_to_pfn(c->ctrlreg[3]);
    mfn_t user_root = xen_cr3_to_pfn(c->ctrlreg[1]);
    struct pv_vcpu *pv = &v->pv;
    int rc = check_context(c);

    if (rc)
        return rc;
    if (!kernel_root || pv_set_root(v, kernel_root, false))
        return -EINVAL;
    if (c->gdt_ents && pv_set_gdt_frames(v, c->gdt_frames, (unsigned)c->gdt_ents))
        return -EINVAL;
    if (user_root && pv_set_root(v, user_root, true))
        return -EINVAL;
    load_registers(v, &c->user_regs);
    /* The IOPL bits of the context's flags are the vCPU's virtual IOPL, as
     * on Xen: Linux starts its secondary vCPUs at IOPL 1 this way. */
    v->pv.iopl = (unsigned)((c->user_regs.rflags & RFLAGS_IOPL) >> 12);
    /* As on Xen, vCPU 0's context carries the domain's vm_assist set. */
    if (v->id == 0)
        v->domain->vm_assist = c->vm_assist;
    pv->in_kernel = !!(c->flags & VGCF_in_kernel);
    pv->kernel_ss = (uint16_t)(c->kernel_ss | 3);
    pv->kernel_sp = c->kernel_sp;
    for (unsigned i = 0; i < 256; i++)
        pv->traps[i] = (struct pv_trap_entry){
            .address = c->trap_ctxt[i].address,
            .cs = c->trap_ctxt[i].cs | 3,
            .flags = c->trap_ctxt[i].flags,
        };
    pv->event_callback = c->event_callback_eip;
    pv->failsafe_callback = c->failsafe_callback_eip;
    pv->syscall_callback = c->syscall_callback_eip;
    pv->syscall_disables_events = !!(c->flags & VGCF_syscall_disables_events);
    pv->ldt_base = c->ldt_base;
    pv->ldt_entries = (unsigned)c->ldt_ents;
    pv->fs_base = c->fs_base;
    pv->gs_base_kernel = c->gs_base_kernel;
    pv->gs_base_user = c->gs_base_user;
    /* As Xen: each through set_debugreg's rules, a refused one left as it was. */
    for (unsigned i = 0; i < 8; i++)
        if (i != 4 && i != 5)
            (void)pv_set_debugreg(v, i, c->debugreg[i]);
    if (c->flags & VGCF_i387_valid)
        pv_xstate_load_legacy(v, c->fpu_ctxt.x);
    pv->initialised = true;
    return 0;
}
