/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: nmi_op and the NMI reason bits in
 * shared_info.arch.nmi_reason.
 */
#ifndef LINTEL_PUBLIC_NMI_H
#define LINTEL_PUBLIC_NMI_H

#include "xen.h"

#define _XEN_NMIREASON_io_error 0
#define XEN_NMIREASON_io_error  (1UL << _XEN_NMIREASON_io_error)
#define _XEN_NMIREASON_pci_serr 1
#define XEN_NMIREASON_pci_serr  (1UL << _XEN_NMIREASON_pci_serr)
#define _XEN_NMIREASON_unknown  2
#define XEN_NMIREASON_unknown   (1UL << _XEN_NMIREASON_unknown)

/* Only dom0 may register, and only for vcpu 0. */
#define XENNMI_register_callback 0
struct xennmi_callback {
    unsigned long handler_address;
    unsigned long pad;
};
typedef struct xennmi_callback xennmi_callback_t;
DEFINE_XEN_GUEST_HANDLE(xennmi_callback_t);

#define XENNMI_unregister_callback 1

#endif /* LINTEL_PUBLIC_NMI_H */
