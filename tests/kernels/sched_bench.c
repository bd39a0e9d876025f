/*
 * sched_bench: scheduling and event figures between two domUs on one pCPU,
 * in guest time (pvclock system time), for `make bench` (bench_sched.py).
 * Started by xl in dom0 with "extra" lines naming roles and each other:
 *   role=echo peer=<domid>    keeps a port for the client, answers each of
 *                             its ROUND_TRIPS events, then yields the pCPU
 *                             back and forth with it until told to stop,
 *                             and powers off
 *   role=client peer=<domid>  connects, and prints
 *     BENCH evtchn_round_trip <mean ns>  send, the echo wakes and answers,
 *                                        we wake (two domain switches)
 *     BENCH context_switch <ns>          SCHEDOP_yield between the two
 *                                        domains: guest time per switch
 *     BENCH timer_late_mean <ns>         10 ms singleshots: how late each
 *     BENCH timer_late_p99 <ns>          woke us, mean and 99th percentile
 * Events stay masked (lib/peer_domain.h): waits are SCHEDOP_poll.
 */
#include "lib/kernel.h"
#include "lib/peer_domain.h"
#include "lib/traps.h"

#include <public/sched.h>
#include <public/vcpu.h>

const char kernel_name[] = "sched_bench";

#define MS              PEER_MS
#define WARMUP          100
#define ROUND_TRIPS     (WARMUP + 1000)
#define YIELDS          2000
#define TIMER_SAMPLES   300
#define TIMER_PERIOD    (10 * MS)
#define PEER_WAIT_NS    (120000 * MS)
/* Far beyond any one answer, even from a host that stalls QEMU. */
#define ANSWER_WAIT_NS  (10000 * MS)

static evtchn_port_t port;
static uint64_t samples[ROUND_TRIPS > TIMER_SAMPLES ? ROUND_TRIPS : TIMER_SAMPLES];

static void sort(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned int j = i;

        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static uint64_t mean(const uint64_t *v, unsigned int n)
{
    uint64_t sum = 0;

    for (unsigned int i = 0; i < n; i++)
        sum += v[i];
    return n ? sum / n : 0;
}

/* The nearest-rank percentile of sorted v. */
static uint64_t percentile(const uint64_t *v, unsigned int n, unsigned int pct)
{
    unsigned int rank = (n * pct + 99) / 100;

    return n ? v[rank ? rank - 1 : 0] : 0;
}

/* ---- echo ---- */

static void echo(domid_t client)
{
    uint64_t give_up;
    int answered = 0;

    port = peer_listen(client);
    printk("echo: port %u kept for d%u\n", port, client);
    if (!port)
        return;
    if (!peer_port_wait(port, PEER_WAIT_NS))
        return;
    for (; answered < ROUND_TRIPS; answered++) {
        if (!peer_port_wait(port, ANSWER_WAIT_NS))
            break;
        peer_port_clear(port);
        peer_port_send(port);
    }
    printk("echo: answered %d of %d\n", answered, ROUND_TRIPS);
    /* Keep the pCPU busy with yields until the client says it is done. */
    give_up = system_time_ns() + PEER_WAIT_NS;
    while (!peer_port_pending(port) && system_time_ns() < give_up)
        HYPERVISOR_sched_op(SCHEDOP_yield, 0);
}

/* ---- client ---- */

TEST(role)
{
    EXPECT_OK(traps_install());
    shared_info_map()->vcpu_info[0].evtchn_upcall_mask = 1;
    if (peer_role_is("echo")) {
        echo((domid_t)peer_option("peer", 0));
        shutdown(SHUTDOWN_poweroff);
    }
    EXPECT_TRUE(peer_role_is("client"));
}

TEST(connect)
{
    port = peer_connect((domid_t)peer_option("peer", 0), PEER_WAIT_NS);
    EXPECT_NE(port, 0);
}

TEST(event_channel_round_trip)
{
    unsigned int n = 0;

    for (unsigned int i = 0; port && i < ROUND_TRIPS; i++) {
        uint64_t start = system_time_ns();

        peer_port_send(port);
        if (!peer_port_wait(port, ANSWER_WAIT_NS))
            break;
        peer_port_clear(port);
        if (i >= WARMUP)
            samples[n++] = system_time_ns() - start;
    }
    EXPECT_EQ(n, ROUND_TRIPS - WARMUP);
    sort(samples, n);
    testfw_note(testfw_current, "round trip ns: min %llu median %llu p99 %llu",
                (unsigned long long)samples[0], (unsigned long long)percentile(samples, n, 50),
                (unsigned long long)percentile(samples, n, 99));
    printk("BENCH evtchn_round_trip %llu\n", (unsigned long long)mean(samples, n));
}

TEST(context_switch_by_yield)
{
    struct vcpu_runstate_info before, after;
    uint64_t start, elapsed, waited;

    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &before));
    start = system_time_ns();
    for (unsigned int i = 0; i < YIELDS; i++)
        HYPERVISOR_sched_op(SCHEDOP_yield, 0);
    elapsed = system_time_ns() - start;
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &after));
    waited = after.time[RUNSTATE_runnable] - before.time[RUNSTATE_runnable];
    /* Each yield handed the pCPU to the echo and got it back: about half
     * the time was spent runnable. Less means the yields did not switch. */
    testfw_note(testfw_current, "%u yields in %llu ns, %llu ns of them runnable", YIELDS,
                (unsigned long long)elapsed, (unsigned long long)waited);
    EXPECT_TRUE(waited * 4 >= elapsed);
    printk("BENCH context_switch %llu\n", (unsigned long long)(elapsed / (2 * YIELDS)));
    /* The echo stops yielding and powers off. */
    peer_port_send(port);
}

TEST(timer_lateness)
{
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = 0 };
    unsigned int n = 0, early = 0;

    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &virq));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0));
    for (unsigned int i = 0; i < TIMER_SAMPLES; i++) {
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = system_time_ns() + TIMER_PERIOD };
        uint64_t woke;

        peer_port_clear(virq.port);
        if (HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t) ||
            !peer_port_wait(virq.port, 50 * TIMER_PERIOD))
            break;
        woke = system_time_ns();
        early += woke < t.timeout_abs_ns;
        samples[n++] = woke >= t.timeout_abs_ns ? woke - t.timeout_abs_ns : 0;
    }
    EXPECT_EQ(n, TIMER_SAMPLES);
    EXPECT_EQ(early, 0);
    sort(samples, n);
    testfw_note(testfw_current, "timer lateness ns: min %llu median %llu max %llu",
                (unsigned long long)samples[0], (unsigned long long)percentile(samples, n, 50),
                (unsigned long long)samples[n ? n - 1 : 0]);
    printk("BENCH timer_late_mean %llu\n", (unsigned long long)mean(samples, n));
    printk("BENCH timer_late_p99 %llu\n", (unsigned long long)percentile(samples, n, 99));
}
