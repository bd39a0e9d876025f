/* The xenstore wire protocol for the test kernels; see store_wire.h. */
#include "store_wire.h"

#include <public/errno.h>

static int indexes_sane(XENSTORE_RING_IDX prod, XENSTORE_RING_IDX cons)
{
    return (XENSTORE_RING_IDX)(prod - cons) <= XENSTORE_RING_SIZE;
}

size_t store_ring_put(char *ring, XENSTORE_RING_IDX *prod, XENSTORE_RING_IDX cons,
                      const void *data, size_t len)
{
    const char *from = data;
    size_t room, done = 0;

    if (!indexes_sane(*prod, cons))
        return 0;
    room = XENSTORE_RING_SIZE - (XENSTORE_RING_IDX)(*prod - cons);
    for (; done < len && done < room; done++)
        ring[MASK_XENSTORE_IDX(*prod + done)] = from[done];
    *prod += (XENSTORE_RING_IDX)done;
    return done;
}

size_t store_ring_get(const char *ring, XENSTORE_RING_IDX prod, XENSTORE_RING_IDX *cons,
                      void *data, size_t len)
{
    char *to = data;
    size_t avail, done = 0;

    if (!indexes_sane(prod, *cons))
        return 0;
    avail = (XENSTORE_RING_IDX)(prod - *cons);
    for (; done < len && done < avail; done++)
        to[done] = ring[MASK_XENSTORE_IDX(*cons + done)];
    *cons += (XENSTORE_RING_IDX)done;
    return done;
}

static size_t text_length(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t store_frame(void *buf, size_t size, uint32_t type, uint32_t req_id,
                   const char *const *args, unsigned int nargs,
                   const void *tail, size_t tail_len)
{
    struct xsd_sockmsg header = { .type = type, .req_id = req_id, .tx_id = 0 };
    char *out = buf;
    size_t at = sizeof(header);

    if (size < sizeof(header))
        return 0;
    for (unsigned int i = 0; i < nargs; i++) {
        size_t n = text_length(args[i]) + 1;

        if (n > size - at)
            return 0;
        for (size_t j = 0; j < n; j++)
            out[at + j] = args[i][j];
        at += n;
    }
    if (tail_len > size - at)
        return 0;
    for (size_t j = 0; j < tail_len; j++)
        out[at + j] = ((const char *)tail)[j];
    at += tail_len;
    if (at - sizeof(header) > XENSTORE_PAYLOAD_MAX)
        return 0;
    header.len = (uint32_t)(at - sizeof(header));
    for (size_t j = 0; j < sizeof(header); j++)
        out[j] = ((const char *)&header)[j];
    return at;
}

static int same_text(const char *a, size_t a_len, const char *b)
{
    size_t i = 0;

    for (; i < a_len && a[i] && b[i]; i++)
        if (a[i] != b[i])
            return 0;
    /* The daemon's payload ends with a NUL; a bare name also matches. */
    return b[i] == '\0' && (i == a_len || a[i] == '\0');
}

int store_error_errno(const char *text, size_t len)
{
    /* The daemon names Linux's errno values, which public/errno.h lists. */
#define STORE_ERRNO_ENTRY(name, value) { #name, value },
    static const struct { const char *name; int xen_errno; } known[] = {
        XEN_ERRNO_LIST(STORE_ERRNO_ENTRY)
    };
#undef STORE_ERRNO_ENTRY

    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (same_text(text, len, known[i].name))
            return known[i].xen_errno;
    return XEN_EIO;
}

int store_count_names(const char *payload, size_t len)
{
    int names = 0;

    if (len == 0)
        return 0;
    if (payload[len - 1] != '\0')
        return -1;
    for (size_t i = 0; i < len; i++)
        names += payload[i] == '\0';
    return names;
}

int store_parse_ulong(const char *text, unsigned long *value)
{
    unsigned long v = 0;

    if (!*text)
        return -1;
    for (; *text; text++) {
        unsigned long digit = (unsigned long)(*text - '0');

        if (*text < '0' || *text > '9' || v > (~0UL - digit) / 10)
            return -1;
        v = v * 10 + digit;
    }
    *value = v;
    return 0;
}
