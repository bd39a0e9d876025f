/*
 * lintel-netback DOMID DEVID: serves one vif of domain DOMID. The toolstack
 * writes /local/domain/0/backend/vif/DOMID/DEVID (frontend, mac, bridge...)
 * and starts this process; it runs the xenbus handshake, owns the tap
 * device vifDOMID.DEVID and moves frames until the device goes away.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_log.h"
#include "backend_loop.h"
#include "event_channel.h"
#include "grant_dev.h"
#include "host_link.h"
#include "ring_index.h"
#include "vif_io.h"
#include "xenbus_backend.h"

struct netback {
    struct xenbus_backend be;
    struct backend_loop loop;
    struct host_link link;
    struct grant_dev gnt;
    struct event_channel evt;
    struct grant_mapping tx_map, rx_map;
    bool tap_polled;
    struct vif_io io;
};

static struct netback *driver_of(struct xenbus_backend *be)
{
    return be->driver;
}

static void on_tap(void *arg);

/* After every callback: a misbehaving frontend is cut off; a stalled rx stops reading the tap. */
static void settle(struct netback *nb)
{
    if (nb->be.connected && nb->io.broken) {
        xenbus_backend_fail(&nb->be, nb->io.broken);
        return;
    }
    if (!nb->be.connected)
        return;
    if (nb->io.rx_stalled && nb->tap_polled) {
        backend_loop_remove(&nb->loop, nb->link.tap_fd);
        nb->tap_polled = false;
    } else if (!nb->io.rx_stalled && !nb->tap_polled) {
        nb->tap_polled = backend_loop_add(&nb->loop, nb->link.tap_fd, on_tap, nb) == 0;
    }
}

static void on_event(void *arg)
{
    struct netback *nb = arg;

    /* Acknowledged before the rings are read, so a kick arriving meanwhile is not lost. */
    if (event_channel_ack(&nb->evt) < 0 || !nb->be.connected)
        return;
    vif_io_on_event(&nb->io);
    settle(nb);
}

static void on_tap(void *arg)
{
    struct netback *nb = arg;

    vif_io_on_tap(&nb->io);
    settle(nb);
}

static void on_store(void *arg)
{
    struct netback *nb = arg;

    xenbus_backend_on_store_event(&nb->be);
    settle(nb);
}

static int publish_features(struct xenbus_backend *be, bool gso)
{
    /*
     * What we honour: multi-slot tx packets, rx by copy, checksum offload
     * (IPv4 and IPv6), and TCP segmentation offload when the tap carries
     * vnet headers (the host stack segments). Refused by saying 0: rx flip,
     * multicast control, the control ring; split event channels and
     * multiple queues by leaving their keys out.
     */
    const char *const keys[][2] = {
        { "feature-sg", "1" },
        { "feature-rx-copy", "1" },
        { "feature-rx-flip", "0" },
        { "feature-gso-tcpv4", gso ? "1" : "0" },
        { "feature-gso-tcpv6", gso ? "1" : "0" },
        { "feature-ipv6-csum-offload", "1" },
        { "feature-multicast-control", "0" },
        { "feature-ctrl-ring", "0" },
    };

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        int rc = xenbus_backend_write(be, keys[i][0], "%s", keys[i][1]);

        if (rc < 0)
            return rc;
    }
    return 0;
}

static int vif_setup(struct xenbus_backend *be)
{
    struct netback *nb = driver_of(be);

    if (nb->link.tap_fd < 0) {
        char ifname[IF_NAMESIZE], *bridge = xenbus_backend_read(be, "bridge");
        const char *why = "";
        int rc;

        host_link_name(ifname, sizeof(ifname), be->domid, be->devid);
        rc = host_link_open(&nb->link, ifname, bridge ? bridge : "", &why);
        if (rc < 0) {
            backend_log("%s for %s: %s", why, ifname, strerror(-rc));
            free(bridge);
            return rc;
        }
        backend_log("tap %s%s%s", ifname, bridge ? " on bridge " : "", bridge ? bridge : "");
        free(bridge);
        nb->io.tap_fd = nb->link.tap_fd;
        nb->io.vnet = nb->link.vnet;
        nb->io.tx_gso_types = nb->link.vnet ? TX_GSO_TYPE(XEN_NETIF_GSO_TYPE_TCPV4) |
                                              TX_GSO_TYPE(XEN_NETIF_GSO_TYPE_TCPV6) : 0;
        xenbus_backend_write(be, "vifname", "%s", ifname);
    }
    /* What libxl's hotplug script reports once the host side is ready. */
    xenbus_backend_write(be, "hotplug-status", "connected");
    return publish_features(be, nb->link.vnet);
}

/* A required frontend key: a number in [0, MAX]. */
static int frontend_number(struct xenbus_backend *be, const char *key, unsigned long max,
                           unsigned long *value)
{
    int rc = xenbus_frontend_read_uint(be, key, max, value);

    if (rc < 0)
        backend_log("frontend %s: %s", key, rc == -ENOENT ? "missing" : "not a number in range");
    return rc;
}

static bool frontend_flag(struct xenbus_backend *be, const char *key)
{
    unsigned long v;

    return xenbus_frontend_read_uint(be, key, 1, &v) == 0 && v == 1;
}

static int check_frontend_features(struct xenbus_backend *be)
{
    unsigned long queues;

    if (!frontend_flag(be, "request-rx-copy")) {
        backend_log("the frontend does not set request-rx-copy=1; only rx-copy is served");
        return -EOPNOTSUPP;
    }
    if (!frontend_flag(be, "feature-rx-notify")) {
        backend_log("the frontend does not set feature-rx-notify=1; it is required");
        return -EOPNOTSUPP;
    }
    if (xenbus_frontend_read_uint(be, "multi-queue-num-queues", 64, &queues) == 0 && queues != 1) {
        backend_log("the frontend asks for %lu queues; one is offered", queues);
        return -EOPNOTSUPP;
    }
    return 0;
}

/*
 * Let the host stack hand us what the frontend can take: partial checksums
 * unless it says feature-no-csum-offload, large TCP segments when it
 * offers feature-gso-* and takes multi-page frames.
 */
static void set_rx_offloads(struct netback *nb)
{
    struct xenbus_backend *be = &nb->be;
    bool csum = !frontend_flag(be, "feature-no-csum-offload");
    bool sg = nb->io.frontend_sg;
    bool tso4 = sg && frontend_flag(be, "feature-gso-tcpv4");
    bool tso6 = sg && frontend_flag(be, "feature-gso-tcpv6");
    int rc = host_link_set_offloads(&nb->link, csum, tso4, tso6);

    if (rc < 0 && rc != -EOPNOTSUPP)
        backend_log("setting the tap's offloads: %s", strerror(-rc));
    else
        backend_log("offloads from the host: csum %d tso4 %d tso6 %d", csum, tso4, tso6);
}

static int map_ring(struct netback *nb, const char *key, struct grant_mapping *map)
{
    unsigned long ref;
    grant_ref_t gref;
    int rc = frontend_number(&nb->be, key, UINT32_MAX, &ref);

    if (rc < 0)
        return -EINVAL;
    gref = (grant_ref_t)ref;
    rc = grant_map(&nb->gnt, nb->be.domid, &gref, 1, true, map);
    if (rc < 0)
        backend_log("mapping %s %lu of domain %u: %s", key, ref, nb->be.domid, strerror(-rc));
    return rc;
}

static void unmap_rings(struct netback *nb)
{
    grant_unmap(&nb->gnt, &nb->tx_map);
    grant_unmap(&nb->gnt, &nb->rx_map);
}

static int vif_connect(struct xenbus_backend *be)
{
    struct netback *nb = driver_of(be);
    unsigned long port;
    int rc;

    if ((rc = check_frontend_features(be)) < 0)
        return rc;
    if (frontend_number(be, "event-channel", UINT32_MAX, &port) < 0)
        return -EINVAL;
    if ((rc = map_ring(nb, "tx-ring-ref", &nb->tx_map)) < 0)
        return rc;
    if ((rc = map_ring(nb, "rx-ring-ref", &nb->rx_map)) < 0)
        goto unmap;
    rc = event_channel_bind(&nb->evt, be->domid, (uint32_t)port);
    if (rc < 0) {
        backend_log("binding event channel %lu of domain %u: %s", port, be->domid, strerror(-rc));
        goto unmap;
    }
    nb->io.frontend_sg = frontend_flag(be, "feature-sg");
    set_rx_offloads(nb);
    vif_io_attach(&nb->io, nb->tx_map.addr, nb->rx_map.addr);
    if ((rc = backend_loop_add(&nb->loop, nb->evt.fd, on_event, nb)) < 0)
        goto unbind;
    nb->tap_polled = backend_loop_add(&nb->loop, nb->link.tap_fd, on_tap, nb) == 0;
    /* The frontend may have queued packets before we were listening. */
    vif_io_on_event(&nb->io);
    return 0;
unbind:
    event_channel_unbind(&nb->evt);
unmap:
    unmap_rings(nb);
    return rc;
}

static void vif_disconnect(struct xenbus_backend *be)
{
    struct netback *nb = driver_of(be);
    const struct vif_stats *s = &nb->io.stats;

    backend_loop_remove(&nb->loop, nb->evt.fd);
    backend_loop_remove(&nb->loop, nb->link.tap_fd);
    nb->tap_polled = false;
    event_channel_unbind(&nb->evt);
    unmap_rings(nb);
    backend_log("disconnected: tx %llu packets %llu bytes %llu errors %llu dropped; "
                "rx %llu packets %llu bytes %llu errors %llu dropped",
                (unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
                (unsigned long long)s->tx_errors, (unsigned long long)s->tx_dropped,
                (unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes,
                (unsigned long long)s->rx_errors, (unsigned long long)s->rx_dropped);
}

static const struct xenbus_backend_ops netback_ops = {
    .setup = vif_setup,
    .connect = vif_connect,
    .disconnect = vif_disconnect,
    /* Linux's netfront publishes its rings and goes straight to Connected. */
    .connect_on_initialised = false,
};

static int parse_id(const char *text, const char *what, unsigned long max, uint32_t *out)
{
    unsigned long v;

    if (!store_value_to_uint(text, max, &v)) {
        fprintf(stderr, "lintel-netback: invalid %s \"%s\": expected a number in [0, %lu]\n",
                what, text, max);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    static struct netback nb;
    uint32_t domid, devid;
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: lintel-netback DOMID DEVID\n");
        return 2;
    }
    if (parse_id(argv[1], "domain id", 0x7fef, &domid) < 0 ||
        parse_id(argv[2], "device id", 0xffff, &devid) < 0)
        return 2;
    backend_log_init("lintel-netback", domid, devid);
    backend_loop_catch_signals();
    backend_loop_init(&nb.loop);
    nb.link.tap_fd = -1;
    nb.io.domid = (uint16_t)domid;
    nb.io.gnt = &nb.gnt;
    nb.io.evt = &nb.evt;
    if (vif_io_init(&nb.io) < 0) {
        backend_log("out of memory for frame buffers");
        return 1;
    }
    if ((rc = grant_dev_open(&nb.gnt)) < 0 || (rc = event_channel_open(&nb.evt)) < 0) {
        backend_log("opening /dev/xen/gntdev and /dev/xen/evtchn: %s", strerror(-rc));
        return 1;
    }
    if (xenbus_backend_open(&nb.be, "vif", domid, devid, &netback_ops, &nb) < 0)
        return 1;
    backend_loop_add(&nb.loop, xenbus_backend_fd(&nb.be), on_store, &nb);
    rc = backend_loop_run(&nb.loop, &nb.be.finished);
    xenbus_backend_close(&nb.be);
    host_link_close(&nb.link);
    event_channel_close(&nb.evt);
    grant_dev_close(&nb.gnt);
    vif_io_free(&nb.io);
    return rc < 0 ? 1 : 0;
}
