/*
 * Guest FPU/SSE/AVX state: XSAVE when the CPU has it (FXSAVE otherwise),
 * the guest's XCR0 and the emulated xsetbv.
 *
 * Guests get x87, SSE and AVX (YMM) state, as Xen 4.17 offers a PV guest
 * on this class of CPU (MPX and PKRU stay hidden). While a guest runs, the
 * CPU's XCR0 is the guest's own value, since xgetbv reads it directly. On
 * a vCPU switch XCR0 is widened to every component we offer, so the save
 * and the restore cover them all whatever each guest enabled: a component
 * a guest never enabled is restored from its own area (init state), never
 * left over from the previous vCPU.
 */
#include <lintel/domain.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/printk.h>
#include <lintel/pv_exec.h>
#include <lintel/traps.h>
#include <lintel/x86.h>

#define CPUID1_ECX_XSAVE    (1u << 26)
#define CPUID1_ECX_AVX      (1u << 28)
#define CPUIDD1_EAX_XSAVEOPT (1u << 0)
#define CR4_OSXSAVE         (1UL << 18)
#define CR0_TS              (1UL << 3)
#define FXSAVE_SIZE         512
#define XSAVE_HEADER_OFFSET 512
#define FCW_DEFAULT         0x37f
#define MXCSR_DEFAULT       0x1f80

static bool use_xsave, use_xsaveopt;
static uint64_t offered_mask;           /* XCR0 bits guests may enable */
static uint32_t area_size = FXSAVE_SIZE;

static void xsetbv(uint32_t index, uint64_t value)
{
    __asm__ volatile("xsetbv" : : "c"(index), "a"((uint32_t)value),
                     "d"((uint32_t)(value >> 32)));
}

static void cpu_enable_xsave(void)
{
    write_cr4(read_cr4() | CR4_OSXSAVE);
    xsetbv(0, PV_XCR0_DEFAULT);
}

void pv_xstate_cpu_init(void)
{
    static bool probed;
    uint32_t a, b, c, d;

    if (probed) {
        if (use_xsave)
            cpu_enable_xsave();
        return;
    }
    probed = true;
    cpuid(1, 0, &a, &b, &c, &d);
    if (!(c & CPUID1_ECX_XSAVE))
        return;
    use_xsave = true;
    cpu_enable_xsave();
    cpuid(0xd, 0, &a, &b, &c, &d);
    offered_mask = a & PV_XCR0_DEFAULT;
    cpuid(1, 0, &a, &b, &c, &d);
    if (c & CPUID1_ECX_AVX) {
        cpuid(0xd, 0, &a, &b, &c, &d);
        offered_mask |= a & PV_XCR0_YMM;
    }
    /* The area size for everything offered: ask with that XCR0 in place. */
    xsetbv(0, offered_mask);
    cpuid(0xd, 0, &a, &b, &c, &d);
    area_size = b;
    xsetbv(0, PV_XCR0_DEFAULT);
    cpuid(0xd, 1, &a, &b, &c, &d);
    use_xsaveopt = a & CPUIDD1_EAX_XSAVEOPT;
    printk("pv: guest FPU state by %s, XCR0 up to %#lx, %u bytes per vCPU\n",
           use_xsaveopt ? "XSAVEOPT/XRSTOR" : "XSAVE/XRSTOR", (unsigned long)offered_mask,
           area_size);
}

uint64_t pv_xstate_offered(void)
{
    return offered_mask;
}

static void *area_of(struct vcpu *v)
{
    return (void *)ALIGN_UP((uintptr_t)v->pv.fpu_area, 64);
}

int pv_xstate_vcpu_init(struct vcpu *v)
{
    uint8_t *area;

    v->pv.fpu_area = xzalloc(area_size + 64);
    if (!v->pv.fpu_area)
        return -1;
    area = area_of(v);
    /* The defaults a CPU comes out of reset with (zero would unmask every exception). */
    *(uint16_t *)area = FCW_DEFAULT;
    *(uint32_t *)(area + 24) = MXCSR_DEFAULT;
    v->pv.xcr0 = PV_XCR0_DEFAULT;
    return 0;
}

void pv_xstate_load_legacy(struct vcpu *v, const void *fxsave_image)
{
    uint8_t *area = area_of(v);

    memcpy(area, fxsave_image, FXSAVE_SIZE);
    /* The header's XSTATE_BV says which components the image holds. */
    if (use_xsave)
        *(uint64_t *)(area + XSAVE_HEADER_OFFSET) |= PV_XCR0_DEFAULT;
}

void pv_xstate_save(struct vcpu *v)
{
    void *area = area_of(v);

    __asm__ volatile("clts");
    if (!use_xsave) {
        __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
        return;
    }
    xsetbv(0, offered_mask);
    if (use_xsaveopt)
        __asm__ volatile("xsaveopt64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
    else
        __asm__ volatile("xsave64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
}

void pv_xstate_restore(struct vcpu *v)
{
    void *area = area_of(v);

    __asm__ volatile("clts");
    if (!use_xsave) {
        __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
        return;
    }
    xsetbv(0, offered_mask);
    __asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
    xsetbv(0, v->pv.xcr0);
}

bool pv_xstate_guest_osxsave(const struct vcpu *v)
{
    return use_xsave && (v->pv.guest_cr4 & CR4_OSXSAVE);
}

bool pv_xstate_cr4_ok(uint64_t guest_cr4)
{
    return use_xsave || !(guest_cr4 & CR4_OSXSAVE);
}

/*
 * xsetbv from the guest kernel (0f 01 d1), with the checks the CPU makes:
 * only XCR0, x87 always on, AVX only with SSE, nothing we do not offer.
 * Returns the vector to give the guest (0 when it was done).
 */
unsigned pv_emulate_xsetbv(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();
    uint64_t value = ((regs->rdx & 0xffffffffULL) << 32) | (regs->rax & 0xffffffffULL);

    if (!pv_xstate_guest_osxsave(v))
        return 6;
    if ((uint32_t)regs->rcx != 0 || !(value & PV_XCR0_X87) || (value & ~offered_mask) ||
        ((value & PV_XCR0_YMM) && !(value & PV_XCR0_SSE)))
        return 13;
    v->pv.xcr0 = value;
    xsetbv(0, value);
    regs->rip += 3;
    return 0;
}
