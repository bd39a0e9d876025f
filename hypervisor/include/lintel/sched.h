/*
 * The scheduler's interface (common/sched_*.c owns the policy; issue 6 makes
 * it a credit scheduler on every pCPU). The PV layer provides the mechanism it
 * calls to switch: pv_context_switch() in arch/x86_64/pv/.
 */
#ifndef LINTEL_SCHED_H
#define LINTEL_SCHED_H

#include <lintel/domain.h>

/* Called once per vCPU when it is created, before it can run. */
int sched_init_vcpu(struct vcpu *v);
void sched_destroy_vcpu(struct vcpu *v);
/* The vCPU became runnable (unpaused, unblocked, brought up): queue it and
 * interrupt a pCPU if it should run now. Safe from interrupt context. */
void sched_wake(struct vcpu *v);
/* The vCPU must stop running (blocked, paused, down, domain dying). */
void sched_sleep(struct vcpu *v);
/* As sched_sleep, and returns once v is off every pCPU with its state saved
 * (unless v is the caller's own vCPU, or it became runnable again): for
 * pausing and destroying a domain whose vCPUs may run on other pCPUs. */
void sched_sleep_sync(struct vcpu *v);
/* The toolstack changed v->affinity_hard: a vCPU running where it may no
 * longer run is moved at once. */
void sched_affinity_changed(struct vcpu *v);
/* Time since boot pCPU cpu ran no guest vCPU (XEN_SYSCTL_getcpuinfo). */
uint64_t sched_cpu_idle_ns(unsigned cpu);
/* SCHEDOP_yield: give up the rest of the time slice. */
void sched_yield(void);
/* Picks the next vCPU on this pCPU and switches to it if it differs; called
 * on the way back to a guest when a reschedule is pending. */
void schedule(void);
/* Sets the flag schedule() checks on the exit path. */
void sched_raise_softirq(int cpu);
/* Enters the scheduler loop on this pCPU for good (end of boot). */
__noreturn void sched_start(void);

/*
 * Credit parameters of a domain (toolstack, sched_credit): weight 1..65535
 * (default 256), cap in percent of one pCPU (0 = none; any value, as on
 * Xen). -EINVAL for values
 * out of range, -ESRCH for a domain the scheduler does not know.
 */
int sched_set_credit(struct domain *d, unsigned weight, unsigned cap);
int sched_get_credit(struct domain *d, unsigned *weight, unsigned *cap);
/* The credit time slice of the pool (XEN_SYSCTL_scheduler_op), in ns. */
uint64_t sched_get_tslice(void);
int sched_set_tslice(uint64_t ns);

/* Mechanism, from arch/x86_64/pv/: saves prev's state, loads next's (page
 * tables, GDT/LDT, segment bases, FPU lazily, kernel stack) and returns to
 * next's guest context. prev may be the idle vCPU. */
void pv_context_switch(struct vcpu *prev, struct vcpu *next);
/*
 * Called by pv_context_switch: prev's state is saved (another pCPU may load
 * it now); and, before loading next, waits until the pCPU that ran next
 * last has saved it. Each pCPU saves before it waits, so two pCPUs trading
 * vCPUs cannot wait for each other.
 */
void sched_context_saved(struct vcpu *prev);
void sched_wait_context_saved(struct vcpu *next);

#endif
