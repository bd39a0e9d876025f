/*
 * Guest debug registers: set_debugreg/get_debugreg with Xen 4.17's rules,
 * armed in the CPU while the vCPU runs, and #DB delivered with the hit in
 * the guest's view of DR6.
 *
 * What keeps a guest from reaching the hypervisor through them: DR0-3 only
 * take guest addresses (the hypervisor never executes there, so only data
 * breakpoints can fire in ring 0, and those are traps we note and step
 * over, as Xen does); general detect (DR7.GD) is refused, since it would
 * fault the hypervisor's own moves to debug registers; I/O breakpoints are
 * refused (they need CR4.DE, which the real CR4 does not have). Other
 * vCPUs never run with someone else's breakpoints: DR7 is cleared when a
 * vCPU with active breakpoints is switched out.
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/printk.h>
#include <lintel/pv_exec.h>
#include <lintel/traps.h>

#ifndef ENODEV
#define ENODEV 19
#endif

#define DR6_DEFAULT     0xffff0ff0ULL   /* bits that read as 1 when nothing hit */
#define DR6_ZERO        0x1000ULL       /* bit 12 reads as 0 */
#define DR6_HITS        0xfULL          /* B0-B3 */
#define DR6_BS          0x4000ULL       /* single step */
#define DR7_DEFAULT     0x400ULL        /* bit 10 reads as 1 */
#define DR7_KEPT        0xffff27ffULL   /* bits 11, 12, 14, 15 read as 0 */
#define DR7_GD          0x2000ULL
#define DR7_ACTIVE      0xffULL         /* L0-3, G0-3 */
#define DR7_RW_IO       2
#define CR4_DE          (1ULL << 3)
#define RFLAGS_TF       (1ULL << 8)

static void write_dr(unsigned reg, uint64_t val)
{
    switch (reg) {
    case 0: __asm__ volatile("mov %0, %%dr0" : : "r"(val)); break;
    case 1: __asm__ volatile("mov %0, %%dr1" : : "r"(val)); break;
    case 2: __asm__ volatile("mov %0, %%dr2" : : "r"(val)); break;
    case 3: __asm__ volatile("mov %0, %%dr3" : : "r"(val)); break;
    case 6: __asm__ volatile("mov %0, %%dr6" : : "r"(val)); break;
    case 7: __asm__ volatile("mov %0, %%dr7" : : "r"(val)); break;
    default: break;
    }
}

static uint64_t read_dr6(void)
{
    uint64_t val;

    __asm__ volatile("mov %%dr6, %0" : "=r"(val));
    return val;
}

static bool guest_has_de(const struct vcpu *v)
{
    return v->pv.guest_cr4 & CR4_DE;
}

static bool canonical_guest_address(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va && guest_range_ok(va, sizeof(long));
}

static int check_dr7(uint64_t val)
{
    if (val & DR7_GD)
        return -EPERM;
    if (!(val & DR7_ACTIVE))
        return 0;
    for (unsigned i = 0; i < 4; i++)
        if (((val >> (16 + 4 * i)) & 3) == DR7_RW_IO)
            return -EPERM;      /* with or without CR4.DE: not emulated here */
    return 0;
}

static bool dr7_active(const struct vcpu *v)
{
    return v->pv.debugreg[7] & DR7_ACTIVE;
}

static void arm(const struct vcpu *v)
{
    for (unsigned i = 0; i < 4; i++)
        write_dr(i, v->pv.debugreg[i]);
    write_dr(6, DR6_DEFAULT);
    write_dr(7, v->pv.debugreg[7]);
}

int pv_set_debugreg(struct vcpu *v, unsigned reg, uint64_t val)
{
    bool running = v == current_vcpu();
    int rc;

    if ((reg == 4 || reg == 5) && guest_has_de(v))
        return -ENODEV;
    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!canonical_guest_address(val))
            return -EPERM;
        v->pv.debugreg[reg] = val;
        if (running)
            write_dr(reg, val);
        return 0;
    case 4: case 6:
        if (val >> 32)
            return -EINVAL;
        /* Only the guest's view: the CPU's DR6 is reset after every #DB. */
        v->pv.debugreg[6] = (val | DR6_DEFAULT) & ~DR6_ZERO;
        return 0;
    case 5: case 7:
        if (val >> 32)
            return -EINVAL;
        val = (val & DR7_KEPT) | DR7_DEFAULT;
        rc = check_dr7(val);
        if (rc)
            return rc;
        if (running && !dr7_active(v) && (val & DR7_ACTIVE))
            arm(v);
        v->pv.debugreg[7] = val;
        if (running)
            write_dr(7, val);
        return 0;
    default:
        return -ENODEV;
    }
}

void pv_debugreg_init(struct vcpu *v)
{
    v->pv.debugreg[6] = DR6_DEFAULT;
    v->pv.debugreg[7] = DR7_DEFAULT;
}

void pv_debugreg_switch_in(struct vcpu *v)
{
    if (dr7_active(v))
        arm(v);
}

void pv_debugreg_switch_out(struct vcpu *v)
{
    if (dr7_active(v))
        write_dr(7, DR7_DEFAULT);
}

/* The CPU's DR6 after a #DB, folded into the guest's view as the CPU would. */
static void note_hit(struct vcpu *v, uint64_t dr6)
{
    v->pv.debugreg[6] |= dr6 & ~DR6_DEFAULT;
    v->pv.debugreg[6] &= dr6 | ~DR6_DEFAULT;
}

void pv_debug_exception(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();
    uint64_t dr6 = read_dr6();

    write_dr(6, DR6_DEFAULT);
    note_hit(v, dr6);
    if (!pv_inject_trap(regs, 1, false, 0))
        domain_crash(v->domain, "#DB with no handler");
}

bool pv_debug_in_hypervisor(struct cpu_regs *regs)
{
    static unsigned long reported;
    uint64_t dr6 = read_dr6();

    write_dr(6, DR6_DEFAULT);
    /* A guest's data breakpoint on memory we copied for it: a trap, so go on. */
    if (!(dr6 & DR6_HITS) || (regs->rflags & RFLAGS_TF))
        return false;
    if (reported++ < 10)
        printk("#DB in hypervisor context at %#lx (a guest data breakpoint, dr6 %#lx): "
               "ignored\n", (unsigned long)regs->rip, (unsigned long)dr6);
    return true;
}

HYPERCALL_HANDLER(do_set_debugreg)
{
    (void)a3, (void)a4, (void)a5;
    if (a1 > 7)
        return -ENODEV;
    return pv_set_debugreg(current_vcpu(), (unsigned)a1, a2);
}

HYPERCALL_HANDLER(do_get_debugreg)
{
    struct vcpu *v = current_vcpu();

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (a1 > 7 || ((a1 == 4 || a1 == 5) && guest_has_de(v)))
        return -ENODEV;
    if (a1 == 4 || a1 == 5)
        a1 += 2;
    return (long)v->pv.debugreg[a1];
}
