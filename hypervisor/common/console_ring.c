#include <lintel/console_ring.h>

void console_ring_init(struct console_ring *r, char *buf, size_t size)
{
    r->buf = buf;
    r->size = size;
    r->head = 0;
    r->floor = 0;
}

void console_ring_write(struct console_ring *r, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        r->buf[(r->head + i) & (r->size - 1)] = s[i];
    r->head += len;
}

uint64_t console_ring_oldest(const struct console_ring *r)
{
    uint64_t kept = r->head > r->size ? r->head - r->size : 0;

    return kept > r->floor ? kept : r->floor;
}

void console_ring_clear(struct console_ring *r)
{
    r->floor = r->head;
}

size_t console_ring_read(const struct console_ring *r, uint64_t *pos,
                         char *out, size_t len)
{
    size_t n = 0;

    if (*pos < console_ring_oldest(r))
        *pos = console_ring_oldest(r);
    if (*pos > r->head)
        *pos = r->head;
    while (n < len && *pos < r->head) {
        out[n++] = r->buf[*pos & (r->size - 1)];
        (*pos)++;
    }
    return n;
}
