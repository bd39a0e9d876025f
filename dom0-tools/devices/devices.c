#include "devices.h"

#include <errno.h>
#include <stdio.h>

#include "domain_config.h"
#include "vbd.h"

int devices_attach_config(struct xs_handle *xs, uint32_t domid,
                          const struct domain_config *cfg, char *why, size_t why_len)
{
    int rc;

    if (cfg->n_vifs) {
        snprintf(why, why_len, "vif devices need lintel-netback, which is not wired in yet");
        return -ENOSYS;
    }
    for (size_t i = 0; i < cfg->n_disks; i++)
        if ((rc = vbd_attach(xs, domid, &cfg->disks[i], why, why_len)) < 0)
            return rc;
    return 0;
}
