/*
 * Hypercall buffers. The hypervisor accesses them by guest virtual address
 * while the hypercall runs, so they must not be swapped, migrated by
 * compaction or shared copy-on-write with a forked child: any of those
 * would make the hypervisor see a fault or the wrong page. Linux's
 * /dev/xen/hypercall hands out pages with exactly those guarantees; the
 * fallback approximates them with mlock and MADV_DONTFORK.
 */
#include "xenctl.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

static size_t round_to_pages(size_t size)
{
    return (size + XENCTL_PAGE_SIZE - 1) & ~(XENCTL_PAGE_SIZE - 1);
}

static void *map_locked_anonymous(size_t size)
{
    void *addr = mmap(NULL, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);

    if (addr == MAP_FAILED)
        return NULL;
    if (mlock(addr, size) < 0 || madvise(addr, size, MADV_DONTFORK) < 0) {
        int err = errno;

        munmap(addr, size);
        errno = err;
        return NULL;
    }
    return addr;
}

int hcall_buffer_alloc(struct xenctl *ctl, size_t size, struct hcall_buffer *buf)
{
    void *addr;

    buf->addr = NULL;
    buf->size = round_to_pages(size ? size : 1);
    if (ctl->hypercall_fd >= 0) {
        addr = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED,
                    ctl->hypercall_fd, 0);
        if (addr == MAP_FAILED)
            return -errno;
    } else {
        addr = map_locked_anonymous(buf->size);
        if (!addr)
            return -errno;
    }
    memset(addr, 0, buf->size);
    buf->addr = addr;
    return 0;
}

void hcall_buffer_free(struct hcall_buffer *buf)
{
    if (buf->addr)
        munmap(buf->addr, buf->size);
    buf->addr = NULL;
    buf->size = 0;
}
