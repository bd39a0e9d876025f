/*
 * Emulation of what a ring-3 guest kernel may not execute but PV kernels
 * rely on: the forced-emulation cpuid (ud2; .ascii "xen"; cpuid), an
 * allow-list of MSRs, port I/O within dom0's virtual IOPL, wbinvd. Anything
 * else keeps its fault and is bounced to the guest, as Xen does (hlt
 * included: Xen 4.17 gives a 64-bit PV kernel #GP for it).
 */
#include <lintel/serial.h>
#include <lintel/cpuid_policy.h>
#include <lintel/cpu_policy.h>
#include <lintel/domain.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/pv_mm.h>
#include <lintel/lib.h>
#include <lintel/pv_exec.h>
#include <lintel/traps.h>
#include <lintel/x86.h>
#include <public/xen.h>

#define MSR_TSC             0x00000010
#define MSR_PAT             0x00000277
#define MSR_MISC_ENABLE     0x000001a0
#define MSR_FS_BASE         0xC0000100
#define MSR_GS_BASE         0xC0000101
#define MSR_SHADOW_GS_BASE  0xC0000102
/* The PAT layout Xen programs and PV guests must assume (WB, WT, UC-, UC, WC, WP). */
#define PV_PAT_VALUE        0x0000050100070406ULL

#define CR0_TS              (1UL << 3)
/* CR4 bits a PV guest may see: PSE, PAE, PGE, OSFXSR, OSXMMEXCPT. */
#define CR4_GUEST_VISIBLE   ((1UL << 4) | (1UL << 5) | (1UL << 7) | (1UL << 9) | (1UL << 10))

static const uint8_t forced_cpuid[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };

static void xstate_leaf(struct vcpu *v, uint32_t subleaf, const uint32_t host[4],
                        uint32_t out[4])
{
    struct cpuid_xstate x = { .offered = pv_xstate_offered(), .xcr0 = v->pv.xcr0 };
    uint32_t ymm[4];

    cpuid(0xd, 2, &ymm[0], &ymm[1], &ymm[2], &ymm[3]);
    x.ymm_size = ymm[0];
    x.ymm_offset = ymm[1];
    cpuid_pv_xstate_leaf(subleaf, host, &x, out);
}

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    uint32_t host[4] = { 0, 0, 0, 0 };

    if (!cpuid_is_hypervisor_leaf(leaf))
        cpuid(leaf, subleaf, &host[0], &host[1], &host[2], &host[3]);
    if (leaf == 0xd)
        xstate_leaf(v, subleaf, host, out);
    else
        cpuid_pv_filter(leaf, subleaf, host, v->domain->is_privileged, out);
    domain_cpuid_apply_policy(v->domain, leaf, subleaf, out);
}

static void set_result(struct cpu_regs *regs, const uint32_t out[4])
{
    regs->rax = out[0];
    regs->rbx = out[1];
    regs->rcx = out[2];
    regs->rdx = out[3];
}

bool pv_emulate_ud(struct cpu_regs *regs)
{
    uint8_t insn[sizeof(forced_cpuid)];
    uint32_t out[4];

    if (copy_from_guest(insn, regs->rip, sizeof(insn)) ||
        memcmp(insn, forced_cpuid, sizeof(insn)))
        return false;
    pv_cpuid(current_vcpu(), (uint32_t)regs->rax, (uint32_t)regs->rcx, out);
    set_result(regs, out);
    regs->rip += sizeof(forced_cpuid);
    return true;
}

static bool read_msr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_FS_BASE:
        *val = rdmsr(MSR_FS_BASE);
        return true;
    case MSR_GS_BASE:
        *val = rdmsr(MSR_GS_BASE);
        return true;
    case MSR_SHADOW_GS_BASE:
        *val = v->pv.in_kernel ? v->pv.gs_base_user : v->pv.gs_base_kernel;
        return true;
    case MSR_EFER:
        *val = rdmsr(MSR_EFER);
        return true;
    case MSR_PAT:
        *val = PV_PAT_VALUE;
        return true;
    case MSR_MISC_ENABLE:
        *val = 0;
        return true;
    case MSR_TSC:
        *val = rdtsc();
        return true;
    default:
        return false;
    }
}

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static bool write_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_FS_BASE:
        if (!canonical(val))
            return false;
        wrmsr(MSR_FS_BASE, val);
        return true;
    case MSR_GS_BASE:
        if (!canonical(val))
            return false;
        wrmsr(MSR_GS_BASE, val);
        return true;
    case MSR_SHADOW_GS_BASE:
        if (!canonical(val))
            return false;
        if (v->pv.in_kernel)
            v->pv.gs_base_user = val;
        else
            v->pv.gs_base_kernel = val;
        return true;
    case MSR_PAT:
        /* The layout is fixed; rewriting the same value is harmless. */
        return val == PV_PAT_VALUE;
    case MSR_EFER:
        return val == rdmsr(MSR_EFER);
    default:
        return false;
    }
}

/* The guest's virtual IOPL: the kernel needs 1, user mode 3. */
static bool iopl_allows(const struct vcpu *v)
{
    return v->pv.iopl >= (v->pv.in_kernel ? 1u : 3u);
}

/*
 * Port I/O within the guest's virtual IOPL: real for dom0; for any other
 * domain, as on Xen, reads see all ones and writes go nowhere (a domU's
 * Linux probes PCI config space early and must find nothing there).
 */
/*
 * The hypervisor's console UART is its own, as on Xen: dom0's 8250 driver
 * probing or driving it would reprogram it and take the input bytes the
 * hypervisor polls for dom0's console.
 */
static bool port_is_hypervisors(uint16_t port, unsigned size)
{
    return port + size > SERIAL_COM1_BASE && port < SERIAL_COM1_BASE + SERIAL_COM1_PORTS;
}

static bool emulate_io(struct cpu_regs *regs, const uint8_t *p, unsigned *len, bool real)
{
    bool opsize16 = p[0] == 0x66;
    const uint8_t *op = p + opsize16;
    uint16_t port;
    unsigned size;

    switch (op[0]) {
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:
        port = op[1];
        *len = opsize16 + 2;
        break;
    case 0xec: case 0xed: case 0xee: case 0xef:
        port = (uint16_t)regs->rdx;
        *len = opsize16 + 1;
        break;
    default:
        return false;
    }
    size = (op[0] & 1) ? (opsize16 ? 2 : 4) : 1;
    if (!real || port_is_hypervisors(port, size)) {
        uint64_t ones = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;

        if (!(op[0] & 2))
            regs->rax = size == 4 ? ones : (regs->rax & ~ones) | ones;
        return true;
    }
    if (op[0] & 2) {
        if (size == 1)
            outb(port, (uint8_t)regs->rax);
        else if (size == 2)
            outw(port, (uint16_t)regs->rax);
        else
            outl(port, (uint32_t)regs->rax);
    } else if (size == 1) {
        regs->rax = (regs->rax & ~0xffULL) | inb(port);
    } else if (size == 2) {
        uint16_t v;
        __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
        regs->rax = (regs->rax & ~0xffffULL) | v;
    } else {
        regs->rax = inl(port);
    }
    return true;
}

static uint64_t *gpr(struct cpu_regs *r, unsigned idx)
{
    uint64_t *const map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return map[idx & 15];
}

/* What the guest sees in its control registers (it never runs in ring 0). */
static bool read_cr(struct vcpu *v, unsigned cr, uint64_t *val)
{
    switch (cr) {
    case 0:
        *val = (read_cr0() & ~CR0_TS) | (v->pv.fpu_switched_out ? CR0_TS : 0);
        return true;
    case 2:
        *val = v->pv.cr2;
        return true;
    case 3:
        *val = (v->pv.in_kernel ? v->pv.kernel_root : v->pv.user_root) << PAGE_SHIFT;
        return true;
    case 4:
        *val = v->pv.guest_cr4 ? v->pv.guest_cr4 : read_cr4() & CR4_GUEST_VISIBLE;
        return true;
    default:
        return false;
    }
}

static bool write_cr(struct vcpu *v, unsigned cr, uint64_t val)
{
    switch (cr) {
    case 0:
        /* Only TS may change: it is fpu_taskswitch by another name. */
        if ((val ^ read_cr0()) & ~CR0_TS)
            return false;
        do_fpu_taskswitch(!!(val & CR0_TS), 0, 0, 0, 0);
        return true;
    case 3:
        return pv_set_root(v, val >> PAGE_SHIFT, !v->pv.in_kernel) == 0;
    case 4:
        /* Remembered for reads (OSXSAVE enables xsetbv); the real CR4 is ours. */
        if (!pv_xstate_cr4_ok(val))
            return false;
        v->pv.guest_cr4 = val;
        return true;
    default:
        return false;
    }
}

/* mov %crN, %reg (0f 20) and mov %reg, %crN (0f 22), with an optional REX. */
static bool emulate_mov_cr(struct vcpu *v, struct cpu_regs *regs, const uint8_t *insn)
{
    unsigned rex = (insn[0] & 0xf0) == 0x40 ? insn[0] : 0, len = rex ? 1 : 0;
    const uint8_t *op = insn + len;
    unsigned cr, reg;
    uint64_t val;

    if (op[0] != 0x0f || (op[1] != 0x20 && op[1] != 0x22) || (op[2] & 0xc0) != 0xc0)
        return false;
    cr = ((op[2] >> 3) & 7) | (rex & 4 ? 8 : 0);
    reg = (op[2] & 7) | (rex & 1 ? 8 : 0);
    if (!v->pv.in_kernel)
        return false;
    if (op[1] == 0x20) {
        if (!read_cr(v, cr, &val))
            return false;
        *gpr(regs, reg) = val;
    } else if (!write_cr(v, cr, *gpr(regs, reg))) {
        return false;
    }
    regs->rip += len + 3;
    return true;
}

/* xsetbv: done, or #GP (false), or #UD while the guest's CR4 lacks OSXSAVE. */
static bool emulate_xsetbv(struct cpu_regs *regs)
{
    unsigned vector = pv_emulate_xsetbv(regs);

    if (vector == 6 && !pv_inject_trap(regs, 6, false, 0))
        domain_crash(current_domain(), "xsetbv without CR4.OSXSAVE and no #UD handler");
    return vector != 13;
}

bool pv_emulate_gp(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();
    uint8_t insn[6] = { 0, 0, 0, 0, 0, 0 };
    uint64_t val;
    unsigned len;

    /* Up to 6 bytes; the shortest instruction we emulate is 1 byte long. */
    for (unsigned i = 0; i < sizeof(insn); i++)
        if (copy_from_guest(&insn[i], regs->rip + i, 1))
            break;
    if (insn[0] == 0x0f && insn[1] == 0x32) {            /* rdmsr */
        if (!v->pv.in_kernel || !read_msr(v, (uint32_t)regs->rcx, &val))
            return false;
        regs->rax = (uint32_t)val;
        regs->rdx = val >> 32;
        regs->rip += 2;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x30) {            /* wrmsr */
        val = ((regs->rdx & 0xffffffffULL) << 32) | (regs->rax & 0xffffffffULL);
        if (!v->pv.in_kernel || !write_msr(v, (uint32_t)regs->rcx, val))
            return false;
        regs->rip += 2;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x06 && v->pv.in_kernel) {   /* clts */
        do_fpu_taskswitch(0, 0, 0, 0, 0);
        regs->rip += 2;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x09) {            /* wbinvd */
        if (!v->pv.in_kernel || !v->domain->is_privileged)
            return false;
        __asm__ volatile("wbinvd" ::: "memory");
        regs->rip += 2;
        return true;
    }
    if (emulate_mov_cr(v, regs, insn))
        return true;
    if (insn[0] == 0x0f && insn[1] == 0x01 && insn[2] == 0xd1 && v->pv.in_kernel)
        return emulate_xsetbv(regs);
    if ((insn[0] == 0xfa || insn[0] == 0xfb) && iopl_allows(v)) {
        /*
         * cli/sti act on the virtual interrupt flag, as on Xen. A later
         * popf cannot restore it (ring 3 cannot change IF); Linux only
         * pairs these with its own event-mask handling, so that is safe.
         */
        struct vcpu_info *vi = v->pv.vcpu_info;

        if (vi)
            vi->evtchn_upcall_mask = insn[0] == 0xfa;
        regs->rip += 1;
        return true;
    }
    if (iopl_allows(v) && emulate_io(regs, insn, &len, v->domain->is_privileged)) {
        regs->rip += len;
        return true;
    }
    return false;
}
