/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: a domU's console ring, the page named by
 * start_info.console.domU.mfn and shared with the console backend.
 * Indices run freely; reduce them with MASK_XENCONS_IDX.
 */
#ifndef LINTEL_PUBLIC_IO_CONSOLE_H
#define LINTEL_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];   /* backend -> guest (keyboard) */
    char out[2048];  /* guest -> backend (screen) */
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif /* LINTEL_PUBLIC_IO_CONSOLE_H */
