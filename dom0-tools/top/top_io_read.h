/* Reads dom0's vif and vbd counters into a sample's domains (see top_io.h). */
#ifndef LINTEL_TOP_IO_READ_H
#define LINTEL_TOP_IO_READ_H

#include "top_model.h"

/* Where the counters are; tests and odd hosts may point elsewhere. */
struct top_io_paths {
    const char *net_dev;        /* /proc/net/dev */
    const char *kernel_vbds;    /* /sys/bus/xen-backend/devices */
    const char *lintel_vbds;    /* /run/lintel */
};

extern const struct top_io_paths top_io_default_paths;

/* Zeroes and fills the io of every domain in S; a missing source adds nothing. */
void top_io_read(const struct top_io_paths *paths, struct top_sample *s);

#endif
