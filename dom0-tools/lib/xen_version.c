/* xen_version: which hypervisor this is, through the same privcmd path. */
#include "xenctl.h"

#include <errno.h>
#include <string.h>

#include "public/version.h"

int xenctl_version(struct xenctl *ctl, unsigned *major, unsigned *minor)
{
    long v = xenctl_hypercall(ctl, __HYPERVISOR_xen_version, XENVER_version, 0,
                              0, 0, 0);

    if (v < 0)
        return (int)v;
    *major = (unsigned)((unsigned long)v >> 16);
    *minor = (unsigned)(v & 0xffff);
    return 0;
}

/* The string subcommands write into fixed-size arrays of these sizes. */
static size_t version_string_size(int cmd)
{
    switch (cmd) {
    case XENVER_extraversion: return sizeof(xen_extraversion_t);
    case XENVER_capabilities: return sizeof(xen_capabilities_info_t);
    case XENVER_changeset: return sizeof(xen_changeset_info_t);
    case XENVER_commandline: return sizeof(xen_commandline_t);
    default: return 0;
    }
}

int xenctl_version_string(struct xenctl *ctl, int cmd, char *out, size_t out_len)
{
    size_t size = version_string_size(cmd);
    struct hcall_buffer buf;
    long rc;

    if (!size || !out_len)
        return -EINVAL;
    rc = hcall_buffer_alloc(ctl, size, &buf);
    if (rc < 0)
        return (int)rc;
    rc = xenctl_hypercall(ctl, __HYPERVISOR_xen_version, (uint64_t)cmd,
                          (uintptr_t)buf.addr, 0, 0, 0);
    if (rc >= 0) {
        /* The hypervisor does not promise a terminator in a full array. */
        size_t len = strnlen(buf.addr, size);

        if (len >= out_len)
            len = out_len - 1;
        memcpy(out, buf.addr, len);
        out[len] = '\0';
        rc = 0;
    }
    hcall_buffer_free(&buf);
    return (int)rc;
}
