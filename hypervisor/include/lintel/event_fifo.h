/*
 * The FIFO event ABI's queue logic (pure; the ring-0 side maps the guest's
 * control blocks and event-array pages and kicks vCPUs). Each port has a
 * 32-bit event word (PENDING, MASKED, LINKED, BUSY, 17-bit LINK to the next
 * port); each vCPU has a control block with a ready bit and a head per
 * priority queue. The hypervisor appends at a tail it keeps privately; the
 * guest consumes from the head, clearing LINKED as it goes.
 */
#ifndef LINTEL_EVENT_FIFO_H
#define LINTEL_EVENT_FIFO_H

#include <lintel/types.h>
#include <public/xen.h>
#include <public/event_channel.h>

#define EVTCHN_FIFO_WORDS_PER_PAGE (PAGE_SIZE / sizeof(event_word_t))
#define EVTCHN_FIFO_MAX_PAGES      (EVTCHN_FIFO_NR_CHANNELS / EVTCHN_FIFO_WORDS_PER_PAGE)

struct evtchn_fifo_vcpu {
    struct evtchn_fifo_control_block *cb;   /* NULL until init_control */
    uint32_t tail[EVTCHN_FIFO_MAX_QUEUES];   /* 0: the queue was empty */
    /*
     * Every queue of the domain (this vCPU's among them; NULL: this vCPU's
     * only): a port linked anew must stop being the tail of any other
     * queue, see link_port.
     */
    struct evtchn_fifo_vcpu *all;
    unsigned nr_all;
};

/* The event word of port, or NULL when the event array does not cover it. */
typedef event_word_t *(*evtchn_fifo_word_fn)(void *ctx, uint32_t port);

/*
 * Marks port pending and, unless it is masked or already queued, links it
 * at the tail of queue priority on fv. Returns true when the queue's ready
 * bit went from clear to set: the vCPU needs an upcall.
 */
bool evtchn_fifo_raise(struct evtchn_fifo_vcpu *fv, evtchn_fifo_word_fn word_of, void *ctx,
                       uint32_t port, unsigned priority);
/* EVTCHNOP_unmask: clears MASKED; a pending port is queued now. */
bool evtchn_fifo_unmask(struct evtchn_fifo_vcpu *fv, evtchn_fifo_word_fn word_of, void *ctx,
                        uint32_t port, unsigned priority);
void evtchn_fifo_clear_pending(event_word_t *word);
bool evtchn_fifo_word_pending(const event_word_t *word);
bool evtchn_fifo_word_masked(const event_word_t *word);

#endif
