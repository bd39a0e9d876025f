#include "ring.h"

#include <string.h>

static bool indexes_sane(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
    return (XENSTORE_RING_IDX)(prod - cons) <= XENSTORE_RING_SIZE;
}

int ring_take_requests(struct xenstore_domain_interface *intf, void *buf, uint32_t len)
{
    XENSTORE_RING_IDX cons = __atomic_load_n(&intf->req_cons, __ATOMIC_RELAXED);
    /* Acquire: the bytes must be read only after the producer index that covers them. */
    XENSTORE_RING_IDX prod = __atomic_load_n(&intf->req_prod, __ATOMIC_ACQUIRE);
    uint32_t avail, done = 0;

    if (!indexes_sane(cons, prod))
        return -1;
    avail = prod - cons;
    if (avail > len)
        avail = len;
    while (done < avail) {
        uint32_t off = MASK_XENSTORE_IDX(cons + done);
        uint32_t chunk = XENSTORE_RING_SIZE - off;

        if (chunk > avail - done)
            chunk = avail - done;
        memcpy((char *)buf + done, intf->req + off, chunk);
        done += chunk;
    }
    /* Release: the guest may reuse the space only after we copied it out. */
    __atomic_store_n(&intf->req_cons, cons + done, __ATOMIC_RELEASE);
    return (int)done;
}

int ring_put_responses(struct xenstore_domain_interface *intf, const void *buf, uint32_t len)
{
    XENSTORE_RING_IDX cons = __atomic_load_n(&intf->rsp_cons, __ATOMIC_ACQUIRE);
    XENSTORE_RING_IDX prod = __atomic_load_n(&intf->rsp_prod, __ATOMIC_RELAXED);
    uint32_t room, done = 0;

    if (!indexes_sane(cons, prod))
        return -1;
    room = XENSTORE_RING_SIZE - (prod - cons);
    if (room > len)
        room = len;
    while (done < room) {
        uint32_t off = MASK_XENSTORE_IDX(prod + done);
        uint32_t chunk = XENSTORE_RING_SIZE - off;

        if (chunk > room - done)
            chunk = room - done;
        memcpy(intf->rsp + off, (const char *)buf + done, chunk);
        done += chunk;
    }
    /* Release: the guest must see the bytes before the index that publishes them. */
    __atomic_store_n(&intf->rsp_prod, prod + done, __ATOMIC_RELEASE);
    return (int)done;
}
