/*
 * The test kernels' xenstore client; see store.h. The daemon (xenstored,
 * lintel-stored) answers requests in order, but a watch event could come
 * between, so answers are matched by request id.
 */
#include "store.h"

#include <stdarg.h>

#include <public/errno.h>
#include <public/io/xs_wire.h>

#include "format.h"
#include "kernel.h"
#include "port_wait.h"
#include "store_wire.h"

#define MS              1000000ULL
/* The daemon in dom0 runs under emulation on a loaded host. */
#define STORE_TIMEOUT   (120000 * MS)
#define STORE_POLL      (100 * MS)

static char ring_window[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct xenstore_domain_interface *ring;
static uint32_t next_req_id = 1;
/* Frames in and out; one request at a time. */
static char request[STORE_MSG_MAX];
static char answer[STORE_MSG_MAX + 1];

long store_init(void)
{
    unsigned long pte;
    long rc;

    if (ring)
        return 0;
    if (!shared_info_map())
        return -XEN_EFAULT;
    pte = (start_info->store_mfn * PAGE_SIZE) |
          PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY;
    rc = HYPERVISOR_update_va_mapping((unsigned long)ring_window, pte, UVMF_INVLPG);
    if (rc)
        return rc;
    ring = (struct xenstore_domain_interface *)ring_window;
    return 0;
}

static uint32_t load_index(const XENSTORE_RING_IDX *index)
{
    return __atomic_load_n(index, __ATOMIC_ACQUIRE);
}

static int timed_out(uint64_t deadline)
{
    return system_time_ns() > deadline;
}

/* Puts the whole message on the request ring, waiting for room. */
static long send_message(const char *msg, size_t len, uint64_t deadline)
{
    evtchn_port_t port = start_info->store_evtchn;

    while (len) {
        XENSTORE_RING_IDX prod = ring->req_prod;
        size_t done;

        port_clear(port);
        done = store_ring_put(ring->req, &prod, load_index(&ring->req_cons), msg, len);
        if (done) {
            /* The bytes before the index that publishes them. */
            __atomic_store_n(&ring->req_prod, prod, __ATOMIC_RELEASE);
            port_notify(port);
            msg += done;
            len -= done;
            continue;
        }
        if (timed_out(deadline))
            return -XEN_ETIMEDOUT;
        port_wait(port, STORE_POLL);
    }
    return 0;
}

/* Takes exactly len bytes off the answer ring, waiting for them. */
static long receive_bytes(char *to, size_t len, uint64_t deadline)
{
    evtchn_port_t port = start_info->store_evtchn;

    while (len) {
        XENSTORE_RING_IDX cons = ring->rsp_cons;
        size_t done;

        port_clear(port);
        done = store_ring_get(ring->rsp, load_index(&ring->rsp_prod), &cons, to, len);
        if (done) {
            /* Our copy is taken before the daemon may reuse the room. */
            __atomic_store_n(&ring->rsp_cons, cons, __ATOMIC_RELEASE);
            port_notify(port);
            to += done;
            len -= done;
            continue;
        }
        if (timed_out(deadline))
            return -XEN_ETIMEDOUT;
        port_wait(port, STORE_POLL);
    }
    return 0;
}

/*
 * Sends one request and waits for its answer, whose payload is left in
 * answer[] (NUL-terminated beyond its length). Returns the payload length
 * or -errno (XS_ERROR answers turned into their errno).
 */
static long transact(uint32_t type, const char *const *args, unsigned int nargs,
                     const char *tail, size_t tail_len)
{
    uint64_t deadline = system_time_ns() + STORE_TIMEOUT;
    uint32_t id = next_req_id++;
    size_t len = store_frame(request, sizeof(request), type, id, args, nargs, tail, tail_len);
    struct xsd_sockmsg header;
    long rc;

    if ((rc = store_init()))
        return rc;
    if (!len)
        return -XEN_E2BIG;
    if ((rc = send_message(request, len, deadline)))
        return rc;
    for (;;) {
        if ((rc = receive_bytes((char *)&header, sizeof(header), deadline)))
            return rc;
        if (header.len > XENSTORE_PAYLOAD_MAX)
            return -XEN_EIO;    /* the stream can no longer be trusted */
        if ((rc = receive_bytes(answer, header.len, deadline)))
            return rc;
        answer[header.len] = '\0';
        /* A watch event, or an answer to a request given up on: not ours. */
        if (header.type != XS_WATCH_EVENT && header.req_id == id)
            break;
    }
    if (header.type == XS_ERROR)
        return -store_error_errno(answer, header.len);
    if (header.type != type)
        return -XEN_EIO;
    return header.len;
}

long store_read(const char *path, char *value, size_t size)
{
    long len = transact(XS_READ, &path, 1, 0, 0);

    if (len < 0)
        return len;
    if ((size_t)len >= size)
        return -XEN_E2BIG;
    memcpy(value, answer, (size_t)len + 1);
    return len;
}

long store_read_ulong(const char *path, unsigned long *value)
{
    char text[32];
    long len = store_read(path, text, sizeof(text));

    if (len < 0)
        return len;
    return store_parse_ulong(text, value) ? -XEN_EINVAL : 0;
}

long store_write(const char *path, const char *value)
{
    long rc = transact(XS_WRITE, &path, 1, value, string_length(value));

    return rc < 0 ? rc : 0;
}

long store_printf(const char *path, const char *fmt, ...)
{
    char value[256];
    va_list ap;
    size_t len;

    va_start(ap, fmt);
    len = format_v(value, sizeof(value), fmt, ap);
    va_end(ap);
    if (len >= sizeof(value))
        return -XEN_E2BIG;
    return store_write(path, value);
}

long store_directory(const char *path, char *names, size_t size)
{
    long len = transact(XS_DIRECTORY, &path, 1, 0, 0);
    int count;

    if (len < 0)
        return len;
    count = store_count_names(answer, (size_t)len);
    if (count < 0)
        return -XEN_EIO;
    if ((size_t)len > size)
        return -XEN_E2BIG;
    memcpy(names, answer, (size_t)len);
    return count;
}

long store_remove(const char *path)
{
    long rc = transact(XS_RM, &path, 1, 0, 0);

    return rc < 0 ? rc : 0;
}
