/* Tap and bridge set-up through ioctls; see host_link.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host_link.h"

int host_link_name(char *out, size_t out_len, uint32_t domid, uint32_t devid)
{
    int n = snprintf(out, out_len, "vif%u.%u", domid, devid);

    return (n < 0 || (size_t)n >= out_len) ? -ENAMETOOLONG : 0;
}

static void ifreq_named(struct ifreq *ifr, const char *name)
{
    memset(ifr, 0, sizeof(*ifr));
    snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
}

static int set_up(int sock, const char *name)
{
    struct ifreq ifr;

    ifreq_named(&ifr, name);
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
        return -errno;
    ifr.ifr_flags |= IFF_UP;
    return ioctl(sock, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

static int set_host_mac(int sock, const char *name)
{
    struct ifreq ifr;

    ifreq_named(&ifr, name);
    ifr.ifr_hwaddr.sa_family = 1;   /* ARPHRD_ETHER */
    memset(ifr.ifr_hwaddr.sa_data, 0xff, 6);
    ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
    return ioctl(sock, SIOCSIFHWADDR, &ifr) < 0 ? -errno : 0;
}

static int open_tap(const char *name, bool *vnet, const char **why)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC), rc;

    if (fd < 0) {
        *why = "opening /dev/net/tun (is the tun module loaded?)";
        return -errno;
    }
    ifreq_named(&ifr, name);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    *vnet = true;
    if (ioctl(fd, TUNSETIFF, &ifr) == 0)
        return fd;
    if (errno == EINVAL) {
        /* A kernel without vnet headers: plain frames, checksums done here. */
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        *vnet = false;
        if (ioctl(fd, TUNSETIFF, &ifr) == 0)
            return fd;
    }
    /* EBUSY (the name is another device's), EPERM...: no tap, and the reason. */
    rc = -errno;
    *why = "creating the tap device (TUNSETIFF)";
    close(fd);
    return rc;
}

static int join_bridge(int sock, const char *bridge, const char *ifname, const char **why)
{
    struct ifreq ifr;
    unsigned index = if_nametoindex(ifname);

    if (!if_nametoindex(bridge)) {
        /* EEXIST: another backend created it between our look and our add. */
        if (ioctl(sock, SIOCBRADDBR, bridge) < 0 && errno != EEXIST) {
            *why = "creating the bridge (is the bridge module loaded?)";
            return -errno;
        }
    }
    if (set_up(sock, bridge) < 0) {
        *why = "bringing the bridge up";
        return -errno;
    }
    ifreq_named(&ifr, bridge);
    ifr.ifr_ifindex = (int)index;
    if (index == 0 || ioctl(sock, SIOCBRADDIF, &ifr) < 0) {
        *why = "adding the tap device to the bridge";
        return index == 0 ? -ENODEV : -errno;
    }
    return 0;
}

int host_link_open(struct host_link *link, const char *ifname, const char *bridge,
                   const char **why)
{
    int sock, rc;

    memset(link, 0, sizeof(*link));
    link->tap_fd = -1;
    if (strlen(ifname) >= sizeof(link->ifname) || strlen(bridge) >= sizeof(link->bridge)) {
        *why = "interface or bridge name longer than IFNAMSIZ";
        return -ENAMETOOLONG;
    }
    snprintf(link->ifname, sizeof(link->ifname), "%s", ifname);
    snprintf(link->bridge, sizeof(link->bridge), "%s", bridge);
    rc = open_tap(ifname, &link->vnet, why);
    if (rc < 0)
        return rc;
    link->tap_fd = rc;
    sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        *why = "opening a socket for interface ioctls";
        rc = -errno;
        goto fail;
    }
    rc = set_host_mac(sock, ifname);
    if (rc < 0)
        *why = "setting the tap device's MAC address";
    if (rc == 0) {
        rc = set_up(sock, ifname);
        if (rc < 0)
            *why = "bringing the tap device up";
    }
    if (rc == 0 && bridge[0])
        rc = join_bridge(sock, bridge, ifname, why);
    close(sock);
    if (rc == 0)
        return 0;
fail:
    close(link->tap_fd);
    link->tap_fd = -1;
    return rc;
}

int host_link_set_offloads(struct host_link *link, bool csum, bool tso4, bool tso6)
{
    unsigned flags = 0;

    if (!link->vnet)
        return csum || tso4 || tso6 ? -EOPNOTSUPP : 0;
    if (csum)
        flags |= TUN_F_CSUM;
    if (csum && tso4)
        flags |= TUN_F_TSO4;
    if (csum && tso6)
        flags |= TUN_F_TSO6;
    return ioctl(link->tap_fd, TUNSETOFFLOAD, flags) < 0 ? -errno : 0;
}

void host_link_close(struct host_link *link)
{
    if (link->tap_fd < 0)
        return;
    if (link->bridge[0]) {
        int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq ifr;

        if (sock >= 0) {
            ifreq_named(&ifr, link->bridge);
            ifr.ifr_ifindex = (int)if_nametoindex(link->ifname);
            ioctl(sock, SIOCBRDELIF, &ifr);
            close(sock);
        }
    }
    close(link->tap_fd);
    link->tap_fd = -1;
}
