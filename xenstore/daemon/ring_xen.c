/*
 * Rings of real domains: the page through /dev/xen/gntdev (the reserved
 * xenstore grant) or, failing that, a privcmd foreign mapping of the frame;
 * dom0's own page through /dev/xen/xenbus_backend; events through one shared
 * /dev/xen/evtchn descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* Linux's uapi headers use these Xen typedefs without defining them. */
typedef uint16_t domid_t;
typedef uint32_t grant_ref_t;
#include <xen/evtchn.h>
#include <xen/gntdev.h>

/* Linux's privcmd ABI (xen/privcmd.h cannot be included from userspace as is). */
typedef uint64_t xen_pfn_t;
struct privcmd_mmapbatch_v2 {
    unsigned int num;
    domid_t dom;
    uint64_t addr;
    const xen_pfn_t *arr;
    int *err;
};
#define IOCTL_PRIVCMD_MMAPBATCH_V2 _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

#include "ring_backend.h"

#define PAGE_BYTES 4096
/* Linux's xenbus_backend device: IOCTL_XENBUS_BACKEND_EVTCHN (xen/sys/xenbus_dev.h). */
#define XENBUS_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)
/* Xen reserves this grant reference for the xenstore page (GNTTAB_RESERVED_XENSTORE). */
#define XENSTORE_GRANT_REF 1

static void on_evtchn(void *arg, short revents)
{
    struct daemon *d = arg;
    uint32_t ports[64];
    ssize_t n = read(d->evtchn_fd, ports, sizeof(ports));

    (void)revents;
    for (ssize_t i = 0; i < n / (ssize_t)sizeof(ports[0]); i++) {
        struct ring_endpoint *re = ring_find_port(d, ports[i]);

        /* Unmask before running the ring so a kick during the run is not lost. */
        if (write(d->evtchn_fd, &ports[i], sizeof(ports[i])) < 0)
            daemon_log(d, "cannot unmask event channel %u: %s", ports[i], strerror(errno));
        if (d->dom_exc_bound && ports[i] == d->dom_exc_port)
            domains_check(d);
        else if (re)
            ring_kick(re);
    }
}

int evtchn_open(struct daemon *d)
{
    if (d->evtchn_fd >= 0)
        return 0;
    d->evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (d->evtchn_fd < 0)
        return errno;
    return loop_add(&d->loop, d->evtchn_fd, POLLIN, on_evtchn, d);
}

static int evtchn_bind(struct ring_endpoint *re, uint32_t remote_port)
{
    struct daemon *d = re->ep.d;
    struct ioctl_evtchn_bind_interdomain bind = { .remote_domain = re->domid,
                                                  .remote_port = remote_port };
    int err = evtchn_open(d), port;

    if (err)
        return err;
    port = ioctl(d->evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
    if (port < 0)
        return errno;
    re->local_port = (uint32_t)port;
    return 0;
}

static void *map_by_grant(uint32_t domid)
{
    struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
    void *p;
    int fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return MAP_FAILED;
    map.refs[0].domid = domid;
    map.refs[0].ref = XENSTORE_GRANT_REF;
    if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map)) {
        close(fd);
        return MAP_FAILED;
    }
    p = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)map.index);
    /* The mapping keeps the grant alive after the descriptor is gone. */
    close(fd);
    return p;
}

/* Older toolstacks do not grant the page; the tools then name its frame. */
static void *map_by_frame(uint32_t domid, uint64_t mfn)
{
    xen_pfn_t frame = mfn;
    int frame_err = 0, fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    struct privcmd_mmapbatch_v2 batch = { .num = 1, .dom = (domid_t)domid, .arr = &frame,
                                          .err = &frame_err };
    void *p;

    if (fd < 0)
        return MAP_FAILED;
    p = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED) {
        batch.addr = (uint64_t)(uintptr_t)p;
        if (ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) || frame_err) {
            munmap(p, PAGE_BYTES);
            p = MAP_FAILED;
            errno = frame_err ? -frame_err : errno;
        }
    }
    close(fd);
    return p;
}

static int xen_map(struct ring_endpoint *re, uint64_t mfn, uint32_t port)
{
    int err;

    re->mapping = map_by_grant(re->domid);
    if (re->mapping == MAP_FAILED && mfn)
        re->mapping = map_by_frame(re->domid, mfn);
    if (re->mapping == MAP_FAILED)
        return errno ? errno : EINVAL;
    re->intf = re->mapping;
    err = evtchn_bind(re, port);
    if (err)
        munmap(re->mapping, PAGE_BYTES);
    return err;
}

static void xen_notify(struct ring_endpoint *re)
{
    struct ioctl_evtchn_notify notify = { .port = re->local_port };

    ioctl(re->ep.d->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &notify);
}

static void xen_unmap(struct ring_endpoint *re)
{
    struct ioctl_evtchn_unbind unbind = { .port = re->local_port };

    ioctl(re->ep.d->evtchn_fd, IOCTL_EVTCHN_UNBIND, &unbind);
    munmap(re->mapping, PAGE_BYTES);
}

const struct ring_backend ring_backend_xen = { "xen", xen_map, xen_notify, xen_unmap };

/* dom0's kernel allocated its store page and an unbound port for us at boot. */
static int dom0_map(struct ring_endpoint *re, uint64_t mfn, uint32_t port)
{
    int fd = open("/dev/xen/xenbus_backend", O_RDWR | O_CLOEXEC), remote, err;

    (void)mfn;
    (void)port;
    if (fd < 0)
        return errno;
    remote = ioctl(fd, XENBUS_BACKEND_EVTCHN);
    if (remote < 0) {
        err = errno;
        close(fd);
        return err;
    }
    re->mapping = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (re->mapping == MAP_FAILED)
        return errno;
    re->intf = re->mapping;
    err = evtchn_bind(re, (uint32_t)remote);
    if (err)
        munmap(re->mapping, PAGE_BYTES);
    return err;
}

const struct ring_backend ring_backend_dom0 = { "dom0", dom0_map, xen_notify, xen_unmap };
