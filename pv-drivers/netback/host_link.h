/*
 * The host side of a vif: a tap device (vifDOMID.DEVID) whose frames are
 * the guest's, enslaved to a bridge that is created when missing. This is
 * the job Xen's vif-bridge hotplug script does for the in-kernel netback.
 */
#ifndef LINTEL_NETBACK_HOST_LINK_H
#define LINTEL_NETBACK_HOST_LINK_H

#include <net/if.h>
#include <stdint.h>

struct host_link {
    int tap_fd;                   /* non-blocking; one frame per read/write */
    char ifname[IF_NAMESIZE];
    char bridge[IF_NAMESIZE];     /* empty when not bridged */
};

/* "vif3.0": Xen's name, so scripts and people find the same interface. */
int host_link_name(char *out, size_t out_len, uint32_t domid, uint32_t devid);

/*
 * Creates the tap IFNAME, gives it the host-side MAC Xen uses
 * (fe:ff:ff:ff:ff:ff, so the bridge never takes it as its own address),
 * brings it up and, when BRIDGE is non-empty, adds it to BRIDGE (created and
 * brought up if missing). 0, or -errno with *WHY naming the failed step.
 */
int host_link_open(struct host_link *link, const char *ifname, const char *bridge,
                   const char **why);
/* Leaves the bridge and destroys the tap (it is not persistent). */
void host_link_close(struct host_link *link);

#endif
