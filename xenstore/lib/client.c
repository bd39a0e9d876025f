/* liblintelstore: connecting, framing messages, and the watch-event reader. */
#include "client.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

const char *xs_daemon_socket(void)
{
    const char *env = getenv("XENSTORED_PATH");
    static char path[256];

    if (env && *env)
        return env;
    env = getenv("XENSTORED_RUNDIR");
    snprintf(path, sizeof(path), "%s/socket", env && *env ? env : "/var/run/xenstored");
    return path;
}

static int connect_socket(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        int err = errno;

        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

/* The kernel's xenbus device speaks the same protocol, one message per write. */
static int open_device(const char *path)
{
    return open(path, O_RDWR | O_CLOEXEC);
}

struct xs_handle *xs_open(unsigned long flags)
{
    const char *path = xs_daemon_socket();
    struct xs_handle *h;
    int fd;

    if (strncmp(path, "/dev/", 5) == 0)
        fd = open_device(path);
    else
        fd = connect_socket(path);
    if (fd < 0 && !(flags & XS_OPEN_SOCKETONLY))
        fd = open_device("/dev/xen/xenbus");
    if (fd < 0)
        return NULL;
    h = calloc(1, sizeof(*h));
    if (!h) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    h->fd = fd;
    h->event_pipe[0] = h->event_pipe[1] = -1;
    pthread_mutex_init(&h->request_lock, NULL);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->reply_ready, NULL);
    pthread_cond_init(&h->event_ready, NULL);
    return h;
}

static void free_list(struct reply_msg *m)
{
    while (m) {
        struct reply_msg *next = m->next;

        free(m);
        m = next;
    }
}

void xs_close(struct xs_handle *h)
{
    if (!h)
        return;
    if (h->reader_started) {
        pthread_cancel(h->reader);
        pthread_join(h->reader, NULL);
    }
    close(h->fd);
    if (h->event_pipe[0] >= 0) {
        close(h->event_pipe[0]);
        close(h->event_pipe[1]);
    }
    free_list(h->events);
    free(h->reply);
    free(h);
}

struct xs_handle *xs_daemon_open(void) { return xs_open(0); }
struct xs_handle *xs_daemon_open_readonly(void) { return xs_open(XS_OPEN_READONLY); }
struct xs_handle *xs_domain_open(void) { return xs_open(0); }
void xs_daemon_close(struct xs_handle *h) { xs_close(h); }

static bool read_all(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len) {
        ssize_t n = read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ECONNRESET;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static struct reply_msg *read_msg(int fd)
{
    struct xsd_sockmsg hdr;
    struct reply_msg *m;

    if (!read_all(fd, &hdr, sizeof(hdr)))
        return NULL;
    if (hdr.len > XENSTORE_PAYLOAD_MAX) {
        errno = EIO;
        return NULL;
    }
    m = malloc(sizeof(*m) + hdr.len + 1);
    if (!m)
        return NULL;
    m->next = NULL;
    m->hdr = hdr;
    if (!read_all(fd, m->body, hdr.len)) {
        free(m);
        return NULL;
    }
    m->body[hdr.len] = '\0';
    return m;
}

/* Called with h->lock held. */
static void queue_event(struct xs_handle *h, struct reply_msg *m)
{
    if (h->events_tail)
        h->events_tail->next = m;
    else
        h->events = m;
    h->events_tail = m;
    /* A full pipe still reads as ready, which is all xs_fileno promises. */
    if (h->event_pipe[1] >= 0)
        (void)!write(h->event_pipe[1], "!", 1);
    pthread_cond_broadcast(&h->event_ready);
}

static void *reader_main(void *arg)
{
    struct xs_handle *h = arg;

    for (;;) {
        struct reply_msg *m = read_msg(h->fd);

        pthread_mutex_lock(&h->lock);
        if (!m) {
            h->reader_failed = true;
            pthread_cond_broadcast(&h->reply_ready);
            pthread_cond_broadcast(&h->event_ready);
            pthread_mutex_unlock(&h->lock);
            return NULL;
        }
        if (m->hdr.type == XS_WATCH_EVENT) {
            queue_event(h, m);
        } else {
            free(h->reply);
            h->reply = m;
            pthread_cond_broadcast(&h->reply_ready);
        }
        pthread_mutex_unlock(&h->lock);
    }
}

int xs_start_reader(struct xs_handle *h)
{
    int err = 0;

    pthread_mutex_lock(&h->lock);
    if (!h->reader_started) {
        err = pthread_create(&h->reader, NULL, reader_main, h);
        h->reader_started = err == 0;
    }
    pthread_mutex_unlock(&h->lock);
    return err;
}

static struct reply_msg *wait_reply(struct xs_handle *h)
{
    struct reply_msg *m;

    if (!h->reader_started) {
        /* No reader thread yet: events that arrive first are queued by us. */
        while ((m = read_msg(h->fd)) && m->hdr.type == XS_WATCH_EVENT) {
            pthread_mutex_lock(&h->lock);
            queue_event(h, m);
            pthread_mutex_unlock(&h->lock);
        }
        return m;
    }
    pthread_mutex_lock(&h->lock);
    while (!h->reply && !h->reader_failed)
        pthread_cond_wait(&h->reply_ready, &h->lock);
    m = h->reply;
    h->reply = NULL;
    pthread_mutex_unlock(&h->lock);
    if (!m)
        errno = ECONNRESET;
    return m;
}

static int errno_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (strcmp(xsd_errors[i].errstring, name) == 0)
            return xsd_errors[i].errnum;
    return EINVAL;
}

static bool send_request(struct xs_handle *h, const struct xsd_sockmsg *hdr,
                         const void *const *parts, const unsigned *lens, unsigned nparts)
{
    char buf[sizeof(*hdr) + XENSTORE_PAYLOAD_MAX];
    size_t len = sizeof(*hdr);

    memcpy(buf, hdr, sizeof(*hdr));
    for (unsigned i = 0; i < nparts; i++) {
        memcpy(buf + len, parts[i], lens[i]);
        len += lens[i];
    }
    /* One write per message: the xenbus device insists on it. */
    for (size_t off = 0; off < len;) {
        ssize_t n = write(h->fd, buf + off, len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        off += (size_t)n;
    }
    return true;
}

struct reply_msg *xs_exchange(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                              const void *const *parts, const unsigned *lens, unsigned nparts)
{
    struct xsd_sockmsg hdr = { .type = type, .tx_id = t };
    struct reply_msg *m = NULL;

    for (unsigned i = 0; i < nparts; i++)
        hdr.len += lens[i];
    if (hdr.len > XENSTORE_PAYLOAD_MAX) {
        errno = E2BIG;
        return NULL;
    }
    pthread_mutex_lock(&h->request_lock);
    hdr.req_id = h->next_req_id++;
    if (send_request(h, &hdr, parts, lens, nparts))
        m = wait_reply(h);
    pthread_mutex_unlock(&h->request_lock);
    if (m && m->hdr.type == XS_ERROR) {
        errno = errno_from_name(m->body);
        free(m);
        return NULL;
    }
    if (m && m->hdr.type != type) {
        free(m);
        errno = EBADMSG;
        return NULL;
    }
    return m;
}

struct reply_msg *xs_exchange_strings(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                                      const char *const *strs, unsigned n)
{
    const void *parts[8];
    unsigned lens[8];

    if (n > 8) {
        errno = EINVAL;
        return NULL;
    }
    for (unsigned i = 0; i < n; i++) {
        parts[i] = strs[i];
        lens[i] = (unsigned)strlen(strs[i]) + 1;
    }
    return xs_exchange(h, t, type, parts, lens, n);
}

struct reply_msg *xs_take_event(struct xs_handle *h, bool wait)
{
    struct reply_msg *m;

    if (wait && !h->reader_started) {
        /* Without a reader thread, block on the socket ourselves. */
        pthread_mutex_lock(&h->lock);
        m = h->events;
        pthread_mutex_unlock(&h->lock);
        while (!m) {
            struct reply_msg *r = read_msg(h->fd);

            if (!r)
                return NULL;
            if (r->hdr.type != XS_WATCH_EVENT) {
                free(r);    /* a reply nobody waits for: drop it */
                continue;
            }
            pthread_mutex_lock(&h->lock);
            queue_event(h, r);
            m = h->events;
            pthread_mutex_unlock(&h->lock);
        }
    }
    pthread_mutex_lock(&h->lock);
    while (wait && !h->events && !h->reader_failed)
        pthread_cond_wait(&h->event_ready, &h->lock);
    m = h->events;
    if (m) {
        char c;

        h->events = m->next;
        if (!h->events)
            h->events_tail = NULL;
        /* Non-blocking: an empty pipe just means nobody polled. */
        if (h->event_pipe[0] >= 0)
            (void)!read(h->event_pipe[0], &c, 1);
    } else if (!wait) {
        errno = EAGAIN;
    } else {
        errno = ECONNRESET;
    }
    pthread_mutex_unlock(&h->lock);
    return m;
}
