/*
 * evtchn_fifo: the FIFO event ABI as Linux switches to it. init_control
 * (control block per vcpu) and expand_array (event-array pages) with their
 * refusals, then where the hypervisor puts a sent event: PENDING and
 * LINKED in the port's event word, the queue head and ready bit in the
 * control block, LINK chaining a second event behind the first, MASKED
 * holding an event back until EVTCHNOP_unmask, priorities as separate
 * queues, SCHEDOP_poll seeing FIFO-pending ports, and EVTCHNOP_reset
 * returning the domain to the 2-level ABI. Events stay masked at the vcpu
 * (no upcall handler): the checks read the shared structures directly.
 */
#include "lib/kernel.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/sched.h>

const char kernel_name[] = "evtchn_fifo";

#define UNMAPPED_ADDR 0x1000UL
#define NO_SUCH_VCPU  5
#define PENDING (1u << EVTCHN_FIFO_PENDING)
#define MASKED  (1u << EVTCHN_FIFO_MASKED)
#define LINKED  (1u << EVTCHN_FIFO_LINKED)

static volatile event_word_t event_array[PAGE_SIZE / sizeof(event_word_t)]
    __attribute__((aligned(PAGE_SIZE)));
static char control_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile struct evtchn_fifo_control_block *cb;
static evtchn_port_t ipi_a, ipi_b;

static long evtchn_op(unsigned int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static long init_control(unsigned long mfn, uint32_t offset, uint32_t vcpu, uint8_t *link_bits)
{
    struct evtchn_init_control init = { .control_gfn = mfn, .offset = offset, .vcpu = vcpu };
    long rc = evtchn_op(EVTCHNOP_init_control, &init);

    if (link_bits)
        *link_bits = init.link_bits;
    return rc;
}

static long expand(unsigned long mfn)
{
    struct evtchn_expand_array e = { .array_gfn = mfn };

    return evtchn_op(EVTCHNOP_expand_array, &e);
}

static long set_priority(evtchn_port_t port, uint32_t priority)
{
    struct evtchn_set_priority p = { .port = port, .priority = priority };

    return evtchn_op(EVTCHNOP_set_priority, &p);
}

static void send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    evtchn_op(EVTCHNOP_send, &s);
}

/* The guest's side of the queue, as Linux does it: pop the head of q,
 * clearing LINKED and the LINK field. */
static evtchn_port_t pop(unsigned int q)
{
    evtchn_port_t port = cb->head[q];
    event_word_t w;

    if (!port)
        return 0;
    w = __atomic_fetch_and(&event_array[port], ~(LINKED | PENDING | EVTCHN_FIFO_LINK_MASK),
                           __ATOMIC_SEQ_CST);
    cb->head[q] = w & EVTCHN_FIFO_LINK_MASK;
    if (!cb->head[q])
        __atomic_fetch_and(&cb->ready, ~(1u << q), __ATOMIC_SEQ_CST);
    return port;
}

static vcpu_info_t *vcpu0(void)
{
    return &shared_info_map()->vcpu_info[0];
}

TEST(setup)
{
    struct evtchn_bind_ipi a = { .vcpu = 0 }, b = { .vcpu = 0 };

    EXPECT_OK(traps_install());
    EXPECT_TRUE(shared_info_map() != 0);
    vcpu0()->evtchn_upcall_mask = 1;
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_ipi, &a));
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_ipi, &b));
    ipi_a = a.port;
    ipi_b = b.port;
    cb = (volatile struct evtchn_fifo_control_block *)control_page;
}

TEST(fifo_calls_before_init_control)
{
    /* Under the 2-level ABI there are no priorities and no event array. */
    EXPECT_ERRNO(set_priority(ipi_a, 3), XEN_ENOSYS);
    EXPECT_ERRNO(expand(virt_to_mfn((void *)event_array)), XEN_EOPNOTSUPP);
}

TEST(init_control_refusals)
{
    unsigned long mfn = virt_to_mfn(control_page);

    EXPECT_ERRNO(init_control(mfn, 3, 0, 0), XEN_EINVAL);
    EXPECT_ERRNO(init_control(mfn, PAGE_SIZE - 8, 0, 0), XEN_EINVAL);
    EXPECT_ERRNO(init_control(mfn, 0, NO_SUCH_VCPU, 0), XEN_ENOENT);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_init_control, (void *)UNMAPPED_ADDR), XEN_EFAULT);
}

TEST(init_control_and_expand)
{
    uint8_t link_bits = 0;

    EXPECT_OK(init_control(virt_to_mfn(control_page), 0, 0, &link_bits));
    EXPECT_EQ(link_bits, EVTCHN_FIFO_LINK_BITS);
    /* A vcpu has one control block. */
    EXPECT_ERRNO(init_control(virt_to_mfn(control_page), 0, 0, 0), XEN_EINVAL);
    EXPECT_OK(expand(virt_to_mfn((void *)event_array)));
}

TEST(sent_event_is_queued_at_the_head)
{
    vcpu0()->evtchn_upcall_pending = 0;
    send(ipi_a);
    EXPECT_EQ(event_array[ipi_a] & (PENDING | LINKED), PENDING | LINKED);
    EXPECT_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], ipi_a);
    EXPECT_EQ(cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    EXPECT_EQ(vcpu0()->evtchn_upcall_pending, 1);
}

TEST(second_event_links_behind_the_first)
{
    send(ipi_b);
    EXPECT_EQ(event_array[ipi_a] & EVTCHN_FIFO_LINK_MASK, ipi_b);
    EXPECT_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], ipi_a);
    /* Sending a queued event again changes nothing. */
    send(ipi_a);
    EXPECT_EQ(event_array[ipi_a] & EVTCHN_FIFO_LINK_MASK, ipi_b);
    EXPECT_EQ(pop(EVTCHN_FIFO_PRIORITY_DEFAULT), ipi_a);
    EXPECT_EQ(pop(EVTCHN_FIFO_PRIORITY_DEFAULT), ipi_b);
    EXPECT_EQ(pop(EVTCHN_FIFO_PRIORITY_DEFAULT), 0);
    EXPECT_EQ(cb->ready, 0);
}

TEST(consumed_queue_restarts_at_head)
{
    vcpu0()->evtchn_upcall_pending = 0;
    send(ipi_b);
    EXPECT_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], ipi_b);
    EXPECT_EQ(vcpu0()->evtchn_upcall_pending, 1);
    EXPECT_EQ(pop(EVTCHN_FIFO_PRIORITY_DEFAULT), ipi_b);
}

TEST(masked_event_waits_for_unmask)
{
    struct evtchn_unmask unmask = { .port = ipi_a };

    __atomic_fetch_or(&event_array[ipi_a], MASKED, __ATOMIC_SEQ_CST);
    send(ipi_a);
    EXPECT_EQ(event_array[ipi_a] & (PENDING | LINKED | MASKED), PENDING | MASKED);
    EXPECT_EQ(cb->ready, 0);
    __atomic_fetch_and(&event_array[ipi_a], ~MASKED, __ATOMIC_SEQ_CST);
    EXPECT_OK(evtchn_op(EVTCHNOP_unmask, &unmask));
    EXPECT_EQ(event_array[ipi_a] & (PENDING | LINKED), PENDING | LINKED);
    EXPECT_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], ipi_a);
    EXPECT_EQ(pop(EVTCHN_FIFO_PRIORITY_DEFAULT), ipi_a);
}

TEST(priorities_are_separate_queues)
{
    EXPECT_OK(set_priority(ipi_b, 2));
    EXPECT_ERRNO(set_priority(ipi_b, EVTCHN_FIFO_PRIORITY_MIN + 1), XEN_EINVAL);
    EXPECT_ERRNO(set_priority(100000, 2), XEN_EINVAL);
    send(ipi_a);
    send(ipi_b);
    EXPECT_EQ(cb->ready, (1u << 2) | (1u << EVTCHN_FIFO_PRIORITY_DEFAULT));
    EXPECT_EQ(cb->head[2], ipi_b);
    EXPECT_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], ipi_a);
    EXPECT_EQ(event_array[ipi_a] & EVTCHN_FIFO_LINK_MASK, 0);
    EXPECT_EQ(pop(2), ipi_b);
    EXPECT_EQ(pop(EVTCHN_FIFO_PRIORITY_DEFAULT), ipi_a);
}

TEST(poll_sees_fifo_pending)
{
    struct sched_poll poll = { .nr_ports = 1 };
    uint64_t start;

    __atomic_fetch_or(&event_array[ipi_a], MASKED, __ATOMIC_SEQ_CST);
    send(ipi_a);
    set_xen_guest_handle(poll.ports, &ipi_a);
    start = system_time_ns();
    poll.timeout = start + 2000ULL * 1000 * 1000;
    EXPECT_OK(HYPERVISOR_sched_op(SCHEDOP_poll, &poll));
    EXPECT_TRUE(system_time_ns() < poll.timeout);
    __atomic_fetch_and(&event_array[ipi_a], ~(MASKED | PENDING), __ATOMIC_SEQ_CST);
}

TEST(reset_returns_to_two_level)
{
    struct evtchn_reset reset = { .dom = DOMID_SELF };

    EXPECT_OK(evtchn_op(EVTCHNOP_reset, &reset));
    EXPECT_ERRNO(set_priority(1, 3), XEN_ENOSYS);
}
