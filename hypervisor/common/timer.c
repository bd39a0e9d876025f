/*
 * One sorted singly linked list of armed timers per pCPU, each under its
 * own lock; a CPU's local APIC timer is programmed for the head of its own
 * list. Arming a timer that belongs to another CPU kicks that CPU (timer
 * softirq), which then reprograms its APIC. Good enough for the handful of
 * timers each CPU has; a heap could replace a list behind this interface.
 */
#include <lintel/keyhandler.h>
#include <lintel/percpu.h>
#include <lintel/printk.h>
#include <lintel/smp.h>
#include <lintel/softirq.h>
#include <lintel/spinlock.h>
#include <lintel/stacktrace.h>
#include <lintel/timer.h>

static DEFINE_PER_CPU(struct timer *, armed);
static DEFINE_PER_CPU(spinlock_t, timer_lock);

void timer_init(struct timer *t, void (*fn)(void *data), void *data)
{
    t->deadline = 0;
    t->fn = fn;
    t->data = data;
    t->next = NULL;
    t->active = false;
    t->cpu = smp_processor_id();
}

/* Locks the queue t belongs to, allowing for t moving CPU meanwhile. */
static unsigned long lock_timer_queue(struct timer *t, unsigned *cpu_out)
{
    for (;;) {
        unsigned cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        unsigned long flags = spin_lock_irqsave(&per_cpu(timer_lock, cpu));

        if (t->cpu == cpu) {
            *cpu_out = cpu;
            return flags;
        }
        spin_unlock_irqrestore(&per_cpu(timer_lock, cpu), flags);
    }
}

static void unlink_timer(struct timer *t, unsigned cpu)
{
    for (struct timer **p = &per_cpu(armed, cpu); *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->active = false;
}

/* Returns true when t became the head of the queue (the APIC must follow). */
static bool link_timer(struct timer *t, unsigned cpu)
{
    struct timer **p = &per_cpu(armed, cpu);

    while (*p && (*p)->deadline <= t->deadline)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->active = true;
    return per_cpu(armed, cpu) == t;
}

static void reprogram_hardware(void)
{
    struct timer *head = this_cpu(armed);

    if (head)
        apic_timer_program(head->deadline);
}

/* The head of cpu's queue changed: its APIC must be reprogrammed. */
static void head_changed(unsigned cpu)
{
    if (cpu == smp_processor_id())
        reprogram_hardware();
    else
        softirq_raise_on(cpu, SOFTIRQ_TIMER);
}

void timer_set(struct timer *t, s_time_t deadline)
{
    unsigned cpu;
    unsigned long flags = lock_timer_queue(t, &cpu);
    bool new_head;

    if (t->active)
        unlink_timer(t, cpu);
    t->deadline = deadline;
    new_head = link_timer(t, cpu);
    spin_unlock_irqrestore(&per_cpu(timer_lock, cpu), flags);
    if (new_head)
        head_changed(cpu);
}

void timer_stop(struct timer *t)
{
    unsigned cpu;
    unsigned long flags = lock_timer_queue(t, &cpu);

    if (t->active)
        unlink_timer(t, cpu);
    spin_unlock_irqrestore(&per_cpu(timer_lock, cpu), flags);
}

void timer_set_cpu(struct timer *t, unsigned cpu)
{
    unsigned old;
    unsigned long flags = lock_timer_queue(t, &old);
    bool was_active = t->active;

    if (old == cpu) {
        spin_unlock_irqrestore(&per_cpu(timer_lock, old), flags);
        return;
    }
    if (was_active)
        unlink_timer(t, old);
    /* Readers re-check t->cpu under the lock they took, so this is safe. */
    __atomic_store_n(&t->cpu, cpu, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&per_cpu(timer_lock, old), flags);
    if (was_active)
        timer_set(t, t->deadline);
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
    unsigned cpu = smp_processor_id();
    spinlock_t *lock = &per_cpu(timer_lock, cpu);
    unsigned long flags = spin_lock_irqsave(lock);

    while (per_cpu(armed, cpu) && per_cpu(armed, cpu)->deadline <= now_ns()) {
        struct timer *t = per_cpu(armed, cpu);

        unlink_timer(t, cpu);
        /* Dropped around the callback so that it may re-arm itself. */
        spin_unlock_irqrestore(lock, flags);
        t->fn(t->data);
        flags = spin_lock_irqsave(lock);
    }
    reprogram_hardware();
    spin_unlock_irqrestore(lock, flags);
}

void timers_dump(void)
{
    s_time_t now = now_ns();

    printk("Dumping timer queues: now=%lu ns\n", (unsigned long)now);
    for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
        unsigned long flags;

        if (!cpu_is_online(cpu))
            continue;
        flags = spin_lock_irqsave(&per_cpu(timer_lock, cpu));
        for (struct timer *t = per_cpu(armed, cpu); t; t = t->next) {
            uint64_t off;
            const char *fn = symbol_lookup((uint64_t)(uintptr_t)t->fn, &off, NULL);
            printk("  CPU%u: deadline=%lu ns (in %ld ns) fn=%s data=%p\n", cpu,
                   (unsigned long)t->deadline, (long)(t->deadline - now),
                   fn ? fn : "?", t->data);
        }
        spin_unlock_irqrestore(&per_cpu(timer_lock, cpu), flags);
    }
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
