/*
 * Guest time as the PV ABI publishes it (pure). A guest computes
 *     system_time + scale(rdtsc() - tsc_timestamp)
 * where scale(d) = ((d << tsc_shift, or >> -tsc_shift) * tsc_to_system_mul) >> 32,
 * and reads the record under the version protocol: the version is odd
 * while the hypervisor rewrites it, so a reader retries when it saw an odd
 * version or a different one after reading. Wallclock (shared_info wc_*)
 * follows the same rule with wc_version.
 */
#ifndef LINTEL_PVCLOCK_H
#define LINTEL_PVCLOCK_H

#include <lintel/types.h>
#include <public/xen.h>

struct pvclock_scale {
    uint32_t mul;               /* in [2^31, 2^32) after normalising */
    int8_t shift;
};

/* The scale that turns ticks of a tsc_hz counter into ns; false for 0 Hz. */
bool pvclock_scale_for_hz(uint64_t tsc_hz, struct pvclock_scale *out);
/* ns for a TSC delta, exactly as the guest computes it. */
uint64_t pvclock_scale_delta(uint64_t delta, struct pvclock_scale sc);

/* Rewrites t under the version protocol (odd while writing). */
void pvclock_publish(vcpu_time_info_t *t, uint64_t tsc, uint64_t system_time_ns,
                     struct pvclock_scale sc, uint8_t flags);
/* What a guest reads at tsc (retrying across concurrent updates). */
uint64_t pvclock_read(const vcpu_time_info_t *t, uint64_t tsc);

/* Sets the wallclock at system time 0 (seconds and ns since the epoch). */
void pvclock_publish_wallclock(shared_info_t *s, uint64_t sec, uint32_t nsec);

#endif
