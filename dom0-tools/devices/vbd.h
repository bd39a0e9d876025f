/*
 * Virtual block devices (vbd): the store entries that join a domain's
 * xen-blkfront to a lintel-blkback process, laid out as Xen's libxl does:
 *   /local/domain/0/backend/vbd/DOMID/DEVID   owned by dom0, readable by DOMID
 *   /local/domain/DOMID/device/vbd/DEVID      owned by DOMID, readable by dom0
 */
#ifndef LINTEL_VBD_H
#define LINTEL_VBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct xs_handle;
struct disk_config;

/* Where the backend lives in dom0 (LINTEL_BLKBACK overrides it). */
#define VBD_BLKBACK_PATH "/usr/lib/lintel/lintel-blkback"
/* How long attach waits for the backend to open the disk and reach InitWait. */
#define VBD_READY_TIMEOUT_MS 10000

/*
 * Xen's device number for a guest disk name (xvda = 51712, xvdq = 268439552,
 * sda = 2048, hda = 768). False for a name that is not one.
 */
bool vbd_devid(const char *vdev, uint32_t *devid);

/*
 * Publishes DISK for DOMID and starts its backend. 0, or -errno with WHY
 * naming the disk and the problem; nothing is left behind on failure.
 */
int vbd_attach(struct xs_handle *xs, uint32_t domid, const struct disk_config *disk,
               char *why, size_t why_len);

/*
 * Asks the frontend to let go (backend online=0, state Closing), waits up
 * to TIMEOUT_MS for the backend to reach Closed, then removes both
 * directories (at once if FORCE). 0, -ENOENT when there is no such device,
 * -ETIMEDOUT when the frontend did not answer (the device is removed anyway).
 */
int vbd_detach(struct xs_handle *xs, uint32_t domid, uint32_t devid, bool force,
               unsigned int timeout_ms, char *why, size_t why_len);

/* Prints DOMID's disks as xl block-list does; -errno if the store fails. */
int vbd_list(struct xs_handle *xs, uint32_t domid, FILE *out);

#endif
