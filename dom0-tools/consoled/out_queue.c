#include "out_queue.h"

#include <errno.h>
#include <stdlib.h>

int out_queue_init(struct out_queue *q, size_t cap)
{
    *q = (struct out_queue){ .data = malloc(cap), .cap = cap };
    return q->data ? 0 : -ENOMEM;
}

void out_queue_free(struct out_queue *q)
{
    free(q->data);
    *q = (struct out_queue){ 0 };
}

void out_queue_push(struct out_queue *q, const char *p, size_t n)
{
    if (!q->cap)
        return;
    /* Only the newest CAP bytes of P can survive. */
    if (n > q->cap) {
        q->dropped += n - q->cap;
        p += n - q->cap;
        n = q->cap;
    }
    if (q->len + n > q->cap) {
        size_t excess = q->len + n - q->cap;

        out_queue_consume(q, excess);
        q->dropped += excess;
    }
    for (size_t i = 0; i < n; i++)
        q->data[(q->head + q->len + i) % q->cap] = p[i];
    q->len += n;
}

size_t out_queue_peek(const struct out_queue *q, const char **p)
{
    size_t run = q->cap - q->head;

    *p = q->data + q->head;
    return q->len < run ? q->len : run;
}

void out_queue_consume(struct out_queue *q, size_t n)
{
    if (n > q->len)
        n = q->len;
    q->head = q->cap ? (q->head + n) % q->cap : 0;
    q->len -= n;
}
