/*
 * Noticing domains that shut down or die without the tools saying RELEASE
 * (libxl relies on this): the hypervisor raises VIRQ_DOM_EXC in dom0, and we
 * then ask it about every introduced domain (domctl getdomaininfo).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "public/domctl.h"

#include "daemon.h"

#define PAGE_BYTES 4096

/* Linux's privcmd and evtchn ioctls (ABI facts from linux-libc-dev). */
struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
struct ioctl_evtchn_bind_virq {
    unsigned int virq;
};
#define IOCTL_EVTCHN_BIND_VIRQ _IOC(_IOC_NONE, 'E', 0, sizeof(struct ioctl_evtchn_bind_virq))

enum domain_state { DOMAIN_ALIVE, DOMAIN_SHUTDOWN, DOMAIN_GONE, DOMAIN_UNKNOWN };

/* The hypervisor reads hypercall arguments from pages that cannot move: /dev/xen/hypercall's. */
static void *hypercall_page(void)
{
    static void *page;
    int fd;

    if (page)
        return page;
    fd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        page = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        close(fd);
    }
    if (!page || page == MAP_FAILED) {
        page = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED || mlock(page, PAGE_BYTES)) {
            page = NULL;
            return NULL;
        }
    }
    return page;
}

static enum domain_state query_domain(int privcmd, uint32_t domid)
{
    struct xen_domctl *op = hypercall_page();
    struct privcmd_hypercall call = { .op = __HYPERVISOR_domctl };
    int rc;

    if (!op)
        return DOMAIN_UNKNOWN;
    memset(op, 0, sizeof(*op));
    op->cmd = XEN_DOMCTL_getdomaininfo;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = (domid_t)domid;
    call.arg[0] = (uint64_t)(uintptr_t)op;
    rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &call);
    if (rc < 0)
        return errno == ESRCH ? DOMAIN_GONE : DOMAIN_UNKNOWN;
    /* getdomaininfo answers with the next domain when this one no longer exists. */
    if (op->u.getdomaininfo.domain != domid || (op->u.getdomaininfo.flags & XEN_DOMINF_dying))
        return DOMAIN_GONE;
    return op->u.getdomaininfo.flags & XEN_DOMINF_shutdown ? DOMAIN_SHUTDOWN : DOMAIN_ALIVE;
}

void domains_check(struct daemon *d)
{
    int privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    uint32_t gone[64];
    unsigned ngone = 0;

    if (privcmd < 0)
        return;
    for (unsigned i = 0; i < d->store.ndomains; i++) {
        uint32_t domid = d->store.domains[i].domid;

        if (domid == 0)
            continue;
        switch (query_domain(privcmd, domid)) {
        case DOMAIN_GONE:
            if (ngone < sizeof(gone) / sizeof(gone[0]))
                gone[ngone++] = domid;   /* removing now would reorder the array under us */
            break;
        case DOMAIN_SHUTDOWN:
            store_domain_shutdown(&d->store, domid);
            break;
        default:
            break;
        }
    }
    close(privcmd);
    for (unsigned i = 0; i < ngone; i++) {
        daemon_log(d, "domain %u is gone: releasing it", gone[i]);
        store_domain_gone(&d->store, gone[i]);
    }
}

int domains_watch_start(struct daemon *d)
{
    struct ioctl_evtchn_bind_virq bind = { .virq = VIRQ_DOM_EXC };
    int err = evtchn_open(d), port;

    if (err)
        return err;
    port = ioctl(d->evtchn_fd, IOCTL_EVTCHN_BIND_VIRQ, &bind);
    if (port < 0)
        return errno;
    d->dom_exc_port = (uint32_t)port;
    d->dom_exc_bound = true;
    domains_check(d);     /* domains may have died while we were not running */
    return 0;
}
