#include <lintel/softirq.h>
#include <lintel/x86.h>

static void (*handlers[SOFTIRQ_COUNT])(void);
static volatile unsigned long pending;

void softirq_register(enum softirq nr, void (*fn)(void))
{
    handlers[nr] = fn;
}

void softirq_raise(enum softirq nr)
{
    __atomic_or_fetch(&pending, 1UL << nr, __ATOMIC_SEQ_CST);
}

bool softirq_pending(void)
{
    return pending != 0;
}

void softirq_run_pending(void)
{
    unsigned long work;

    /* Handlers run with interrupts on: that is the point of deferring. */
    while ((work = __atomic_exchange_n(&pending, 0, __ATOMIC_SEQ_CST))) {
        for (unsigned nr = 0; nr < SOFTIRQ_COUNT; nr++)
            if ((work & (1UL << nr)) && handlers[nr])
                handlers[nr]();
    }
}
