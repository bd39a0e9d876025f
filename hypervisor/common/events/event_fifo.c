/*
 * FIFO event queues (see event_fifo.h). The guest changes event words
 * concurrently (it clears LINKED and PENDING, sets MASKED, takes BUSY), so
 * every word update is an atomic read-modify-write, and the tail is only
 * extended while its word is still LINKED: a tail the guest already
 * consumed starts a new queue at head instead.
 */
#include <lintel/event_fifo.h>

#define BIT32(n) ((event_word_t)1 << (n))
/* A guest rewriting its tail word in a loop only delays its own events. */
#define LINK_RETRIES 64

static bool test_and_set(event_word_t *w, unsigned bit)
{
    return __atomic_fetch_or(w, BIT32(bit), __ATOMIC_SEQ_CST) & BIT32(bit);
}

static bool test(const event_word_t *w, unsigned bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & BIT32(bit);
}

/* Points the tail's LINK at port if the tail is still queued. */
static bool link_after(event_word_t *tail_word, uint32_t port)
{
    event_word_t old = __atomic_load_n(tail_word, __ATOMIC_SEQ_CST);

    for (int i = 0; i < LINK_RETRIES; i++) {
        event_word_t new;

        if (!(old & BIT32(EVTCHN_FIFO_LINKED)))
            return false;
        new = (old & ~(BIT32(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | port;
        if (__atomic_compare_exchange_n(tail_word, &old, new, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
            return true;
    }
    return false;
}

/*
 * A port is linked anew only after the guest consumed it, so a queue that
 * still names it as its tail (it was last queued there, on another vCPU or
 * at another priority, before bind_vcpu or set_priority moved it) is empty
 * now. Left in place, that stale tail would make the next event of that
 * queue link behind this port in the queue it moves to; a later link in
 * that queue then overwrites the LINK and the event is lost for good: it
 * stays LINKED, so it is never queued again (a dom0 IPI lost this way hung
 * a 2-vCPU dom0 for minutes).
 */
static void forget_stale_tails(struct evtchn_fifo_vcpu *fv, uint32_t port, unsigned priority)
{
    struct evtchn_fifo_vcpu *queues = fv->all ? fv->all : fv;
    unsigned nr = fv->all ? fv->nr_all : 1;

    for (unsigned v = 0; v < nr; v++)
        for (unsigned q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++)
            if (queues[v].tail[q] == port && (&queues[v] != fv || q != priority))
                queues[v].tail[q] = 0;
}

static bool link_port(struct evtchn_fifo_vcpu *fv, evtchn_fifo_word_fn word_of, void *ctx,
                      event_word_t *word, uint32_t port, unsigned priority)
{
    uint32_t tail = fv->tail[priority];
    bool linked = false;

    if (test(word, EVTCHN_FIFO_MASKED) || test_and_set(word, EVTCHN_FIFO_LINKED))
        return false;
    forget_stale_tails(fv, port, priority);
    if (tail && tail != port) {
        event_word_t *tail_word = word_of(ctx, tail);

        linked = tail_word && link_after(tail_word, port);
    }
    if (!linked)
        __atomic_store_n(&fv->cb->head[priority], port, __ATOMIC_SEQ_CST);
    fv->tail[priority] = port;
    if (linked)
        return false;
    return !(__atomic_fetch_or(&fv->cb->ready, BIT32(priority), __ATOMIC_SEQ_CST) &
             BIT32(priority));
}

bool evtchn_fifo_raise(struct evtchn_fifo_vcpu *fv, evtchn_fifo_word_fn word_of, void *ctx,
                       uint32_t port, unsigned priority)
{
    event_word_t *word = word_of(ctx, port);

    if (!word)
        return false;
    test_and_set(word, EVTCHN_FIFO_PENDING);
    /* A vCPU without a control block finds it pending once it has one. */
    if (!fv->cb || priority >= EVTCHN_FIFO_MAX_QUEUES)
        return false;
    return link_port(fv, word_of, ctx, word, port, priority);
}

bool evtchn_fifo_unmask(struct evtchn_fifo_vcpu *fv, evtchn_fifo_word_fn word_of, void *ctx,
                        uint32_t port, unsigned priority)
{
    event_word_t *word = word_of(ctx, port);

    if (!word)
        return false;
    /* Linux leaves MASKED set on a pending port and asks us to clear it
     * (EVTCHNOP_unmask), as Xen does: kept set, the event never arrives. */
    __atomic_fetch_and(word, ~BIT32(EVTCHN_FIFO_MASKED), __ATOMIC_SEQ_CST);
    if (!fv->cb || priority >= EVTCHN_FIFO_MAX_QUEUES)
        return false;
    if (!test(word, EVTCHN_FIFO_PENDING))
        return false;
    return link_port(fv, word_of, ctx, word, port, priority);
}

void evtchn_fifo_clear_pending(event_word_t *word)
{
    __atomic_fetch_and(word, ~BIT32(EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
}

bool evtchn_fifo_word_pending(const event_word_t *word)
{
    return test(word, EVTCHN_FIFO_PENDING);
}

bool evtchn_fifo_word_masked(const event_word_t *word)
{
    return test(word, EVTCHN_FIFO_MASKED);
}
