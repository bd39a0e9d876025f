/*
 * The meaning of xl.cfg keys: one table entry per key, each applying its
 * value to the domain_config model.
 */
#include "xl_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_values.h"
#include "device_spec.h"
#include "xl_cfg_syntax.h"

struct xl_parse {
    const char *file;
    struct domain_config *cfg;
    struct config_error *err;
    int key_line[32];           /* where each table key was first set */
    char *root, *extra, *cmdline;
    int cmdline_line;
};

struct xl_key {
    const char *name;
    int (*apply)(struct xl_parse *p, const char *key, const struct xl_value *v);
};

static int fail_at(struct xl_parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct xl_parse *p, int line, const char *fmt, ...)
{
    struct config_origin where;
    char reason[CONFIG_ERROR_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    config_origin_set(&where, line, NULL);
    config_error_at(p->err, p->file, &where, "%s", reason);
    return -1;
}

static void mark(struct xl_parse *p, enum config_field field, int line)
{
    struct config_origin where;

    config_origin_set(&where, line, NULL);
    domain_config_mark(p->cfg, field, &where);
}

static int want_string(struct xl_parse *p, const char *key,
                       const struct xl_value *v, const char **out)
{
    if (v->is_list)
        return fail_at(p, v->line, "%s: expected a quoted string, got a list",
                       key);
    if (!v->scalar.quoted)
        return fail_at(p, v->line,
                       "%s: expected a quoted string, got bare word %s", key,
                       v->scalar.text);
    *out = v->scalar.text;
    return 0;
}

/* xl accepts numbers bare or quoted; both mean the same. */
static int want_number(struct xl_parse *p, const char *key,
                       const struct xl_value *v, const char *what,
                       uint64_t max, uint64_t *out)
{
    if (v->is_list)
        return fail_at(p, v->line, "%s: expected %s, got a list", key, what);
    if (config_parse_u64(v->scalar.text, out) < 0)
        return fail_at(p, v->line, "%s: invalid %s \"%s\": expected %s", key,
                       strcmp(what, "a number of MiB") == 0 ? "size" : "number",
                       v->scalar.text, what);
    if (*out > max)
        return fail_at(p, v->line, "%s: %s is too large (at most %llu)", key,
                       v->scalar.text, (unsigned long long)max);
    return 0;
}

static int set_string_field(struct xl_parse *p, const char *key,
                            const struct xl_value *v, enum config_field field,
                            char **slot)
{
    const char *text = NULL;

    if (want_string(p, key, v, &text) < 0)
        return -1;
    free(*slot);
    *slot = strdup(text);
    mark(p, field, v->line);
    return 0;
}

static int apply_name(struct xl_parse *p, const char *key,
                      const struct xl_value *v)
{
    return set_string_field(p, key, v, FIELD_NAME, &p->cfg->name);
}

static int apply_kernel(struct xl_parse *p, const char *key,
                        const struct xl_value *v)
{
    return set_string_field(p, key, v, FIELD_KERNEL, &p->cfg->kernel);
}

static int apply_ramdisk(struct xl_parse *p, const char *key,
                         const struct xl_value *v)
{
    return set_string_field(p, key, v, FIELD_RAMDISK, &p->cfg->ramdisk);
}

static int apply_uuid(struct xl_parse *p, const char *key,
                      const struct xl_value *v)
{
    const char *text = NULL;

    if (want_string(p, key, v, &text) < 0)
        return -1;
    if (config_parse_uuid(text, p->cfg->uuid) < 0)
        return fail_at(p, v->line,
                       "%s: invalid UUID \"%s\": expected "
                       "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", key, text);
    p->cfg->has_uuid = true;
    mark(p, FIELD_UUID, v->line);
    return 0;
}

static int apply_type(struct xl_parse *p, const char *key,
                      const struct xl_value *v)
{
    const char *text = NULL;

    if (want_string(p, key, v, &text) < 0)
        return -1;
    if (strcmp(text, "pv") != 0)
        return fail_at(p, v->line,
                       "%s: unsupported guest type \"%s\": only pv is supported",
                       key, text);
    return 0;
}

/* root/extra/cmdline are combined once the whole file is read. */
static int apply_cmdline_part(struct xl_parse *p, const char *key,
                              const struct xl_value *v)
{
    char **slot = !strcmp(key, "root") ? &p->root
                : !strcmp(key, "extra") ? &p->extra : &p->cmdline;
    const char *text = NULL;

    if (want_string(p, key, v, &text) < 0)
        return -1;
    *slot = strdup(text);
    if (!p->cmdline_line)
        p->cmdline_line = v->line;
    return 0;
}

static int apply_memory(struct xl_parse *p, const char *key,
                        const struct xl_value *v)
{
    bool is_max = !strcmp(key, "maxmem");
    uint64_t mib;

    if (want_number(p, key, v, "a number of MiB", UINT64_MAX >> 20,
                    &mib) < 0)
        return -1;
    *(is_max ? &p->cfg->maxmem_mib : &p->cfg->memory_mib) = mib;
    mark(p, is_max ? FIELD_MAXMEM : FIELD_MEMORY, v->line);
    return 0;
}

static int apply_unsigned(struct xl_parse *p, const char *key,
                          const struct xl_value *v, enum config_field field,
                          unsigned *slot)
{
    uint64_t n;

    if (want_number(p, key, v, "a whole number", UINT32_MAX, &n) < 0)
        return -1;
    *slot = (unsigned)n;
    mark(p, field, v->line);
    return 0;
}

static int apply_vcpus(struct xl_parse *p, const char *key,
                       const struct xl_value *v)
{
    return apply_unsigned(p, key, v, FIELD_VCPUS, &p->cfg->vcpus);
}

static int apply_maxvcpus(struct xl_parse *p, const char *key,
                          const struct xl_value *v)
{
    return apply_unsigned(p, key, v, FIELD_MAXVCPUS, &p->cfg->maxvcpus);
}

static int apply_cpu_weight(struct xl_parse *p, const char *key,
                            const struct xl_value *v)
{
    return apply_unsigned(p, key, v, FIELD_CPU_WEIGHT, &p->cfg->cpu_weight);
}

static int apply_cap(struct xl_parse *p, const char *key,
                     const struct xl_value *v)
{
    return apply_unsigned(p, key, v, FIELD_CAP, &p->cfg->cap);
}

/* cpus is "0-3,^2", or a list whose items are such strings or numbers. */
static int apply_cpus(struct xl_parse *p, const char *key,
                      const struct xl_value *v)
{
    const struct xl_scalar *items = v->is_list ? v->items : &v->scalar;
    size_t n = v->is_list ? v->n_items : 1;
    char why[256];

    if (v->is_list && n == 0)
        return fail_at(p, v->line, "%s: empty CPU list", key);
    cpu_set_clear(&p->cfg->cpus);
    for (size_t i = 0; i < n; i++) {
        if (!v->is_list && !items[i].quoted)
            return fail_at(p, v->line,
                           "%s: expected a quoted CPU list like \"0-3\", "
                           "got bare word %s", key, items[i].text);
        if (cpu_set_parse(items[i].text, &p->cfg->cpus, why, sizeof(why)) < 0)
            return fail_at(p, items[i].line, "%s: %s", key, why);
    }
    mark(p, FIELD_CPUS, v->line);
    return 0;
}

static int apply_action(struct xl_parse *p, const char *key,
                        const struct xl_value *v)
{
    enum config_field field = !strcmp(key, "on_poweroff") ? FIELD_ON_POWEROFF
                            : !strcmp(key, "on_reboot") ? FIELD_ON_REBOOT
                            : FIELD_ON_CRASH;
    enum domain_action *slot = field == FIELD_ON_POWEROFF ? &p->cfg->on_poweroff
                             : field == FIELD_ON_REBOOT ? &p->cfg->on_reboot
                             : &p->cfg->on_crash;
    const char *text = NULL;
    char why[256];

    if (want_string(p, key, v, &text) < 0)
        return -1;
    if (domain_action_parse(text, slot) < 0) {
        domain_action_refusal(text, why, sizeof(why));
        return fail_at(p, v->line, "%s: %s", key, why);
    }
    mark(p, field, v->line);
    return 0;
}

static int want_spec_list(struct xl_parse *p, const char *key,
                          const struct xl_value *v, size_t i)
{
    if (!v->is_list)
        return fail_at(p, v->line, "%s: expected a list like [ '...' ]", key);
    if (!v->items[i].quoted)
        return fail_at(p, v->items[i].line,
                       "%s[%zu]: expected a quoted spec, got bare word %s", key,
                       i, v->items[i].text);
    return 0;
}

static int apply_disk(struct xl_parse *p, const char *key,
                      const struct xl_value *v)
{
    char why[512];

    if (!v->is_list)
        return want_spec_list(p, key, v, 0);
    for (size_t i = 0; i < v->n_items; i++) {
        struct disk_config *disk;

        if (want_spec_list(p, key, v, i) < 0)
            return -1;
        disk = domain_config_add_disk(p->cfg);
        config_origin_set(&disk->origin, v->items[i].line, NULL);
        if (disk_spec_parse(v->items[i].text, disk, why, sizeof(why)) < 0)
            return fail_at(p, v->items[i].line, "%s[%zu]: %s", key, i, why);
    }
    return 0;
}

static int apply_vif(struct xl_parse *p, const char *key,
                     const struct xl_value *v)
{
    char why[512];

    if (!v->is_list)
        return want_spec_list(p, key, v, 0);
    for (size_t i = 0; i < v->n_items; i++) {
        struct vif_config *vif;

        if (want_spec_list(p, key, v, i) < 0)
            return -1;
        vif = domain_config_add_vif(p->cfg);
        config_origin_set(&vif->origin, v->items[i].line, NULL);
        if (vif_spec_parse(v->items[i].text, vif, why, sizeof(why)) < 0)
            return fail_at(p, v->items[i].line, "%s[%zu]: %s", key, i, why);
    }
    return 0;
}

static const struct xl_key xl_keys[] = {
    { "name", apply_name },
    { "uuid", apply_uuid },
    { "type", apply_type },
    { "kernel", apply_kernel },
    { "ramdisk", apply_ramdisk },
    { "cmdline", apply_cmdline_part },
    { "root", apply_cmdline_part },
    { "extra", apply_cmdline_part },
    { "memory", apply_memory },
    { "maxmem", apply_memory },
    { "vcpus", apply_vcpus },
    { "maxvcpus", apply_maxvcpus },
    { "cpus", apply_cpus },
    { "cpu_weight", apply_cpu_weight },
    { "cap", apply_cap },
    { "on_poweroff", apply_action },
    { "on_reboot", apply_action },
    { "on_crash", apply_action },
    { "disk", apply_disk },
    { "vif", apply_vif },
};

#define N_XL_KEYS (sizeof(xl_keys) / sizeof(xl_keys[0]))

_Static_assert(N_XL_KEYS <= sizeof(((struct xl_parse *)0)->key_line) /
                                sizeof(int),
               "key_line must have a slot per key");

/* Edit distance, to suggest the key an operator probably meant. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t lb = strlen(b), row[64], prev_diag;

    if (lb >= 64)
        return 64;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; *a; a++, i++) {
        prev_diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = prev_diag + (*a != b[j - 1]);

            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            prev_diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

static int unknown_key(struct xl_parse *p, const char *key, int line)
{
    const char *best = NULL;
    size_t best_distance = 3;

    for (size_t i = 0; i < N_XL_KEYS; i++) {
        size_t d = edit_distance(key, xl_keys[i].name);

        if (d < best_distance) {
            best_distance = d;
            best = xl_keys[i].name;
        }
    }
    if (best)
        return fail_at(p, line, "unknown key \"%s\" (did you mean \"%s\"?)", key,
                       best);
    return fail_at(p, line, "unknown key \"%s\"", key);
}

static int on_statement(void *ctx, const char *key, int key_line,
                        const struct xl_value *value)
{
    struct xl_parse *p = ctx;

    for (size_t i = 0; i < N_XL_KEYS; i++) {
        if (strcmp(key, xl_keys[i].name) != 0)
            continue;
        if (p->key_line[i])
            return fail_at(p, key_line,
                           "duplicate key \"%s\" (first set on line %d)", key,
                           p->key_line[i]);
        p->key_line[i] = key_line;
        return xl_keys[i].apply(p, key, value);
    }
    return unknown_key(p, key, key_line);
}

/* xl's rule: cmdline stands alone; otherwise "root=ROOT EXTRA". */
static int compose_cmdline(struct xl_parse *p)
{
    size_t len;

    if (p->cmdline && (p->root || p->extra))
        return fail_at(p, p->cmdline_line,
                       "cmdline: cannot be combined with root or extra");
    if (p->cmdline) {
        p->cfg->cmdline = p->cmdline;
        p->cmdline = NULL;
    } else if (p->root || p->extra) {
        len = (p->root ? strlen(p->root) : 0) + (p->extra ? strlen(p->extra) : 0)
              + 8;
        p->cfg->cmdline = malloc(len);
        if (!p->cfg->cmdline)
            abort();
        snprintf(p->cfg->cmdline, len, "%s%s%s%s", p->root ? "root=" : "",
                 p->root ? p->root : "", p->root && p->extra ? " " : "",
                 p->extra ? p->extra : "");
    } else {
        return 0;
    }
    mark(p, FIELD_CMDLINE, p->cmdline_line);
    return 0;
}

int xl_cfg_parse(const char *file, const char *buf, size_t len,
                 struct domain_config *cfg, struct config_error *err)
{
    struct xl_parse p = { .file = file, .cfg = cfg, .err = err };
    char why[CONFIG_ERROR_MAX / 2];
    int line, rc;

    rc = xl_cfg_walk(buf, len, on_statement, &p, &line, why, sizeof(why));
    if (rc < 0 && line > 0)
        fail_at(&p, line, "%s", why);
    if (rc == 0)
        rc = compose_cmdline(&p);
    free(p.root);
    free(p.extra);
    free(p.cmdline);
    return rc;
}
