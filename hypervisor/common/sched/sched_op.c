/*
 * sched_op: yield, block, poll, shutdown and its relatives. Blocking only
 * marks the vCPU; the exit path's schedule() takes it off the CPU, and an
 * event (vcpu_kick), a polled port becoming pending, or a poll timeout
 * brings it back through vcpu_unblock().
 */
#include "sched_private.h"

#include <lintel/errno.h>
#include <lintel/event.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/pv_exec.h>
#include <lintel/sched.h>
#include <lintel/vcpu_time.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/xen.h>

/* Xen refuses longer port lists in one poll. */
#define POLL_MAX_PORTS 128

void vcpu_unblock(struct vcpu *v)
{
    struct sched_vcpu *sv = sched_vcpu(v);

    if (!__atomic_exchange_n(&v->blocked, false, __ATOMIC_SEQ_CST))
        return;
    if (sv) {
        sv->polling = false;
        timer_stop(&sv->poll_timeout);
    }
    sched_wake(v);
}

void sched_poll_notify(struct domain *d, uint32_t port)
{
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        struct sched_vcpu *sv = v ? sched_vcpu(v) : NULL;

        if (sv && sv->polling && (sv->poll_port == 0 || sv->poll_port == port))
            vcpu_unblock(v);
    }
}

/*
 * Marked blocked BEFORE the caller looks for a wake-up reason: a sender on
 * another pCPU marks its event pending and then looks at `blocked`, so
 * either it sees the mark (and unblocks us) or we see its event. Looking
 * first lost wake-ups between the look and the mark (the stock kernel's
 * second vCPU never answered an IPI).
 */
static void mark_blocked(struct vcpu *v)
{
    __atomic_store_n(&v->blocked, true, __ATOMIC_SEQ_CST);
}

/* The reason was there after all: undo the mark unless a sender already did. */
static void cancel_block(struct vcpu *v)
{
    __atomic_store_n(&v->blocked, false, __ATOMIC_SEQ_CST);
}

static long block(void)
{
    struct vcpu *v = current_vcpu();
    struct vcpu_info *vi = pv_vcpu_info(v);

    if (vi)
        vi->evtchn_upcall_mask = 0;
    mark_blocked(v);
    if (vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST)) {
        cancel_block(v);
        return 0;
    }
    sched_sleep(v);
    return 0;
}

static long poll(uint64_t arg)
{
    struct vcpu *v = current_vcpu();
    struct sched_vcpu *sv = sched_vcpu(v);
    struct sched_poll p;
    uint64_t ports;
    uint32_t port = 0;

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    ports = (uint64_t)(uintptr_t)p.ports.p;
    if (!guest_range_ok(ports, (size_t)p.nr_ports * sizeof(uint32_t)))
        return -EFAULT;
    /* Poll and block first, then check, so an event sent in between still wakes us. */
    sv->polling = true;
    sv->poll_port = 0;
    mark_blocked(v);
    for (unsigned i = 0; i < p.nr_ports; i++) {
        long rc = 0;

        if (copy_from_guest(&port, ports + i * sizeof(uint32_t), sizeof(port)))
            rc = -EFAULT;
        else if (port >= EVTCHN_ABI_MAX_PORTS)
            rc = -EINVAL;
        else if (evtchn_port_is_pending(v->domain, port))
            rc = 1;
        if (rc) {
            sv->polling = false;
            cancel_block(v);
            return rc < 0 ? rc : 0;
        }
    }
    if (p.nr_ports == 1)
        sv->poll_port = port;
    if (p.timeout)
        timer_set(&sv->poll_timeout, (s_time_t)p.timeout);
    sched_sleep(v);
    return 0;
}

static long shutdown(uint64_t arg)
{
    struct sched_shutdown s;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -EFAULT;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    domain_shutdown(current_domain(), s.reason);
    return 0;
}

static long shutdown_code(uint64_t arg)
{
    struct domain *d = current_domain();
    struct sched_shutdown s;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -EFAULT;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    spin_lock(&d->lock);
    if (d->state < DOMAIN_SHUTDOWN)
        d->shutdown_code = s.reason;
    spin_unlock(&d->lock);
    return 0;
}

static long remote_shutdown(uint64_t arg)
{
    struct sched_remote_shutdown r;
    struct domain *d;

    if (!current_domain()->is_privileged)
        return -EPERM;
    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if (r.reason > SHUTDOWN_MAX)
        return -EINVAL;
    d = domain_lookup(r.domain_id);
    if (!d)
        return -XEN_ESRCH;
    domain_shutdown(d, r.reason);
    return 0;
}

HYPERCALL_HANDLER(do_sched_op)
{
    (void)a3, (void)a4, (void)a5;
    switch (a1) {
    case SCHEDOP_yield:
        sched_yield();
        return 0;
    case SCHEDOP_block:
        return block();
    case SCHEDOP_poll:
        return poll(a2);
    case SCHEDOP_shutdown:
        return shutdown(a2);
    case SCHEDOP_shutdown_code:
        return shutdown_code(a2);
    case SCHEDOP_remote_shutdown:
        return remote_shutdown(a2);
    default:
        /* watchdog and pin_override are not provided; Linux copes with -ENOSYS. */
        return -ENOSYS;
    }
}
