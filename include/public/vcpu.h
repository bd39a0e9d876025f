/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: vcpu_op, HYPERVISOR_vcpu_op(cmd, vcpuid, arg).
 */
#ifndef LINTEL_PUBLIC_VCPU_H
#define LINTEL_PUBLIC_VCPU_H

#include "xen.h"

#define VCPUOP_initialise 0  /* vcpu_guest_context: first context of an offline vcpu */
#define VCPUOP_up         1
#define VCPUOP_down       2
#define VCPUOP_is_up      3  /* returns 1 or 0 */

#define VCPUOP_get_runstate_info 4
/* Time (ns) a vcpu spent in each RUNSTATE_*, and when it entered the current one. */
struct vcpu_runstate_info {
    int      state;
    uint64_t state_entry_time;
    /* Set in state_entry_time while the record is being rewritten (VMASST runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE (xen_mk_ullong(1) << 63)
    uint64_t time[4];
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);

#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

/* Asks the hypervisor to keep a vcpu_runstate_info up to date at a guest virtual address. */
#define VCPUOP_register_runstate_memory_area 5
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        struct vcpu_runstate_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_runstate_memory_area_t);

#define VCPUOP_set_periodic_timer  6
#define VCPUOP_stop_periodic_timer 7
struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_periodic_timer_t);

#define VCPUOP_set_singleshot_timer  8
#define VCPUOP_stop_singleshot_timer 9
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;  /* in system time */
    uint32_t flags;           /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_singleshot_timer_t);

/*
 * Asks for -ETIME instead of an immediate event when the deadline has
 * already passed. Xen 4.17 ignores the flag and fires at once.
 */
#define _VCPU_SSHOTTMR_future (0)
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

/* Moves this vcpu's vcpu_info out of shared_info into a guest frame. */
#define VCPUOP_register_vcpu_info 10
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;  /* the structure must not cross the page end */
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_vcpu_info_t);

#define VCPUOP_send_nmi 11

/* dom0 only: the physical CPU ids behind a vcpu (APIC id low, ACPI id high). */
#define VCPUOP_get_physid 12
struct vcpu_get_physid {
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_get_physid_t);
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

/* A second copy of vcpu_time_info at a guest address (for a user-visible vDSO page). */
#define VCPUOP_register_vcpu_time_memory_area 13
DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        struct vcpu_time_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_time_memory_area_t);

#endif /* LINTEL_PUBLIC_VCPU_H */
