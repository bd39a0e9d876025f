/* /dev/xen/evtchn: event channels bound into this process. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xenctl.h"
/* After xenctl.h: the uapi header needs domid_t from the ABI headers. */
#include <xen/evtchn.h>

int evtchn_open(void)
{
    int fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);

    return fd < 0 ? -errno : fd;
}

int evtchn_bind_interdomain(int fd, uint32_t domid, uint32_t remote_port)
{
    struct ioctl_evtchn_bind_interdomain bind = { domid, remote_port };
    int port = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);

    return port < 0 ? -errno : port;
}

int evtchn_notify(int fd, uint32_t port)
{
    struct ioctl_evtchn_notify notify = { port };

    return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &notify) < 0 ? -errno : 0;
}

/* Consumes one pending event and unmasks its port so the next can arrive. */
int evtchn_ack(int fd)
{
    uint32_t port;

    if (read(fd, &port, sizeof(port)) != sizeof(port))
        return -errno;
    if (write(fd, &port, sizeof(port)) != sizeof(port))
        return -errno;
    return (int)port;
}

int evtchn_unbind(int fd, uint32_t port)
{
    struct ioctl_evtchn_unbind unbind = { port };

    return ioctl(fd, IOCTL_EVTCHN_UNBIND, &unbind) < 0 ? -errno : 0;
}

int evtchn_read_pending(int fd, uint32_t *ports, size_t max)
{
    ssize_t n = read(fd, ports, max * sizeof(*ports));

    if (n < 0)
        return errno == EAGAIN ? 0 : -errno;
    return (int)((size_t)n / sizeof(*ports));
}

int evtchn_unmask(int fd, uint32_t port)
{
    return write(fd, &port, sizeof(port)) == sizeof(port) ? 0 : -errno;
}
