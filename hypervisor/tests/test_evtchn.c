/* Event-channel port bookkeeping and the 2-level delivery bit protocol. */
#include "unit.h"

#include <lintel/event_2l.h>
#include <lintel/event_fifo.h>
#include <lintel/evtchn_table.h>
#include <public/errno.h>

#define CAPACITY 256
#define VCPUS 2

struct dom {
    domid_t id;
    struct evtchn_table t;
    struct evtchn_port ports[CAPACITY];
    uint32_t virq[VCPUS][NR_VIRQS];
};

static struct dom a, b;

static struct evtchn_table *lookup(domid_t id, void *ctx)
{
    (void)ctx;
    if (id == a.id)
        return &a.t;
    if (id == b.id)
        return &b.t;
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    a.id = 0;
    b.id = 7;
    evtchn_table_init(&a.t, a.ports, CAPACITY, CAPACITY, a.virq, VCPUS);
    evtchn_table_init(&b.t, b.ports, CAPACITY, CAPACITY, b.virq, VCPUS);
    return 0;
}

static void port_zero_is_reserved_and_ports_start_at_one(void **state)
{
    struct evtchn_status st;

    (void)state;
    assert_int_equal(evtchn_table_bind_ipi(&a.t, 0), 1);
    assert_int_equal(evtchn_table_bind_ipi(&a.t, 1), 2);
    assert_int_equal(evtchn_table_status(&a.t, 0, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_closed);
    assert_int_equal(evtchn_table_close(&a.t, a.id, 0, lookup, NULL), -XEN_EINVAL);
}

static void ports_beyond_the_allocated_bucket_are_invalid(void **state)
{
    struct evtchn_status st;

    (void)state;
    assert_int_equal(evtchn_table_status(&a.t, EVTCHN_BUCKET_PORTS - 1, &st), 0);
    assert_int_equal(evtchn_table_status(&a.t, EVTCHN_BUCKET_PORTS, &st), -XEN_EINVAL);
    assert_int_equal(evtchn_table_status(&a.t, 0xffffffffu, &st), -XEN_EINVAL);
    /* Filling the first bucket makes the next one valid. */
    for (unsigned i = 1; i < EVTCHN_BUCKET_PORTS; i++)
        assert_int_equal(evtchn_table_bind_ipi(&a.t, 0), (int)i);
    assert_int_equal(evtchn_table_bind_ipi(&a.t, 0), EVTCHN_BUCKET_PORTS);
    assert_int_equal(evtchn_table_status(&a.t, EVTCHN_BUCKET_PORTS + 1, &st), 0);
}

static void per_domain_limit_gives_enospc_and_close_frees(void **state)
{
    (void)state;
    evtchn_table_init(&a.t, a.ports, CAPACITY, 4, a.virq, VCPUS);
    assert_int_equal(evtchn_table_bind_ipi(&a.t, 0), 1);
    assert_int_equal(evtchn_table_bind_ipi(&a.t, 0), 2);
    assert_int_equal(evtchn_table_bind_ipi(&a.t, 0), 3);
    assert_int_equal(evtchn_table_bind_ipi(&a.t, 0), -XEN_ENOSPC);
    assert_int_equal(evtchn_table_alloc_unbound(&a.t, 7), -XEN_ENOSPC);
    assert_int_equal(evtchn_table_close(&a.t, a.id, 2, lookup, NULL), 0);
    /* The lowest free port is reused. */
    assert_int_equal(evtchn_table_bind_ipi(&a.t, 0), 2);
}

static void bind_virq_rules(void **state)
{
    struct evtchn_status st;
    int p;

    (void)state;
    assert_int_equal(evtchn_table_bind_virq(&a.t, NR_VIRQS, 0), -XEN_EINVAL);
    /* A global VIRQ is bound on vCPU 0 only. */
    assert_int_equal(evtchn_table_bind_virq(&a.t, VIRQ_DOM_EXC, 1), -XEN_EINVAL);
    assert_int_equal(evtchn_table_bind_virq(&a.t, VIRQ_TIMER, VCPUS), -XEN_ENOENT);
    p = evtchn_table_bind_virq(&a.t, VIRQ_TIMER, 1);
    assert_true(p > 0);
    assert_int_equal(evtchn_table_bind_virq(&a.t, VIRQ_TIMER, 1), -XEN_EEXIST);
    /* Per-vCPU: another vCPU binds its own. */
    assert_true(evtchn_table_bind_virq(&a.t, VIRQ_TIMER, 0) > p);
    assert_int_equal(evtchn_table_virq_port(&a.t, VIRQ_TIMER, 1), (uint32_t)p);
    assert_int_equal(evtchn_table_status(&a.t, (uint32_t)p, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_virq);
    assert_int_equal(st.u.virq, VIRQ_TIMER);
    assert_int_equal(st.vcpu, 1);
    /* Closing unbinds, so it can be bound again. */
    assert_int_equal(evtchn_table_close(&a.t, a.id, (uint32_t)p, lookup, NULL), 0);
    assert_int_equal(evtchn_table_virq_port(&a.t, VIRQ_TIMER, 1), 0);
    assert_int_equal(evtchn_table_bind_virq(&a.t, VIRQ_TIMER, 1), p);
}

static void global_virq_follows_bind_vcpu_per_vcpu_virq_does_not(void **state)
{
    struct evtchn_status st;
    int g, t, ipi;

    (void)state;
    g = evtchn_table_bind_virq(&a.t, VIRQ_DOM_EXC, 0);
    t = evtchn_table_bind_virq(&a.t, VIRQ_TIMER, 0);
    ipi = evtchn_table_bind_ipi(&a.t, 0);
    assert_int_equal(evtchn_table_bind_vcpu(&a.t, (uint32_t)g, 1), 0);
    assert_int_equal(evtchn_table_status(&a.t, (uint32_t)g, &st), 0);
    assert_int_equal(st.vcpu, 1);
    /* Still found through vCPU 0's slot: global VIRQs live there. */
    assert_int_equal(evtchn_table_virq_port(&a.t, VIRQ_DOM_EXC, 1), (uint32_t)g);
    assert_int_equal(evtchn_table_bind_vcpu(&a.t, (uint32_t)t, 1), -XEN_EINVAL);
    assert_int_equal(evtchn_table_bind_vcpu(&a.t, (uint32_t)ipi, 1), -XEN_EINVAL);
    assert_int_equal(evtchn_table_bind_vcpu(&a.t, (uint32_t)g, VCPUS), -XEN_ENOENT);
    assert_int_equal(evtchn_table_bind_vcpu(&a.t, 200, 0), -XEN_EINVAL);
}

static void interdomain_bind_needs_an_unbound_port_meant_for_us(void **state)
{
    struct evtchn_status st;
    int rp, lp, other;

    (void)state;
    rp = evtchn_table_alloc_unbound(&b.t, a.id);
    other = evtchn_table_alloc_unbound(&b.t, 99);
    assert_true(rp > 0 && other > 0);
    assert_int_equal(evtchn_table_bind_interdomain(&a.t, a.id, &b.t, b.id, (uint32_t)other),
                     -XEN_EINVAL);
    assert_int_equal(evtchn_table_bind_interdomain(&a.t, a.id, &b.t, b.id, 0), -XEN_EINVAL);
    assert_int_equal(evtchn_table_bind_interdomain(&a.t, a.id, &b.t, b.id, 1000), -XEN_EINVAL);
    lp = evtchn_table_bind_interdomain(&a.t, a.id, &b.t, b.id, (uint32_t)rp);
    assert_true(lp > 0);
    /* Both ends name each other. */
    assert_int_equal(evtchn_table_status(&a.t, (uint32_t)lp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, b.id);
    assert_int_equal(st.u.interdomain.port, rp);
    assert_int_equal(evtchn_table_status(&b.t, (uint32_t)rp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, a.id);
    assert_int_equal(st.u.interdomain.port, lp);
    /* Already connected: a second bind is refused. */
    assert_int_equal(evtchn_table_bind_interdomain(&a.t, a.id, &b.t, b.id, (uint32_t)rp),
                     -XEN_EINVAL);
}

static void closing_one_end_leaves_the_other_unbound_for_the_closer(void **state)
{
    struct evtchn_status st;
    struct evtchn_send_target to;
    int rp, lp;

    (void)state;
    rp = evtchn_table_alloc_unbound(&b.t, a.id);
    lp = evtchn_table_bind_interdomain(&a.t, a.id, &b.t, b.id, (uint32_t)rp);
    assert_int_equal(evtchn_table_send_target(&a.t, (uint32_t)lp, &to), 0);
    assert_true(to.deliver);
    assert_int_equal(to.dom, b.id);
    assert_int_equal(to.port, rp);
    assert_int_equal(evtchn_table_close(&a.t, a.id, (uint32_t)lp, lookup, NULL), 0);
    assert_int_equal(evtchn_table_status(&b.t, (uint32_t)rp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, a.id);
    /* The survivor's sends are dropped quietly, and it can be re-bound. */
    assert_int_equal(evtchn_table_send_target(&b.t, (uint32_t)rp, &to), 0);
    assert_false(to.deliver);
    assert_true(evtchn_table_bind_interdomain(&a.t, a.id, &b.t, b.id, (uint32_t)rp) > 0);
    /* Closing twice is an error, not a crash. */
    assert_int_equal(evtchn_table_close(&a.t, a.id, (uint32_t)lp, lookup, NULL), 0);
    assert_int_equal(evtchn_table_close(&a.t, a.id, (uint32_t)lp, lookup, NULL), -XEN_EINVAL);
}

static void a_domain_may_connect_to_itself(void **state)
{
    struct evtchn_send_target to;
    int rp, lp;

    (void)state;
    rp = evtchn_table_alloc_unbound(&a.t, a.id);
    lp = evtchn_table_bind_interdomain(&a.t, a.id, &a.t, a.id, (uint32_t)rp);
    assert_true(lp > 0 && lp != rp);
    assert_int_equal(evtchn_table_send_target(&a.t, (uint32_t)lp, &to), 0);
    assert_int_equal(to.port, rp);
    assert_int_equal(evtchn_table_send_target(&a.t, (uint32_t)rp, &to), 0);
    assert_int_equal(to.port, lp);
    assert_int_equal(evtchn_table_close(&a.t, a.id, (uint32_t)rp, NULL, NULL), 0);
    assert_int_equal(a.ports[lp].state, EVTCHN_UNBOUND);
}

static void closing_when_the_peer_domain_is_gone_is_fine(void **state)
{
    int rp, lp;

    (void)state;
    rp = evtchn_table_alloc_unbound(&b.t, a.id);
    lp = evtchn_table_bind_interdomain(&a.t, a.id, &b.t, b.id, (uint32_t)rp);
    assert_int_equal(evtchn_table_close(&a.t, a.id, (uint32_t)lp, NULL, NULL), 0);
}

static void send_targets(void **state)
{
    struct evtchn_send_target to;
    int ipi, virq;

    (void)state;
    ipi = evtchn_table_bind_ipi(&a.t, 1);
    virq = evtchn_table_bind_virq(&a.t, VIRQ_DEBUG, 0);
    assert_int_equal(evtchn_table_send_target(&a.t, (uint32_t)ipi, &to), 0);
    assert_true(to.deliver);
    assert_int_equal(to.dom, DOMID_SELF);
    assert_int_equal(to.port, ipi);
    assert_int_equal(evtchn_table_send_target(&a.t, (uint32_t)virq, &to), -XEN_EINVAL);
    assert_int_equal(evtchn_table_send_target(&a.t, 30, &to), -XEN_EINVAL);
    assert_int_equal(evtchn_table_send_target(&a.t, 5000, &to), -XEN_EINVAL);
}

/* ---- 2-level bits ---- */

static shared_info_t si;

static void pending_sets_bit_then_selector_then_upcall_once(void **state)
{
    vcpu_info_t *vi = &si.vcpu_info[0];

    (void)state;
    memset(&si, 0, sizeof(si));
    assert_true(evtchn_2l_set_pending(&si, vi, 130));
    assert_true(evtchn_2l_is_pending(&si, 130));
    assert_int_equal(vi->evtchn_pending_sel, 1UL << 2);
    assert_int_equal(vi->evtchn_upcall_pending, 1);
    /* Already pending: nothing new to kick. */
    assert_false(evtchn_2l_set_pending(&si, vi, 130));
    /* Another word, upcall already pending: selector only. */
    assert_false(evtchn_2l_set_pending(&si, vi, 3));
    assert_int_equal(vi->evtchn_pending_sel, (1UL << 2) | 1);
    evtchn_2l_clear_pending(&si, 130);
    assert_false(evtchn_2l_is_pending(&si, 130));
}

static void masked_port_stays_quiet_until_unmasked(void **state)
{
    vcpu_info_t *vi = &si.vcpu_info[1];

    (void)state;
    memset(&si, 0, sizeof(si));
    si.evtchn_mask[0] = 1UL << 5;
    assert_false(evtchn_2l_set_pending(&si, vi, 5));
    assert_true(evtchn_2l_is_pending(&si, 5));
    assert_int_equal(vi->evtchn_pending_sel, 0);
    assert_int_equal(vi->evtchn_upcall_pending, 0);
    assert_true(evtchn_2l_unmask(&si, vi, 5));
    assert_false(evtchn_2l_is_masked(&si, 5));
    assert_int_equal(vi->evtchn_pending_sel, 1);
    assert_int_equal(vi->evtchn_upcall_pending, 1);
    /* Unmasking a port that is not pending only clears the mask. */
    si.evtchn_mask[1] = 1UL << 1;
    assert_false(evtchn_2l_unmask(&si, vi, 65));
    assert_false(evtchn_2l_is_masked(&si, 65));
}

static void guest_cleared_upcall_is_raised_again(void **state)
{
    vcpu_info_t *vi = &si.vcpu_info[0];

    (void)state;
    memset(&si, 0, sizeof(si));
    assert_true(evtchn_2l_set_pending(&si, vi, 9));
    /* The guest's handler: upcall, then selector, then the pending bit. */
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
    evtchn_2l_clear_pending(&si, 9);
    assert_true(evtchn_2l_set_pending(&si, vi, 9));
}


/* ---- FIFO queues ---- */

static event_word_t words[2 * EVTCHN_FIFO_WORDS_PER_PAGE];
static struct evtchn_fifo_control_block cb;
static struct evtchn_fifo_vcpu fv;

#define W(port) (words[port])
#define LINKED (1u << EVTCHN_FIFO_LINKED)
#define PENDING (1u << EVTCHN_FIFO_PENDING)
#define MASKED (1u << EVTCHN_FIFO_MASKED)

static event_word_t *word_of(void *ctx, uint32_t port)
{
    (void)ctx;
    /* Only the first page of the array exists. */
    return port < EVTCHN_FIFO_WORDS_PER_PAGE ? &words[port] : NULL;
}

static int fifo_setup(void **state)
{
    (void)state;
    memset(words, 0, sizeof(words));
    memset(&cb, 0, sizeof(cb));
    memset(&fv, 0, sizeof(fv));
    fv.cb = &cb;
    return 0;
}

/* What a guest does: take the head of queue q, follow LINK, unlink. */
static uint32_t guest_pop_on(struct evtchn_fifo_control_block *block, unsigned q)
{
    uint32_t port = block->head[q];
    event_word_t w;

    if (!port)
        return 0;
    w = __atomic_fetch_and(&W(port), ~(LINKED | PENDING), __ATOMIC_SEQ_CST);
    block->head[q] = w & EVTCHN_FIFO_LINK_MASK;
    if (!block->head[q])
        block->ready &= ~(1u << q);
    return port;
}

static uint32_t guest_pop(unsigned q)
{
    return guest_pop_on(&cb, q);
}

static void fifo_queues_in_order_and_signals_once(void **state)
{
    (void)state;
    assert_true(evtchn_fifo_raise(&fv, word_of, NULL, 5, 7));
    assert_int_equal(cb.head[7], 5);
    assert_int_equal(cb.ready, 1u << 7);
    assert_int_equal(W(5) & (PENDING | LINKED), PENDING | LINKED);
    /* Later ports link behind; no new upcall while the queue is ready. */
    assert_false(evtchn_fifo_raise(&fv, word_of, NULL, 9, 7));
    assert_false(evtchn_fifo_raise(&fv, word_of, NULL, 3, 7));
    assert_int_equal(W(5) & EVTCHN_FIFO_LINK_MASK, 9);
    assert_int_equal(W(9) & EVTCHN_FIFO_LINK_MASK, 3);
    /* Raising a queued port again changes nothing. */
    assert_false(evtchn_fifo_raise(&fv, word_of, NULL, 9, 7));
    assert_int_equal(guest_pop(7), 5);
    assert_int_equal(guest_pop(7), 9);
    assert_int_equal(guest_pop(7), 3);
    assert_int_equal(guest_pop(7), 0);
    assert_int_equal(cb.ready, 0);
}

static void fifo_consumed_tail_starts_a_new_queue(void **state)
{
    (void)state;
    assert_true(evtchn_fifo_raise(&fv, word_of, NULL, 5, 7));
    assert_int_equal(guest_pop(7), 5);
    /* The tail (5) is no longer linked: the next port becomes the head. */
    assert_true(evtchn_fifo_raise(&fv, word_of, NULL, 6, 7));
    assert_int_equal(cb.head[7], 6);
    assert_int_equal(W(5) & EVTCHN_FIFO_LINK_MASK, 0);
    /* The same port as the stale tail does not link to itself. */
    assert_int_equal(guest_pop(7), 6);
    assert_true(evtchn_fifo_raise(&fv, word_of, NULL, 6, 7));
    assert_int_equal(W(6) & EVTCHN_FIFO_LINK_MASK, 0);
    assert_int_equal(guest_pop(7), 6);
    assert_int_equal(guest_pop(7), 0);
}

static void fifo_priorities_are_separate_queues(void **state)
{
    (void)state;
    assert_true(evtchn_fifo_raise(&fv, word_of, NULL, 10, 7));
    assert_true(evtchn_fifo_raise(&fv, word_of, NULL, 11, 2));
    assert_int_equal(cb.ready, (1u << 7) | (1u << 2));
    assert_int_equal(cb.head[2], 11);
    assert_int_equal(cb.head[7], 10);
    assert_int_equal(W(10) & EVTCHN_FIFO_LINK_MASK, 0);
    assert_false(evtchn_fifo_raise(&fv, word_of, NULL, 12, EVTCHN_FIFO_MAX_QUEUES));
}

static void fifo_masked_port_waits_for_unmask(void **state)
{
    (void)state;
    W(8) = MASKED;
    assert_false(evtchn_fifo_raise(&fv, word_of, NULL, 8, 7));
    assert_int_equal(W(8), MASKED | PENDING);
    assert_int_equal(cb.ready, 0);
    /* Linux leaves MASKED set on a pending port: the unmask clears it. */
    assert_true(evtchn_fifo_unmask(&fv, word_of, NULL, 8, 7));
    assert_int_equal(W(8) & MASKED, 0);
    assert_int_equal(cb.head[7], 8);
    /* Unmasking a port that is not pending queues nothing. */
    assert_false(evtchn_fifo_unmask(&fv, word_of, NULL, 20, 7));
    evtchn_fifo_clear_pending(&W(8));
    assert_false(evtchn_fifo_word_pending(&W(8)));
}

static void fifo_port_beyond_the_array_or_without_control_block(void **state)
{
    (void)state;
    assert_false(evtchn_fifo_raise(&fv, word_of, NULL, EVTCHN_FIFO_WORDS_PER_PAGE + 1, 7));
    fv.cb = NULL;
    assert_false(evtchn_fifo_raise(&fv, word_of, NULL, 4, 7));
    assert_int_equal(W(4), PENDING);
}

/*
 * Port 5 is the tail of vCPU 0's queue, is consumed, then moves to vCPU 1
 * (bind_vcpu) and is raised there. vCPU 0's next event (6) must start a
 * queue of its own on vCPU 0, not hang behind 5 in vCPU 1's queue, where
 * vCPU 1's next event (7) would overwrite the link and lose 6 for good.
 */
static void fifo_port_moved_to_another_vcpu_leaves_no_stale_tail(void **state)
{
    static struct evtchn_fifo_control_block cb1;
    struct evtchn_fifo_vcpu queues[2] = { { .cb = &cb }, { .cb = &cb1 } };

    (void)state;
    memset(&cb1, 0, sizeof(cb1));
    for (unsigned i = 0; i < 2; i++)
        queues[i].all = queues, queues[i].nr_all = 2;
    assert_true(evtchn_fifo_raise(&queues[0], word_of, NULL, 5, 7));
    assert_int_equal(guest_pop_on(&cb, 7), 5);
    assert_true(evtchn_fifo_raise(&queues[1], word_of, NULL, 5, 7));
    assert_int_equal(queues[0].tail[7], 0);
    assert_true(evtchn_fifo_raise(&queues[0], word_of, NULL, 6, 7));
    assert_int_equal(cb.head[7], 6);
    assert_int_equal(W(5) & EVTCHN_FIFO_LINK_MASK, 0);
    assert_false(evtchn_fifo_raise(&queues[1], word_of, NULL, 7, 7));
    assert_int_equal(guest_pop_on(&cb1, 7), 5);
    assert_int_equal(guest_pop_on(&cb1, 7), 7);
    assert_int_equal(guest_pop_on(&cb1, 7), 0);
    assert_int_equal(guest_pop_on(&cb, 7), 6);
    assert_int_equal(guest_pop_on(&cb, 7), 0);
}

/* The same within one vCPU: set_priority moves a port between its queues. */
static void fifo_port_moved_to_another_priority_leaves_no_stale_tail(void **state)
{
    (void)state;
    assert_true(evtchn_fifo_raise(&fv, word_of, NULL, 5, 7));
    assert_int_equal(guest_pop(7), 5);
    assert_true(evtchn_fifo_raise(&fv, word_of, NULL, 5, 3));
    assert_int_equal(fv.tail[7], 0);
    assert_true(evtchn_fifo_raise(&fv, word_of, NULL, 6, 7));
    assert_int_equal(cb.head[7], 6);
    assert_int_equal(W(5) & EVTCHN_FIFO_LINK_MASK, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(port_zero_is_reserved_and_ports_start_at_one, setup),
        cmocka_unit_test_setup(ports_beyond_the_allocated_bucket_are_invalid, setup),
        cmocka_unit_test_setup(per_domain_limit_gives_enospc_and_close_frees, setup),
        cmocka_unit_test_setup(bind_virq_rules, setup),
        cmocka_unit_test_setup(global_virq_follows_bind_vcpu_per_vcpu_virq_does_not, setup),
        cmocka_unit_test_setup(interdomain_bind_needs_an_unbound_port_meant_for_us, setup),
        cmocka_unit_test_setup(closing_one_end_leaves_the_other_unbound_for_the_closer, setup),
        cmocka_unit_test_setup(a_domain_may_connect_to_itself, setup),
        cmocka_unit_test_setup(closing_when_the_peer_domain_is_gone_is_fine, setup),
        cmocka_unit_test_setup(send_targets, setup),
        cmocka_unit_test(pending_sets_bit_then_selector_then_upcall_once),
        cmocka_unit_test(masked_port_stays_quiet_until_unmasked),
        cmocka_unit_test(guest_cleared_upcall_is_raised_again),
        cmocka_unit_test_setup(fifo_queues_in_order_and_signals_once, fifo_setup),
        cmocka_unit_test_setup(fifo_consumed_tail_starts_a_new_queue, fifo_setup),
        cmocka_unit_test_setup(fifo_priorities_are_separate_queues, fifo_setup),
        cmocka_unit_test_setup(fifo_masked_port_waits_for_unmask, fifo_setup),
        cmocka_unit_test_setup(fifo_port_beyond_the_array_or_without_control_block, fifo_setup),
        cmocka_unit_test_setup(fifo_port_moved_to_another_vcpu_leaves_no_stale_tail, fifo_setup),
        cmocka_unit_test_setup(fifo_port_moved_to_another_priority_leaves_no_stale_tail,
                               fifo_setup),
    };

    return cmocka_run_group_tests_name("evtchn", tests, NULL, NULL);
}
