/* Event channel upcall handling for the test kernels; see events.h. */
#include "events.h"

#include <public/callback.h>
#include <public/vcpu.h>

#include "kernel.h"
#include "traps.h"

#define BITS_PER_WORD 64
#define NR_WORDS      (sizeof(xen_ulong_t) * 8)  /* words in evtchn_pending */

extern char event_upcall_entry[];
extern void (*event_upcall_handler)(struct trap_frame *frame);

volatile unsigned int event_upcalls;
static volatile uint64_t ports_seen[NR_WORDS];

static vcpu_info_t *vcpu0(void)
{
    return &shared_info_map()->vcpu_info[0];
}

/*
 * Clearing upcall_pending first, then taking the selector, then the port
 * bits mirrors the order in which the hypervisor sets them, so an event
 * arriving meanwhile is never lost: it re-sets what we already cleared.
 */
static void handle_upcall(struct trap_frame *frame)
{
    shared_info_t *shared = shared_info_map();
    vcpu_info_t *v = vcpu0();
    xen_ulong_t selector;

    (void)frame;
    event_upcalls++;
    v->evtchn_upcall_pending = 0;
    selector = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (selector) {
        unsigned int word = (unsigned int)__builtin_ctzl(selector);
        xen_ulong_t ready;

        selector &= selector - 1;
        ready = shared->evtchn_pending[word] & ~shared->evtchn_mask[word];
        __atomic_fetch_and(&shared->evtchn_pending[word], ~ready, __ATOMIC_SEQ_CST);
        ports_seen[word] |= ready;
    }
}

long events_init(void)
{
    struct callback_register event = {
        .type = CALLBACKTYPE_event,
        .address = (unsigned long)event_upcall_entry,
    };

    if (!shared_info_map())
        return -1;
    event_upcall_handler = handle_upcall;
    return HYPERVISOR_callback_op(CALLBACKOP_register, &event);
}

void events_enable(void)
{
    vcpu_info_t *v = vcpu0();

    v->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    /*
     * Something may have become pending while masked; the hypervisor only
     * looks on its way back to the guest, so give it such a way.
     */
    if (v->evtchn_upcall_pending)
        HYPERVISOR_xen_version(0, 0);
}

void events_disable(void)
{
    vcpu0()->evtchn_upcall_mask = 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

int event_seen(evtchn_port_t port)
{
    return (ports_seen[port / BITS_PER_WORD] >> (port % BITS_PER_WORD)) & 1;
}

void event_forget(evtchn_port_t port)
{
    ports_seen[port / BITS_PER_WORD] &= ~(1ULL << (port % BITS_PER_WORD));
}

int event_port_pending(evtchn_port_t port)
{
    const shared_info_t *shared = shared_info_map();
    return (shared->evtchn_pending[port / BITS_PER_WORD] >> (port % BITS_PER_WORD)) & 1;
}

void event_port_set_mask(evtchn_port_t port, int masked)
{
    shared_info_t *shared = shared_info_map();
    xen_ulong_t bit = 1UL << (port % BITS_PER_WORD);

    if (masked)
        __atomic_fetch_or(&shared->evtchn_mask[port / BITS_PER_WORD], bit, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&shared->evtchn_mask[port / BITS_PER_WORD], ~bit, __ATOMIC_SEQ_CST);
}

long events_setup_quiet_timer(evtchn_port_t *port)
{
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = 0 };
    long rc = traps_install();

    if (!rc)
        rc = events_init();
    if (!rc)
        rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &virq);
    if (!rc)
        rc = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0);
    if (rc)
        return rc;
    *port = virq.port;
    events_enable();
    return 0;
}
