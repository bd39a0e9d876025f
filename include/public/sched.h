/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: sched_op, HYPERVISOR_sched_op(cmd, arg).
 */
#ifndef LINTEL_PUBLIC_SCHED_H
#define LINTEL_PUBLIC_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield           0  /* no argument */
#define SCHEDOP_block           1  /* no argument; re-enables event delivery atomically */
#define SCHEDOP_shutdown        2  /* sched_shutdown */
#define SCHEDOP_poll            3  /* sched_poll */
#define SCHEDOP_remote_shutdown 4  /* sched_remote_shutdown, privileged */
#define SCHEDOP_shutdown_code   5  /* sched_shutdown: record a reason without stopping */
#define SCHEDOP_watchdog        6  /* sched_watchdog */
#define SCHEDOP_pin_override    7  /* sched_pin_override, dom0 only */

struct sched_shutdown {
    unsigned int reason;  /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_shutdown_t);

/* Blocks until one of the ports is pending or the absolute timeout (ns, 0 = none) passes. */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    unsigned int nr_ports;
    uint64_t timeout;
};
typedef struct sched_poll sched_poll_t;
DEFINE_XEN_GUEST_HANDLE(sched_poll_t);

struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason;
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_remote_shutdown_t);

/* id 0 creates a watchdog (id returned); timeout 0 destroys it. */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;  /* seconds */
};
typedef struct sched_watchdog sched_watchdog_t;
DEFINE_XEN_GUEST_HANDLE(sched_watchdog_t);

struct sched_pin_override {
    int32_t pcpu;  /* negative ends the override */
};
typedef struct sched_pin_override sched_pin_override_t;
DEFINE_XEN_GUEST_HANDLE(sched_pin_override_t);

/* Shutdown reasons, as seen by the toolstack in the domain's shutdown code. */
#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2  /* state is kept for save or migration */
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX        5

#endif /* LINTEL_PUBLIC_SCHED_H */
