/*
 * The hypervisor command line (Xen's syntax, space separated):
 *   console=com1|none       where the log goes (default com1)
 *   loglvl=<lvl>[/<guest>]  none|error|warning|info|debug|all (default info)
 *   guest_loglvl=<lvl>      the level for guests' console output (as Xen)
 *   com1=<baud>[,8n1]       COM1 speed (default 115200; 8n1 is the only format)
 *   dom0_mem=[min:<sz>,][max:<sz>,][<sz>]   sizes take B/K/M/G/T, default K
 *   dom0_max_vcpus=<n>|<min>-<max>
 *   noreboot                halt instead of rebooting after a crash
 *   hypercall_trace         log every hypercall: number, arguments, result
 *   nodom0                  boot the hypervisor alone, without dom0 (for
 *                           hardware bring-up and the hypervisor's own tests)
 *   nosmp                   use the boot CPU only
 *   maxcpus=<n>             bring up at most n CPUs, the boot CPU included
 * Booleans also take =yes/no/on/off/true/false/1/0 and a "no-" prefix.
 * Unknown options and bad values are reported and otherwise ignored.
 * Pure logic: also compiled into the host unit tests.
 */
#ifndef LINTEL_CMDLINE_H
#define LINTEL_CMDLINE_H

#include <lintel/types.h>

struct lintel_options {
    bool console_serial;
    int loglvl;             /* enum log_level, or -1 for "none" */
    int guest_loglvl;
    unsigned com1_baud;
    uint64_t dom0_mem;      /* bytes; 0 = not given */
    uint64_t dom0_mem_min;
    uint64_t dom0_mem_max;
    unsigned dom0_max_vcpus_min;   /* 0 = not given */
    unsigned dom0_max_vcpus_max;
    bool noreboot;
    bool hypercall_trace;
    bool nodom0;
    bool nosmp;
    unsigned maxcpus;       /* 0 = not given: every CPU the MADT lists */
};

/* Receives one human-readable problem report per bad option. */
typedef void (*cmdline_report_fn)(void *ctx, const char *message);

void cmdline_defaults(struct lintel_options *opts);
/* Returns the number of problems reported. */
unsigned cmdline_parse(const char *cmdline, struct lintel_options *opts,
                       cmdline_report_fn report, void *ctx);

/*
 * Loaders put the image's own path first (QEMU: "build/lintel.elf args",
 * GRUB likewise); returns where the options start. A first word that is
 * itself a known option is kept, so a loader that omits the path works too.
 */
const char *cmdline_skip_image_name(const char *cmdline);

/* For the boot banner's option help: name and one-line description. */
size_t cmdline_option_count(void);
const char *cmdline_option_name(size_t i);
const char *cmdline_option_help(size_t i);

/* Parses "<n>[B|K|M|G|T]" (default unit K, as Xen); false on bad input. */
bool cmdline_parse_size(const char *s, uint64_t *bytes);

#endif
