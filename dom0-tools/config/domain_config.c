#include "domain_config.h"

#include <stdlib.h>
#include <string.h>

#include "public/sched.h"

static const char *const action_names[] = {
    [ACTION_DESTROY] = "destroy",
    [ACTION_RESTART] = "restart",
    [ACTION_RENAME_RESTART] = "rename-restart",
    [ACTION_PRESERVE] = "preserve",
};

#define N_ACTIONS (sizeof(action_names) / sizeof(action_names[0]))

void domain_config_init(struct domain_config *cfg, const char *source_file)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->source_file = strdup(source_file ? source_file : "");
    cfg->vcpus = 1;
    cfg->cpu_weight = DOMAIN_WEIGHT_DEFAULT;
    cfg->on_poweroff = ACTION_DESTROY;
    cfg->on_reboot = ACTION_RESTART;
    cfg->on_crash = ACTION_DESTROY;
}

void domain_config_free(struct domain_config *cfg)
{
    for (size_t i = 0; i < cfg->n_disks; i++)
        free(cfg->disks[i].target);
    for (size_t i = 0; i < cfg->n_vifs; i++)
        free(cfg->vifs[i].bridge);
    free(cfg->disks);
    free(cfg->vifs);
    free(cfg->source_file);
    free(cfg->name);
    free(cfg->kernel);
    free(cfg->ramdisk);
    free(cfg->cmdline);
    memset(cfg, 0, sizeof(*cfg));
}

void domain_config_apply_defaults(struct domain_config *cfg)
{
    if (!cfg->field_set[FIELD_MAXMEM])
        cfg->maxmem_mib = cfg->memory_mib;
    if (!cfg->field_set[FIELD_MAXVCPUS])
        cfg->maxvcpus = cfg->vcpus;
}

bool domain_config_mark(struct domain_config *cfg, enum config_field field,
                        const struct config_origin *where)
{
    if (cfg->field_set[field])
        return false;
    cfg->field_set[field] = true;
    cfg->origin[field] = *where;
    return true;
}

/* Grows ARRAY by one zeroed element; aborts only when memory is exhausted. */
static void *append_zeroed(void *array, size_t *count, size_t size)
{
    char *grown = realloc(array, (*count + 1) * size);

    if (!grown)
        abort();
    memset(grown + *count * size, 0, size);
    (*count)++;
    return grown;
}

struct disk_config *domain_config_add_disk(struct domain_config *cfg)
{
    cfg->disks = append_zeroed(cfg->disks, &cfg->n_disks, sizeof(*cfg->disks));
    return &cfg->disks[cfg->n_disks - 1];
}

struct vif_config *domain_config_add_vif(struct domain_config *cfg)
{
    cfg->vifs = append_zeroed(cfg->vifs, &cfg->n_vifs, sizeof(*cfg->vifs));
    return &cfg->vifs[cfg->n_vifs - 1];
}

const char *domain_action_name(enum domain_action action)
{
    return (size_t)action < N_ACTIONS ? action_names[action] : "?";
}

int domain_action_parse(const char *text, enum domain_action *out)
{
    for (size_t i = 0; i < N_ACTIONS; i++) {
        if (strcmp(text, action_names[i]) == 0) {
            *out = (enum domain_action)i;
            return 0;
        }
    }
    return -1;
}

const char *domain_action_choices(void)
{
    return "destroy, restart, rename-restart, preserve";
}

void domain_action_refusal(const char *text, char *why, size_t why_len)
{
    /* xl.cfg(5) names these too: say why they are refused rather than
     * calling a valid Xen action unknown. */
    if (!strcmp(text, "coredump-destroy") || !strcmp(text, "coredump-restart"))
        snprintf(why, why_len, "action \"%s\" is not supported: lintel writes no core "
                 "dumps (expected one of %s)", text, domain_action_choices());
    else if (!strcmp(text, "soft-reset"))
        snprintf(why, why_len, "action \"soft-reset\" is not supported: it resets HVM "
                 "guests only (expected one of %s)", domain_action_choices());
    else
        snprintf(why, why_len, "invalid action \"%s\": expected one of %s", text,
                 domain_action_choices());
}

enum domain_action domain_action_for_shutdown(const struct domain_config *cfg,
                                              unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return cfg->on_poweroff;
    case SHUTDOWN_reboot: return cfg->on_reboot;
    /* A watchdog firing means the guest stopped working: a crash, as xl treats it. */
    case SHUTDOWN_crash:
    case SHUTDOWN_watchdog: return cfg->on_crash;
    /* A suspended domain waits for whoever suspended it to save it. */
    default: return ACTION_PRESERVE;
    }
}

/* Double-quoted xl.cfg string: only the quote and backslash need escaping. */
static void print_quoted(FILE *out, const char *text, char quote)
{
    fputc(quote, out);
    for (const char *p = text; *p; p++) {
        if (*p == quote || *p == '\\')
            fputc('\\', out);
        fputc(*p, out);
    }
    fputc(quote, out);
}

static void print_string_key(FILE *out, const char *key, const char *value)
{
    fprintf(out, "%s = ", key);
    print_quoted(out, value, '"');
    fputc('\n', out);
}

static void print_uuid(FILE *out, const uint8_t u[16])
{
    fprintf(out,
            "uuid = \"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
            "%02x%02x%02x%02x%02x%02x\"\n",
            u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
            u[11], u[12], u[13], u[14], u[15]);
}

static void print_disks(FILE *out, const struct domain_config *cfg)
{
    fputs("disk = [", out);
    for (size_t i = 0; i < cfg->n_disks; i++) {
        const struct disk_config *d = &cfg->disks[i];
        char spec[4096];

        snprintf(spec, sizeof(spec), "format=raw, vdev=%s, access=%s, target=%s",
                 d->vdev, d->readonly ? "ro" : "rw", d->target);
        fputs(i ? ", " : " ", out);
        print_quoted(out, spec, '\'');
    }
    fputs(cfg->n_disks ? " ]\n" : "]\n", out);
}

static void print_vifs(FILE *out, const struct domain_config *cfg)
{
    fputs("vif = [", out);
    for (size_t i = 0; i < cfg->n_vifs; i++) {
        const struct vif_config *v = &cfg->vifs[i];
        char spec[512];
        int used = snprintf(spec, sizeof(spec), "bridge=%s",
                            v->bridge ? v->bridge : "xenbr0");

        if (v->has_mac)
            snprintf(spec + used, sizeof(spec) - (size_t)used,
                     ", mac=%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0],
                     v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
        fputs(i ? ", " : " ", out);
        print_quoted(out, spec, '\'');
    }
    fputs(cfg->n_vifs ? " ]\n" : "]\n", out);
}

void domain_config_print(FILE *out, const struct domain_config *cfg)
{
    char cpus[1024];

    print_string_key(out, "name", cfg->name ? cfg->name : "");
    if (cfg->has_uuid)
        print_uuid(out, cfg->uuid);
    print_string_key(out, "kernel", cfg->kernel ? cfg->kernel : "");
    if (cfg->ramdisk)
        print_string_key(out, "ramdisk", cfg->ramdisk);
    if (cfg->cmdline)
        print_string_key(out, "cmdline", cfg->cmdline);
    fprintf(out, "memory = %llu\n", (unsigned long long)cfg->memory_mib);
    fprintf(out, "maxmem = %llu\n", (unsigned long long)cfg->maxmem_mib);
    fprintf(out, "vcpus = %u\n", cfg->vcpus);
    fprintf(out, "maxvcpus = %u\n", cfg->maxvcpus);
    cpu_set_format(&cfg->cpus, cpus, sizeof(cpus));
    print_string_key(out, "cpus", cpus);
    fprintf(out, "cpu_weight = %u\n", cfg->cpu_weight);
    fprintf(out, "cap = %u\n", cfg->cap);
    print_string_key(out, "on_poweroff", domain_action_name(cfg->on_poweroff));
    print_string_key(out, "on_reboot", domain_action_name(cfg->on_reboot));
    print_string_key(out, "on_crash", domain_action_name(cfg->on_crash));
    print_disks(out, cfg);
    print_vifs(out, cfg);
}
