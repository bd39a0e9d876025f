/* Test-and-set spinlocks; the _irqsave forms are for data that interrupt
 * handlers also touch (the console, timers). */
#ifndef LINTEL_SPINLOCK_H
#define LINTEL_SPINLOCK_H

#include <lintel/x86.h>

typedef struct {
    volatile int locked;
} spinlock_t;

/*
 * A CPU spinning here may be the one another CPU's cross-CPU call (a TLB
 * shootdown) waits for, possibly while holding this very lock: answering
 * calls while spinning keeps that from deadlocking (arch/x86_64/smp/ipi.c).
 */
#ifdef LINTEL_HOST
static inline void smp_poll_calls(void)
{
}
#else
void smp_poll_calls(void);
#endif

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(spinlock_t *l)
{
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (l->locked) {
            cpu_relax();
            smp_poll_calls();
        }
}

static inline bool spin_trylock(spinlock_t *l)
{
    return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags = local_irq_save();
    spin_lock(l);
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    local_irq_restore(flags);
}

#endif
