/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: callback_op, how a PV kernel tells the hypervisor
 * where to enter it for events, failed segment loads, syscalls and NMIs.
 */
#ifndef LINTEL_PUBLIC_CALLBACK_H
#define LINTEL_PUBLIC_CALLBACK_H

#include "xen.h"

#define CALLBACKTYPE_event               0  /* event channel upcall */
#define CALLBACKTYPE_failsafe            1  /* reloading a segment register on return failed */
#define CALLBACKTYPE_syscall             2  /* 64-bit syscall from guest user mode */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi                 4
#define CALLBACKTYPE_sysenter            5
#define CALLBACKTYPE_syscall32           7  /* syscall from 32-bit user code */

/* Enter the callback with evtchn_upcall_mask set. */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register 0
struct callback_register {
    uint16_t type;
    uint16_t flags;
    xen_callback_t address;
};
typedef struct callback_register callback_register_t;
DEFINE_XEN_GUEST_HANDLE(callback_register_t);

#define CALLBACKOP_unregister 1
struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
DEFINE_XEN_GUEST_HANDLE(callback_unregister_t);

#endif /* LINTEL_PUBLIC_CALLBACK_H */
