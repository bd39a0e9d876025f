/*
 * The store's wire protocol as Lintel defines it: message types, the message
 * header, error names and the shared ring a guest uses to reach the store.
 *
 * Every number and layout here must equal Xen 4.17's public io/xs_wire.h, so
 * Linux's xenbus and Debian's libxenstore talk to lintel-stored unchanged
 * (tests/abi checks this against Debian's libxen-dev).
 */
#ifndef LINTEL_PUBLIC_IO_XS_WIRE_H
#define LINTEL_PUBLIC_IO_XS_WIRE_H

#include <stdint.h>

enum xsd_sockmsg_type {
    XS_CONTROL = 0,
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    /* 20 was XS_RESTRICT; the number stays retired so old peers never alias it. */
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART = 22,

    XS_TYPE_COUNT = 23,

    XS_INVALID = 0xffff
};

/* Older code calls the control message by its first name. */
#define XS_DEBUG XS_CONTROL

#define XS_WRITE_NONE "NONE"
#define XS_WRITE_CREATE "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/*
 * Errors travel as the errno's symbolic name so both ends need not share
 * errno numbering. The order is part of the ABI: peers index this table.
 */
struct xsd_errors {
    int errnum;
    const char *errstring;
};
#ifdef EINVAL
#define LINTEL_XSD_ERRNAME(e) { e, #e }
static const struct xsd_errors xsd_errors[] __attribute__((unused)) = {
    LINTEL_XSD_ERRNAME(EINVAL),
    LINTEL_XSD_ERRNAME(EACCES),
    LINTEL_XSD_ERRNAME(EEXIST),
    LINTEL_XSD_ERRNAME(EISDIR),
    LINTEL_XSD_ERRNAME(ENOENT),
    LINTEL_XSD_ERRNAME(ENOMEM),
    LINTEL_XSD_ERRNAME(ENOSPC),
    LINTEL_XSD_ERRNAME(EIO),
    LINTEL_XSD_ERRNAME(ENOTEMPTY),
    LINTEL_XSD_ERRNAME(ENOSYS),
    LINTEL_XSD_ERRNAME(EROFS),
    LINTEL_XSD_ERRNAME(EBUSY),
    LINTEL_XSD_ERRNAME(EAGAIN),
    LINTEL_XSD_ERRNAME(EISCONN),
    LINTEL_XSD_ERRNAME(E2BIG),
    LINTEL_XSD_ERRNAME(EPERM),
};
#undef LINTEL_XSD_ERRNAME
#endif

/* Every message, both directions; the payload (len bytes) follows at once. */
struct xsd_sockmsg {
    uint32_t type;   /* enum xsd_sockmsg_type */
    uint32_t req_id; /* chosen by the client, echoed in the reply */
    uint32_t tx_id;  /* 0 outside a transaction */
    uint32_t len;    /* payload bytes */
};

/* Field order of a watch event's payload: "path\0token\0". */
enum xs_watch_type {
    XS_WATCH_PATH = 0,
    XS_WATCH_TOKEN
};

/* One page shared between a guest and the store; each direction is a byte ring. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE]; /* guest -> store */
    char rsp[XENSTORE_RING_SIZE]; /* store -> guest: replies and watch events */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;
    uint32_t connection;
    uint32_t error;
};

/* A payload longer than this is a protocol violation, not a mere error. */
#define XENSTORE_PAYLOAD_MAX 4096

#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR        2

#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1
#define XENSTORE_ERROR_RINGIDX 2
#define XENSTORE_ERROR_PROTO   3

#endif /* LINTEL_PUBLIC_IO_XS_WIRE_H */
