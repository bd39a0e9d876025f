/*
 * smp_wake: four vcpus on four pCPUs (dom0_max_vcpus=4, -smp 4).
 *
 * Two pairs of vcpus (0-1, 2-3) each play ping-pong with a token, each
 * waiting for it blocked in SCHEDOP_poll on its own IPI port: a vcpu passes
 * the token and blocks at once, so its partner's answer comes while it is
 * blocking on its pCPU, the race in which Lintel lost the stock kernel's
 * second vcpu (issue 6). A lost wake-up shows as a wait that ends by its
 * timeout with the token not there.
 *
 * Then all four spin at once for a while and each reads its own run-state
 * times: on a pCPU of its own a vcpu is hardly ever runnable-but-waiting,
 * while four vcpus sharing one pCPU would each wait about 3/4 of the time.
 *
 * Events stay masked on every vcpu; nothing needs an upcall handler.
 */
#include "lib/kernel.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char kernel_name[] = "smp_wake";

#define NR_VCPUS        4
#define MS              1000000ULL
/* The game stops after ROUNDS or RING_NS, whichever comes first (Xen 4.17
 * under TCG takes up to ~700 ms a round on a loaded host, Lintel ~2 ms),
 * and must have gone round MIN_ROUNDS times. */
#define ROUNDS          1000
#define MIN_ROUNDS      2
#define RING_NS         (4000 * MS)
/* Far beyond any real hop, even on a loaded TCG host: only a lost wake-up waits this long. */
#define HOP_TIMEOUT_NS  (5000 * MS)
#define SPIN_NS         (400 * MS)

static char stacks[NR_VCPUS][4 * PAGE_SIZE] __attribute__((aligned(16)));
static vcpu_guest_context_t context;

static evtchn_port_t port_of[NR_VCPUS];
static volatile unsigned int token_holder[NR_VCPUS / 2];
static volatile unsigned int hops[NR_VCPUS], lost[NR_VCPUS];
static volatile unsigned int started, ring_done, rounds[NR_VCPUS / 2], spin_go, spin_done;
static volatile uint64_t spin_runnable_ns[NR_VCPUS], spin_running_ns[NR_VCPUS];
static volatile uint64_t spin_window_ns[NR_VCPUS];

void secondary_main(unsigned long vcpu) __attribute__((noreturn));
extern char secondary_entry[];

/* VCPUOP_initialise loads rdi from the context: the vcpu number is the argument. */
asm(".text\n"
    ".globl secondary_entry\n"
    "secondary_entry:\n"
    "    call secondary_main\n");

/* This vcpu's own clock (the lib's system_time_ns reads vcpu 0's record). */
static uint64_t vcpu_time_ns(unsigned int vcpu)
{
    const volatile vcpu_time_info_t *t = &shared_info_map()->vcpu_info[vcpu].time;
    uint32_t version, lo, hi;
    uint64_t delta, ns;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
        delta = (((uint64_t)hi << 32) | lo) - t->tsc_timestamp;
        delta = t->tsc_shift >= 0 ? delta << t->tsc_shift : delta >> -t->tsc_shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    return ns;
}

static int pending(evtchn_port_t port)
{
    return (shared_info_map()->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void consume(unsigned int vcpu, evtchn_port_t port)
{
    vcpu_info_t *vi = &shared_info_map()->vcpu_info[vcpu];

    __atomic_fetch_and(&shared_info_map()->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
    vi->evtchn_upcall_pending = 0;
    __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

/* Blocks until the token is ours; 0 if a wait ran out while it was not. */
static int wait_token(unsigned int vcpu)
{
    evtchn_port_t port = port_of[vcpu];
    struct sched_poll poll = { .nr_ports = 1 };

    set_xen_guest_handle(poll.ports, &port);
    while (token_holder[vcpu / 2] != vcpu && !ring_done) {
        poll.timeout = vcpu_time_ns(vcpu) + HOP_TIMEOUT_NS;
        if (!pending(port))
            HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
        if (pending(port))
            consume(vcpu, port);
        else if (token_holder[vcpu / 2] != vcpu && !ring_done && vcpu_time_ns(vcpu) >= poll.timeout)
            return 0;
    }
    return 1;
}

static void pass_token(unsigned int vcpu)
{
    unsigned int next = vcpu ^ 1;
    struct evtchn_send s = { .port = port_of[next] };

    hops[vcpu]++;
    __atomic_store_n(&token_holder[vcpu / 2], next, __ATOMIC_SEQ_CST);
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/* Everyone still waiting is told, so nobody's wait runs out for it. */
static void stop_ring(void)
{
    __atomic_store_n(&ring_done, 1, __ATOMIC_SEQ_CST);
    for (unsigned int i = 0; i < NR_VCPUS; i++) {
        struct evtchn_send s = { .port = port_of[i] };

        HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
    }
}

/* Passes the token back until vcpu 0 ends the game, or a wake-up is lost anywhere. */
static void ring(unsigned int vcpu, uint64_t end)
{
    if (vcpu % 2 == 0)
        pass_token(vcpu);
    for (;;) {
        if (!wait_token(vcpu)) {
            lost[vcpu]++;
            stop_ring();
            return;
        }
        if (ring_done)
            return;
        if (vcpu % 2 == 0)
            rounds[vcpu / 2]++;
        if (vcpu == 0 && (rounds[0] >= ROUNDS || vcpu_time_ns(0) >= end)) {
            stop_ring();
            return;
        }
        pass_token(vcpu);
    }
}

/* Spins for SPIN_NS of its own time; records how much of it was spent waiting. */
static void spin(unsigned int vcpu)
{
    struct vcpu_runstate_info before, after;
    uint64_t start, end;

    while (!spin_go)
        asm volatile("pause");
    HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, vcpu, &before);
    start = vcpu_time_ns(vcpu);
    end = start + SPIN_NS;
    while (vcpu_time_ns(vcpu) < end)
        asm volatile("pause");
    HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, vcpu, &after);
    spin_window_ns[vcpu] = vcpu_time_ns(vcpu) - start;
    spin_runnable_ns[vcpu] = after.time[RUNSTATE_runnable] - before.time[RUNSTATE_runnable];
    spin_running_ns[vcpu] = after.time[RUNSTATE_running] - before.time[RUNSTATE_running];
    __atomic_add_fetch(&spin_done, 1, __ATOMIC_SEQ_CST);
}

void secondary_main(unsigned long vcpu)
{
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    ring((unsigned int)vcpu, 0);
    spin((unsigned int)vcpu);
    for (;;)
        HYPERVISOR_vcpu_op(VCPUOP_down, (int)vcpu, 0);
}

static void prepare_context(unsigned int vcpu)
{
    memory_set(&context, 0, sizeof(context));
    context.flags = VGCF_in_kernel;
    context.user_regs.rip = (unsigned long)secondary_entry;
    context.user_regs.rdi = vcpu;
    context.user_regs.rsp = (unsigned long)(stacks[vcpu] + sizeof(stacks[vcpu]));
    context.user_regs.cs = FLAT_KERNEL_CS;
    context.user_regs.ss = FLAT_KERNEL_SS;
    context.user_regs.rflags = 0x2;
    context.kernel_ss = FLAT_KERNEL_SS;
    context.kernel_sp = context.user_regs.rsp;
    context.ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
}

static int wait_until(volatile unsigned int *counter, unsigned int value, uint64_t timeout_ns)
{
    uint64_t end = system_time_ns() + timeout_ns;

    while (*counter < value && system_time_ns() < end)
        asm volatile("pause");
    return *counter >= value;
}

TEST(every_vcpu_comes_up)
{
    EXPECT_OK(traps_install());
    for (unsigned int i = 0; i < NR_VCPUS; i++) {
        struct evtchn_bind_ipi ipi = { .vcpu = i };

        shared_info_map()->vcpu_info[i].evtchn_upcall_mask = 1;
        EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi));
        port_of[i] = ipi.port;
    }
    for (unsigned int pair = 0; pair < NR_VCPUS / 2; pair++)
        token_holder[pair] = pair * 2;
    for (unsigned int i = 1; i < NR_VCPUS; i++) {
        prepare_context(i);
        EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_initialise, (int)i, &context));
        EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, (int)i, 0));
    }
    EXPECT_TRUE(wait_until(&started, NR_VCPUS - 1, 10000 * MS));
}

TEST(no_wakeup_is_lost_in_a_ring_of_vcpus)
{
    unsigned int total_hops = 0, total_lost = 0;
    uint64_t start = vcpu_time_ns(0);

    ring(0, start + RING_NS);
    for (unsigned int i = 0; i < NR_VCPUS; i++) {
        total_hops += hops[i];
        total_lost += lost[i];
        EXPECT_TRUE(hops[i] >= MIN_ROUNDS);
    }
    testfw_note(testfw_current, "%u and %u rounds, %u hops over %u vcpus in %llu ms",
                rounds[0], rounds[1], total_hops, NR_VCPUS,
                (unsigned long long)((vcpu_time_ns(0) - start) / MS));
    EXPECT_EQ(total_lost, 0);
    EXPECT_TRUE(rounds[0] >= MIN_ROUNDS);
}

TEST(vcpus_run_at_the_same_time)
{
    spin_go = 1;
    spin(0);
    EXPECT_TRUE(wait_until(&spin_done, NR_VCPUS, 20000 * MS));
    for (unsigned int i = 0; i < NR_VCPUS; i++) {
        testfw_note(testfw_current, "vcpu %u: %llu ms window, running %llu ms, runnable %llu ms",
                    i, (unsigned long long)(spin_window_ns[i] / MS),
                    (unsigned long long)(spin_running_ns[i] / MS),
                    (unsigned long long)(spin_runnable_ns[i] / MS));
        /* Sharing one pCPU would leave each about 3/4 of the window runnable. */
        EXPECT_TRUE(spin_runnable_ns[i] * 4 < spin_window_ns[i]);
    }
}
