/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: names of the ring ABIs a frontend may announce in its
 * "protocol" store node, when its layout differs from the backend's.
 */
#ifndef LINTEL_PUBLIC_IO_PROTOCOLS_H
#define LINTEL_PUBLIC_IO_PROTOCOLS_H

#define XEN_IO_PROTO_ABI_X86_32 "x86_32-abi"
#define XEN_IO_PROTO_ABI_X86_64 "x86_64-abi"
#define XEN_IO_PROTO_ABI_ARM    "arm-abi"

#if defined(__x86_64__)
#define XEN_IO_PROTO_ABI_NATIVE XEN_IO_PROTO_ABI_X86_64
#else
#error "Lintel's public headers describe the x86_64 ABI only"
#endif

#endif /* LINTEL_PUBLIC_IO_PROTOCOLS_H */
