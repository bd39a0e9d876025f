/*
 * The scheduler core: keeps the credit policy (credit.c) told about every
 * vCPU's runnability, charges running time, keeps run states, and switches
 * through pv_context_switch when the policy picks another vCPU. schedule()
 * runs on every exit to a guest, so it returns at once unless a reschedule
 * was asked for or the current vCPU may not go on.
 *
 * Several pCPUs share one credit run queue (load balance is implicit: an
 * idle pCPU takes the best queued vCPU its hard affinity allows), each with
 * its own reschedule flag and slice timer. A vCPU is on at most one pCPU:
 * it leaves the queue when picked, and a pCPU that picks a vCPU another one
 * is still saving waits for the save (sched_context_saved) before loading.
 * A wake-up kicks an idle pCPU the vCPU may run on.
 *
 * Locking: one lock with interrupts off, because wake-ups come from timer
 * callbacks and event delivery at any point. pv_context_switch never
 * returns, so the lock is dropped before it.
 */
#include "sched_private.h"

#include <lintel/errno.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/keyhandler.h>
#include <lintel/printk.h>
#include <lintel/percpu.h>
#include <lintel/pv_exec.h>
#include <lintel/sched.h>
#include <lintel/smp.h>
#include <lintel/softirq.h>
#include <lintel/spinlock.h>
#include <lintel/time.h>
#include <lintel/vcpu_time.h>
#include <lintel/x86.h>
#include <public/errno.h>

/* Per-domain policy state, found by domain (struct domain has no slot for it). */
struct sched_dom {
    struct domain *domain;
    struct credit_dom credit;
    struct credit_vcpu *vcpus[DOMAIN_MAX_VCPUS];
    struct sched_dom *next;
};

static spinlock_t sched_lock = SPINLOCK_INIT;
static struct credit_sched policy;
static bool policy_ready;
static struct sched_dom *sched_doms;
/* Per pCPU: a reschedule asked for, when the current vCPU started, its slice. */
static DEFINE_PER_CPU(volatile bool, resched);
static DEFINE_PER_CPU(uint64_t, running_since);
static DEFINE_PER_CPU(struct timer, slice_timer);
static DEFINE_PER_CPU(bool, slice_timer_ready);
/* Runs its idle vCPU and nobody kicked it yet (a wake-up may kick it). */
static DEFINE_PER_CPU(volatile bool, cpu_idle);
/* Time this pCPU ran guest vCPUs (busy_ns, plus now - busy_since while busy). */
static DEFINE_PER_CPU(uint64_t, busy_ns);
static DEFINE_PER_CPU(uint64_t, busy_since);
static DEFINE_PER_CPU(bool, busy);

static void slice_end(void *unused)
{
    (void)unused;
    this_cpu(resched) = true;
}

/* The slice timer runs on its own pCPU: set up there, on first use. */
static struct timer *this_slice_timer(void)
{
    unsigned cpu = smp_processor_id();

    if (!per_cpu(slice_timer_ready, cpu)) {
        timer_init(&per_cpu(slice_timer, cpu), slice_end, NULL);
        per_cpu(slice_timer_ready, cpu) = true;
    }
    return &per_cpu(slice_timer, cpu);
}

static void runqueue_key(char key);

static void policy_init_once(void)
{
    if (policy_ready)
        return;
    /* After smp_boot_cpus: every pCPU that will run vCPUs is online. */
    credit_sched_init(&policy, nr_online_cpus(), (uint64_t)now_ns());
    /* The core's idle loop may still hold 'r' for its "no scheduler" message. */
    if (!keyhandler_register('r', runqueue_key, "dump run queues"))
        keyhandler_register('u', runqueue_key, "dump run queues (credit scheduler)");
    policy_ready = true;
}

static struct sched_dom *find_dom(const struct domain *d)
{
    for (struct sched_dom *sd = sched_doms; sd; sd = sd->next)
        if (sd->domain == d)
            return sd;
    return NULL;
}

static struct sched_dom *get_dom(struct domain *d)
{
    struct sched_dom *sd = find_dom(d);

    if (sd)
        return sd;
    sd = xzalloc(sizeof(*sd));
    if (!sd)
        return NULL;
    sd->domain = d;
    credit_dom_init(&sd->credit, sd->vcpus, DOMAIN_MAX_VCPUS);
    credit_add_dom(&policy, &sd->credit);
    sd->next = sched_doms;
    sched_doms = sd;
    return sd;
}

static void put_dom_if_empty(struct sched_dom *sd)
{
    for (unsigned i = 0; i < DOMAIN_MAX_VCPUS; i++)
        if (sd->vcpus[i])
            return;
    credit_remove_dom(&policy, &sd->credit);
    for (struct sched_dom **pp = &sched_doms; *pp; pp = &(*pp)->next) {
        if (*pp == sd) {
            *pp = sd->next;
            break;
        }
    }
    xfree(sd);
}

static int state_off_cpu(const struct vcpu *v)
{
    if (v->blocked && v->online)
        return RUNSTATE_blocked;
    return vcpu_runnable(v) ? RUNSTATE_runnable : RUNSTATE_offline;
}

int sched_runstate_of(const struct vcpu *v)
{
    return v->sched && sched_vcpu(v)->on_cpu ? RUNSTATE_running : state_off_cpu(v);
}

/* The hard affinity the toolstack set (domctl setvcpuaffinity), for the policy. */
static void sync_affinity(struct vcpu *v)
{
    uint64_t online = cpu_online_mask();

    /* A mask naming no online pCPU would strand it: Xen refuses those. */
    sched_vcpu(v)->credit.affinity_mask = (v->affinity_hard & online) ? v->affinity_hard : 0;
}

static bool idle_and_allowed(unsigned cpu, uint64_t allowed)
{
    return cpu_is_online(cpu) && per_cpu(cpu_idle, cpu) &&
           (!allowed || (allowed & CPUMASK_CPU(cpu)));
}

/*
 * An idle pCPU v may run on gets a reschedule (and an IPI); else none. The
 * pCPU it ran on last comes first (its timers and caches are there). A
 * kicked pCPU counts as busy from now on (lock held), so a second wake-up
 * before it has picked goes to another idle pCPU instead of being queued
 * behind the first while CPUs idle.
 */
static bool kick_idle_cpu_for(struct vcpu *v)
{
    struct sched_vcpu *sv = sched_vcpu(v);
    uint64_t allowed = sv->credit.affinity_mask;
    unsigned self = smp_processor_id(), cpu = NR_CPUS;

    if (sv->cpu >= 0 && sv->cpu < NR_CPUS && idle_and_allowed((unsigned)sv->cpu, allowed))
        cpu = (unsigned)sv->cpu;
    for (unsigned c = 0; c < NR_CPUS && cpu == NR_CPUS; c++)
        if (idle_and_allowed(c, allowed))
            cpu = c;
    if (cpu == NR_CPUS)
        return false;
    per_cpu(cpu_idle, cpu) = false;
    per_cpu(resched, cpu) = true;
    if (cpu != self)
        smp_send_kick(cpu);
    return true;
}

/* Moves v's record to the state it is in now; mirrors it in struct vcpu. */
static void runstate_update(struct vcpu *v, int state, uint64_t now)
{
    struct sched_vcpu *sv = sched_vcpu(v);

    if (sv->runstate.state != state)
        runstate_change(&sv->runstate, state, now);
    v->runstate_entry_ns = sv->runstate.state_entry_time;
    memcpy(v->runstate_time_ns, sv->runstate.time, sizeof(v->runstate_time_ns));
}

int sched_init_vcpu(struct vcpu *v)
{
    struct sched_vcpu *sv;
    struct sched_dom *sd;
    unsigned long flags;

    if (v->id >= DOMAIN_MAX_VCPUS)
        return -EINVAL;
    sv = xzalloc(sizeof(*sv));
    if (!sv)
        return -ENOMEM;
    flags = spin_lock_irqsave(&sched_lock);
    policy_init_once();
    sd = get_dom(v->domain);
    if (!sd) {
        spin_unlock_irqrestore(&sched_lock, flags);
        xfree(sv);
        return -ENOMEM;
    }
    sv->vcpu = v;
    sv->cpu = -1;
    credit_vcpu_init(&sv->credit, &sd->credit, v);
    sd->vcpus[v->id] = &sv->credit;
    runstate_init(&sv->runstate, RUNSTATE_offline, (uint64_t)now_ns());
    v->sched = sv;
    spin_unlock_irqrestore(&sched_lock, flags);
    vcpu_time_setup(sv);
    return 0;
}

void sched_destroy_vcpu(struct vcpu *v)
{
    struct sched_vcpu *sv = sched_vcpu(v);
    struct sched_dom *sd;
    unsigned long flags;

    if (!sv)
        return;
    vcpu_time_teardown(sv);
    flags = spin_lock_irqsave(&sched_lock);
    credit_sleep(&policy, &sv->credit);
    sd = find_dom(v->domain);
    if (sd) {
        sd->vcpus[v->id] = NULL;
        put_dom_if_empty(sd);
    }
    v->sched = NULL;
    spin_unlock_irqrestore(&sched_lock, flags);
    xfree(sv);
}

void sched_wake(struct vcpu *v)
{
    struct sched_vcpu *sv = sched_vcpu(v);
    struct vcpu *cur = current_vcpu();
    unsigned long flags;

    if (!sv)
        return;
    flags = spin_lock_irqsave(&sched_lock);
    if (vcpu_runnable(v) && !sv->on_cpu && !sv->credit.runnable) {
        bool preempt;

        sync_affinity(v);
        runstate_update(v, RUNSTATE_runnable, (uint64_t)now_ns());
        preempt = credit_wake(&policy, &sv->credit,
                              is_idle_vcpu(cur) ? NULL : &sched_vcpu(cur)->credit);
        if (!kick_idle_cpu_for(v) && preempt)
            this_cpu(resched) = true;
    }
    if (is_idle_vcpu(cur))
        this_cpu(resched) = true;
    spin_unlock_irqrestore(&sched_lock, flags);
}

void sched_sleep(struct vcpu *v)
{
    struct sched_vcpu *sv = sched_vcpu(v);
    unsigned long flags;

    if (!sv)
        return;
    flags = spin_lock_irqsave(&sched_lock);
    if (sv->on_cpu) {
        /* schedule() on its pCPU charges it and takes it off on the way out. */
        per_cpu(resched, sv->cpu) = true;
        if ((unsigned)sv->cpu != smp_processor_id())
            smp_send_kick((unsigned)sv->cpu);
    } else if (!vcpu_runnable(v)) {
        credit_sleep(&policy, &sv->credit);
        runstate_update(v, state_off_cpu(v), (uint64_t)now_ns());
    }
    spin_unlock_irqrestore(&sched_lock, flags);
}

/*
 * As sched_sleep, then waits until no pCPU runs v or still holds its
 * state, so the caller may change or free what v runs on (Xen's
 * vcpu_sleep_sync). The current vCPU cannot wait for itself: it stops on
 * its own way out. Calls are answered while waiting, as the pCPU we wait
 * for may be sending one (a TLB shootdown) before it gets to schedule().
 */
void sched_sleep_sync(struct vcpu *v)
{
    struct sched_vcpu *sv = sched_vcpu(v);

    sched_sleep(v);
    if (!sv || v == current_vcpu())
        return;
    while (!vcpu_runnable(v) && (__atomic_load_n(&sv->on_cpu, __ATOMIC_ACQUIRE) ||
                                 __atomic_load_n(&sv->saving, __ATOMIC_ACQUIRE))) {
        smp_poll_calls();
        cpu_relax();
    }
}

void sched_yield(void)
{
    struct vcpu *cur = current_vcpu();

    if (is_idle_vcpu(cur))
        return;
    sched_vcpu(cur)->credit.yielded = true;
    this_cpu(resched) = true;
}

void sched_raise_softirq(int cpu)
{
    per_cpu(resched, cpu) = true;
    if ((unsigned)cpu != smp_processor_id())
        smp_send_kick((unsigned)cpu);
}

/* Charges prev for its run and decides whether it stays in the policy's queue. */
static struct credit_vcpu *account_prev(struct vcpu *prev, uint64_t now)
{
    struct sched_vcpu *sv;

    if (is_idle_vcpu(prev) || !prev->sched)
        return NULL;
    sv = sched_vcpu(prev);
    credit_burn(&sv->credit, now > this_cpu(running_since) ? now - this_cpu(running_since) : 0);
    sync_affinity(prev);
    if (vcpu_runnable(prev))
        return &sv->credit;
    sv->credit.runnable = false;
    return NULL;
}

/* The policy's choice, skipping any vCPU whose state changed behind its back. */
static struct vcpu *pick_next(struct credit_vcpu *prev, uint64_t now, uint64_t *slice)
{
    int cpu = (int)smp_processor_id();
    struct credit_vcpu *c = credit_pick(&policy, cpu, prev, now, slice);

    while (c && !vcpu_runnable(c->owner)) {
        c->runnable = false;
        c = credit_pick(&policy, cpu, NULL, now, slice);
    }
    return c ? c->owner : idle_vcpu();
}

/* Still allowed here? A changed hard affinity moves it at the next decision. */
static bool may_stay(const struct vcpu *v)
{
    uint64_t mask = v->sched ? sched_vcpu(v)->credit.affinity_mask : 0;

    return !mask || (mask & CPUMASK_CPU(smp_processor_id()));
}

/*
 * A vCPU's timers fire on the pCPU it runs on: the upcall they raise is then
 * local, and a pCPU's timer queue holds only what concerns it.
 */
static void timers_follow(struct vcpu *v)
{
    struct sched_vcpu *sv = sched_vcpu(v);
    unsigned cpu = smp_processor_id();

    timer_set_cpu(&sv->singleshot, cpu);
    timer_set_cpu(&sv->periodic, cpu);
    timer_set_cpu(&sv->poll_timeout, cpu);
}

void sched_context_saved(struct vcpu *prev)
{
    if (!is_idle_vcpu(prev) && prev->sched)
        __atomic_store_n(&sched_vcpu(prev)->saving, false, __ATOMIC_RELEASE);
}

void sched_wait_context_saved(struct vcpu *next)
{
    if (is_idle_vcpu(next) || !next->sched)
        return;
    while (__atomic_load_n(&sched_vcpu(next)->saving, __ATOMIC_ACQUIRE))
        cpu_relax();
}

/* Lock held: this pCPU starts or stops running guest vCPUs at now. */
static void account_busy(bool busy, uint64_t now)
{
    if (busy == this_cpu(busy))
        return;
    if (busy)
        this_cpu(busy_since) = now;
    else
        this_cpu(busy_ns) += now - this_cpu(busy_since);
    this_cpu(busy) = busy;
}

uint64_t sched_cpu_idle_ns(unsigned cpu)
{
    unsigned long flags;
    uint64_t now, busy;

    if (!cpu_is_online(cpu))
        return 0;
    flags = spin_lock_irqsave(&sched_lock);
    now = (uint64_t)now_ns();
    busy = per_cpu(busy_ns, cpu) + (per_cpu(busy, cpu) ? now - per_cpu(busy_since, cpu) : 0);
    spin_unlock_irqrestore(&sched_lock, flags);
    return busy < now ? now - busy : 0;
}

void sched_affinity_changed(struct vcpu *v)
{
    struct sched_vcpu *sv = sched_vcpu(v);
    unsigned long flags;

    if (!sv)
        return;
    flags = spin_lock_irqsave(&sched_lock);
    sync_affinity(v);
    /* Running where it may no longer run: its pCPU requeues it at once. */
    if (sv->on_cpu && sv->credit.affinity_mask &&
        !(sv->credit.affinity_mask & CPUMASK_CPU(sv->cpu))) {
        per_cpu(resched, sv->cpu) = true;
        if ((unsigned)sv->cpu != smp_processor_id())
            smp_send_kick((unsigned)sv->cpu);
    }
    spin_unlock_irqrestore(&sched_lock, flags);
}

void schedule(void)
{
    struct vcpu *prev = current_vcpu(), *next;
    uint64_t now, slice;
    unsigned long flags;

    if (!this_cpu(resched) && (is_idle_vcpu(prev) || (vcpu_runnable(prev) && may_stay(prev))))
        return;
    flags = spin_lock_irqsave(&sched_lock);
    policy_init_once();
    this_cpu(resched) = false;
    now = (uint64_t)now_ns();
    next = pick_next(account_prev(prev, now), now, &slice);
    timer_set(this_slice_timer(), (s_time_t)(now + slice));
    this_cpu(running_since) = now;
    this_cpu(cpu_idle) = is_idle_vcpu(next);
    account_busy(!is_idle_vcpu(next), now);
    if (next == prev) {
        spin_unlock_irqrestore(&sched_lock, flags);
        return;
    }
    if (!is_idle_vcpu(prev)) {
        /*
         * credit.runnable stays what account_prev decided: re-reading
         * vcpu_runnable() here saw a wake-up whose vcpu_unblock ran after
         * that decision but whose sched_wake waits for this lock, and then
         * marked prev runnable without queueing it, so the wake-up found
         * nothing to do and the vCPU was lost (the stock kernel's vCPU 1).
         */
        /* Another pCPU may pick it once the lock drops: not before it is saved. */
        sched_vcpu(prev)->saving = true;
        sched_vcpu(prev)->on_cpu = false;
        runstate_update(prev, state_off_cpu(prev), now);
    }
    if (!is_idle_vcpu(next)) {
        sched_vcpu(next)->credit.runnable = true;
        sched_vcpu(next)->on_cpu = true;
        sched_vcpu(next)->cpu = (int)smp_processor_id();
        runstate_update(next, RUNSTATE_running, now);
    }
    /* Work-conserving: a runnable prev goes to an idle pCPU if there is one. */
    if (!is_idle_vcpu(prev) && sched_vcpu(prev)->credit.runnable)
        kick_idle_cpu_for(prev);
    spin_unlock_irqrestore(&sched_lock, flags);
    /* Not under the lock: it reads the run state (vcpu_runstate_get). Another
     * pCPU may switch prev in meanwhile; its time areas are rewritten then. */
    if (!is_idle_vcpu(prev))
        vcpu_time_switch_out(prev);
    if (!is_idle_vcpu(next)) {
        timers_follow(next);
        vcpu_time_switch_in(next, now);
    }
    pv_context_switch(prev, next);
}

__noreturn void sched_start(void)
{
    for (;;) {
        local_irq_enable();
        softirq_run_pending();
        this_cpu(resched) = true;
        schedule();
        /* Checked with interrupts off so a wake-up cannot slip in before hlt. */
        local_irq_disable();
        if (!softirq_pending() && !this_cpu(resched))
            safe_halt();
        else
            local_irq_enable();
    }
}

void vcpu_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out)
{
    struct sched_vcpu *sv = sched_vcpu(v);
    unsigned long flags = spin_lock_irqsave(&sched_lock);

    runstate_snapshot(&sv->runstate, (uint64_t)now_ns(), out);
    spin_unlock_irqrestore(&sched_lock, flags);
}

int sched_set_credit(struct domain *d, unsigned weight, unsigned cap)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);
    struct sched_dom *sd = find_dom(d);
    int rc = sd ? credit_set_params(&policy, &sd->credit, weight, cap) : -XEN_ESRCH;

    spin_unlock_irqrestore(&sched_lock, flags);
    return rc;
}

int sched_get_credit(struct domain *d, unsigned *weight, unsigned *cap)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);
    struct sched_dom *sd = find_dom(d);

    if (sd) {
        *weight = sd->credit.weight;
        *cap = sd->credit.cap;
    }
    spin_unlock_irqrestore(&sched_lock, flags);
    return sd ? 0 : -XEN_ESRCH;
}

uint64_t sched_get_tslice(void)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);
    uint64_t ns;

    policy_init_once();
    ns = policy.tslice_ns;
    spin_unlock_irqrestore(&sched_lock, flags);
    return ns;
}

int sched_set_tslice(uint64_t ns)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);
    int rc;

    policy_init_once();
    rc = credit_set_tslice(&policy, ns);
    spin_unlock_irqrestore(&sched_lock, flags);
    return rc;
}

static const char *const prio_names[] = { "over", "under", "boost" };

static void runqueue_key(char key)
{
    (void)key;
    printk("Scheduler: credit, %u pCPU%s, one shared run queue\n", nr_online_cpus(),
           nr_online_cpus() == 1 ? "" : "s");
    for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpu_is_online(cpu))
            printk("  CPU%u: %s\n", cpu, per_cpu(cpu_idle, cpu) ? "idle" : "running a vCPU");
    for (struct sched_dom *sd = sched_doms; sd; sd = sd->next) {
        printk("  %s: weight %u cap %u, share %lu us, use %lu us a period, credit lost "
               "to the ceiling %lu ms, debt forgiven %lu ms\n", sd->domain->name,
               sd->credit.weight, sd->credit.cap, (unsigned long)(sd->credit.share / 1000),
               (unsigned long)(sd->credit.usage_avg / 1000),
               (unsigned long)(sd->credit.lost_ns / 1000000),
               (unsigned long)(sd->credit.forgiven_ns / 1000000));
        for (unsigned i = 0; i < DOMAIN_MAX_VCPUS; i++) {
            struct credit_vcpu *c = sd->vcpus[i];
            struct vcpu_runstate_info rs;

            if (!c)
                continue;
            runstate_snapshot(&sched_vcpu(c->owner)->runstate, (uint64_t)now_ns(), &rs);
            printk("    vcpu %u: credit %ld ns, %s%s%s, running %lu ms, runnable %lu ms, "
                   "blocked %lu ms\n", i, (long)c->credit, prio_names[c->prio],
                   c->queued ? ", queued" : "", credit_is_parked(c) ? ", parked" : "",
                   (unsigned long)(rs.time[RUNSTATE_running] / 1000000),
                   (unsigned long)(rs.time[RUNSTATE_runnable] / 1000000),
                   (unsigned long)(rs.time[RUNSTATE_blocked] / 1000000));
        }
    }
}

