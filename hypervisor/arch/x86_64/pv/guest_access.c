/*
 * copy_from_guest & co. The guest's page tables are live while we run on
 * its behalf, so a guest virtual address is used as is; the range check
 * keeps the guest from naming hypervisor memory, and the core's fault-
 * tolerant copies (uaccess.S + the exception fixup table) turn an
 * unmapped or protected page into a short copy instead of a crash.
 */
#include <lintel/guest_access.h>
#include <lintel/layout.h>
#include <lintel/uaccess.h>

#define CANONICAL_LOW_END   0x0000800000000000ULL
#define CANONICAL_HIGH_START 0xffff800000000000ULL

bool guest_range_ok(uint64_t va, size_t len)
{
    uint64_t end = va + len;

    if (len == 0)
        return true;
    if (end < va && end != 0)
        return false;
    if (va < CANONICAL_LOW_END)
        return end <= CANONICAL_LOW_END && end > va;
    if (va < CANONICAL_HIGH_START)
        return false;
    /* Upper half: everything but the hypervisor's slots is the guest's. */
    return va >= HV_RESERVED_END || (end != 0 && end <= HV_RESERVED_START);
}

size_t copy_from_guest(void *dst, uint64_t guest_va, size_t len)
{
    if (!guest_range_ok(guest_va, len))
        return len;
    return copy_from_unsafe(dst, (const void *)(uintptr_t)guest_va, len);
}

size_t copy_to_guest(uint64_t guest_va, const void *src, size_t len)
{
    if (!guest_range_ok(guest_va, len))
        return len;
    return copy_to_unsafe((void *)(uintptr_t)guest_va, src, len);
}

size_t clear_guest(uint64_t guest_va, size_t len)
{
    static const uint8_t zeros[256];
    size_t done = 0;

    while (done < len) {
        size_t chunk = MIN(len - done, sizeof(zeros));
        size_t left = copy_to_guest(guest_va + done, zeros, chunk);
        if (left)
            return len - done - (chunk - left);
        done += chunk;
    }
    return 0;
}
