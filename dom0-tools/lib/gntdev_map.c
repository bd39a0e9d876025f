/*
 * /dev/xen/gntdev: one page another domain granted us, mapped into this
 * process (what xenconsoled and xenstored use for a guest's rings, through
 * the reserved entries the domain builder seeds).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xenctl.h"
/* After xenctl.h: the uapi header needs domid_t from the ABI headers. */
#include <xen/gntdev.h>

int gntdev_open(void)
{
    int fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);

    return fd < 0 ? -errno : fd;
}

static void release_slot(int fd, uint64_t index)
{
    struct ioctl_gntdev_unmap_grant_ref unmap = { .index = index, .count = 1 };

    ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
}

void *gntdev_map_page(int fd, uint32_t domid, uint32_t ref, uint64_t *index, int *rc)
{
    struct ioctl_gntdev_map_grant_ref req = { .count = 1 };
    void *addr;

    req.refs[0].domid = domid;
    req.refs[0].ref = ref;
    if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &req) < 0) {
        *rc = -errno;
        return NULL;
    }
    /* The hypervisor maps the grant only now: a refused grant fails here. */
    addr = mmap(NULL, XENCTL_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                (off_t)req.index);
    if (addr == MAP_FAILED) {
        *rc = -errno;
        release_slot(fd, req.index);
        return NULL;
    }
    *index = req.index;
    *rc = 0;
    return addr;
}

void gntdev_unmap_page(int fd, void *addr, uint64_t index)
{
    if (!addr)
        return;
    munmap(addr, XENCTL_PAGE_SIZE);
    release_slot(fd, index);
}
