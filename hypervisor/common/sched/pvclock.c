/*
 * vcpu_time_info and wallclock encoding (see pvclock.h). The writes are
 * bracketed by version increments with compiler and CPU ordering between
 * them: a guest on another CPU may read at any moment and must either see
 * an odd version or a consistent record.
 */
#include <lintel/pvclock.h>

/* floor(2^32 * num / den) for num < den, by long division: ring 0 has no
 * 128-bit divide helper. */
static uint32_t fraction32(uint64_t num, uint64_t den)
{
    uint32_t q = 0;

    for (int i = 0; i < 32; i++) {
        num <<= 1;
        q <<= 1;
        if (num >= den) {
            num -= den;
            q |= 1;
        }
    }
    return q;
}

bool pvclock_scale_for_hz(uint64_t tsc_hz, struct pvclock_scale *out)
{
    uint64_t num = 1000000000ULL, den = tsc_hz;
    int shift = 0;

    if (!tsc_hz)
        return false;
    /*
     * mul = 2^32 * num / den must fit in 32 bits with its top bit set, for
     * precision: move factors of two between the ratio and the shift.
     */
    while (den > num * 2) {
        num <<= 1;
        shift--;
    }
    while (num >= den) {
        den <<= 1;
        shift++;
    }
    /* Here den/2 <= num < den, so the quotient is in [2^31, 2^32). */
    out->mul = fraction32(num, den);
    out->shift = (int8_t)shift;
    return true;
}

uint64_t pvclock_scale_delta(uint64_t delta, struct pvclock_scale sc)
{
    if (sc.shift < 0)
        delta >>= -sc.shift;
    else
        delta <<= sc.shift;
    return (uint64_t)(((unsigned __int128)delta * sc.mul) >> 32);
}

void pvclock_publish(vcpu_time_info_t *t, uint64_t tsc, uint64_t system_time_ns,
                     struct pvclock_scale sc, uint8_t flags)
{
    volatile vcpu_time_info_t *vt = t;

    vt->version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    vt->tsc_timestamp = tsc;
    vt->system_time = system_time_ns;
    vt->tsc_to_system_mul = sc.mul;
    vt->tsc_shift = sc.shift;
    vt->flags = flags;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    vt->version++;
}

uint64_t pvclock_read(const vcpu_time_info_t *t, uint64_t tsc)
{
    const volatile vcpu_time_info_t *vt = t;
    uint32_t version;
    uint64_t ns;

    do {
        version = vt->version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        ns = vt->system_time +
             pvclock_scale_delta(tsc - vt->tsc_timestamp,
                                 (struct pvclock_scale){ vt->tsc_to_system_mul, vt->tsc_shift });
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while ((version & 1) || version != vt->version);
    return ns;
}

void pvclock_publish_wallclock(shared_info_t *s, uint64_t sec, uint32_t nsec)
{
    volatile shared_info_t *vs = s;

    vs->wc_version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    vs->wc_sec = (uint32_t)sec;
    vs->wc_sec_hi = (uint32_t)(sec >> 32);
    vs->wc_nsec = nsec;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    vs->wc_version++;
}
