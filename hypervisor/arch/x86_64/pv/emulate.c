/*
 * Emulation of what a ring-3 guest kernel may not execute but PV kernels
 * rely on: the forced-emulation cpuid (ud2; .ascii "xen"; cpuid), an
 * allow-list of MSRs, port I/O within dom0's virtual IOPL, wbinvd. Anything
 * else keeps its fault and is bounced to the guest, as Xen does (hlt
 * included: Xen 4.17 gives a 64-bit PV kernel #GP for it).
 */
#include <lintel/cpuid_policy.h>
#include <lintel/domain.h>
#include <lintel/guest_access.h>
#include <lintel/lib.h>
#include <lintel/pv_exec.h>
#include <lintel/traps.h>
#include <lintel/x86.h>

#define MSR_TSC             0x00000010
#define MSR_PAT             0x00000277
#define MSR_MISC_ENABLE     0x000001a0
#define MSR_FS_BASE         0xC0000100
#define MSR_GS_BASE         0xC0000101
#define MSR_SHADOW_GS_BASE  0xC0000102
/* The PAT layout Xen programs and PV guests must assume (WB, WT, UC-, UC, WC, WP). */
#define PV_PAT_VALUE        0x0000050100070406ULL

static const uint8_t forced_cpuid[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    uint32_t host[4] = { 0, 0, 0, 0 };

    if (!cpuid_is_hypervisor_leaf(leaf))
        cpuid(leaf, subleaf, &host[0], &host[1], &host[2], &host[3]);
    cpuid_pv_filter(leaf, subleaf, host, v->domain->is_privileged, out);
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

/* Port I/O in ring 0 on the guest's behalf, when its virtual IOPL allows. */
static bool io_allowed(const struct vcpu *v)
{
    return v->domain->is_privileged && v->pv.iopl >= (v->pv.in_kernel ? 1u : 3u);
}

static bool emulate_io(struct cpu_regs *regs, const uint8_t *p, unsigned *len)
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

bool pv_emulate_gp(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();
    uint8_t insn[4] = { 0, 0, 0, 0 };
    uint64_t val;
    unsigned len;

    /* Up to 4 bytes; the shortest instruction we emulate is 1 byte long. */
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
    if (insn[0] == 0x0f && insn[1] == 0x09) {            /* wbinvd */
        if (!v->pv.in_kernel || !v->domain->is_privileged)
            return false;
        __asm__ volatile("wbinvd" ::: "memory");
        regs->rip += 2;
        return true;
    }
    if (io_allowed(v) && emulate_io(regs, insn, &len)) {
        regs->rip += len;
        return true;
    }
    return false;
}
