/*
 * xl's disk and vif specification strings (xl-disk-configuration and
 * xl-network-configuration), e.g.
 *   'format=raw, vdev=xvda, access=rw, target=/srv/web.img'
 *   '/srv/web.img,raw,xvda,rw'
 *   'bridge=xenbr0,mac=00:16:3e:00:00:01'
 */
#ifndef LINTEL_DEVICE_SPEC_H
#define LINTEL_DEVICE_SPEC_H

#include <stddef.h>

#include "domain_config.h"

/* On error returns -1 with the reason (without location) in WHY. */
int disk_spec_parse(const char *spec, struct disk_config *disk, char *why,
                    size_t why_len);
int vif_spec_parse(const char *spec, struct vif_config *vif, char *why,
                   size_t why_len);

#endif
