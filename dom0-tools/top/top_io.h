/*
 * A domain's network and block counters as a monitor shows them. They live
 * in dom0, not in the hypervisor: a vif's in dom0's interface statistics
 * (vifDOMID.DEVID, the name both Xen's netback and lintel-netback give
 * their interface), a vbd's in the backend's statistics: sysfs for Linux's
 * blkback (/sys/bus/xen-backend/devices/vbd-DOMID-DEVID/statistics/), a
 * file for lintel-blkback (/run/lintel/vbd-DOMID-DEVID/statistics). The
 * parsers are pure, for the host tests; top_io_collect reads the files.
 */
#ifndef LINTEL_TOP_IO_H
#define LINTEL_TOP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct top_io {
    uint32_t nets, vbds;
    /* From the domain's side, as xentop shows them: TX is what the domain sent. */
    uint64_t net_tx_bytes, net_rx_bytes;
    uint64_t vbd_rd, vbd_wr;        /* requests */
    uint64_t vbd_rsect, vbd_wsect;  /* 512-byte sectors */
};

/* "vif3.0" -> 3, 0; false for anything else (vif3.0-emu, eth0). */
bool top_io_parse_vif_name(const char *ifname, uint32_t *domid, uint32_t *devid);
/* "vbd-3-51712" -> 3, 51712; false for anything else. */
bool top_io_parse_vbd_name(const char *name, uint32_t *domid, uint32_t *devid);

/*
 * One interface line of /proc/net/dev ("  vif3.0: rxbytes rxpkts ... txbytes ...").
 * Writes the interface name and its received and transmitted bytes as dom0
 * counts them; false for the two header lines or a malformed line.
 */
bool top_io_parse_net_dev_line(const char *line, char *ifname, size_t ifname_len,
                               uint64_t *rx_bytes, uint64_t *tx_bytes);

/* Adds one vif's counters, seen from dom0, to its domain's (which swaps TX and RX). */
void top_io_add_vif(struct top_io *io, uint64_t dom0_rx_bytes, uint64_t dom0_tx_bytes);

/*
 * Adds a vbd's counters to IO (the caller counts the vbd itself): a "name value"
 * line file (lintel-blkback's), or one sysfs file at a time (Linux's blkback).
 * Unknown names are ignored.
 */
void top_io_add_vbd_text(struct top_io *io, const char *text);
void top_io_add_vbd_counter(struct top_io *io, const char *name, uint64_t value);

#endif
