/*
 * Per-vCPU run-state accounting (pure): how long a vCPU has been running,
 * runnable (waiting for a pCPU), blocked and offline, in ns, in the layout
 * of the public vcpu_runstate_info so VCPUOP_get_runstate_info and the
 * registered runstate area copy it out unchanged.
 */
#ifndef LINTEL_RUNSTATE_H
#define LINTEL_RUNSTATE_H

#include <lintel/types.h>
#include <public/xen.h>
#include <public/vcpu.h>

void runstate_init(struct vcpu_runstate_info *r, int state, uint64_t now);
/* Closes the current state's interval at now and enters new_state. Time
 * never runs backwards in the record, even if now does. */
void runstate_change(struct vcpu_runstate_info *r, int new_state, uint64_t now);
/* The record as of now (the open interval included), for readers. */
void runstate_snapshot(const struct vcpu_runstate_info *r, uint64_t now,
                       struct vcpu_runstate_info *out);

#endif
