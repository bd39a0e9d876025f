/*
 * Which CPUs exist (the MADT) and which are online. The online mask only
 * grows: CPUs are never taken down again.
 */
#include <lintel/acpi.h>
#include <lintel/percpu.h>
#include <lintel/smp.h>

static volatile cpumask_t online = 1;       /* the boot CPU runs this */
static uint32_t apic_ids[NR_CPUS];

cpumask_t cpu_online_mask(void)
{
    return __atomic_load_n(&online, __ATOMIC_ACQUIRE);
}

bool cpu_is_online(unsigned cpu)
{
    return cpu < NR_CPUS && (cpu_online_mask() & CPUMASK_CPU(cpu));
}

unsigned nr_online_cpus(void)
{
    cpumask_t m = cpu_online_mask();
    unsigned n = 0;

    /* No popcnt in qemu64's baseline, and no libgcc to call. */
    for (; m; m &= m - 1)
        n++;
    return n;
}

unsigned nr_present_cpus(void)
{
    unsigned n = acpi.cpu_count;

    if (n == 0)
        return 1;   /* no MADT: the boot CPU is all we know of */
    return n < NR_CPUS ? n : NR_CPUS;
}

uint32_t cpu_apic_id(unsigned cpu)
{
    return apic_ids[cpu];
}

void smp_mark_online(unsigned cpu, uint32_t apic_id)
{
    apic_ids[cpu] = apic_id;
    this_cpu_info()->apic_id = apic_id;
    __atomic_or_fetch(&online, CPUMASK_CPU(cpu), __ATOMIC_RELEASE);
}
