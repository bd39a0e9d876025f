/*
 * Credit-scheduler policy (see credit.h). Pure: no locks, no clock of its
 * own; the run queue is one list ordered by priority, FIFO within a
 * priority, so round robin among equals falls out of requeueing at the
 * tail of the group.
 */
#include <lintel/credit.h>
#include <public/errno.h>

/* A capped vCPU never gets a slice so short that switching costs dominate. */
#define CREDIT_MIN_SLICE_NS 500000ULL

void credit_sched_init(struct credit_sched *s, unsigned nr_pcpus, uint64_t now)
{
    s->domains = NULL;
    s->head.next = s->head.prev = &s->head;
    s->nr_pcpus = nr_pcpus ? nr_pcpus : 1;
    s->period_start = now;
    s->tslice_ns = CREDIT_TSLICE_NS;
}

void credit_dom_init(struct credit_dom *d, struct credit_vcpu **vcpus, unsigned nr_vcpus)
{
    d->weight = CREDIT_DEFAULT_WEIGHT;
    d->cap = 0;
    d->next_dom = NULL;
    d->vcpus = vcpus;
    d->nr_vcpus = nr_vcpus;
    d->usage_avg = 0;
}

void credit_vcpu_init(struct credit_vcpu *v, struct credit_dom *d, void *owner)
{
    *v = (struct credit_vcpu){ .dom = d, .prio = CREDIT_OVER, .affinity_cpu = -1,
                               .owner = owner };
}

void credit_add_dom(struct credit_sched *s, struct credit_dom *d)
{
    d->next_dom = s->domains;
    s->domains = d;
}

static void dequeue(struct credit_vcpu *v)
{
    if (!v->queued)
        return;
    v->prev->next = v->next;
    v->next->prev = v->prev;
    v->next = v->prev = NULL;
    v->queued = false;
}

void credit_remove_dom(struct credit_sched *s, struct credit_dom *d)
{
    for (struct credit_dom **pp = &s->domains; *pp; pp = &(*pp)->next_dom) {
        if (*pp == d) {
            *pp = d->next_dom;
            break;
        }
    }
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i])
            dequeue(d->vcpus[i]);
}

int credit_set_params(struct credit_sched *s, struct credit_dom *d, unsigned weight,
                      unsigned cap)
{
    (void)s;
    if (weight == 0 || weight > CREDIT_MAX_WEIGHT || cap > 0xffff)
        return -XEN_EINVAL;
    d->weight = weight;
    d->cap = cap;
    return 0;
}

static void update_prio(struct credit_vcpu *v)
{
    if (v->credit <= 0)
        v->prio = CREDIT_OVER;
    else
        v->prio = v->boosted ? CREDIT_BOOST : CREDIT_UNDER;
}

/* Behind every queued vCPU of the same or higher priority. */
static void enqueue(struct credit_sched *s, struct credit_vcpu *v)
{
    struct credit_vcpu *pos = s->head.next;

    if (v->queued)
        return;
    if (!v->yielded)
        while (pos != &s->head && pos->prio >= v->prio)
            pos = pos->next;
    else
        pos = &s->head;
    v->yielded = false;
    v->next = pos;
    v->prev = pos->prev;
    pos->prev->next = v;
    pos->prev = v;
    v->queued = true;
}

bool credit_is_parked(const struct credit_vcpu *v)
{
    return v->dom->cap && v->credit <= 0;
}

bool credit_wake(struct credit_sched *s, struct credit_vcpu *v,
                 const struct credit_vcpu *running)
{
    v->runnable = true;
    /* Waking means it was blocked: the core takes a running vCPU that
     * blocks off the CPU without credit_sleep. */
    v->slept_this_period = true;
    v->boosted = v->credit > 0;
    update_prio(v);
    enqueue(s, v);
    if (credit_is_parked(v))
        return false;
    return !running || v->prio > running->prio;
}

void credit_sleep(struct credit_sched *s, struct credit_vcpu *v)
{
    (void)s;
    v->runnable = false;
    v->slept_this_period = true;
    dequeue(v);
}

void credit_burn(struct credit_vcpu *v, uint64_t ran_ns)
{
    v->credit -= (int64_t)ran_ns;
    /* Debts are kept for two periods' worth: forgiving them sooner favours
     * whoever overran most (a late slice timer under load). */
    if (v->credit < -2 * (int64_t)CREDIT_PERIOD_NS)
        v->credit = -2 * (int64_t)CREDIT_PERIOD_NS;
    v->ran_this_period = true;
    v->burned_this_period += ran_ns;
    v->boosted = false;
    update_prio(v);
}

static unsigned active_vcpus(const struct credit_dom *d)
{
    unsigned n = 0;

    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i] && (d->vcpus[i]->runnable || d->vcpus[i]->ran_this_period))
            n++;
    return n;
}

/* The most a domain can burn in a period: its cap, or all its active vCPUs. */
static uint64_t dom_peak(const struct credit_dom *d, unsigned nr_active)
{
    uint64_t peak = CREDIT_PERIOD_NS * nr_active;

    if (d->cap && peak > CREDIT_PERIOD_NS * d->cap / 100)
        peak = CREDIT_PERIOD_NS * d->cap / 100;
    return peak;
}

/*
 * Folds the period's use into the domain's moving average (weight 1/4) and
 * says whether the domain blocked in it. One that never blocks wants all it
 * can get: its use only shows what it was given.
 */
static bool note_usage(struct credit_dom *d)
{
    uint64_t used = 0;
    bool slept = false;

    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct credit_vcpu *v = d->vcpus[i];

        if (!v)
            continue;
        used += v->burned_this_period;
        slept |= v->slept_this_period;
        v->burned_this_period = 0;
        v->slept_this_period = false;
    }
    d->usage_avg = (3 * d->usage_avg + used) / 4;
    return slept;
}

/*
 * Water-filling: a domain whose recent use (or peak) is below its weighted
 * share of what is left keeps that share and is set aside with what it
 * uses; the rest is shared again among the others, until no more domains
 * are set aside. Each set-aside domain gets the share it had when set
 * aside: more than it uses, so it stays UNDER and is boosted on waking.
 */
static void compute_shares(struct credit_sched *s)
{
    uint64_t left = CREDIT_PERIOD_NS * s->nr_pcpus, weight_left = 0;
    bool changed = true;

    for (struct credit_dom *d = s->domains; d; d = d->next_dom) {
        d->share = 0;
        d->share_decided = !active_vcpus(d);
        if (!d->share_decided)
            weight_left += d->weight;
    }
    while (changed && weight_left) {
        changed = false;
        for (struct credit_dom *d = s->domains; d; d = d->next_dom) {
            uint64_t fair, wants, peak;

            if (d->share_decided)
                continue;
            fair = left * d->weight / weight_left;
            peak = dom_peak(d, active_vcpus(d));
            wants = peak;
            if (d->sleeper)
                wants = MIN(d->usage_avg, peak);
            if (wants >= fair)
                continue;
            d->share = MIN(fair, peak);
            d->share_decided = true;
            left = left > wants ? left - wants : 0;
            weight_left -= d->weight;
            changed = true;
        }
    }
    for (struct credit_dom *d = s->domains; d; d = d->next_dom)
        if (!d->share_decided)
            d->share = MIN(left * d->weight / weight_left, dom_peak(d, active_vcpus(d)));
}

static void refill(struct credit_sched *s)
{
    for (struct credit_dom *d = s->domains; d; d = d->next_dom)
        d->sleeper = note_usage(d);
    compute_shares(s);
    for (struct credit_dom *d = s->domains; d; d = d->next_dom) {
        unsigned n = active_vcpus(d);
        uint64_t each;
        int64_t ceiling;

        if (!n)
            continue;
        each = d->share / n;
        ceiling = (int64_t)CREDIT_PERIOD_NS * (d->sleeper ? 1 : 2);
        for (unsigned j = 0; j < d->nr_vcpus; j++) {
            struct credit_vcpu *v = d->vcpus[j];

            if (!v || !(v->runnable || v->ran_this_period))
                continue;
            v->credit += (int64_t)each;
            /*
             * No banking: an idle spell must not buy a later monopoly. A
             * domain that never blocked may carry two periods, so a heavy
             * burner kept from its credit by a burst of others' work gets
             * it back instead of losing it to the bound.
             */
            if (v->credit > ceiling)
                v->credit = ceiling;
            v->ran_this_period = false;
            update_prio(v);
            if (v->queued) {
                dequeue(v);
                enqueue(s, v);
            }
        }
    }
}

void credit_account(struct credit_sched *s, uint64_t now)
{
    uint64_t periods;

    if (now < s->period_start + CREDIT_PERIOD_NS)
        return;
    periods = (now - s->period_start) / CREDIT_PERIOD_NS;
    s->period_start += periods * CREDIT_PERIOD_NS;
    refill(s);
}

int credit_set_tslice(struct credit_sched *s, uint64_t tslice_ns)
{
    if (tslice_ns < CREDIT_MIN_TSLICE_NS || tslice_ns > CREDIT_MAX_TSLICE_NS)
        return -XEN_EINVAL;
    s->tslice_ns = tslice_ns;
    return 0;
}

uint64_t credit_next_refill(const struct credit_sched *s)
{
    return s->period_start + CREDIT_PERIOD_NS;
}

static bool eligible(const struct credit_vcpu *v, int cpu)
{
    return !credit_is_parked(v) && (v->affinity_cpu < 0 || v->affinity_cpu == cpu) &&
           (!v->affinity_mask || (cpu < 64 && (v->affinity_mask >> cpu) & 1));
}

struct credit_vcpu *credit_pick(struct credit_sched *s, int cpu, struct credit_vcpu *prev,
                                uint64_t now, uint64_t *slice_ns)
{
    struct credit_vcpu *v;

    if (prev && !prev->runnable)
        prev->slept_this_period = true;
    credit_account(s, now);
    if (prev && prev->runnable)
        enqueue(s, prev);
    for (v = s->head.next; v != &s->head; v = v->next)
        if (eligible(v, cpu))
            break;
    if (v == &s->head) {
        *slice_ns = credit_next_refill(s) - now;
        return NULL;
    }
    dequeue(v);
    *slice_ns = s->tslice_ns;
    /*
     * A vCPU with credit stops when it is spent, so its priority drops on
     * time and whoever still has credit goes first (a capped one is parked
     * then). One that is OVER already runs a whole slice.
     */
    if (v->credit > 0 && (uint64_t)v->credit < *slice_ns)
        *slice_ns = MAX((uint64_t)v->credit, CREDIT_MIN_SLICE_NS);
    return v;
}
