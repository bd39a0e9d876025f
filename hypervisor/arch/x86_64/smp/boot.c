/*
 * Bringing up the application processors, one at a time: INIT, STARTUP,
 * STARTUP (the MP specification's sequence) for each enabled MADT entry
 * other than ourselves, up to maxcpus= (nosmp: none). Each AP gets a
 * stack block and a GDT from the frame allocator, runs trampoline.S into
 * long mode and then ap_start(), which sets up its descriptor tables,
 * APIC, timer and PV entry, says "CPU<n> online" and enters the scheduler
 * (sched_start, as the boot CPU does once dom0 is built): guest vCPUs run
 * on every pCPU.
 */
#include <lintel/acpi.h>
#include <lintel/apic.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/percpu.h>
#include <lintel/printk.h>
#include <lintel/pv_exec.h>
#include <lintel/sched.h>
#include <lintel/setup.h>
#include <lintel/smp.h>
#include <lintel/smp_boot.h>
#include <lintel/softirq.h>
#include <lintel/time.h>
#include <lintel/traps.h>
#include <lintel/x86.h>

#define PTE_PRESENT_RW  0x3ULL
#define PTE_LARGE       0x80ULL
/* TCG is slow and other jobs share the host: allow an AP a long time. */
#define AP_START_TIMEOUT_NS (3 * 1000000000LL)

extern const char trampoline_start[], trampoline_end[];
extern uint64_t trampoline_cr3, trampoline_efer, trampoline_stack, trampoline_entry;
extern const char ap_start64[];

void ap_start(void);

/* What the AP being started reads in ap_start (one AP at a time). */
static struct {
    uint64_t cr3, cr4, efer;
    uint64_t *gdt;
} boot_cpu_state;

/* The trampoline's slots, in the low-memory copy. */
static uint64_t *trampoline_slot(const uint64_t *slot)
{
    return phys_to_virt(TRAMPOLINE_PHYS + ((const char *)slot - trampoline_start));
}

/* Identity map of 0-2 MiB (for the trampoline) plus the hypervisor's upper half. */
static void build_trampoline_tables(void)
{
    uint64_t *l4 = phys_to_virt(TRAMPOLINE_L4_PHYS);
    uint64_t *l3 = phys_to_virt(TRAMPOLINE_L3_PHYS);
    uint64_t *l2 = phys_to_virt(TRAMPOLINE_L2_PHYS);
    const uint64_t *hv_l4 = phys_to_virt(read_cr3() & ~0xfffULL);

    memset(l4, 0, PAGE_SIZE);
    memset(l3, 0, PAGE_SIZE);
    memset(l2, 0, PAGE_SIZE);
    l2[0] = 0 | PTE_PRESENT_RW | PTE_LARGE;
    l3[0] = TRAMPOLINE_L2_PHYS | PTE_PRESENT_RW;
    l4[0] = TRAMPOLINE_L3_PHYS | PTE_PRESENT_RW;
    for (unsigned i = 256; i < 512; i++)
        l4[i] = hv_l4[i];
}

static void prepare_trampoline(void)
{
    size_t len = (size_t)(trampoline_end - trampoline_start);

    memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, len);
    build_trampoline_tables();
    boot_cpu_state.cr3 = read_cr3();
    boot_cpu_state.cr4 = read_cr4();
    boot_cpu_state.efer = rdmsr(MSR_EFER);
    *trampoline_slot(&trampoline_cr3) = TRAMPOLINE_L4_PHYS;
    *trampoline_slot(&trampoline_efer) = boot_cpu_state.efer & 0xffffffffULL;
    *trampoline_slot(&trampoline_entry) = (uint64_t)(uintptr_t)ap_start64;
}

static void wait_ns(s_time_t ns)
{
    s_time_t end = now_ns() + ns;

    while (now_ns() < end)
        cpu_relax();
}

static bool wait_online(unsigned cpu)
{
    s_time_t end = now_ns() + AP_START_TIMEOUT_NS;

    while (!cpu_is_online(cpu)) {
        if (now_ns() > end)
            return false;
        cpu_relax();
    }
    return true;
}

/* Memory for one AP; false (nothing kept) if there is not enough. */
static bool alloc_cpu_memory(unsigned cpu, uintptr_t *block, uint64_t **gdt)
{
    void *stack = alloc_xen_pages(CPU_STACK_ORDER);
    void *table = alloc_xen_pages(CPU_STACK_ORDER);

    if (!stack || !table) {
        if (stack)
            free_xen_pages(stack, CPU_STACK_ORDER);
        if (table)
            free_xen_pages(table, CPU_STACK_ORDER);
        pr_err("smp: no memory for CPU%u's stack and GDT\n", cpu);
        return false;
    }
    memset(stack, 0, CPU_STACK_SIZE);
    memset(table, 0, CPU_STACK_SIZE);
    *block = (uintptr_t)stack;
    *gdt = table;
    return true;
}

static bool start_cpu(unsigned cpu, uint32_t apic_id)
{
    uintptr_t block;
    uint64_t *gdt;

    if (!alloc_cpu_memory(cpu, &block, &gdt))
        return false;
    smp_set_stack_block(cpu, block);
    boot_cpu_state.gdt = gdt;
    *trampoline_slot(&trampoline_stack) = block + CPU_FRAME_OFFSET;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    apic_send_init(apic_id);
    wait_ns(10 * 1000000LL);
    for (int i = 0; i < 2 && !cpu_is_online(cpu); i++) {
        apic_send_startup(apic_id, TRAMPOLINE_PHYS >> 12);
        wait_ns(200 * 1000LL);
    }
    if (wait_online(cpu))
        return true;
    /* Its memory stays allocated: the CPU may still wake up and use it. */
    pr_err("smp: CPU%u (APIC id %u) did not start\n", cpu, apic_id);
    return false;
}

static __noreturn void ap_idle(void)
{
    for (;;) {
        local_irq_enable();
        softirq_run_pending();
        /* Checked with interrupts off so a kick cannot slip in before hlt. */
        local_irq_disable();
        if (!softirq_pending())
            safe_halt();
    }
}

/* APs wait for the whole set to be up: the scheduler sizes credit by it. */
static volatile bool all_started;

static unsigned cpu_limit(void)
{
    unsigned limit = NR_CPUS;

    if (boot_options.nosmp)
        return 1;
    if (boot_options.maxcpus && boot_options.maxcpus < limit)
        limit = boot_options.maxcpus;
    return limit;
}

void smp_boot_cpus(void)
{
    uint32_t self = apic_id();
    unsigned limit = cpu_limit(), next = 1;

    smp_mark_online(0, self);
    smp_register_keys();
    if (acpi.cpu_count > 1 && limit > 1)
        prepare_trampoline();
    for (unsigned i = 0; i < acpi.cpu_count && next < limit; i++) {
        if (acpi.cpu_apic_ids[i] == self)
            continue;
        if (start_cpu(next, acpi.cpu_apic_ids[i]))
            next++;
        else
            break;
    }
    if (acpi.cpu_count > limit)
        printk("smp: %u of %u CPUs used (%s)\n", limit, acpi.cpu_count,
               boot_options.nosmp ? "nosmp" : "maxcpus");
    printk("smp: %u CPU%s online\n", nr_online_cpus(), nr_online_cpus() == 1 ? "" : "s");
    __atomic_store_n(&all_started, true, __ATOMIC_RELEASE);
}


void ap_start(void)
{
    unsigned cpu = smp_processor_id();

    descriptors_init_cpu(cpu, boot_cpu_state.gdt);
    write_cr3(boot_cpu_state.cr3);
    write_cr4(boot_cpu_state.cr4);
    wrmsr(MSR_EFER, boot_cpu_state.efer);
    apic_init_ap();
    pv_exec_cpu_init();
    smp_mark_online(cpu, apic_id());
    printk("CPU%u online (APIC id %u)\n", cpu, apic_id());
    local_irq_enable();
    while (!__atomic_load_n(&all_started, __ATOMIC_ACQUIRE))
        cpu_relax();
    /* Without dom0 there is nothing to schedule, and the idle loop's
     * debug keys (no scheduler running) stay true. */
    if (boot_options.nodom0)
        ap_idle();
    sched_start();
}
