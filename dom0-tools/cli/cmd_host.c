/* Host-wide commands: info and dmesg. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "commands.h"
#include "domain_lookup.h"
#include "public/version.h"

static const char *scheduler_name(uint32_t id)
{
    switch (id) {
    case XEN_SCHEDULER_CREDIT: return "credit";
    case XEN_SCHEDULER_CREDIT2: return "credit2";
    case XEN_SCHEDULER_ARINC653: return "arinc653";
    case XEN_SCHEDULER_RTDS: return "rtds";
    case XEN_SCHEDULER_NULL: return "null";
    default: return "unknown";
    }
}

static void print_field(const char *key, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void print_field(const char *key, const char *fmt, ...)
{
    va_list ap;

    printf("%-22s : ", key);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void print_capabilities(uint32_t caps)
{
    printf("%-22s : %s%s%s%s\n", "virt_caps",
           caps & XEN_SYSCTL_PHYSCAP_pv ? "pv " : "",
           caps & XEN_SYSCTL_PHYSCAP_hvm ? "hvm " : "",
           caps & XEN_SYSCTL_PHYSCAP_hap ? "hap " : "",
           caps & XEN_SYSCTL_PHYSCAP_shadow ? "shadow" : "");
}

static void print_host(const struct xen_sysctl_physinfo *p)
{
    struct utsname u;

    if (uname(&u) == 0) {
        print_field("host", "%s", u.nodename);
        print_field("release", "%s", u.release);
        print_field("machine", "%s", u.machine);
    }
    print_field("nr_cpus", "%u", p->nr_cpus);
    print_field("max_cpu_id", "%u", p->max_cpu_id);
    print_field("nr_nodes", "%u", p->nr_nodes);
    print_field("cores_per_socket", "%u", p->cores_per_socket);
    print_field("threads_per_core", "%u", p->threads_per_core);
    print_field("cpu_mhz", "%u.%03u", p->cpu_khz / 1000, p->cpu_khz % 1000);
    print_capabilities(p->capabilities);
    print_field("total_memory", "%llu", (unsigned long long)(p->total_pages >> 8));
    print_field("free_memory", "%llu", (unsigned long long)(p->free_pages >> 8));
    /* MiB hide a leak of a few pages; leak checks compare this. */
    print_field("free_memory_kib", "%llu", (unsigned long long)p->free_pages * 4);
}

static int print_hypervisor(const struct command *cmd, struct xenctl *ctl)
{
    char extra[64], caps[1024], cmdline[1024];
    unsigned major, minor;
    uint32_t sched;
    int rc;

    if ((rc = xenctl_version(ctl, &major, &minor)) < 0)
        return hypervisor_fail(cmd, "XENVER_version", rc);
    if ((rc = xenctl_version_string(ctl, XENVER_extraversion, extra, sizeof(extra))) < 0)
        return hypervisor_fail(cmd, "XENVER_extraversion", rc);
    if ((rc = xenctl_version_string(ctl, XENVER_capabilities, caps, sizeof(caps))) < 0)
        return hypervisor_fail(cmd, "XENVER_capabilities", rc);
    if ((rc = xenctl_version_string(ctl, XENVER_commandline, cmdline, sizeof(cmdline))) < 0)
        return hypervisor_fail(cmd, "XENVER_commandline", rc);
    if ((rc = xenctl_sched_id(ctl, &sched)) < 0)
        return hypervisor_fail(cmd, "XEN_SYSCTL_sched_id", rc);
    print_field("xen_major", "%u", major);
    print_field("xen_minor", "%u", minor);
    print_field("xen_extra", "%s", extra);
    print_field("xen_version", "%u.%u%s", major, minor, extra);
    print_field("xen_caps", "%s", caps);
    print_field("xen_scheduler", "%s", scheduler_name(sched));
    print_field("xen_commandline", "%s", cmdline);
    return EXIT_OK;
}

int cmd_info(const struct command *cmd, int argc, char **argv)
{
    struct xen_sysctl_physinfo physinfo;
    struct xenctl ctl;
    int rc;

    optind = 0;
    if (command_getopt(cmd, argc, argv, "", NULL) != -1)
        return EXIT_USAGE;
    if (argc > optind)
        return command_usage_error(cmd, "too many arguments");
    rc = hypervisor_open(cmd, &ctl);
    if (rc != EXIT_OK)
        return rc;
    rc = xenctl_physinfo(&ctl, &physinfo);
    if (rc < 0) {
        xenctl_close(&ctl);
        return hypervisor_fail(cmd, "XEN_SYSCTL_physinfo", rc);
    }
    print_host(&physinfo);
    rc = print_hypervisor(cmd, &ctl);
    xenctl_close(&ctl);
    return rc;
}

static void write_console_text(void *ctx, const char *text, size_t len)
{
    fwrite(text, 1, len, ctx);
}

int cmd_dmesg(const struct command *cmd, int argc, char **argv)
{
    struct xenctl ctl;
    bool clear = false;
    int opt, rc;

    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, "c", NULL)) != -1) {
        if (opt != 'c')
            return EXIT_USAGE;
        clear = true;
    }
    if (argc > optind)
        return command_usage_error(cmd, "too many arguments");
    rc = hypervisor_open(cmd, &ctl);
    if (rc != EXIT_OK)
        return rc;
    rc = xenctl_read_console(&ctl, clear, write_console_text, stdout);
    xenctl_close(&ctl);
    return rc < 0 ? hypervisor_fail(cmd, "XEN_SYSCTL_readconsole", rc) : EXIT_OK;
}
