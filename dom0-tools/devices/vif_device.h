/*
 * Network devices (vifs) of a domain, as the toolstack sees them: the store
 * entries both halves read, with Xen's paths and libxl's permissions, and
 * the lintel-netback process that serves each one.
 *
 *   /local/domain/0/backend/vif/DOMID/DEVID   dom0's; the domain may read
 *   /local/domain/DOMID/device/vif/DEVID      the domain's; dom0 may read
 */
#ifndef LINTEL_VIF_DEVICE_H
#define LINTEL_VIF_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct xs_handle;
struct vif_config;

/* Where the backend daemon lives in dom0 (LINTEL_NETBACK overrides it). */
#define VIF_NETBACK_PATH "/usr/lib/lintel/lintel-netback"
#define VIF_DEFAULT_BRIDGE "xenbr0"

/*
 * Writes DEVID's entries for DOMID and starts its backend, then waits
 * until the backend has its tap on the bridge and waits for the frontend
 * (or reports why not). A config without a MAC gets a random one in Xen's
 * 00:16:3e prefix. 0, or -1 with WHY filled in.
 */
int vif_attach(struct xs_handle *xs, uint32_t domid, uint32_t devid,
               const struct vif_config *vif, char *why, size_t why_len);

/*
 * Asks the frontend to let go (backend Closing, as libxl does), waits for
 * the backend to close, then removes both directories. 0, or -1 with WHY.
 */
int vif_detach(struct xs_handle *xs, uint32_t domid, uint32_t devid, char *why,
               size_t why_len);

/* The lowest device id not in use by DOMID; -1 with errno when unreadable. */
int vif_next_devid(struct xs_handle *xs, uint32_t domid);

/* The device whose MAC is TEXT (aa:bb:...); -1 when none. */
int vif_devid_by_mac(struct xs_handle *xs, uint32_t domid, const char *text);

/* One line per vif of DOMID (a header first when HEADER); the count, or -1. */
int vif_list(FILE *out, struct xs_handle *xs, uint32_t domid, bool header);

#endif
