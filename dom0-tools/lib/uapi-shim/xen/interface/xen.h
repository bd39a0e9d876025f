/*
 * Linux's uapi <xen/privcmd.h> includes <xen/interface/xen.h> for domid_t
 * and xen_pfn_t, but linux-libc-dev does not ship that header. The
 * project's own ABI header provides both, with the same layout.
 */
#ifndef LINTEL_UAPI_SHIM_XEN_INTERFACE_XEN_H
#define LINTEL_UAPI_SHIM_XEN_INTERFACE_XEN_H

#include "public/xen.h"

#endif
