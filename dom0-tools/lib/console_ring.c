#include "console_ring.h"

/* The guest runs on another CPU: order index reads against data accesses. */
#define ring_barrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)

size_t console_ring_take_output_at(struct xencons_interface *ring, XENCONS_RING_IDX *cons_io,
                                   char *buf, size_t cap)
{
    XENCONS_RING_IDX cons = *cons_io;
    XENCONS_RING_IDX prod = __atomic_load_n(&ring->out_prod, __ATOMIC_ACQUIRE);
    size_t n = 0;

    /* A producer more than a ring ahead is lying; take one ring's worth. */
    if (prod - cons > sizeof(ring->out))
        cons = prod - sizeof(ring->out);
    if (cap > sizeof(ring->out))
        cap = sizeof(ring->out);
    while (cons != prod && n < cap)
        buf[n++] = ring->out[MASK_XENCONS_IDX(cons++, ring->out)];
    ring_barrier();
    ring->out_cons = cons;
    *cons_io = cons;
    return n;
}

size_t console_ring_take_output(struct xencons_interface *ring, char *buf, size_t cap)
{
    XENCONS_RING_IDX cons = ring->out_cons;

    return console_ring_take_output_at(ring, &cons, buf, cap);
}

size_t console_ring_put_input(struct xencons_interface *ring, const char *data, size_t len)
{
    XENCONS_RING_IDX prod = ring->in_prod;
    XENCONS_RING_IDX cons = __atomic_load_n(&ring->in_cons, __ATOMIC_ACQUIRE);
    size_t n = 0;

    while (n < len && prod - cons < sizeof(ring->in))
        ring->in[MASK_XENCONS_IDX(prod++, ring->in)] = data[n++];
    /* The bytes must be visible before the index that publishes them. */
    ring_barrier();
    ring->in_prod = prod;
    return n;
}
