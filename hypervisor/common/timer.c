/*
 * A sorted singly linked list of armed timers. Good enough for the handful
 * of timers one CPU has now; the scheduler may want a heap per CPU later,
 * behind the same interface.
 */
#include <lintel/keyhandler.h>
#include <lintel/printk.h>
#include <lintel/softirq.h>
#include <lintel/spinlock.h>
#include <lintel/stacktrace.h>
#include <lintel/timer.h>

static struct timer *armed;
static spinlock_t timer_lock = SPINLOCK_INIT;

void timer_init(struct timer *t, void (*fn)(void *data), void *data)
{
    t->deadline = 0;
    t->fn = fn;
    t->data = data;
    t->next = NULL;
    t->active = false;
}

static void unlink_timer(struct timer *t)
{
    for (struct timer **p = &armed; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->active = false;
}

static void reprogram_hardware(void)
{
    if (armed)
        apic_timer_program(armed->deadline);
}

void timer_set(struct timer *t, s_time_t deadline)
{
    unsigned long flags = spin_lock_irqsave(&timer_lock);
    struct timer **p = &armed;

    if (t->active)
        unlink_timer(t);
    t->deadline = deadline;
    while (*p && (*p)->deadline <= deadline)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->active = true;
    if (armed == t)
        reprogram_hardware();
    spin_unlock_irqrestore(&timer_lock, flags);
}

void timer_stop(struct timer *t)
{
    unsigned long flags = spin_lock_irqsave(&timer_lock);

    if (t->active)
        unlink_timer(t);
    spin_unlock_irqrestore(&timer_lock, flags);
}

bool timer_is_active(const struct timer *t)
{
    return t->active;
}

void timer_interrupt(void)
{
    softirq_raise(SOFTIRQ_TIMER);
}

static void run_expired_timers(void)
{
    unsigned long flags = spin_lock_irqsave(&timer_lock);

    while (armed && armed->deadline <= now_ns()) {
        struct timer *t = armed;

        unlink_timer(t);
        /* Dropped around the callback so that it may re-arm itself. */
        spin_unlock_irqrestore(&timer_lock, flags);
        t->fn(t->data);
        flags = spin_lock_irqsave(&timer_lock);
    }
    reprogram_hardware();
    spin_unlock_irqrestore(&timer_lock, flags);
}

void timers_dump(void)
{
    unsigned long flags = spin_lock_irqsave(&timer_lock);
    s_time_t now = now_ns();

    printk("Dumping timer queues: now=%lu ns\n", (unsigned long)now);
    for (struct timer *t = armed; t; t = t->next) {
        uint64_t off;
        const char *fn = symbol_lookup((uint64_t)(uintptr_t)t->fn, &off, NULL);
        printk("  CPU0: deadline=%lu ns (in %ld ns) fn=%s data=%p\n",
               (unsigned long)t->deadline, (long)(t->deadline - now),
               fn ? fn : "?", t->data);
    }
    spin_unlock_irqrestore(&timer_lock, flags);
}

static void timers_key(char key)
{
    (void)key;
    timers_dump();
}

void timers_init(void)
{
    softirq_register(SOFTIRQ_TIMER, run_expired_timers);
    keyhandler_register('a', timers_key, "dump timer queues");
}
