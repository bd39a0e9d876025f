/*
 * Credit-scheduler policy, pure (the ring-0 scheduler core in
 * common/sched/ feeds it times from now_ns(); the host tests feed it a
 * simulated clock).
 *
 * Every accounting period the pCPUs' time is shared out as credit (ns of
 * CPU) among the active domains in proportion to their weights, split over
 * each domain's active vCPUs, and limited by the domain's cap. A domain that
 * blocks and lately used less than its weighted share (an I/O-bound or
 * mostly idle one), or whose cap is below it, keeps that share, but what it
 * leaves over is shared out again among the others by weight
 * (water-filling), so two busy domains split whatever the light ones leave
 * in their weights' ratio. Running
 * burns credit. A vCPU with credit left is UNDER and runs before OVER
 * vCPUs; OVER ones still run when nothing else wants the CPU
 * (work-conserving), except that a capped domain out of credit is parked
 * until the next refill. A vCPU that wakes from blocking with credit left is
 * BOOSTed ahead of everyone so I/O-bound guests answer quickly; the boost
 * ends when it is next descheduled.
 */
#ifndef LINTEL_CREDIT_H
#define LINTEL_CREDIT_H

#include <lintel/types.h>

#define CREDIT_DEFAULT_WEIGHT  256
#define CREDIT_MAX_WEIGHT      65535
#define CREDIT_PERIOD_NS       30000000ULL   /* accounting period */
#define CREDIT_TSLICE_NS       10000000ULL   /* default longest uninterrupted run */
#define CREDIT_MIN_TSLICE_NS   1000000ULL    /* bounds of the settable slice (Xen's) */
#define CREDIT_MAX_TSLICE_NS   1000000000ULL

enum credit_prio { CREDIT_OVER, CREDIT_UNDER, CREDIT_BOOST };

struct credit_dom;

struct credit_vcpu {
    struct credit_dom *dom;
    struct credit_vcpu *next, *prev;  /* run queue (only while queued) */
    int64_t credit;                   /* ns; may go negative */
    enum credit_prio prio;
    bool runnable;                    /* wants the CPU (queued or running) */
    bool queued;
    bool ran_this_period;
    bool yielded;                     /* SCHEDOP_yield: requeue behind everyone once */
    bool boosted;
    uint64_t burned_this_period;      /* ns run since the last refill */
    bool slept_this_period;           /* blocked at some point since then */
    int affinity_cpu;                 /* -1: any pCPU (hard affinity otherwise) */
    uint64_t affinity_mask;           /* pCPUs it may run on (bit n); 0: any */
    void *owner;                      /* the struct vcpu, for the ring-0 side */
};

struct credit_dom {
    unsigned weight;                  /* 1..CREDIT_MAX_WEIGHT */
    unsigned cap;                     /* percent of one pCPU; 0 = none */
    struct credit_dom *next_dom;
    struct credit_vcpu **vcpus;
    unsigned nr_vcpus;
    uint64_t usage_avg;               /* ns per period, moving average of use */
    uint64_t usage_last;              /* ns per period since the last refill */
    uint64_t share;                   /* credit of the last refill (ns) */
    bool share_decided;               /* refill: set aside (water-filling) */
    bool sleeper;                     /* blocked in the last period */
    uint64_t lost_ns;                 /* credit cut by the ceiling (debug key) */
    uint64_t forgiven_ns;             /* debt cut by the floor (debug key) */
};

struct credit_sched {
    struct credit_dom *domains;
    struct credit_vcpu head;          /* run-queue sentinel */
    unsigned nr_pcpus;
    uint64_t period_start;
    uint64_t tslice_ns;               /* longest a vCPU runs uninterrupted */
};

void credit_sched_init(struct credit_sched *s, unsigned nr_pcpus, uint64_t now);
void credit_dom_init(struct credit_dom *d, struct credit_vcpu **vcpus, unsigned nr_vcpus);
void credit_vcpu_init(struct credit_vcpu *v, struct credit_dom *d, void *owner);
void credit_add_dom(struct credit_sched *s, struct credit_dom *d);
void credit_remove_dom(struct credit_sched *s, struct credit_dom *d);
/*
 * Validated setter: -EINVAL for weight 0 or > max. Any cap is taken, as
 * Xen's credit does (a cap above 100 per vCPU just never bites; the tools
 * refuse those).
 */
int credit_set_params(struct credit_sched *s, struct credit_dom *d, unsigned weight,
                      unsigned cap);

/*
 * The vCPU became runnable. Returns true when it should preempt running
 * (NULL: the pCPU is idle), i.e. it was boosted or outranks it.
 */
bool credit_wake(struct credit_sched *s, struct credit_vcpu *v,
                 const struct credit_vcpu *running);
/* The vCPU stops wanting the CPU (blocked, paused, offline). */
void credit_sleep(struct credit_sched *s, struct credit_vcpu *v);

/* Charges ran_ns of CPU to v (it was running); ends its boost. */
void credit_burn(struct credit_vcpu *v, uint64_t ran_ns);
/* Refills credits when a period has passed since the last refill. */
void credit_account(struct credit_sched *s, uint64_t now);

/*
 * Chooses what runs next on cpu at time now (refilling credits first if a
 * period has passed): prev (still runnable, just charged) goes back in the
 * queue behind its equals, the best eligible vCPU comes out. Returns NULL
 * for idle; *slice_ns gets how long until the next decision (for idle: until
 * the refill that may unpark a capped vCPU).
 */
struct credit_vcpu *credit_pick(struct credit_sched *s, int cpu, struct credit_vcpu *prev,
                                uint64_t now, uint64_t *slice_ns);

/* Sets the time slice: -EINVAL outside [CREDIT_MIN_TSLICE_NS, CREDIT_MAX_TSLICE_NS]. */
int credit_set_tslice(struct credit_sched *s, uint64_t tslice_ns);

/* When the next refill is due (the ring-0 side arms a timer for it). */
uint64_t credit_next_refill(const struct credit_sched *s);

/* Parked: a capped domain that used up its share waits for the refill. */
bool credit_is_parked(const struct credit_vcpu *v);

#endif
