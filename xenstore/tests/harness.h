/* Helpers for the engine's unit tests: build a request, run it, read the reply. */
#ifndef LINTEL_XS_TEST_HARNESS_H
#define LINTEL_XS_TEST_HARNESS_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store.h"

/* Sends type with the NUL-joined strings (a final NULL ends the list). */
static inline void send_strings(struct store *s, struct xs_conn *c, uint32_t type, uint32_t tx,
                                ...)
{
    char body[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg hdr = { .type = type, .req_id = 7, .tx_id = tx };
    const char *str;
    va_list ap;

    va_start(ap, tx);
    while ((str = va_arg(ap, const char *))) {
        size_t n = strlen(str) + 1;

        memcpy(body + hdr.len, str, n);
        hdr.len += (uint32_t)n;
    }
    va_end(ap);
    body[hdr.len] = '\0';
    store_request(s, c, &hdr, body);
}

/* Sends a WRITE (path NUL value, no NUL after the value). */
static inline void send_write(struct store *s, struct xs_conn *c, uint32_t tx, const char *path,
                              const char *value)
{
    char body[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg hdr = { .type = XS_WRITE, .req_id = 7, .tx_id = tx };
    size_t pl = strlen(path) + 1, vl = strlen(value);

    memcpy(body, path, pl);
    memcpy(body + pl, value, vl);
    hdr.len = (uint32_t)(pl + vl);
    body[hdr.len] = '\0';
    store_request(s, c, &hdr, body);
}

/* Pops the next queued message; the test owns it. */
static inline struct xs_msg *next_msg(struct xs_conn *c)
{
    struct xs_msg *m = msgq_pop(&c->out);

    assert_non_null(m);
    return m;
}

/* Pops a reply and checks its type and body (body compared up to len). */
static inline void expect_reply(struct xs_conn *c, uint32_t type, const char *body, uint32_t len)
{
    struct xs_msg *m = next_msg(c);

    assert_int_equal(m->hdr.type, type);
    assert_int_equal(m->hdr.len, len);
    assert_memory_equal(m->body, body, len);
    free(m);
}

static inline void expect_ok(struct xs_conn *c, uint32_t type)
{
    expect_reply(c, type, "OK", 3);
}

static inline void expect_error(struct xs_conn *c, const char *name)
{
    expect_reply(c, XS_ERROR, name, (uint32_t)strlen(name) + 1);
}

static inline void expect_event(struct xs_conn *c, const char *path, const char *token)
{
    char body[512];
    size_t pl = strlen(path) + 1, tl = strlen(token) + 1;

    memcpy(body, path, pl);
    memcpy(body + pl, token, tl);
    expect_reply(c, XS_WATCH_EVENT, body, (uint32_t)(pl + tl));
}

static inline void expect_nothing(struct xs_conn *c)
{
    assert_int_equal(c->out.count, 0);
}

#endif
