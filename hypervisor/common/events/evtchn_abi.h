/*
 * The delivery ABI a domain's event channels use, as an ops table: the
 * 2-level bitmaps in shared_info now; the FIFO queues would be a second
 * table. Callers never ask which one is live. Internal to common/events/.
 */
#ifndef LINTEL_EVTCHN_ABI_H
#define LINTEL_EVTCHN_ABI_H

#include <lintel/domain.h>
#include <lintel/evtchn_table.h>

struct evtchn_abi_ops;

/* A domain's event-channel state (d->evtchn). */
struct evtchn_domain {
    struct domain *domain;
    struct evtchn_domain *next;         /* all domains, for the debug key */
    struct evtchn_table table;
    const struct evtchn_abi_ops *ops;
    struct evtchn_fifo_domain *fifo;    /* after EVTCHNOP_init_control */
    uint32_t (*virq_port)[NR_VIRQS];
    struct evtchn_port ports[];
};

struct evtchn_abi_ops {
    const char *name;
    /* Both return true when v must be kicked (its upcall just became pending). */
    bool (*set_pending)(struct domain *d, struct vcpu *v, uint32_t port, unsigned priority);
    bool (*unmask)(struct domain *d, struct vcpu *v, uint32_t port, unsigned priority);
    void (*clear_pending)(struct domain *d, uint32_t port);
    bool (*is_pending)(struct domain *d, uint32_t port);
    bool (*is_masked)(struct domain *d, uint32_t port);
};

extern const struct evtchn_abi_ops evtchn_2l_ops;
extern const struct evtchn_abi_ops evtchn_fifo_ops;

/*
 * The FIFO ABI's set-up (event_fifo_ops.c). Called without the event lock
 * held (they take page references); they take it to install state.
 */
long evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *init);
long evtchn_fifo_expand_array(struct domain *d, const struct evtchn_expand_array *e);
/* Back to the 2-level ABI, dropping the guest pages (event lock held). */
void evtchn_fifo_teardown_locked(struct domain *d);
/* The lock all event-channel state lives under (event_channel.c). */
unsigned long evtchn_lock_irqsave(void);
void evtchn_unlock_irqrestore(unsigned long flags);

#endif
