/*
 * A second vCPU for the tests that need one, brought up as Linux does it:
 * VCPUOP_initialise with a context, then VCPUOP_up.
 *
 * vcpu_context_prepare() fills a context that starts the vCPU in kernel
 * mode at entry(), a C function that never returns, on the given stack,
 * with the flat selectors and our own page tables; a test changes fields
 * after it for anything else. The wait helpers yield between looks, since
 * both vCPUs may share one physical CPU.
 */
#ifndef TESTKERNEL_VCPUS_H
#define TESTKERNEL_VCPUS_H

#include <stddef.h>

#include <public/vcpu.h>

void vcpu_context_prepare(vcpu_guest_context_t *ctx, void (*entry)(void), void *stack,
                          size_t stack_size);

/* Yields until *count reaches target; whether it did before giving up. */
int vcpu_wait_count(volatile unsigned int *count, unsigned int target);

/* Yields until vCPU id is down (it took itself down); whether it went. */
int vcpu_wait_down(unsigned int id);

#endif /* TESTKERNEL_VCPUS_H */
