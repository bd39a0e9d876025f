/*
 * Inter-processor interrupts.
 *
 * Kick: "look at your softirqs and scheduler": the handler does nothing but
 * acknowledge; the work happens on the way out of the interrupt (exit path
 * to a guest, or the idle loop leaving hlt).
 *
 * Call: one cross-CPU call at a time (call_lock), described in `call`;
 * each target runs it from its IPI handler and clears its bit in
 * `call.waiting`; the caller spins until the mask is empty. A CPU that must
 * spin with interrupts off (for call_lock, or in any lock a caller of ours
 * may hold) answers calls by polling (smp_poll_calls), so two CPUs calling
 * each other, or one calling while the other waits for a lock it holds with
 * interrupts off, cannot deadlock on each other's IPIs.
 */
#include <lintel/apic.h>
#include <lintel/domain.h>
#include <lintel/keyhandler.h>
#include <lintel/percpu.h>
#include <lintel/printk.h>
#include <lintel/smp.h>
#include <lintel/spinlock.h>
#include <lintel/x86.h>

#define CR4_PGE (1UL << 7)

static spinlock_t call_lock = SPINLOCK_INIT;
static struct {
    void (*fn)(void *data);
    void *data;
    volatile cpumask_t waiting;
} call;

static DEFINE_PER_CPU(uint64_t, kicks_handled);
static DEFINE_PER_CPU(uint64_t, calls_handled);

void smp_send_kick(unsigned cpu)
{
    if (cpu_is_online(cpu) && cpu != smp_processor_id())
        apic_send_ipi(cpu_apic_id(cpu), VECTOR_IPI_KICK);
}

void smp_poll_calls(void)
{
    cpumask_t me = CPUMASK_CPU(smp_processor_id());

    if (!(__atomic_load_n(&call.waiting, __ATOMIC_ACQUIRE) & me))
        return;
    call.fn(call.data);
    this_cpu(calls_handled)++;
    __atomic_and_fetch(&call.waiting, ~me, __ATOMIC_RELEASE);
}

bool smp_handle_ipi(unsigned vector)
{
    if (vector == VECTOR_IPI_KICK) {
        apic_eoi();
        this_cpu(kicks_handled)++;
        return true;
    }
    if (vector == VECTOR_IPI_CALL) {
        apic_eoi();
        smp_poll_calls();
        return true;
    }
    return false;
}

static void lock_calls(void)
{
    while (!spin_trylock(&call_lock))
        smp_poll_calls();
}

void smp_call_function_mask(cpumask_t mask, void (*fn)(void *data), void *data, bool wait)
{
    unsigned self = smp_processor_id();
    cpumask_t others = mask & cpu_online_mask() & ~CPUMASK_CPU(self);

    /* The call block is shared, so the caller waits whatever `wait` says. */
    (void)wait;
    if (others) {
        lock_calls();
        call.fn = fn;
        call.data = data;
        __atomic_store_n(&call.waiting, others, __ATOMIC_RELEASE);
        for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
            if (others & CPUMASK_CPU(cpu))
                apic_send_ipi(cpu_apic_id(cpu), VECTOR_IPI_CALL);
        while (__atomic_load_n(&call.waiting, __ATOMIC_ACQUIRE))
            cpu_relax();
        spin_unlock(&call_lock);
    }
    if (mask & CPUMASK_CPU(self)) {
        unsigned long flags = local_irq_save();

        fn(data);
        local_irq_restore(flags);
    }
}

/* Every non-global and global entry (guests may map with the G bit). */
static void flush_tlb_local_all(void *unused)
{
    uint64_t cr4 = read_cr4();

    (void)unused;
    if (cr4 & CR4_PGE) {
        write_cr4(cr4 & ~CR4_PGE);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

void flush_tlb_mask(cpumask_t mask)
{
    smp_call_function_mask(mask, flush_tlb_local_all, NULL, true);
}

/*
 * A pCPU that stopped running a guest vCPU has loaded another CR3 since,
 * which dropped that guest's (non-global) entries: only the pCPUs running
 * one now can hold stale ones. (Lintel does not use PCIDs.)
 */
cpumask_t domain_dirty_cpus(const struct domain *d)
{
    cpumask_t mask = 0;

    for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
        const struct vcpu *v = cpu_is_online(cpu) ? cpu_running_vcpu(cpu) : NULL;

        if (v && !is_idle_vcpu(v) && (!d || v->domain == d))
            mask |= CPUMASK_CPU(cpu);
    }
    return mask;
}

void flush_tlb_domain(const struct domain *d)
{
    flush_tlb_mask(domain_dirty_cpus(d) | CPUMASK_CPU(smp_processor_id()));
}

void flush_tlb_guests(void)
{
    flush_tlb_mask(domain_dirty_cpus(NULL) | CPUMASK_CPU(smp_processor_id()));
}

void smp_ipi_counts(unsigned cpu, uint64_t *kicks, uint64_t *calls)
{
    *kicks = per_cpu(kicks_handled, cpu);
    *calls = per_cpu(calls_handled, cpu);
}

static volatile cpumask_t flushed_by;

static void flush_and_report(void *unused)
{
    flush_tlb_local_all(unused);
    __atomic_or_fetch(&flushed_by, CPUMASK_CPU(smp_processor_id()), __ATOMIC_SEQ_CST);
}

/* Every online CPU flushes through the real shootdown path and says so. */
static void pcpu_key(char key)
{
    cpumask_t online = cpu_online_mask();
    unsigned n = 0;

    (void)key;
    flushed_by = 0;
    smp_call_function_mask(online, flush_and_report, NULL, true);
    for (cpumask_t m = flushed_by; m; m &= m - 1)
        n++;
    printk("TLB shootdown self-test: %u of %u CPUs flushed\n", n, nr_online_cpus());
    for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
        if (online & CPUMASK_CPU(cpu))
            printk("  CPU%u: %lu kicks, %lu calls (APIC id %u)\n", cpu,
                   (unsigned long)per_cpu(kicks_handled, cpu),
                   (unsigned long)per_cpu(calls_handled, cpu), cpu_apic_id(cpu));
}

void smp_register_keys(void)
{
    keyhandler_register('p', pcpu_key, "pCPUs: IPI counts and a TLB shootdown self-test");
}
