#include "domain_format.h"

#include <inttypes.h>

#include "public/sched.h"

#define PAGE_KIB 4

static bool has_flag(const struct xen_domctl_getdomaininfo *info, uint32_t flag)
{
    return (info->flags & flag) != 0;
}

static unsigned shutdown_code(const struct xen_domctl_getdomaininfo *info)
{
    return (info->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
}

const char *domain_shutdown_reason(const struct xen_domctl_getdomaininfo *info)
{
    static const char *const names[] = {
        [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
        [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
        [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
    };
    unsigned code = shutdown_code(info);

    if (!has_flag(info, XEN_DOMINF_shutdown))
        return NULL;
    return code <= SHUTDOWN_MAX ? names[code] : "unknown";
}

void domain_state_letters(const struct xen_domctl_getdomaininfo *info, char out[7])
{
    bool shut = has_flag(info, XEN_DOMINF_shutdown);
    bool crashed = shut && shutdown_code(info) == SHUTDOWN_crash;

    out[0] = has_flag(info, XEN_DOMINF_running) ? 'r' : '-';
    out[1] = has_flag(info, XEN_DOMINF_blocked) ? 'b' : '-';
    out[2] = has_flag(info, XEN_DOMINF_paused) ? 'p' : '-';
    out[3] = shut && !crashed ? 's' : '-';
    out[4] = crashed ? 'c' : '-';
    out[5] = has_flag(info, XEN_DOMINF_dying) ? 'd' : '-';
    out[6] = '\0';
}

static uint64_t pages_to_mib(uint64_t pages)
{
    return pages * PAGE_KIB / 1024;
}

static void format_uuid(const uint8_t u[16], char out[37])
{
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
             u[11], u[12], u[13], u[14], u[15]);
}

static unsigned max_vcpus(const struct xen_domctl_getdomaininfo *info)
{
    return info->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID ? 0 : info->max_vcpu_id + 1;
}

void domain_print_table(FILE *out, const struct domain_row *rows, size_t n, bool wide)
{
    fprintf(out, "%-32s %5s %7s %5s %-6s %10s", "Name", "ID", "Mem", "VCPUs",
            "State", "Time(s)");
    if (wide)
        fprintf(out, " %9s %8s  %-36s", "MaxMem", "MaxVCPUs", "UUID");
    fputc('\n', out);
    for (size_t i = 0; i < n; i++) {
        const struct xen_domctl_getdomaininfo *d = &rows[i].info;
        char state[7], uuid[37];

        domain_state_letters(d, state);
        fprintf(out, "%-32s %5u %7" PRIu64 " %5u %-6s %10.1f",
                rows[i].name ? rows[i].name : "-", d->domain,
                pages_to_mib(d->tot_pages), d->nr_online_vcpus, state,
                (double)d->cpu_time / 1e9);
        if (wide) {
            format_uuid(d->handle, uuid);
            fprintf(out, " %9" PRIu64 " %8u  %-36s", pages_to_mib(d->max_pages),
                    max_vcpus(d), uuid);
        }
        fputc('\n', out);
    }
}

void json_print_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void print_json_flag(FILE *out, const char *name, bool value)
{
    fprintf(out, ", \"%s\": %s", name, value ? "true" : "false");
}

static void print_json_domain(FILE *out, const struct domain_row *row)
{
    const struct xen_domctl_getdomaininfo *d = &row->info;
    const char *reason = domain_shutdown_reason(d);
    char state[7], uuid[37];

    domain_state_letters(d, state);
    format_uuid(d->handle, uuid);
    fprintf(out, "  {\"domid\": %u, \"name\": ", d->domain);
    if (row->name)
        json_print_string(out, row->name);
    else
        fputs("null", out);
    fprintf(out, ", \"uuid\": \"%s\", \"state\": \"%s\"", uuid, state);
    print_json_flag(out, "running", state[0] == 'r');
    print_json_flag(out, "blocked", state[1] == 'b');
    print_json_flag(out, "paused", state[2] == 'p');
    print_json_flag(out, "shutdown", reason != NULL);
    print_json_flag(out, "dying", state[5] == 'd');
    fputs(", \"shutdown_reason\": ", out);
    if (reason)
        json_print_string(out, reason);
    else
        fputs("null", out);
    fprintf(out, ", \"memory_kib\": %" PRIu64 ", \"max_memory_kib\": %" PRIu64
            ", \"vcpus_online\": %u, \"max_vcpus\": %u, \"cpu_time_ns\": %" PRIu64
            ", \"shared_info_frame\": %" PRIu64 "}",
            (uint64_t)d->tot_pages * PAGE_KIB, (uint64_t)d->max_pages * PAGE_KIB,
            d->nr_online_vcpus, max_vcpus(d), (uint64_t)d->cpu_time,
            (uint64_t)d->shared_info_frame);
}

void domain_print_json(FILE *out, const struct domain_row *rows, size_t n)
{
    fputs("[\n", out);
    for (size_t i = 0; i < n; i++) {
        print_json_domain(out, &rows[i]);
        fputs(i + 1 < n ? ",\n" : "\n", out);
    }
    fputs("]\n", out);
}
