/*
 * Guest time: each vCPU's vcpu_time_info (rewritten when the vCPU is
 * switched in, so it is anchored to the hypervisor's clock whenever the
 * guest reads it), the wallclock in shared_info, the singleshot and
 * periodic timers that raise VIRQ_TIMER, set_timer_op, and the vcpu_op
 * sub-ops for timers and run-state information.
 *
 * The periodic timer only runs while its vCPU runs (as on Xen): a vCPU
 * that blocks is woken by its singleshot timer or an event, never by a
 * tick, and on the way back in it gets one catch-up tick if a period
 * passed meanwhile.
 */
#include "guest_write.h"
#include "sched_private.h"

#include <lintel/errno.h>
#include <lintel/event.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/pvclock.h>
#include <lintel/pv_exec.h>
#include <lintel/time.h>
#include <lintel/vcpu_time.h>
#include <lintel/x86.h>
#include <public/vcpu.h>
#include <public/xen.h>

#define DEFAULT_PERIOD_NS   MILLISECS(10)   /* what Xen gives a new PV vCPU */
#define MIN_PERIOD_NS       MILLISECS(1)
#define MAX_PERIOD_NS       (1ULL << 62)
/* set_timer_op deadlines further out than this are Linux's wrapped jiffies. */
#define FAR_FUTURE_NS       (1ULL << 50)
#define FAR_FUTURE_RETRY_NS MILLISECS(100)

/* How often the running vCPU's record is re-anchored to the hypervisor clock. */
#define REFRESH_NS          NSEC_PER_SEC

static struct pvclock_scale guest_scale;
static bool guest_scale_ready;
static struct timer refresh_timer;
static bool refresh_timer_ready;
/* Wallclock at system time 0. */
static uint64_t wc_sec;
static uint32_t wc_nsec;
static bool wc_ready;

/*
 * The guest must extrapolate exactly as now_ns() does, or its clock drifts
 * from the one timers fire by. ns_to_tsc() exposes the core's ticks-per-ns
 * multiplier (2^24 fixed point), which pins the TSC rate far closer than
 * tsc_khz() does.
 */
static struct pvclock_scale scale(void)
{
    if (!guest_scale_ready) {
        uint64_t mul24 = ns_to_tsc(1 << 24) - ns_to_tsc(0);
        uint64_t hz = (mul24 * NSEC_PER_SEC + (1 << 23)) >> 24;

        if (!pvclock_scale_for_hz(hz, &guest_scale))
            pvclock_scale_for_hz(tsc_khz() * 1000, &guest_scale);
        guest_scale_ready = true;
    }
    return guest_scale;
}

void vcpu_time_publish(struct vcpu *v)
{
    struct vcpu_info *vi = pv_vcpu_info(v);
    s_time_t now;

    if (!vi)
        return;
    now = now_ns();
    pvclock_publish(&vi->time, ns_to_tsc(now), (uint64_t)now, scale(), 0);
}

/*
 * The running vCPU may be reading its record right now: the new one must
 * not read earlier than the old one did, so time never steps back by the
 * few ns per second the two scales can disagree (a switch-in re-anchors
 * exactly).
 */
static void republish_monotonic(struct vcpu_info *vi)
{
    s_time_t now = now_ns();
    uint64_t tsc = ns_to_tsc(now);
    uint64_t guest = pvclock_read(&vi->time, tsc);

    pvclock_publish(&vi->time, tsc, MAX((uint64_t)now, guest), scale(), 0);
}

static void refresh_running(void *unused)
{
    struct vcpu *v = current_vcpu();
    struct vcpu_info *vi = is_idle_vcpu(v) ? NULL : pv_vcpu_info(v);

    (void)unused;
    timer_set(&refresh_timer, now_ns() + (s_time_t)REFRESH_NS);
    if (vi && vi->time.version)
        republish_monotonic(vi);
}

static void wallclock_base(void)
{
    if (wc_ready)
        return;
    wc_sec = wallclock_boot_seconds();
    wc_nsec = 0;
    wc_ready = true;
}

void wallclock_publish(struct domain *d)
{
    if (!d->shared_info)
        return;
    wallclock_base();
    pvclock_publish_wallclock(d->shared_info, wc_sec, wc_nsec);
}

static bool wallclock_current(const struct domain *d)
{
    const struct shared_info *s = d->shared_info;

    return s->wc_version && s->wc_sec == (uint32_t)wc_sec &&
           s->wc_sec_hi == (uint32_t)(wc_sec >> 32) && s->wc_nsec == wc_nsec;
}

void wallclock_set(uint64_t sec, uint32_t nsec, uint64_t system_time_ns)
{
    uint64_t at = sec * NSEC_PER_SEC + nsec;
    struct vcpu *cur = current_vcpu();

    at = at > system_time_ns ? at - system_time_ns : 0;
    wc_sec = at / NSEC_PER_SEC;
    wc_nsec = (uint32_t)(at % NSEC_PER_SEC);
    wc_ready = true;
    /* Other domains pick it up when their vCPUs are next switched in. */
    if (!is_idle_vcpu(cur))
        wallclock_publish(cur->domain);
}

/* ---- timers ---- */

static void singleshot_fired(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

/* Ticks keep their cadence; a tick delayed past a whole period restarts it. */
static void periodic_tick(void *data)
{
    struct vcpu *v = data;
    struct sched_vcpu *sv = sched_vcpu(v);
    uint64_t now = (uint64_t)now_ns();

    if (!sv->period_ns)
        return;
    send_guest_vcpu_virq(v, VIRQ_TIMER);
    sv->periodic_last += sv->period_ns;
    if (now >= sv->periodic_last + sv->period_ns || now < sv->periodic_last)
        sv->periodic_last = now;
    timer_set(&sv->periodic, (s_time_t)(sv->periodic_last + sv->period_ns));
}

static void poll_timed_out(void *data)
{
    vcpu_unblock(data);
}

void vcpu_time_setup(struct sched_vcpu *sv)
{
    if (!refresh_timer_ready) {
        timer_init(&refresh_timer, refresh_running, NULL);
        timer_set(&refresh_timer, now_ns() + (s_time_t)REFRESH_NS);
        refresh_timer_ready = true;
    }
    timer_init(&sv->singleshot, singleshot_fired, sv->vcpu);
    timer_init(&sv->periodic, periodic_tick, sv->vcpu);
    timer_init(&sv->poll_timeout, poll_timed_out, sv->vcpu);
    sv->period_ns = DEFAULT_PERIOD_NS;
    sv->periodic_last = 0;
}

void vcpu_time_teardown(struct sched_vcpu *sv)
{
    timer_stop(&sv->singleshot);
    timer_stop(&sv->periodic);
    timer_stop(&sv->poll_timeout);
}

/*
 * With VMASST_TYPE_runstate_update_flag the guest may read the area from
 * another vCPU while we write it: XEN_RUNSTATE_UPDATE in state_entry_time
 * brackets the rewrite (set first, cleared last) so such a reader retries.
 */
static void write_runstate_area(struct vcpu *v, uint64_t va)
{
    struct vcpu_runstate_info info;
    uint64_t entry_va = va + offsetof(struct vcpu_runstate_info, state_entry_time);
    bool flagged = pv_vm_assist_enabled(v->domain, VMASST_TYPE_runstate_update_flag);
    uint64_t entry;

    vcpu_runstate_get(v, &info);
    entry = info.state_entry_time;
    if (flagged) {
        info.state_entry_time |= XEN_RUNSTATE_UPDATE;
        guest_write_through_root(v, entry_va, &info.state_entry_time, sizeof(uint64_t));
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    guest_write_through_root(v, va, &info, sizeof(info));
    if (flagged) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        guest_write_through_root(v, entry_va, &entry, sizeof(entry));
    }
}

/* Copies the run-state record (and the second time record) into the guest areas. */
static void update_guest_areas(struct vcpu *v)
{
    struct sched_vcpu *sv = sched_vcpu(v);
    struct vcpu_info *vi = pv_vcpu_info(v);

    if (sv->runstate_area)
        write_runstate_area(v, sv->runstate_area);
    if (sv->time_area && vi)
        guest_write_through_root(v, sv->time_area, &vi->time, sizeof(vi->time));
}

void vcpu_time_switch_out(struct vcpu *v)
{
    struct sched_vcpu *sv = sched_vcpu(v);

    timer_stop(&sv->periodic);
    update_guest_areas(v);
}

void vcpu_time_switch_in(struct vcpu *v, uint64_t now)
{
    struct sched_vcpu *sv = sched_vcpu(v);

    vcpu_time_publish(v);
    if (v->domain->shared_info && !wallclock_current(v->domain))
        wallclock_publish(v->domain);
    update_guest_areas(v);
    if (!sv->period_ns)
        return;
    if (now >= sv->periodic_last + sv->period_ns) {
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        sv->periodic_last = now;
    }
    timer_set(&sv->periodic, (s_time_t)(sv->periodic_last + sv->period_ns));
}

/* ---- hypercalls ---- */

/*
 * A deadline already passed fires now, before the hypercall returns, so
 * the upcall is on its way back to the guest (as on Xen, whose timer
 * softirq runs on that path); arming the timer would leave it to whenever
 * the next interrupt comes.
 */
static void arm_singleshot(struct vcpu *v, uint64_t deadline)
{
    struct sched_vcpu *sv = sched_vcpu(v);

    if (deadline <= (uint64_t)now_ns()) {
        timer_stop(&sv->singleshot);
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        return;
    }
    timer_set(&sv->singleshot, (s_time_t)deadline);
}

HYPERCALL_HANDLER(do_set_timer_op)
{
    struct vcpu *v = current_vcpu();
    uint64_t now = (uint64_t)now_ns();

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (a1 == 0)
        timer_stop(&sched_vcpu(v)->singleshot);
    else if (a1 > now && a1 - now > FAR_FUTURE_NS)
        arm_singleshot(v, now + FAR_FUTURE_RETRY_NS);
    else
        arm_singleshot(v, a1);
    return 0;
}

static long set_periodic(struct vcpu *v, uint64_t arg)
{
    struct sched_vcpu *sv = sched_vcpu(v);
    struct vcpu_set_periodic_timer p;

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.period_ns < MIN_PERIOD_NS || p.period_ns > MAX_PERIOD_NS)
        return -EINVAL;
    sv->period_ns = p.period_ns;
    sv->periodic_last = (uint64_t)now_ns();
    if (v == current_vcpu())
        timer_set(&sv->periodic, (s_time_t)(sv->periodic_last + sv->period_ns));
    return 0;
}

static long set_singleshot(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer t;

    if (v != current_vcpu())
        return -EINVAL;
    if (copy_from_guest(&t, arg, sizeof(t)))
        return -EFAULT;
    /* VCPU_SSHOTTMR_future is ignored, as by Xen 4.17: Linux misused it. */
    arm_singleshot(v, t.timeout_abs_ns);
    return 0;
}

static long register_area(struct vcpu *v, uint64_t arg, uint64_t *slot, size_t size)
{
    struct vcpu_register_runstate_memory_area r;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if (r.addr.p && !guest_range_ok(r.addr.p, size))
        return -EFAULT;
    *slot = r.addr.p;
    if (r.addr.p && v == current_vcpu())
        update_guest_areas(v);
    return 0;
}

long vcpu_time_op(struct vcpu *v, unsigned cmd, uint64_t arg)
{
    struct sched_vcpu *sv = sched_vcpu(v);
    struct vcpu_runstate_info info;

    switch (cmd) {
    case VCPUOP_get_runstate_info:
        vcpu_runstate_get(v, &info);
        return copy_to_guest(arg, &info, sizeof(info)) ? -EFAULT : 0;
    case VCPUOP_register_runstate_memory_area:
        return register_area(v, arg, &sv->runstate_area, sizeof(struct vcpu_runstate_info));
    case VCPUOP_register_vcpu_time_memory_area:
        return register_area(v, arg, &sv->time_area, sizeof(struct vcpu_time_info));
    case VCPUOP_set_periodic_timer:
        return set_periodic(v, arg);
    case VCPUOP_stop_periodic_timer:
        sv->period_ns = 0;
        timer_stop(&sv->periodic);
        return 0;
    case VCPUOP_set_singleshot_timer:
        return set_singleshot(v, arg);
    case VCPUOP_stop_singleshot_timer:
        if (v != current_vcpu())
            return -EINVAL;
        timer_stop(&sv->singleshot);
        return 0;
    default:
        return -ENOSYS;
    }
}
