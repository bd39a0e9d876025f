/* Store entries and backend processes of vifs; see vif_device.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_process.h"
#include "domain_config.h"
#include "vif_device.h"
#include "xenstore.h"

#define VIF_READY_TIMEOUT_MS 10000
#define VIF_CLOSE_TIMEOUT_MS 10000

struct vif_paths {
    char backend[96];
    char frontend[96];
};

static void vif_paths(struct vif_paths *p, uint32_t domid, uint32_t devid)
{
    snprintf(p->backend, sizeof(p->backend), "/local/domain/0/backend/vif/%u/%u", domid, devid);
    snprintf(p->frontend, sizeof(p->frontend), "/local/domain/%u/device/vif/%u", domid, devid);
}

static bool write_in(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                     const char *key, const char *value)
{
    char path[192];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_write(xs, t, path, value, (unsigned)strlen(value));
}

/* A directory owned by OWNER that READER may read (libxl's split of rights). */
static bool make_dir(struct xs_handle *xs, xs_transaction_t t, const char *path,
                     unsigned owner, unsigned reader)
{
    struct xs_permissions perms[2] = { { owner, XS_PERM_NONE }, { reader, XS_PERM_READ } };

    return xs_mkdir(xs, t, path) && xs_set_permissions(xs, t, path, perms, 2);
}

static void mac_text(char *out, size_t len, const struct vif_config *vif)
{
    uint8_t mac[6] = { 0x00, 0x16, 0x3e };

    if (vif->has_mac) {
        memcpy(mac, vif->mac, 6);
    } else {
        /* Xen's OUI with random low bytes, as xl does for a vif without mac=. */
        FILE *r = fopen("/dev/urandom", "rb");
        unsigned fallback = (unsigned)getpid() * 2654435761u;

        if (!r || fread(mac + 3, 1, 3, r) != 3)
            memcpy(mac + 3, &fallback, 3);
        if (r)
            fclose(r);
        mac[3] &= 0x7f;
    }
    snprintf(out, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
             mac[4], mac[5]);
}

static bool write_entries(struct xs_handle *xs, xs_transaction_t t, const struct vif_paths *p,
                          uint32_t domid, uint32_t devid, const char *mac, const char *bridge)
{
    char num[16], dom[16];
    bool ok;

    snprintf(num, sizeof(num), "%u", devid);
    snprintf(dom, sizeof(dom), "%u", domid);
    ok = make_dir(xs, t, p->backend, 0, domid);
    ok = ok && write_in(xs, t, p->backend, "frontend", p->frontend);
    ok = ok && write_in(xs, t, p->backend, "frontend-id", dom);
    ok = ok && write_in(xs, t, p->backend, "online", "1");
    ok = ok && write_in(xs, t, p->backend, "state", "1");
    ok = ok && write_in(xs, t, p->backend, "handle", num);
    ok = ok && write_in(xs, t, p->backend, "mac", mac);
    ok = ok && write_in(xs, t, p->backend, "bridge", bridge);
    ok = ok && write_in(xs, t, p->backend, "type", "vif");
    ok = ok && make_dir(xs, t, p->frontend, domid, 0);
    ok = ok && write_in(xs, t, p->frontend, "backend", p->backend);
    ok = ok && write_in(xs, t, p->frontend, "backend-id", "0");
    ok = ok && write_in(xs, t, p->frontend, "handle", num);
    ok = ok && write_in(xs, t, p->frontend, "mac", mac);
    ok = ok && write_in(xs, t, p->frontend, "state", "1");
    return ok;
}

/* The entries appear all at once, so neither half ever sees a partial device. */
static int publish(struct xs_handle *xs, const struct vif_paths *p, uint32_t domid,
                   uint32_t devid, const char *mac, const char *bridge)
{
    for (int attempt = 0; attempt < 10; attempt++) {
        xs_transaction_t t = xs_transaction_start(xs);
        bool ok;

        if (!t)
            return -1;
        ok = write_entries(xs, t, p, domid, devid, mac, bridge);
        if (!ok) {
            int saved = errno;

            xs_transaction_end(xs, t, true);
            errno = saved;
            return -1;
        }
        if (xs_transaction_end(xs, t, false))
            return 0;
        if (errno != EAGAIN)
            return -1;
    }
    return -1;
}

static void remove_entries(struct xs_handle *xs, const struct vif_paths *p)
{
    char parent[96], *slash;
    unsigned n = 1;
    char **left;

    xs_rm(xs, XBT_NULL, p->frontend);
    xs_rm(xs, XBT_NULL, p->backend);
    /* The domain's vif directory goes with its last device, as libxl leaves it. */
    snprintf(parent, sizeof(parent), "%s", p->backend);
    if ((slash = strrchr(parent, '/')) != NULL)
        *slash = '\0';
    /* In a transaction, so a vif attached meanwhile is never swept away with it. */
    for (int attempt = 0; attempt < 5; attempt++) {
        xs_transaction_t t = xs_transaction_start(xs);

        if (!t)
            return;
        left = xs_directory(xs, t, parent, &n);
        if (left && n == 0)
            xs_rm(xs, t, parent);
        free(left);
        if (xs_transaction_end(xs, t, false) || errno != EAGAIN)
            return;
    }
}

static const char *netback_program(void)
{
    const char *override = getenv("LINTEL_NETBACK");

    return override && *override ? override : VIF_NETBACK_PATH;
}

int vif_attach(struct xs_handle *xs, uint32_t domid, uint32_t devid,
               const struct vif_config *vif, char *why, size_t why_len)
{
    struct vif_paths p;
    char mac[18], *existing;
    unsigned len;

    vif_paths(&p, domid, devid);
    existing = xs_read(xs, XBT_NULL, p.backend, &len);
    if (existing) {
        free(existing);
        snprintf(why, why_len, "vif %u of domain %u already exists", devid, domid);
        return -1;
    }
    mac_text(mac, sizeof(mac), vif);
    if (publish(xs, &p, domid, devid, mac, vif->bridge ? vif->bridge : VIF_DEFAULT_BRIDGE) < 0) {
        snprintf(why, why_len, "writing vif %u's store entries: %s", devid, strerror(errno));
        return -1;
    }
    if (backend_process_start(netback_program(), "netback", domid, devid, why, why_len) < 0 ||
        backend_process_wait_ready(xs, p.backend, "netback", domid, devid,
                                   VIF_READY_TIMEOUT_MS, why, why_len) < 0) {
        remove_entries(xs, &p);
        return -1;
    }
    return 0;
}

int vif_detach(struct xs_handle *xs, uint32_t domid, uint32_t devid, char *why,
               size_t why_len)
{
    struct vif_paths p;
    char path[192], *state;
    unsigned len;
    int rc = 0;

    vif_paths(&p, domid, devid);
    snprintf(path, sizeof(path), "%s/state", p.backend);
    state = xs_read(xs, XBT_NULL, path, &len);
    if (!state) {
        snprintf(why, why_len, "domain %u has no vif %u", domid, devid);
        return -1;
    }
    free(state);
    /* libxl's way: offline, then the backend's state says Closing to the frontend. */
    write_in(xs, XBT_NULL, p.backend, "online", "0");
    write_in(xs, XBT_NULL, p.backend, "state", "5");
    if (backend_process_wait_key(xs, path, "6", VIF_CLOSE_TIMEOUT_MS) < 0) {
        snprintf(why, why_len, "vif %u of domain %u did not close within %u ms; removed anyway",
                 devid, domid, VIF_CLOSE_TIMEOUT_MS);
        rc = -1;
    }
    remove_entries(xs, &p);
    return rc;
}

static char **vif_ids(struct xs_handle *xs, uint32_t domid, unsigned *n)
{
    char path[96];

    snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", domid);
    return xs_directory(xs, XBT_NULL, path, n);
}

int vif_next_devid(struct xs_handle *xs, uint32_t domid)
{
    unsigned n = 0;
    char **ids = vif_ids(xs, domid, &n);
    int next = 0;

    if (!ids && errno != ENOENT)
        return -1;
    for (bool taken = true; taken; ) {
        taken = false;
        for (unsigned i = 0; i < n; i++)
            if (atoi(ids[i]) == next)
                taken = true;
        if (taken)
            next++;
    }
    free(ids);
    return next;
}

static char *backend_key(struct xs_handle *xs, uint32_t domid, const char *devid,
                         const char *key)
{
    char path[192];
    unsigned len;

    snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u/%s/%s", domid, devid, key);
    return xs_read(xs, XBT_NULL, path, &len);
}

int vif_devid_by_mac(struct xs_handle *xs, uint32_t domid, const char *text)
{
    unsigned n = 0;
    char **ids = vif_ids(xs, domid, &n);
    int found = -1;

    for (unsigned i = 0; ids && i < n && found < 0; i++) {
        char *mac = backend_key(xs, domid, ids[i], "mac");

        if (mac && strcasecmp(mac, text) == 0)
            found = atoi(ids[i]);
        free(mac);
    }
    free(ids);
    return found;
}

int vif_list(FILE *out, struct xs_handle *xs, uint32_t domid, bool header)
{
    unsigned n = 0;
    char **ids = vif_ids(xs, domid, &n);

    if (!ids && errno != ENOENT)
        return -1;
    if (header)
        fprintf(out, "%-5s %-3s %-17s %-8s %-6s %s\n", "Idx", "BE", "Mac Addr.", "bridge",
                "state", "vifname");
    for (unsigned i = 0; ids && i < n; i++) {
        char *mac = backend_key(xs, domid, ids[i], "mac");
        char *bridge = backend_key(xs, domid, ids[i], "bridge");
        char *state = backend_key(xs, domid, ids[i], "state");
        char *ifname = backend_key(xs, domid, ids[i], "vifname");

        fprintf(out, "%-5s %-3s %-17s %-8s %-6s %s\n", ids[i], "0", mac ? mac : "-",
                bridge ? bridge : "-", state ? state : "-", ifname ? ifname : "-");
        free(mac);
        free(bridge);
        free(state);
        free(ifname);
    }
    free(ids);
    return (int)n;
}
