/* Before <xen/evtchn.h>: the uapi header uses domid_t. */
#include "public/xen.h"
#include "event_channel.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <xen/evtchn.h>

int event_channel_open(struct event_channel *ch)
{
    ch->bound = 0;
    ch->local_port = 0;
    ch->fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    return ch->fd < 0 ? -errno : 0;
}

int event_channel_bind(struct event_channel *ch, uint32_t domid, uint32_t remote_port)
{
    struct ioctl_evtchn_bind_interdomain bind = {
        .remote_domain = domid, .remote_port = remote_port,
    };
    int port = ioctl(ch->fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);

    if (port < 0)
        return -errno;
    ch->local_port = (uint32_t)port;
    ch->bound = 1;
    return 0;
}

void event_channel_unbind(struct event_channel *ch)
{
    struct ioctl_evtchn_unbind unbind = { .port = ch->local_port };

    if (!ch->bound)
        return;
    ioctl(ch->fd, IOCTL_EVTCHN_UNBIND, &unbind);
    ch->bound = 0;
}

void event_channel_close(struct event_channel *ch)
{
    event_channel_unbind(ch);
    if (ch->fd >= 0)
        close(ch->fd);
    ch->fd = -1;
}

int event_channel_notify(struct event_channel *ch)
{
    struct ioctl_evtchn_notify notify = { .port = ch->local_port };

    if (!ch->bound)
        return -ENOTCONN;
    return ioctl(ch->fd, IOCTL_EVTCHN_NOTIFY, &notify) < 0 ? -errno : 0;
}

int event_channel_ack(struct event_channel *ch)
{
    uint32_t ports[16];
    ssize_t got = read(ch->fd, ports, sizeof(ports));

    if (got < 0)
        return errno == EAGAIN ? 0 : -errno;
    /* Only our one port can be bound to this file; unmask it once. */
    if (got >= (ssize_t)sizeof(uint32_t) &&
        write(ch->fd, &ch->local_port, sizeof(ch->local_port)) != sizeof(ch->local_port))
        return -errno;
    return got > 0;
}
