/*
 * A round-robin stand-in for the scheduler interface (sched.h) and for
 * SCHEDOP_shutdown, so PV guests run before the real scheduler
 * (common/sched/, PV-EVENTS) links. Every definition is weak: the real
 * ones replace all of them at link time. One pCPU; a vCPU keeps the CPU
 * until it blocks, yields, or its 30 ms slice ends.
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/pv_exec.h>
#include <lintel/sched.h>
#include <lintel/softirq.h>
#include <lintel/time.h>
#include <lintel/timer.h>
#include <lintel/x86.h>
#include <public/sched.h>

#define SLICE_NS MILLISECS(30)
#define MAX_VCPUS_TRACKED 64

static struct vcpu *vcpus[MAX_VCPUS_TRACKED];
static bool resched;
static struct timer slice_timer;
static bool slice_timer_ready;

static void slice_end(void *unused)
{
    (void)unused;
    resched = true;
}

__attribute__((weak)) int sched_init_vcpu(struct vcpu *v)
{
    for (unsigned i = 0; i < MAX_VCPUS_TRACKED; i++) {
        if (!vcpus[i]) {
            vcpus[i] = v;
            return 0;
        }
    }
    return -ENOMEM;
}

__attribute__((weak)) void sched_destroy_vcpu(struct vcpu *v)
{
    for (unsigned i = 0; i < MAX_VCPUS_TRACKED; i++)
        if (vcpus[i] == v)
            vcpus[i] = NULL;
}

__attribute__((weak)) void sched_wake(struct vcpu *v)
{
    (void)v;
    resched = true;
}

__attribute__((weak)) void sched_sleep(struct vcpu *v)
{
    (void)v;
    resched = true;
}

__attribute__((weak)) void sched_yield(void)
{
    resched = true;
}

__attribute__((weak)) void sched_raise_softirq(int cpu)
{
    (void)cpu;
    resched = true;
}

static unsigned slot_of(const struct vcpu *v)
{
    for (unsigned i = 0; i < MAX_VCPUS_TRACKED; i++)
        if (vcpus[i] == v)
            return i;
    return MAX_VCPUS_TRACKED - 1;
}

/* The next runnable vCPU after prev in slot order; prev itself last. */
static struct vcpu *pick_next(struct vcpu *prev)
{
    unsigned start = is_idle_vcpu(prev) ? MAX_VCPUS_TRACKED - 1 : slot_of(prev);

    for (unsigned k = 1; k <= MAX_VCPUS_TRACKED; k++) {
        struct vcpu *v = vcpus[(start + k) % MAX_VCPUS_TRACKED];
        if (v && vcpu_runnable(v))
            return v;
    }
    return idle_vcpu();
}

__attribute__((weak)) void schedule(void)
{
    struct vcpu *prev = current_vcpu(), *next;

    if (!resched && !is_idle_vcpu(prev) && vcpu_runnable(prev))
        return;
    resched = false;
    next = pick_next(prev);
    if (!slice_timer_ready) {
        timer_init(&slice_timer, slice_end, NULL);
        slice_timer_ready = true;
    }
    if (!is_idle_vcpu(next))
        timer_set(&slice_timer, now_ns() + SLICE_NS);
    if (next != prev)
        pv_context_switch(prev, next);
}

__attribute__((weak)) __noreturn void sched_start(void)
{
    for (;;) {
        local_irq_enable();
        softirq_run_pending();
        resched = true;
        schedule();
        local_irq_disable();
        if (!softirq_pending() && !resched)
            safe_halt();
        else
            local_irq_enable();
    }
}

/* Only SCHEDOP_shutdown until the real do_sched_op links. */
__attribute__((weak)) HYPERCALL_HANDLER(do_sched_op)
{
    struct sched_shutdown arg;

    (void)a3, (void)a4, (void)a5;
    if (a1 != SCHEDOP_shutdown)
        return -ENOSYS;
    if (copy_from_guest(&arg, a2, sizeof(arg)))
        return -EFAULT;
    if (arg.reason > SHUTDOWN_MAX)
        return -EINVAL;
    domain_shutdown(current_domain(), arg.reason);
    return 0;
}
