/*
 * lintel create: config -> admission -> PV build -> store entries ->
 * introduction to the store -> unpause. A failure at any step destroys
 * what was built, so nothing half-made is left running.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../devices/devices.h"
#include "commands.h"
#include "domain_config.h"
#include "domain_lookup.h"
#include "domain_store.h"
#include "pv_build.h"
#include "xenstore.h"

/* Pages a PV guest costs beyond its memory: p2m, page tables, rings, slack. */
static uint64_t overhead_kib(uint64_t memory_mib)
{
    return memory_mib * 256 * 8 / 1024 + memory_mib * 256 / 512 * 4 + 1024;
}

static int admit(const struct command *cmd, struct xenctl *ctl,
                 const struct domain_config *cfg)
{
    struct xen_sysctl_physinfo host;
    uint64_t need_kib = cfg->memory_mib * 1024 + overhead_kib(cfg->memory_mib);
    int rc = xenctl_physinfo(ctl, &host);

    if (rc < 0)
        return hypervisor_fail(cmd, "XEN_SYSCTL_physinfo", rc);
    if (need_kib > host.free_pages * 4)
        return command_fail(cmd, "%s: memory: %" PRIu64 " MiB (+%" PRIu64 " KiB overhead) "
                            "is more than the host's free %" PRIu64 " MiB", cfg->source_file,
                            cfg->memory_mib, overhead_kib(cfg->memory_mib),
                            (uint64_t)host.free_pages / 256);
    /* More online vCPUs than CPUs only makes a guest's own locks spin. */
    if (cfg->vcpus > host.nr_cpus)
        return command_fail(cmd, "%s: vcpus: %u is more than the host's %u CPUs",
                            cfg->source_file, cfg->vcpus, host.nr_cpus);
    return EXIT_OK;
}

static bool write_key(struct xs_handle *xs, uint32_t domid, const char *key,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static bool write_key(struct xs_handle *xs, uint32_t domid, const char *key,
                      const char *fmt, ...)
{
    char value[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    return store_write_domain_key(xs, domid, key, value);
}

/* The entries a PV Linux guest and its tools expect under its home. */
static int publish(const struct command *cmd, struct xs_handle *xs,
                   const struct domain_config *cfg, const struct pv_built_domain *d)
{
    struct xs_permissions perms[2] = { { d->domid, XS_PERM_NONE }, { 0, XS_PERM_READ } };
    char home[64];
    bool ok;

    snprintf(home, sizeof(home), "/local/domain/%u", d->domid);
    /* Keys made below inherit the guest's ownership of its home. */
    ok = xs_mkdir(xs, XBT_NULL, home) && xs_set_permissions(xs, XBT_NULL, home, perms, 2);
    ok = ok && write_key(xs, d->domid, "name", "%s", cfg->name);
    ok = ok && write_key(xs, d->domid, "domid", "%u", d->domid);
    ok = ok && write_key(xs, d->domid, "memory/static-max", "%" PRIu64,
                         cfg->maxmem_mib * 1024);
    ok = ok && write_key(xs, d->domid, "memory/target", "%" PRIu64, cfg->memory_mib * 1024);
    ok = ok && write_key(xs, d->domid, "console/ring-ref", "%" PRIu64, d->console_mfn);
    ok = ok && write_key(xs, d->domid, "console/port", "%u", d->console_evtchn);
    ok = ok && write_key(xs, d->domid, "store/ring-ref", "%" PRIu64, d->store_mfn);
    ok = ok && write_key(xs, d->domid, "store/port", "%u", d->store_evtchn);
    ok = ok && write_key(xs, d->domid, "start_time", "%lld", (long long)time(NULL));
    for (unsigned v = 0; ok && v < cfg->maxvcpus; v++) {
        char key[32];

        snprintf(key, sizeof(key), "cpu/%u/availability", v);
        ok = write_key(xs, d->domid, key, "%s", v < cfg->vcpus ? "online" : "offline");
    }
    ok = ok && xs_mkdir(xs, XBT_NULL, "/local/domain/0/backend");
    if (!ok)
        return command_fail(cmd, "writing domain %u's store entries failed: %s", d->domid,
                            strerror(errno));
    if (!xs_introduce_domain(xs, d->domid, d->store_mfn, d->store_evtchn))
        return command_fail(cmd, "introducing domain %u to the store failed: %s",
                            d->domid, strerror(errno));
    return EXIT_OK;
}

static int name_is_free(const struct command *cmd, struct xs_handle *xs,
                        const struct domain_config *cfg)
{
    uint32_t other;

    if (store_domain_by_name(xs, cfg->name, &other) != -ENOENT)
        return command_fail(cmd, "%s: name: a domain named \"%s\" already exists (id %u)",
                            cfg->source_file, cfg->name, other);
    return EXIT_OK;
}

int domain_start(const struct command *cmd, struct xenctl *ctl,
                 const struct domain_config *cfg, uint32_t *domid)
{
    struct pv_built_domain built;
    struct xs_handle *xs = store_handle();
    char why[512];
    int rc;

    if (!xs)
        return command_fail(cmd, "cannot connect to the store (is lintel-stored running?)");
    if ((rc = admit(cmd, ctl, cfg)) != EXIT_OK || (rc = name_is_free(cmd, xs, cfg)) != EXIT_OK)
        return rc;
    if (pv_build_domain(ctl, cfg, &built, why, sizeof(why)) < 0)
        return command_fail(cmd, "%s: %s", cfg->source_file, why);
    rc = publish(cmd, xs, cfg, &built);
    if (rc == EXIT_OK && devices_attach_config(xs, built.domid, cfg, why, sizeof(why)) < 0)
        rc = command_fail(cmd, "%s: %s", cfg->source_file, why);
    if (rc == EXIT_OK && (rc = xenctl_domain_unpause(ctl, built.domid)) < 0)
        rc = hypervisor_fail(cmd, "XEN_DOMCTL_unpausedomain", rc);
    if (rc != EXIT_OK) {
        xenctl_domain_destroy(ctl, built.domid);
        store_forget_domain(xs, built.domid);
        return rc;
    }
    *domid = built.domid;
    return EXIT_OK;
}

static int create(const struct command *cmd, struct xenctl *ctl,
                  const struct domain_config *cfg, bool attach_console)
{
    uint32_t domid;
    int rc = domain_start(cmd, ctl, cfg, &domid);

    if (rc != EXIT_OK)
        return rc;
    printf("created domain %u (%s)\n", domid, cfg->name);
    fflush(stdout);
    if ((rc = supervisor_start(cmd, cfg, domid)) != EXIT_OK)
        return rc;
    return attach_console ? console_attach(cmd, ctl, domid) : EXIT_OK;
}

int cmd_create(const struct command *cmd, int argc, char **argv)
{
    struct domain_config cfg;
    struct config_error err;
    struct xenctl ctl;
    bool attach_console = false;
    int opt, rc;

    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, "c", NULL)) != -1) {
        if (opt != 'c')
            return EXIT_USAGE;
        attach_console = true;
    }
    if (argc - optind != 1)
        return command_usage_error(cmd, argc - optind ? "too many arguments"
                                                      : "missing CONFIG file");
    if (config_load(argv[optind], &cfg, &err) < 0)
        return command_fail(cmd, "%s", err.message);
    if ((rc = hypervisor_open(cmd, &ctl)) == EXIT_OK) {
        rc = create(cmd, &ctl, &cfg, attach_console);
        xenctl_close(&ctl);
    }
    domain_config_free(&cfg);
    return rc;
}
