#include "vbd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend_process.h"
#include "domain_config.h"
#include "public/io/xenbus.h"
#include "xenstore.h"

/* xvda..xvdz, xvdaa..: bijective base 26, as libxl numbers them. */
static bool disk_index(const char *letters, uint32_t *index)
{
    uint32_t v = 0;

    if (!*letters || strlen(letters) > 3)
        return false;
    for (const char *p = letters; *p; p++) {
        if (*p < 'a' || *p > 'z')
            return false;
        v = v * 26 + (uint32_t)(*p - 'a') + 1;
    }
    *index = v - 1;
    return true;
}

bool vbd_devid(const char *vdev, uint32_t *devid)
{
    uint32_t i;

    if (strncmp(vdev, "xvd", 3) == 0 && disk_index(vdev + 3, &i)) {
        *devid = i < 16 ? (202u << 8) | (i << 4) : (1u << 28) | (i << 8);
        return true;
    }
    if (strncmp(vdev, "sd", 2) == 0 && disk_index(vdev + 2, &i)) {
        *devid = i < 16 ? (8u << 8) | (i << 4) : (1u << 28) | (i << 8);
        return true;
    }
    if (strncmp(vdev, "hd", 2) == 0 && disk_index(vdev + 2, &i) && i < 4) {
        *devid = ((i < 2 ? 3u : 22u) << 8) | ((i & 1) << 6);
        return true;
    }
    return false;
}

static void backend_path(char *buf, size_t len, uint32_t domid, uint32_t devid)
{
    snprintf(buf, len, "/local/domain/0/backend/vbd/%u/%u", domid, devid);
}

static void frontend_path(char *buf, size_t len, uint32_t domid, uint32_t devid)
{
    snprintf(buf, len, "/local/domain/%u/device/vbd/%u", domid, devid);
}

static bool put(struct xs_handle *xs, xs_transaction_t t, const char *dir, const char *key,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static bool put(struct xs_handle *xs, xs_transaction_t t, const char *dir, const char *key,
                const char *fmt, ...)
{
    char path[256], value[512];
    va_list ap;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    return xs_write(xs, t, path, value, (unsigned int)strlen(value));
}

static bool make_dir(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                     unsigned int owner, unsigned int reader)
{
    struct xs_permissions perms[2] = { { owner, XS_PERM_NONE }, { reader, XS_PERM_READ } };

    return xs_mkdir(xs, t, dir) && xs_set_permissions(xs, t, dir, perms, 2);
}

static bool write_entries(struct xs_handle *xs, xs_transaction_t t, uint32_t domid,
                          uint32_t devid, const struct disk_config *disk, bool is_device)
{
    char be[128], fe[128];
    bool ok;

    backend_path(be, sizeof(be), domid, devid);
    frontend_path(fe, sizeof(fe), domid, devid);
    ok = make_dir(xs, t, be, 0, domid);
    ok = ok && put(xs, t, be, "frontend", "%s", fe);
    ok = ok && put(xs, t, be, "frontend-id", "%u", domid);
    ok = ok && put(xs, t, be, "params", "%s", disk->target);
    ok = ok && put(xs, t, be, "type", "%s", is_device ? "phy" : "file");
    ok = ok && put(xs, t, be, "mode", "%s", disk->readonly ? "r" : "w");
    ok = ok && put(xs, t, be, "dev", "%s", disk->vdev);
    ok = ok && put(xs, t, be, "device-type", "disk");
    ok = ok && put(xs, t, be, "removable", "0");
    ok = ok && put(xs, t, be, "bootable", "1");
    ok = ok && put(xs, t, be, "online", "1");
    ok = ok && put(xs, t, be, "state", "%d", XenbusStateInitialising);
    ok = ok && make_dir(xs, t, fe, domid, 0);
    ok = ok && put(xs, t, fe, "backend", "%s", be);
    ok = ok && put(xs, t, fe, "backend-id", "0");
    ok = ok && put(xs, t, fe, "virtual-device", "%u", devid);
    ok = ok && put(xs, t, fe, "device-type", "disk");
    ok = ok && put(xs, t, fe, "state", "%d", XenbusStateInitialising);
    return ok;
}

static bool exists(struct xs_handle *xs, const char *path)
{
    unsigned int len;
    char *value = xs_read(xs, XBT_NULL, path, &len);

    free(value);
    return value != NULL;
}

static void remove_device(struct xs_handle *xs, uint32_t domid, uint32_t devid)
{
    char path[128];

    frontend_path(path, sizeof(path), domid, devid);
    xs_rm(xs, XBT_NULL, path);
    backend_path(path, sizeof(path), domid, devid);
    xs_rm(xs, XBT_NULL, path);
}

static int publish(struct xs_handle *xs, uint32_t domid, uint32_t devid,
                   const struct disk_config *disk, bool is_device, char *why, size_t why_len)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        xs_transaction_t t = xs_transaction_start(xs);
        bool ok;

        if (!t)
            break;
        ok = write_entries(xs, t, domid, devid, disk, is_device);
        if (xs_transaction_end(xs, t, !ok) && ok)
            return 0;
        if (ok && errno == EAGAIN)
            continue;
        break;
    }
    snprintf(why, why_len, "disk %s: writing its store entries failed: %s", disk->vdev,
             strerror(errno));
    return -EIO;
}

int vbd_attach(struct xs_handle *xs, uint32_t domid, const struct disk_config *disk,
               char *why, size_t why_len)
{
    char path[128];
    struct stat st;
    uint32_t devid;
    int rc;

    if (!vbd_devid(disk->vdev, &devid)) {
        snprintf(why, why_len, "disk %s: not a disk name (xvda, sdb, hda...)", disk->vdev);
        return -EINVAL;
    }
    if (disk->format != DISK_FORMAT_RAW) {
        snprintf(why, why_len, "disk %s: only raw images are served", disk->vdev);
        return -EINVAL;
    }
    if (stat(disk->target, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
        snprintf(why, why_len, "disk %s: target %s: %s", disk->vdev, disk->target,
                 errno ? strerror(errno) : "neither a file nor a block device");
        return -ENOENT;
    }
    frontend_path(path, sizeof(path), domid, devid);
    if (exists(xs, path)) {
        snprintf(why, why_len, "disk %s: domain %u already has a device %u", disk->vdev, domid,
                 devid);
        return -EEXIST;
    }
    if ((rc = publish(xs, domid, devid, disk, S_ISBLK(st.st_mode), why, why_len)) < 0)
        return rc;
    backend_path(path, sizeof(path), domid, devid);
    if (backend_process_start(getenv("LINTEL_BLKBACK") ?: VBD_BLKBACK_PATH, "lintel-blkback",
                              domid, devid, why, why_len) < 0 ||
        backend_process_wait_ready(xs, path, "lintel-blkback", domid, devid,
                                   VBD_READY_TIMEOUT_MS, why, why_len) < 0) {
        remove_device(xs, domid, devid);
        return -EIO;
    }
    return 0;
}

static int read_state(struct xs_handle *xs, const char *dir)
{
    char path[160];
    unsigned int len;
    char *value;
    int state;

    snprintf(path, sizeof(path), "%s/state", dir);
    value = xs_read(xs, XBT_NULL, path, &len);
    if (!value)
        return -1;
    state = atoi(value);
    free(value);
    return state;
}

static void sleep_ms(unsigned int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

int vbd_detach(struct xs_handle *xs, uint32_t domid, uint32_t devid, bool force,
               unsigned int timeout_ms, char *why, size_t why_len)
{
    char be[128];
    unsigned int waited = 0;
    int state;

    backend_path(be, sizeof(be), domid, devid);
    if (!exists(xs, be)) {
        snprintf(why, why_len, "domain %u has no disk %u", domid, devid);
        return -ENOENT;
    }
    if (!force) {
        /* As libxl does: the frontend sees Closing and closes; the backend follows. */
        put(xs, XBT_NULL, be, "online", "0");
        put(xs, XBT_NULL, be, "state", "%d", XenbusStateClosing);
        while ((state = read_state(xs, be)) != XenbusStateClosed && state >= 0 &&
               waited < timeout_ms) {
            sleep_ms(100);
            waited += 100;
        }
    }
    remove_device(xs, domid, devid);
    if (!force && waited >= timeout_ms) {
        snprintf(why, why_len, "disk %u of domain %u: the frontend did not close within %u ms; "
                 "removed anyway", devid, domid, timeout_ms);
        return -ETIMEDOUT;
    }
    return 0;
}

static char *read_key(struct xs_handle *xs, const char *dir, const char *key)
{
    char path[320];
    unsigned int len;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_read(xs, XBT_NULL, path, &len);
}

int vbd_list(struct xs_handle *xs, uint32_t domid, FILE *out)
{
    char dir[128];
    unsigned int n = 0;
    char **ids;

    snprintf(dir, sizeof(dir), "/local/domain/%u/device/vbd", domid);
    ids = xs_directory(xs, XBT_NULL, dir, &n);
    if (!ids && errno != ENOENT)
        return -errno;
    fprintf(out, "%-10s %-6s %-3s %-5s %-6s %-8s %s\n", "Vdev", "Name", "BE", "state",
            "evt-ch", "ring-ref", "BE-path");
    for (unsigned int i = 0; i < n; i++) {
        char fe[192];
        char *be, *dev, *state, *port, *ring;

        snprintf(fe, sizeof(fe), "%s/%s", dir, ids[i]);
        be = read_key(xs, fe, "backend");
        dev = be ? read_key(xs, be, "dev") : NULL;
        state = read_key(xs, fe, "state");
        port = read_key(xs, fe, "event-channel");
        ring = read_key(xs, fe, "ring-ref");
        fprintf(out, "%-10s %-6s %-3s %-5s %-6s %-8s %s\n", ids[i], dev ? dev : "-", "0",
                state ? state : "-", port ? port : "-", ring ? ring : "-", be ? be : "-");
        free(be);
        free(dev);
        free(state);
        free(port);
        free(ring);
    }
    free(ids);
    return 0;
}
