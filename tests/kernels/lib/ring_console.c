/*
 * A domU's console: the xencons_interface page named in start_info,
 * drained by the console backend in dom0 (xenconsoled, lintel-consoled).
 * dom0 has no such page and writes with console_io instead.
 */
#include "ring_console.h"

#include <public/event_channel.h>
#include <public/io/console.h>

#include "kernel.h"

/* The page whose mapping is replaced by the console ring. */
static char ring_window[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct xencons_interface *ring;

static struct xencons_interface *ring_map(void)
{
    unsigned long pte;

    if (ring)
        return ring;
    pte = (start_info->console.domU.mfn * PAGE_SIZE) |
          PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY;
    if (HYPERVISOR_update_va_mapping((unsigned long)ring_window, pte, UVMF_INVLPG))
        return 0;
    ring = (struct xencons_interface *)ring_window;
    return ring;
}

static void notify_backend(void)
{
    struct evtchn_send send = { .port = start_info->console.domU.evtchn };
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

void ring_console_write(const char *text, size_t len)
{
    struct xencons_interface *r = ring_map();

    if (!r)
        return;
    while (len) {
        XENCONS_RING_IDX cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);
        XENCONS_RING_IDX prod = r->out_prod;

        if (prod - cons >= sizeof(r->out)) {
            /* Full: let the backend run, then look again. */
            notify_backend();
            HYPERVISOR_sched_op(0 /* SCHEDOP_yield */, 0);
            continue;
        }
        while (len && prod - cons < sizeof(r->out)) {
            r->out[MASK_XENCONS_IDX(prod, r->out)] = *text++;
            prod++;
            len--;
        }
        /* The bytes must be visible before the index that publishes them. */
        __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
        notify_backend();
    }
}
