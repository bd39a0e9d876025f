/*
 * netif-offloads IFACE [FEATURE on|off]: prints (or sets) an interface's
 * checksum, scatter-gather and segmentation offloads through the kernel's
 * legacy ethtool ioctls. The split-driver tests run it inside a domU whose
 * initramfs is busybox alone (no ethtool, no libc), so it is linked
 * statically, and in dom0 for the tap devices.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct offload {
    const char *name;   /* as ethtool -k names it */
    unsigned get, set;
};

static const struct offload offloads[] = {
    { "rx-checksumming", ETHTOOL_GRXCSUM, ETHTOOL_SRXCSUM },
    { "tx-checksumming", ETHTOOL_GTXCSUM, ETHTOOL_STXCSUM },
    { "scatter-gather", ETHTOOL_GSG, ETHTOOL_SSG },
    { "tcp-segmentation-offload", ETHTOOL_GTSO, ETHTOOL_STSO },
    { "generic-segmentation-offload", ETHTOOL_GGSO, ETHTOOL_SGSO },
    { "generic-receive-offload", ETHTOOL_GGRO, ETHTOOL_SGRO },
};

#define N_OFFLOADS (sizeof(offloads) / sizeof(offloads[0]))

static int ethtool_value(int sock, const char *iface, unsigned cmd, unsigned *value)
{
    struct ethtool_value ev = { .cmd = cmd, .data = *value };
    struct ifreq ifr;

    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
    ifr.ifr_data = (void *)&ev;
    if (ioctl(sock, SIOCETHTOOL, &ifr) < 0)
        return -errno;
    *value = ev.data;
    return 0;
}

static int show(int sock, const char *iface)
{
    for (size_t i = 0; i < N_OFFLOADS; i++) {
        unsigned v = 0;
        int rc = ethtool_value(sock, iface, offloads[i].get, &v);

        if (rc < 0) {
            fprintf(stderr, "netif-offloads: %s: reading %s: %s\n", iface, offloads[i].name,
                    strerror(-rc));
            return 1;
        }
        printf("%s: %s\n", offloads[i].name, v ? "on" : "off");
    }
    return 0;
}

static int set(int sock, const char *iface, const char *name, const char *state)
{
    unsigned v = strcmp(state, "on") == 0;

    if (!v && strcmp(state, "off") != 0) {
        fprintf(stderr, "netif-offloads: \"%s\": expected on or off\n", state);
        return 2;
    }
    for (size_t i = 0; i < N_OFFLOADS; i++) {
        if (strcmp(name, offloads[i].name) == 0) {
            int rc = ethtool_value(sock, iface, offloads[i].set, &v);

            if (rc < 0)
                fprintf(stderr, "netif-offloads: %s: setting %s %s: %s\n", iface, name, state,
                        strerror(-rc));
            return rc < 0 ? 1 : 0;
        }
    }
    fprintf(stderr, "netif-offloads: unknown offload \"%s\"\n", name);
    return 2;
}

int main(int argc, char **argv)
{
    int sock, rc;

    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: netif-offloads IFACE [FEATURE on|off]\n");
        return 2;
    }
    sock = socket(AF_INET, SOCK_DGRAM, 0);
    if (sock < 0) {
        perror("netif-offloads: socket");
        return 1;
    }
    rc = argc == 2 ? show(sock, argv[1]) : set(sock, argv[1], argv[2], argv[3]);
    close(sock);
    return rc;
}
