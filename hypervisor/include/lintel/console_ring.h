/*
 * A byte ring that keeps the newest `size` bytes written. Readers hold a
 * position in the total stream, so dom0's readconsole can ask "everything
 * since what I saw last" and learn when older text was overwritten.
 * Pure logic: also compiled into the host unit tests.
 */
#ifndef LINTEL_CONSOLE_RING_H
#define LINTEL_CONSOLE_RING_H

#include <lintel/types.h>

struct console_ring {
    char *buf;
    size_t size;        /* a power of two */
    uint64_t head;      /* total bytes ever written */
    uint64_t floor;     /* nothing before this is readable (after a clear) */
};

void console_ring_init(struct console_ring *r, char *buf, size_t size);
void console_ring_write(struct console_ring *r, const char *s, size_t len);
/* Oldest stream position still held. */
uint64_t console_ring_oldest(const struct console_ring *r);
/* Discards everything written so far (readconsole's clear flag). */
void console_ring_clear(struct console_ring *r);
/*
 * Copies up to len bytes from stream position *pos on, moving *pos past
 * them; a position older than the ring holds is first moved up to the
 * oldest byte still present. Returns the number of bytes copied.
 */
size_t console_ring_read(const struct console_ring *r, uint64_t *pos,
                         char *out, size_t len);

#endif
