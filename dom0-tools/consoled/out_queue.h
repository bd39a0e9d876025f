/*
 * A bounded byte queue for output on its way to a reader that may be slow
 * or absent (a pty nobody has open): when full, the oldest bytes go, so
 * the daemon never waits and the reader sees the newest output.
 */
#ifndef LINTEL_OUT_QUEUE_H
#define LINTEL_OUT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct out_queue {
    char *data;
    size_t cap;
    size_t head;            /* index of the oldest byte */
    size_t len;
    uint64_t dropped;       /* bytes lost to overflow, for the daemon's log */
};

/* 0, or -ENOMEM. */
int out_queue_init(struct out_queue *q, size_t cap);
void out_queue_free(struct out_queue *q);

/* Appends N bytes, dropping the oldest ones that no longer fit. */
void out_queue_push(struct out_queue *q, const char *p, size_t n);

/* The oldest contiguous run of queued bytes: its length, *P its start. */
size_t out_queue_peek(const struct out_queue *q, const char **p);
void out_queue_consume(struct out_queue *q, size_t n);

#endif
