/*
 * Prints every number and layout fact of the xs wire header it is built with
 * (-DHEADER=...). test_store_abi.py builds it against Debian's
 * <xen/io/xs_wire.h> and against include/public/io/xs_wire.h and compares.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include HEADER

#define SHOW(x) printf("%s %lld\n", #x, (long long)(x))

int main(void)
{
    SHOW(XS_CONTROL); SHOW(XS_DEBUG); SHOW(XS_DIRECTORY); SHOW(XS_READ); SHOW(XS_GET_PERMS);
    SHOW(XS_WATCH); SHOW(XS_UNWATCH); SHOW(XS_TRANSACTION_START); SHOW(XS_TRANSACTION_END);
    SHOW(XS_INTRODUCE); SHOW(XS_RELEASE); SHOW(XS_GET_DOMAIN_PATH); SHOW(XS_WRITE);
    SHOW(XS_MKDIR); SHOW(XS_RM); SHOW(XS_SET_PERMS); SHOW(XS_WATCH_EVENT); SHOW(XS_ERROR);
    SHOW(XS_IS_DOMAIN_INTRODUCED); SHOW(XS_RESUME); SHOW(XS_SET_TARGET);
    SHOW(XS_RESET_WATCHES); SHOW(XS_DIRECTORY_PART); SHOW(XS_TYPE_COUNT); SHOW(XS_INVALID);
    SHOW(XS_WATCH_PATH); SHOW(XS_WATCH_TOKEN);
    SHOW(sizeof(struct xsd_sockmsg)); SHOW(offsetof(struct xsd_sockmsg, type));
    SHOW(offsetof(struct xsd_sockmsg, req_id)); SHOW(offsetof(struct xsd_sockmsg, tx_id));
    SHOW(offsetof(struct xsd_sockmsg, len));
    SHOW(XENSTORE_RING_SIZE); SHOW(sizeof(XENSTORE_RING_IDX)); SHOW(MASK_XENSTORE_IDX(1025));
    SHOW(sizeof(struct xenstore_domain_interface));
    SHOW(offsetof(struct xenstore_domain_interface, req));
    SHOW(offsetof(struct xenstore_domain_interface, rsp));
    SHOW(offsetof(struct xenstore_domain_interface, req_cons));
    SHOW(offsetof(struct xenstore_domain_interface, req_prod));
    SHOW(offsetof(struct xenstore_domain_interface, rsp_cons));
    SHOW(offsetof(struct xenstore_domain_interface, rsp_prod));
    SHOW(offsetof(struct xenstore_domain_interface, server_features));
    SHOW(offsetof(struct xenstore_domain_interface, connection));
    SHOW(offsetof(struct xenstore_domain_interface, error));
    SHOW(XENSTORE_PAYLOAD_MAX); SHOW(XENSTORE_ABS_PATH_MAX); SHOW(XENSTORE_REL_PATH_MAX);
    SHOW(XENSTORE_SERVER_FEATURE_RECONNECTION); SHOW(XENSTORE_SERVER_FEATURE_ERROR);
    SHOW(XENSTORE_CONNECTED); SHOW(XENSTORE_RECONNECT);
    SHOW(XENSTORE_ERROR_NONE); SHOW(XENSTORE_ERROR_COMM); SHOW(XENSTORE_ERROR_RINGIDX);
    SHOW(XENSTORE_ERROR_PROTO);
    printf("XS_WRITE_NONE %s\nXS_WRITE_CREATE %s\nXS_WRITE_CREATE_EXCL %s\n", XS_WRITE_NONE,
           XS_WRITE_CREATE, XS_WRITE_CREATE_EXCL);
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        printf("xsd_errors[%zu] %d %s\n", i, xsd_errors[i].errnum, xsd_errors[i].errstring);
    return 0;
}
