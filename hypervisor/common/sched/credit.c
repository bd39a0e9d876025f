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
/* How many periods of debt a domain that never blocks carries. */
#define CREDIT_DEBT_PERIODS 10

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

/*
 * Among OVER vCPUs the one deepest in debt goes last, so the time nobody
 * has credit for goes first to whoever owes least and debts are paid back
 * (in plain FIFO order two burners split it evenly, whatever their
 * weights). UNDER and BOOST stay FIFO: each has credit for its turn.
 */
static bool owes_more(const struct credit_vcpu *a, const struct credit_vcpu *b)
{
    return a->prio == CREDIT_OVER && a->credit < b->credit;
}

/* Behind every queued vCPU of higher priority, and of the same unless it owes more. */
static void enqueue(struct credit_sched *s, struct credit_vcpu *v)
{
    struct credit_vcpu *pos = s->head.next;

    if (v->queued)
        return;
    if (!v->yielded)
        while (pos != &s->head && (pos->prio > v->prio ||
                                   (pos->prio == v->prio && !owes_more(pos, v))))
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
    /* Debts are bounded at the refill, after it has paid for the periods
     * this run spanned (see refill). */
    v->credit -= (int64_t)ran_ns;
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
static bool note_usage(struct credit_dom *d, uint64_t periods)
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
    d->usage_last = used / periods;
    d->usage_avg = (3 * d->usage_avg + d->usage_last) / 4;
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
            uint64_t fair, wants, peak, used;

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
            /*
             * What it really used, not the average it was judged by: the
             * rest then get, period after period, what was left to them
             * (the error of one period is made good in the next), so
             * their credit neither runs dry nor piles up against the
             * bounds, which would not keep to their weights.
             */
            used = MIN(d->usage_last, peak);
            left = left > used ? left - used : 0;
            weight_left -= d->weight;
            changed = true;
        }
    }
    for (struct credit_dom *d = s->domains; d; d = d->next_dom)
        if (!d->share_decided)
            d->share = MIN(left * d->weight / weight_left, dom_peak(d, active_vcpus(d)));
}

/*
 * Keeps v's credit within its bounds after a refill of each (per period).
 * No banking: an idle spell must not buy a later monopoly, so one that
 * blocks keeps a period's worth. One that never blocked may carry two
 * refills, so a burner kept from its credit by a burst of others' work gets
 * it back instead of losing it to the bound; in proportion to its share,
 * so that when all the burners hit the bound they lose alike by weight. Debts
 * are kept for many periods: forgiving them favours whoever overran most (a
 * late slice timer, a stalled host), and only a domain that blocks needs
 * them short (it must stay UNDER to be boosted).
 */
static void bound_credit(struct credit_vcpu *v, uint64_t each, uint64_t periods)
{
    struct credit_dom *d = v->dom;
    int64_t ceiling = (int64_t)((d->sleeper ? CREDIT_PERIOD_NS : 2 * each) * periods);
    int64_t floor = -(int64_t)CREDIT_PERIOD_NS * (d->sleeper ? 2 : CREDIT_DEBT_PERIODS);

    if (v->credit > ceiling) {
        d->lost_ns += (uint64_t)(v->credit - ceiling);
        v->credit = ceiling;
    }
    if (v->credit < floor) {
        d->forgiven_ns += (uint64_t)(floor - v->credit);
        v->credit = floor;
    }
}

/*
 * Pays for every period since the last refill, however late this one is:
 * the time a late refill (a long run, a stalled host) let pass was charged
 * to whoever ran, and paying for one period only would leave all of them
 * in debts that weight no longer decides.
 */
static void refill(struct credit_sched *s, uint64_t periods)
{
    for (struct credit_dom *d = s->domains; d; d = d->next_dom)
        d->sleeper = note_usage(d, periods);
    compute_shares(s);
    for (struct credit_dom *d = s->domains; d; d = d->next_dom) {
        unsigned n = active_vcpus(d);
        uint64_t each;

        if (!n)
            continue;
        each = d->share / n;
        for (unsigned j = 0; j < d->nr_vcpus; j++) {
            struct credit_vcpu *v = d->vcpus[j];

            if (!v || !(v->runnable || v->ran_this_period))
                continue;
            v->credit += (int64_t)(each * periods);
            bound_credit(v, each, periods);
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
    refill(s, periods);
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
