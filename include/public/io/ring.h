/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: the shared request/response ring of the split drivers.
 *
 * One page (or more) shared between a frontend and a backend holds a
 * 64-byte header and then a power-of-two array of slots; a slot carries
 * either a request or the response that later replaces it. The producer
 * and consumer indices run freely and are reduced modulo the ring size
 * only when a slot is addressed, so "full" and "empty" never look alike.
 * Each side also has private counters that it publishes with the PUSH
 * macros once a batch is ready.
 *
 * Notification suppression: a side sets req_event/rsp_event to the index
 * after which it wants an event; the producer notifies only when its new
 * batch crosses that index.
 *
 * Names follow the established interface so that driver code compiles
 * against this file or Xen's; the definitions are Lintel's.
 * SHARED_RING_INIT needs memset from the includer (it clears padding).
 */
#ifndef LINTEL_PUBLIC_IO_RING_H
#define LINTEL_PUBLIC_IO_RING_H

#include <stddef.h>

#include "../xen.h"

/*
 * Barriers between the payload and the index that publishes it. The
 * defaults suit x86 (stores are not reordered with stores, loads not with
 * loads); only "store then load" needs a real fence. An includer may
 * define its own before including this file.
 */
#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef xen_rmb
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef xen_wmb
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

typedef unsigned int RING_IDX;

/*
 * Largest power of two <= x, as a constant expression (for array sizes):
 * smear the highest set bit rightwards, then keep only it. x is a size_t
 * expression below 2^32.
 */
#define LINTEL_SMEAR1(x)  ((x) | ((x) >> 1))
#define LINTEL_SMEAR2(x)  (LINTEL_SMEAR1(x) | (LINTEL_SMEAR1(x) >> 2))
#define LINTEL_SMEAR4(x)  (LINTEL_SMEAR2(x) | (LINTEL_SMEAR2(x) >> 4))
#define LINTEL_SMEAR8(x)  (LINTEL_SMEAR4(x) | (LINTEL_SMEAR4(x) >> 8))
#define LINTEL_SMEAR16(x) (LINTEL_SMEAR8(x) | (LINTEL_SMEAR8(x) >> 16))
#define LINTEL_POW2_FLOOR(x) (LINTEL_SMEAR16(x) - (LINTEL_SMEAR16(x) >> 1))

/* Slots of ring type _s that fit in _sz bytes, usable in constant expressions. */
#define __CONST_RING_SIZE(_s, _sz) \
    LINTEL_POW2_FLOOR(((_sz) - offsetof(struct _s##_sring, ring)) / \
                      sizeof(((struct _s##_sring *)0)->ring[0]))

/* The same at run time, from a shared ring pointer. */
static inline unsigned int lintel_ring_slots(size_t bytes_for_slots, size_t slot_size)
{
    size_t slots = bytes_for_slots / slot_size;
    unsigned int pow2 = 1;

    while ((size_t)pow2 * 2 <= slots)
        pow2 *= 2;
    return slots ? pow2 : 0;
}
#define __RING_SIZE(_s, _sz) \
    lintel_ring_slots((_sz) - (size_t)((char *)(_s)->ring - (char *)(_s)), \
                      sizeof((_s)->ring[0]))

/*
 * Declares, for ring name N: union N_sring_entry, struct N_sring (the
 * shared page), struct N_front_ring and struct N_back_ring (each side's
 * private state), and the *_t typedefs.
 */
#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t)                     \
union __name##_sring_entry {                                            \
    __req_t req;                                                        \
    __rsp_t rsp;                                                        \
};                                                                      \
struct __name##_sring {                                                 \
    RING_IDX req_prod, req_event;                                       \
    RING_IDX rsp_prod, rsp_event;                                       \
    /* Room some drivers use for private flags; 64 bytes of header in all. */ \
    union {                                                             \
        struct { uint8_t smartpoll_active; } netif;                     \
        struct { uint8_t msg; } tapif_user;                             \
        uint8_t pvt_pad[4];                                             \
    } pvt;                                                              \
    uint8_t __pad[44];                                                  \
    union __name##_sring_entry ring[1]; /* really as many as fit */     \
};                                                                      \
struct __name##_front_ring {                                            \
    RING_IDX req_prod_pvt;   /* requests queued, not yet published */   \
    RING_IDX rsp_cons;       /* responses consumed */                   \
    unsigned int nr_ents;                                               \
    struct __name##_sring *sring;                                       \
};                                                                      \
struct __name##_back_ring {                                             \
    RING_IDX rsp_prod_pvt;   /* responses queued, not yet published */  \
    RING_IDX req_cons;       /* requests consumed */                    \
    unsigned int nr_ents;                                               \
    struct __name##_sring *sring;                                       \
};                                                                      \
typedef struct __name##_sring __name##_sring_t;                         \
typedef struct __name##_front_ring __name##_front_ring_t;               \
typedef struct __name##_back_ring __name##_back_ring_t

/* The frontend initialises the shared page; event indices start at 1 ("notify on the first"). */
#define SHARED_RING_INIT(_s) do {                                       \
    (_s)->req_prod = 0;                                                 \
    (_s)->rsp_prod = 0;                                                 \
    (_s)->req_event = 1;                                                \
    (_s)->rsp_event = 1;                                                \
    (void)memset((_s)->pvt.pvt_pad, 0, sizeof((_s)->pvt.pvt_pad));      \
    (void)memset((_s)->__pad, 0, sizeof((_s)->__pad));                  \
} while (0)

#define FRONT_RING_ATTACH(_r, _s, _i, __size) do {                      \
    (_r)->req_prod_pvt = (_i);                                          \
    (_r)->rsp_cons = (_i);                                              \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                            \
    (_r)->sring = (_s);                                                 \
} while (0)
#define FRONT_RING_INIT(_r, _s, __size) FRONT_RING_ATTACH(_r, _s, 0, __size)
#define XEN_FRONT_RING_INIT(r, s, size) do {                            \
    SHARED_RING_INIT(s);                                                \
    FRONT_RING_INIT(r, s, size);                                        \
} while (0)

#define BACK_RING_ATTACH(_r, _s, _i, __size) do {                       \
    (_r)->rsp_prod_pvt = (_i);                                          \
    (_r)->req_cons = (_i);                                              \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                            \
    (_r)->sring = (_s);                                                 \
} while (0)
#define BACK_RING_INIT(_r, _s, __size) BACK_RING_ATTACH(_r, _s, 0, __size)

#define RING_SIZE(_r) ((_r)->nr_ents)

/* Slots the frontend may still fill: those not awaiting a response. */
#define RING_FREE_REQUESTS(_r) \
    (RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))
#define RING_FULL(_r) (RING_FREE_REQUESTS(_r) == 0)

#define XEN_RING_NR_UNCONSUMED_RESPONSES(_r) \
    ((_r)->sring->rsp_prod - (_r)->rsp_cons)

/*
 * Requests the backend may take: never more than the free slots it has
 * left for responses, so a frontend that publishes a bogus req_prod
 * cannot make the backend overrun the ring.
 */
#define XEN_RING_NR_UNCONSUMED_REQUESTS(_r) ({                          \
    RING_IDX lintel_pending_ = (_r)->sring->req_prod - (_r)->req_cons;  \
    RING_IDX lintel_room_ = RING_SIZE(_r) -                             \
        ((_r)->req_cons - (_r)->rsp_prod_pvt);                          \
    lintel_pending_ < lintel_room_ ? lintel_pending_ : lintel_room_;    \
})

#define RING_HAS_UNCONSUMED_RESPONSES(_r) XEN_RING_NR_UNCONSUMED_RESPONSES(_r)
#define RING_HAS_UNCONSUMED_REQUESTS(_r)  XEN_RING_NR_UNCONSUMED_REQUESTS(_r)

#define RING_GET_REQUEST(_r, _idx) \
    (&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].req))
#define RING_GET_RESPONSE(_r, _idx) \
    (&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].rsp))

/*
 * Copies a slot out of shared memory in one read, so the other side
 * cannot change it between a check and its use.
 */
#define RING_COPY_REQUEST(_r, _idx, _req) do {                          \
    *(_req) = *(volatile __typeof__(_req))RING_GET_REQUEST(_r, _idx);   \
} while (0)
#define RING_COPY_RESPONSE(_r, _idx, _rsp) do {                         \
    *(_rsp) = *(volatile __typeof__(_rsp))RING_GET_RESPONSE(_r, _idx);  \
} while (0)

/* Sanity checks on indices taken from the other side. */
#define RING_REQUEST_CONS_OVERFLOW(_r, _cons) \
    (((_cons) - (_r)->rsp_prod_pvt) >= RING_SIZE(_r))
#define RING_REQUEST_PROD_OVERFLOW(_r, _prod) \
    (((_prod) - (_r)->rsp_prod_pvt) > RING_SIZE(_r))
#define RING_RESPONSE_PROD_OVERFLOW(_r, _prod) \
    (((_prod) - (_r)->rsp_cons) > RING_SIZE(_r))

/* The payload must be visible before the index that publishes it. */
#define RING_PUSH_REQUESTS(_r) do {                                     \
    xen_wmb();                                                          \
    (_r)->sring->req_prod = (_r)->req_prod_pvt;                         \
} while (0)
#define RING_PUSH_RESPONSES(_r) do {                                    \
    xen_wmb();                                                          \
    (_r)->sring->rsp_prod = (_r)->rsp_prod_pvt;                         \
} while (0)

/*
 * Publishes and decides whether the peer needs an event: yes if its
 * *_event index lies in (old, new]. The full barrier orders our index
 * store before the load of the peer's event index.
 */
#define LINTEL_RING_CROSSED(_new, _old, _event) \
    ((RING_IDX)((_new) - (_event)) < (RING_IDX)((_new) - (_old)))

#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify) do {           \
    RING_IDX lintel_old_ = (_r)->sring->req_prod;                       \
    RING_IDX lintel_new_ = (_r)->req_prod_pvt;                          \
    xen_wmb();                                                          \
    (_r)->sring->req_prod = lintel_new_;                                \
    xen_mb();                                                           \
    (_notify) = LINTEL_RING_CROSSED(lintel_new_, lintel_old_,           \
                                    (_r)->sring->req_event);            \
} while (0)

#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify) do {          \
    RING_IDX lintel_old_ = (_r)->sring->rsp_prod;                       \
    RING_IDX lintel_new_ = (_r)->rsp_prod_pvt;                          \
    xen_wmb();                                                          \
    (_r)->sring->rsp_prod = lintel_new_;                                \
    xen_mb();                                                           \
    (_notify) = LINTEL_RING_CROSSED(lintel_new_, lintel_old_,           \
                                    (_r)->sring->rsp_event);            \
} while (0)

/*
 * Before sleeping: ask for an event on the next item, then look once more,
 * because an item may have arrived before the request became visible.
 */
#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _work_to_do) do {             \
    (_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                   \
    if (_work_to_do)                                                    \
        break;                                                          \
    (_r)->sring->req_event = (_r)->req_cons + 1;                        \
    xen_mb();                                                           \
    (_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                   \
} while (0)

#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _work_to_do) do {            \
    (_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                  \
    if (_work_to_do)                                                    \
        break;                                                          \
    (_r)->sring->rsp_event = (_r)->rsp_cons + 1;                        \
    xen_mb();                                                           \
    (_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                  \
} while (0)

#ifndef XEN_PAGE_SHIFT
#define XEN_PAGE_SHIFT 12
#endif

/* Bytes in each direction of a byte-stream ring of 2^order pages (half each way). */
#define XEN_FLEX_RING_SIZE(order) (1UL << ((order) + XEN_PAGE_SHIFT - 1))

#endif /* LINTEL_PUBLIC_IO_RING_H */
