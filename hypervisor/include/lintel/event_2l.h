/*
 * The 2-level event ABI as bit operations over a shared_info page and the
 * notified vCPU's vcpu_info (pure; the ring-0 side supplies the pages and
 * kicks the vCPU when told to). One pending and one mask bit per port in
 * shared_info; one selector bit per word of those arrays in vcpu_info.
 */
#ifndef LINTEL_EVENT_2L_H
#define LINTEL_EVENT_2L_H

#include <lintel/types.h>
#include <public/xen.h>

#define EVTCHN_2L_WORD_BITS (sizeof(xen_ulong_t) * 8)

/*
 * Marks port pending. Returns true when the vCPU must be kicked: its
 * evtchn_upcall_pending went from 0 to 1 just now.
 */
bool evtchn_2l_set_pending(shared_info_t *s, vcpu_info_t *vi, uint32_t port);
void evtchn_2l_clear_pending(shared_info_t *s, uint32_t port);
/* Clears the mask bit; a port pending under the mask is delivered now
 * (same return meaning as set_pending). */
bool evtchn_2l_unmask(shared_info_t *s, vcpu_info_t *vi, uint32_t port);
bool evtchn_2l_is_pending(const shared_info_t *s, uint32_t port);
bool evtchn_2l_is_masked(const shared_info_t *s, uint32_t port);

#endif
