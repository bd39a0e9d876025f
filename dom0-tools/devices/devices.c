#include "devices.h"

#include <errno.h>
#include <stdio.h>

#include "domain_config.h"
#include "vbd.h"
#include "vif_device.h"

int devices_attach_config(struct xs_handle *xs, uint32_t domid,
                          const struct domain_config *cfg, char *why, size_t why_len)
{
    int rc;

    for (size_t i = 0; i < cfg->n_disks; i++)
        if ((rc = vbd_attach(xs, domid, &cfg->disks[i], why, why_len)) < 0)
            return rc;
    /* vifs are numbered in config order, as xl does. */
    for (size_t i = 0; i < cfg->n_vifs; i++) {
        char reason[400];

        if (vif_attach(xs, domid, (uint32_t)i, &cfg->vifs[i], reason, sizeof(reason)) < 0) {
            snprintf(why, why_len, "vif %zu: %s", i, reason);
            return -EIO;
        }
    }
    return 0;
}
