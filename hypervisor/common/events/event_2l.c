/*
 * The 2-level event ABI (see event_2l.h). The guest clears these bits from
 * another CPU at any time, so every step is one atomic read-modify-write
 * and the order is the ABI's: pending bit, then selector, then
 * upcall_pending. A guest that sees upcall_pending therefore always finds
 * the selector and the pending bit it leads to.
 */
#include <lintel/event_2l.h>

static bool test_and_set(xen_ulong_t *word, unsigned bit)
{
    xen_ulong_t m = (xen_ulong_t)1 << bit;

    return __atomic_fetch_or(word, m, __ATOMIC_SEQ_CST) & m;
}

static bool test_and_clear(xen_ulong_t *word, unsigned bit)
{
    xen_ulong_t m = (xen_ulong_t)1 << bit;

    return __atomic_fetch_and(word, ~m, __ATOMIC_SEQ_CST) & m;
}

static bool test_bit(const xen_ulong_t *word, unsigned bit)
{
    return (__atomic_load_n(word, __ATOMIC_SEQ_CST) >> bit) & 1;
}

#define WORD(port) ((port) / EVTCHN_2L_WORD_BITS)
#define BIT(port)  ((port) % EVTCHN_2L_WORD_BITS)

/* Raise the selector and the upcall flag for a pending, unmasked port. */
static bool mark_vcpu_pending(vcpu_info_t *vi, uint32_t port)
{
    if (test_and_set(&vi->evtchn_pending_sel, WORD(port)))
        return false;
    return !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
}

bool evtchn_2l_set_pending(shared_info_t *s, vcpu_info_t *vi, uint32_t port)
{
    if (test_and_set(&s->evtchn_pending[WORD(port)], BIT(port)))
        return false;
    if (test_bit(&s->evtchn_mask[WORD(port)], BIT(port)))
        return false;
    return mark_vcpu_pending(vi, port);
}

void evtchn_2l_clear_pending(shared_info_t *s, uint32_t port)
{
    test_and_clear(&s->evtchn_pending[WORD(port)], BIT(port));
}

bool evtchn_2l_unmask(shared_info_t *s, vcpu_info_t *vi, uint32_t port)
{
    if (!test_and_clear(&s->evtchn_mask[WORD(port)], BIT(port)))
        return false;
    if (!test_bit(&s->evtchn_pending[WORD(port)], BIT(port)))
        return false;
    return mark_vcpu_pending(vi, port);
}

bool evtchn_2l_is_pending(const shared_info_t *s, uint32_t port)
{
    return test_bit(&s->evtchn_pending[WORD(port)], BIT(port));
}

bool evtchn_2l_is_masked(const shared_info_t *s, uint32_t port)
{
    return test_bit(&s->evtchn_mask[WORD(port)], BIT(port));
}
