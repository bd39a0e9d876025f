/*
 * Local APIC in xAPIC (MMIO) mode, reached through the direct map, which
 * maps the APIC page uncached. The legacy 8259s are remapped out of the
 * exception range and fully masked: Lintel never takes interrupts from them.
 */
#include <lintel/acpi.h>
#include <lintel/apic.h>
#include <lintel/cpu.h>
#include <lintel/layout.h>
#include <lintel/printk.h>
#include <lintel/time.h>
#include <lintel/traps.h>
#include <lintel/x86.h>

#define APIC_ID         0x020
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_SVR        0x0f0
#define APIC_ESR        0x280
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR  0x390
#define APIC_TIMER_DIV  0x3e0
#define APIC_ICR_LOW    0x300
#define APIC_ICR_HIGH   0x310

#define ICR_DELIVERY_INIT       0x500
#define ICR_DELIVERY_STARTUP    0x600
#define ICR_LEVEL_ASSERT        0x4000
#define ICR_BUSY                0x1000

#define APIC_SVR_ENABLE     0x100
#define LVT_MASKED          0x10000
#define LVT_DELIVERY_NMI    0x400
#define LVT_TIMER_DEADLINE  (2u << 17)
#define TIMER_DIVIDE_BY_1   0xb
#define APIC_BASE_ENABLE    (1ULL << 11)
#define CALIBRATE_NS        10000000ULL

/* ticks = ns * mul >> MUL_SHIFT; 24 bits keeps mul in range for any clock. */
#define MUL_SHIFT 24

static volatile uint32_t *apic_mmio;
static uint64_t timer_hz;
static uint64_t ns_to_ticks_mul;
static bool tsc_deadline;

static uint32_t apic_read(unsigned reg)
{
    return apic_mmio[reg / 4];
}

static void apic_write(unsigned reg, uint32_t v)
{
    apic_mmio[reg / 4] = v;
}

void pic_disable(void)
{
    /* ICW1-4: remap to 0x20/0x28 so a spurious IRQ7/15 is recognisable. */
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, VECTOR_PIC_BASE);
    outb(0xa1, VECTOR_PIC_BASE + 8);
    outb(0x21, 4);
    outb(0xa1, 2);
    outb(0x21, 1);
    outb(0xa1, 1);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

uint32_t apic_read_error(void)
{
    apic_write(APIC_ESR, 0);
    return apic_read(APIC_ESR);
}

uint32_t apic_id(void)
{
    return apic_read(APIC_ID) >> 24;
}

uint64_t apic_timer_hz(void)
{
    return timer_hz;
}

bool apic_uses_tsc_deadline(void)
{
    return tsc_deadline;
}

static void calibrate_timer(void)
{
    s_time_t start;
    uint32_t left;

    apic_write(APIC_TIMER_DIV, TIMER_DIVIDE_BY_1);
    apic_write(APIC_LVT_TIMER, LVT_MASKED | VECTOR_APIC_TIMER);
    apic_write(APIC_TIMER_INIT, 0xffffffff);
    start = now_ns();
    while (now_ns() - start < CALIBRATE_NS)
        cpu_relax();
    left = apic_read(APIC_TIMER_CUR);
    timer_hz = (uint64_t)(0xffffffffu - left) * NSEC_PER_SEC / (now_ns() - start);
    apic_write(APIC_TIMER_INIT, 0);
    ns_to_ticks_mul = (timer_hz << MUL_SHIFT) / NSEC_PER_SEC;
}

/* What every CPU's own local APIC needs (each CPU has one, at the same address). */
static uint64_t enable_local_apic(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    apic_mmio = phys_to_virt(base & 0xffffff000ULL);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | VECTOR_APIC_SPURIOUS);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_LINT0, LVT_MASKED);
    apic_write(APIC_LVT_LINT1, LVT_DELIVERY_NMI);
    apic_write(APIC_LVT_ERROR, VECTOR_APIC_ERROR);
    apic_read_error();
    return base;
}

/* An AP: the boot CPU's calibration holds for every CPU (same bus clock). */
void apic_init_ap(void)
{
    enable_local_apic();
    apic_write(APIC_TIMER_DIV, TIMER_DIVIDE_BY_1);
    apic_write(APIC_LVT_TIMER, VECTOR_APIC_TIMER |
                                   (tsc_deadline ? LVT_TIMER_DEADLINE : 0));
}

static void wait_icr_idle(void)
{
    while (apic_read(APIC_ICR_LOW) & ICR_BUSY)
        cpu_relax();
}

static void send_icr(uint32_t apic_id, uint32_t low)
{
    unsigned long flags = local_irq_save();

    wait_icr_idle();
    apic_write(APIC_ICR_HIGH, apic_id << 24);
    apic_write(APIC_ICR_LOW, low);
    wait_icr_idle();
    local_irq_restore(flags);
}

void apic_send_ipi(uint32_t apic_id, unsigned vector)
{
    send_icr(apic_id, vector & 0xff);
}

void apic_send_init(uint32_t apic_id)
{
    send_icr(apic_id, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

void apic_send_startup(uint32_t apic_id, uint32_t start_page)
{
    send_icr(apic_id, ICR_DELIVERY_STARTUP | (start_page & 0xff));
}

void apic_init(void)
{
    uint64_t base = enable_local_apic();

    calibrate_timer();
    tsc_deadline = boot_cpu.tsc_deadline;
    apic_write(APIC_LVT_TIMER, VECTOR_APIC_TIMER |
                                   (tsc_deadline ? LVT_TIMER_DEADLINE : 0));
    pr_info("APIC: id %u at %#lx, timer %lu kHz, %s mode\n", apic_id(),
            (unsigned long)(base & 0xffffff000ULL), (unsigned long)(timer_hz / 1000),
            tsc_deadline ? "TSC-deadline" : "one-shot");
}

void apic_timer_program(s_time_t deadline)
{
    s_time_t now = now_ns();
    uint64_t delta = deadline > now ? deadline - now : 0;
    uint64_t ticks;

    if (!apic_mmio)
        return;
    if (tsc_deadline) {
        wrmsr(MSR_TSC_DEADLINE, ns_to_tsc(deadline > now ? deadline : now) + 1);
        return;
    }
    ticks = (uint64_t)(((unsigned __int128)delta * ns_to_ticks_mul) >> MUL_SHIFT);
    /* A long wait fires early and is simply re-armed; zero would stop it. */
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffULL)
        ticks = 0xffffffffULL;
    apic_write(APIC_TIMER_INIT, (uint32_t)ticks);
}
