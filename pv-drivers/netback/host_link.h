/*
 * The host side of a vif: a tap device (vifDOMID.DEVID) whose frames are
 * the guest's, enslaved to a bridge that is created when missing. This is
 * the job Xen's vif-bridge hotplug script does for the in-kernel netback.
 */
#ifndef LINTEL_NETBACK_HOST_LINK_H
#define LINTEL_NETBACK_HOST_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

struct host_link {
    int tap_fd;                   /* non-blocking; one frame per read/write */
    bool vnet;                    /* each frame has a virtio_net_hdr in front */
    char ifname[IF_NAMESIZE];
    char bridge[IF_NAMESIZE];     /* empty when not bridged */
};

/* "vif3.0": Xen's name, so scripts and people find the same interface. */
int host_link_name(char *out, size_t out_len, uint32_t domid, uint32_t devid);

/*
 * Creates the tap IFNAME (with a vnet header when the kernel allows), gives it the host-side MAC Xen uses
 * (fe:ff:ff:ff:ff:ff, so the bridge never takes it as its own address),
 * brings it up and, when BRIDGE is non-empty, adds it to BRIDGE (created and
 * brought up if missing). 0, or -errno with *WHY naming the failed step.
 */
int host_link_open(struct host_link *link, const char *ifname, const char *bridge,
                   const char **why);
/*
 * What the host stack may hand us (only with vnet): partial checksums
 * (CSUM), TCP segments up to 64 KiB (TSO4/TSO6, which need CSUM).
 * 0 or -errno.
 */
int host_link_set_offloads(struct host_link *link, bool csum, bool tso4, bool tso6);

/* Leaves the bridge and destroys the tap (it is not persistent). */
void host_link_close(struct host_link *link);

#endif
