/*
 * The delivery ABI a domain's event channels use, as an ops table: the
 * 2-level bitmaps in shared_info now; the FIFO queues would be a second
 * table. Callers never ask which one is live. Internal to common/events/.
 */
#ifndef LINTEL_EVTCHN_ABI_H
#define LINTEL_EVTCHN_ABI_H

#include <lintel/domain.h>

struct evtchn_abi_ops {
    const char *name;
    /* Both return true when v must be kicked (its upcall just became pending). */
    bool (*set_pending)(struct domain *d, struct vcpu *v, uint32_t port);
    bool (*unmask)(struct domain *d, struct vcpu *v, uint32_t port);
    void (*clear_pending)(struct domain *d, uint32_t port);
    bool (*is_pending)(struct domain *d, uint32_t port);
    bool (*is_masked)(struct domain *d, uint32_t port);
};

extern const struct evtchn_abi_ops evtchn_2l_ops;

#endif
