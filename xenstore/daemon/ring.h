/* Byte transfer over a guest's shared xenstore ring page, validating its indexes. */
#ifndef LINTEL_XS_RING_H
#define LINTEL_XS_RING_H

#include <stdbool.h>
#include <stdint.h>
#include "../../include/public/io/xs_wire.h"

/*
 * Both return the bytes moved, or -1 when the guest's indexes are impossible
 * (producer more than a ring ahead of the consumer): the ring is unusable.
 */
int ring_take_requests(struct xenstore_domain_interface *intf, void *buf, uint32_t len);
int ring_put_responses(struct xenstore_domain_interface *intf, const void *buf, uint32_t len);

#endif
