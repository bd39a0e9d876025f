/*
 * Rules a domain config must satisfy whatever format it came in. Each rule
 * reports at the origin of the value it checks, so the message points at
 * the line (or XML element) to fix.
 */
#include "domain_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* start_info.cmd_line is 1024 bytes including the terminating NUL. */
#define GUEST_CMDLINE_MAX 1023

struct validation {
    const struct domain_config *cfg;
    struct config_error *err;
};

static int fail(struct validation *v, enum config_field field,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct validation *v, enum config_field field,
                const char *fmt, ...)
{
    char reason[CONFIG_ERROR_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    config_error_at(v->err, v->cfg->source_file,
                    v->cfg->field_set[field] ? &v->cfg->origin[field] : NULL,
                    "%s", reason);
    return -1;
}

int config_check_name(const char *name, char *why, size_t why_len)
{
    bool all_digits = true;

    if (!*name || strlen(name) > DOMAIN_NAME_MAX) {
        snprintf(why, why_len, "\"%s\" must be 1 to %d characters", name,
                 DOMAIN_NAME_MAX);
        return -1;
    }
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("_-.", *p)) {
            snprintf(why, why_len, "invalid name \"%s\": only letters, digits, "
                     "'_', '-' and '.' are allowed", name);
            return -1;
        }
        all_digits = all_digits && isdigit((unsigned char)*p);
    }
    if (name[0] == '-' || name[0] == '.') {
        snprintf(why, why_len, "\"%s\" must not start with '%c'", name, name[0]);
        return -1;
    }
    /* Commands take a name or a domid, so a numeric name would be ambiguous. */
    if (all_digits) {
        snprintf(why, why_len, "\"%s\" is all digits, which reads as a domain id",
                 name);
        return -1;
    }
    if (strcmp(name, "Domain-0") == 0) {
        snprintf(why, why_len, "\"Domain-0\" is reserved for dom0");
        return -1;
    }
    return 0;
}

static int check_name(struct validation *v)
{
    char why[CONFIG_ERROR_MAX / 2];

    if (!v->cfg->field_set[FIELD_NAME] || !v->cfg->name)
        return fail(v, FIELD_NAME, "name: missing (required)");
    if (config_check_name(v->cfg->name, why, sizeof(why)) < 0)
        return fail(v, FIELD_NAME, "name: %s", why);
    return 0;
}

static int check_readable_file(struct validation *v, enum config_field field,
                               const char *key, const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0 || access(path, R_OK) < 0)
        return fail(v, field, "%s: cannot read \"%s\": %s", key, path,
                    strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(v, field, "%s: \"%s\" is not a regular file", key, path);
    return 0;
}

static int check_files(struct validation *v)
{
    const struct domain_config *cfg = v->cfg;

    if (!cfg->kernel)
        return fail(v, FIELD_KERNEL, "kernel: missing (required)");
    if (check_readable_file(v, FIELD_KERNEL, "kernel", cfg->kernel) < 0)
        return -1;
    if (cfg->ramdisk &&
        check_readable_file(v, FIELD_RAMDISK, "ramdisk", cfg->ramdisk) < 0)
        return -1;
    if (cfg->cmdline && strlen(cfg->cmdline) > GUEST_CMDLINE_MAX)
        return fail(v, FIELD_CMDLINE,
                    "cmdline: %zu characters is longer than the %d a PV guest "
                    "can receive", strlen(cfg->cmdline), GUEST_CMDLINE_MAX);
    return 0;
}

static int check_memory(struct validation *v)
{
    const struct domain_config *cfg = v->cfg;

    if (!cfg->field_set[FIELD_MEMORY])
        return fail(v, FIELD_MEMORY, "memory: missing (required)");
    if (cfg->memory_mib < DOMAIN_MEMORY_MIN_MIB)
        return fail(v, FIELD_MEMORY, "memory: %llu MiB is below the minimum of %d MiB",
                    (unsigned long long)cfg->memory_mib, DOMAIN_MEMORY_MIN_MIB);
    if (cfg->memory_mib > DOMAIN_MEMORY_MAX_MIB)
        return fail(v, FIELD_MEMORY, "memory: %llu MiB is above the maximum of %llu MiB",
                    (unsigned long long)cfg->memory_mib, DOMAIN_MEMORY_MAX_MIB);
    if (cfg->maxmem_mib < cfg->memory_mib)
        return fail(v, FIELD_MAXMEM,
                    "maxmem: %llu MiB is less than memory (%llu MiB)",
                    (unsigned long long)cfg->maxmem_mib,
                    (unsigned long long)cfg->memory_mib);
    if (cfg->maxmem_mib > DOMAIN_MEMORY_MAX_MIB)
        return fail(v, FIELD_MAXMEM, "maxmem: %llu MiB is above the maximum of %llu MiB",
                    (unsigned long long)cfg->maxmem_mib, DOMAIN_MEMORY_MAX_MIB);
    return 0;
}

static int check_vcpus(struct validation *v)
{
    const struct domain_config *cfg = v->cfg;

    if (cfg->vcpus < 1 || cfg->vcpus > DOMAIN_VCPUS_MAX)
        return fail(v, FIELD_VCPUS, "vcpus: %u is out of range (1 to %d)",
                    cfg->vcpus, DOMAIN_VCPUS_MAX);
    if (cfg->maxvcpus < 1 || cfg->maxvcpus > DOMAIN_VCPUS_MAX)
        return fail(v, FIELD_MAXVCPUS, "maxvcpus: %u is out of range (1 to %d)",
                    cfg->maxvcpus, DOMAIN_VCPUS_MAX);
    if (cfg->vcpus > cfg->maxvcpus)
        return fail(v, FIELD_VCPUS, "vcpus: %u is more than maxvcpus (%u)",
                    cfg->vcpus, cfg->maxvcpus);
    return 0;
}

static int check_scheduling(struct validation *v)
{
    const struct domain_config *cfg = v->cfg;

    if (cfg->cpu_weight < DOMAIN_WEIGHT_MIN || cfg->cpu_weight > DOMAIN_WEIGHT_MAX)
        return fail(v, FIELD_CPU_WEIGHT, "cpu_weight: %u is out of range (%d to %d)",
                    cfg->cpu_weight, DOMAIN_WEIGHT_MIN, DOMAIN_WEIGHT_MAX);
    /* The credit scheduler caps at 100% per vCPU the domain can have. */
    if (cfg->cap > 100 * cfg->maxvcpus)
        return fail(v, FIELD_CAP,
                    "cap: %u%% is more than 100%% per vCPU (at most %u for %u "
                    "vCPUs)", cfg->cap, 100 * cfg->maxvcpus, cfg->maxvcpus);
    return 0;
}

static int check_devices(struct validation *v)
{
    const struct domain_config *cfg = v->cfg;

    for (size_t i = 0; i < cfg->n_disks; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(cfg->disks[i].vdev, cfg->disks[j].vdev) == 0) {
                config_error_at(v->err, cfg->source_file, &cfg->disks[i].origin,
                                "disk[%zu]: vdev %s is already used by disk[%zu]",
                                i, cfg->disks[i].vdev, j);
                return -1;
            }
        }
    }
    for (size_t i = 0; i < cfg->n_vifs; i++) {
        for (size_t j = 0; j < i; j++) {
            if (cfg->vifs[i].has_mac && cfg->vifs[j].has_mac &&
                memcmp(cfg->vifs[i].mac, cfg->vifs[j].mac, 6) == 0) {
                config_error_at(v->err, cfg->source_file, &cfg->vifs[i].origin,
                                "vif[%zu]: MAC address is already used by vif[%zu]",
                                i, j);
                return -1;
            }
        }
    }
    return 0;
}

int config_validate(const struct domain_config *cfg, struct config_error *err)
{
    struct validation v = { .cfg = cfg, .err = err };

    if (check_name(&v) < 0 || check_files(&v) < 0 || check_memory(&v) < 0 ||
        check_vcpus(&v) < 0 || check_scheduling(&v) < 0 || check_devices(&v) < 0)
        return -1;
    return 0;
}
