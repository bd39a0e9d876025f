/* Internal to liblintelstore: the connection and one request/reply exchange. */
#ifndef LINTEL_XS_CLIENT_H
#define LINTEL_XS_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "xenstore.h"

struct reply_msg {
    struct reply_msg *next;
    struct xsd_sockmsg hdr;
    char body[];                /* hdr.len bytes plus a NUL */
};

struct xs_handle {
    int fd;
    uint32_t next_req_id;
    pthread_mutex_t request_lock;   /* one request in flight per handle */
    pthread_mutex_t lock;           /* guards everything below */
    pthread_cond_t reply_ready;
    pthread_cond_t event_ready;
    struct reply_msg *reply;        /* the answer to the request in flight */
    struct reply_msg *events, *events_tail;
    int event_pipe[2];              /* readable while events wait: xs_fileno() */
    bool reader_started;
    bool reader_failed;
    pthread_t reader;
};

/* Sends one request built from iov-like pieces and waits for its reply. */
struct reply_msg *xs_exchange(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                              const void *const *parts, const unsigned *lens, unsigned nparts);
/* Same, for a request whose pieces are NUL-terminated strings. */
struct reply_msg *xs_exchange_strings(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                                      const char *const *strs, unsigned n);
/* Starts the thread that separates watch events from replies. */
int xs_start_reader(struct xs_handle *h);
struct reply_msg *xs_take_event(struct xs_handle *h, bool wait);

#endif
