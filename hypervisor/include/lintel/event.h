/*
 * Events as the rest of the hypervisor raises them (common/event_channel.c
 * owns ports and the 2-level/FIFO ABIs; delivery into the guest is the PV
 * layer's job on its return-to-guest path).
 *
 * The contract between the two: event_channel.c sets the pending bits in
 * shared_info / vcpu_info (and evtchn_upcall_pending) and calls vcpu_kick();
 * the PV exit path (arch/x86_64/pv/) bounces the guest to its event callback
 * whenever vcpu_info->evtchn_upcall_pending is set and evtchn_upcall_mask is
 * clear, masking events as it does so.
 */
#ifndef LINTEL_EVENT_H
#define LINTEL_EVENT_H

#include <lintel/domain.h>

/* Raises a per-vCPU VIRQ (TIMER, DEBUG, ...) if the guest bound it. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned virq);
/* Raises a global VIRQ (DOM_EXC, CONSOLE, ...) on the domain's bound vCPU. */
void send_guest_global_virq(struct domain *d, unsigned virq);
/* Wakes a blocked vCPU (or interrupts the pCPU it runs on) so it sees its
 * pending upcall. */
void vcpu_kick(struct vcpu *v);
/* Port numbers the 2-level ABI can name (SCHEDOP_poll refuses others). */
#define EVTCHN_ABI_MAX_PORTS 4096
/* Whether port of d is pending (false for ports that do not exist). */
bool evtchn_port_is_pending(struct domain *d, uint32_t port);
/* Sets up / tears down a domain's event-channel state. */
int evtchn_init_domain(struct domain *d);
void evtchn_destroy_domain(struct domain *d);

#endif
