#include "wire.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void msgin_reset(struct msg_in *m)
{
    m->have = 0;
    m->body[0] = '\0';
}

long msgin_feed(struct msg_in *m, const void *data, size_t n, bool *complete)
{
    const char *in = data;
    size_t used = 0;

    *complete = false;
    if (m->have < sizeof(m->hdr)) {
        size_t want = sizeof(m->hdr) - m->have;

        if (want > n)
            want = n;
        memcpy((char *)&m->hdr + m->have, in, want);
        m->have += (uint32_t)want;
        used += want;
        if (m->have < sizeof(m->hdr))
            return (long)used;
        if (m->hdr.len > XENSTORE_PAYLOAD_MAX)
            return -1;
    }
    {
        uint32_t got = m->have - (uint32_t)sizeof(m->hdr);
        size_t want = m->hdr.len - got;

        if (want > n - used)
            want = n - used;
        memcpy(m->body + got, in + used, want);
        m->have += (uint32_t)want;
        used += want;
        if (m->have == sizeof(m->hdr) + m->hdr.len) {
            m->body[m->hdr.len] = '\0';
            *complete = true;
        }
    }
    return (long)used;
}

int wire_split(const char *body, uint32_t len, const char **argv, int max)
{
    uint32_t off = 0;
    int n = 0;

    while (off < len) {
        const char *end = memchr(body + off, '\0', len - off);

        if (!end || n == max)
            return -1;
        argv[n++] = body + off;
        off = (uint32_t)(end - body) + 1;
    }
    return n;
}

const char *wire_errname(int err)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == err)
            return xsd_errors[i].errstring;
    return "EINVAL";
}

bool wire_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool wire_parse_u32(const char *s, uint32_t *out)
{
    uint64_t v;

    if (!wire_parse_u64(s, &v) || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}
