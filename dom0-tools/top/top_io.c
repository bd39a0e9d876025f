/* Parsing the network and block counters of dom0 (see top_io.h). */
#include "top_io.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "PREFIX<a>SEP<b>" with both numbers decimal and nothing after. */
static bool parse_pair(const char *text, const char *prefix, char sep, uint32_t *a,
                       uint32_t *b)
{
    size_t plen = strlen(prefix);
    unsigned long x, y;
    char *end;

    if (strncmp(text, prefix, plen) != 0 || text[plen] < '0' || text[plen] > '9')
        return false;
    x = strtoul(text + plen, &end, 10);
    if (*end != sep || end[1] < '0' || end[1] > '9')
        return false;
    y = strtoul(end + 1, &end, 10);
    if (*end || x > UINT32_MAX || y > UINT32_MAX)
        return false;
    *a = (uint32_t)x;
    *b = (uint32_t)y;
    return true;
}

bool top_io_parse_vif_name(const char *ifname, uint32_t *domid, uint32_t *devid)
{
    return parse_pair(ifname, "vif", '.', domid, devid);
}

bool top_io_parse_vbd_name(const char *name, uint32_t *domid, uint32_t *devid)
{
    return parse_pair(name, "vbd-", '-', domid, devid);
}

bool top_io_parse_net_dev_line(const char *line, char *ifname, size_t ifname_len,
                               uint64_t *rx_bytes, uint64_t *tx_bytes)
{
    const char *colon = strchr(line, ':');
    const char *name = line;
    uint64_t f[9];
    size_t len;

    if (!colon)
        return false;
    while (*name == ' ')
        name++;
    len = (size_t)(colon - name);
    if (len == 0 || len >= ifname_len)
        return false;
    /* rx: bytes packets errs drop fifo frame compressed multicast; then tx: bytes ... */
    if (sscanf(colon + 1, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
               " %" SCNu64 " %" SCNu64 " %" SCNu64, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5],
               &f[6], &f[7], &f[8]) != 9)
        return false;
    memcpy(ifname, name, len);
    ifname[len] = '\0';
    *rx_bytes = f[0];
    *tx_bytes = f[8];
    return true;
}

void top_io_add_vif(struct top_io *io, uint64_t dom0_rx_bytes, uint64_t dom0_tx_bytes)
{
    io->nets++;
    io->net_tx_bytes += dom0_rx_bytes;
    io->net_rx_bytes += dom0_tx_bytes;
}

void top_io_add_vbd_counter(struct top_io *io, const char *name, uint64_t value)
{
    if (strcmp(name, "rd_req") == 0)
        io->vbd_rd += value;
    else if (strcmp(name, "wr_req") == 0)
        io->vbd_wr += value;
    else if (strcmp(name, "rd_sect") == 0)
        io->vbd_rsect += value;
    else if (strcmp(name, "wr_sect") == 0)
        io->vbd_wsect += value;
}

void top_io_add_vbd_text(struct top_io *io, const char *text)
{
    while (*text) {
        char name[32];
        uint64_t value;
        const char *eol = strchr(text, '\n');

        if (sscanf(text, "%31s %" SCNu64, name, &value) == 2)
            top_io_add_vbd_counter(io, name, value);
        if (!eol)
            break;
        text = eol + 1;
    }
}
