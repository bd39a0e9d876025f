/*
 * Softirqs are per pCPU: raising one marks this CPU; softirq_raise_on()
 * marks another and kicks it with an IPI so it runs them soon.
 */
#include <lintel/percpu.h>
#include <lintel/smp.h>
#include <lintel/softirq.h>
#include <lintel/x86.h>

static void (*handlers[SOFTIRQ_COUNT])(void);
static DEFINE_PER_CPU(volatile unsigned long, pending);

void softirq_register(enum softirq nr, void (*fn)(void))
{
    handlers[nr] = fn;
}

void softirq_raise(enum softirq nr)
{
    __atomic_or_fetch(&this_cpu(pending), 1UL << nr, __ATOMIC_SEQ_CST);
}

void softirq_raise_on(unsigned cpu, enum softirq nr)
{
    __atomic_or_fetch(&per_cpu(pending, cpu), 1UL << nr, __ATOMIC_SEQ_CST);
    if (cpu != smp_processor_id())
        smp_send_kick(cpu);
}

bool softirq_pending(void)
{
    return this_cpu(pending) != 0;
}

void softirq_run_pending(void)
{
    unsigned long work;

    /* Handlers run with interrupts on: that is the point of deferring. */
    while ((work = __atomic_exchange_n(&this_cpu(pending), 0, __ATOMIC_SEQ_CST))) {
        for (unsigned nr = 0; nr < SOFTIRQ_COUNT; nr++)
            if ((work & (1UL << nr)) && handlers[nr])
                handlers[nr]();
    }
}
