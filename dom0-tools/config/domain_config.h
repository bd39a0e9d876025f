/*
 * The domain-config model: what an operator asked for, independent of the
 * file format it was written in. The xl.cfg and libvirt XML parsers both
 * fill this, config_validate() checks it, and domain_config_print() writes
 * it back in one normalized xl.cfg form, so two files describing the same
 * domain print identically.
 */
#ifndef LINTEL_DOMAIN_CONFIG_H
#define LINTEL_DOMAIN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config_error.h"
#include "cpu_set.h"

#define DOMAIN_NAME_MAX        64
#define DOMAIN_MEMORY_MIN_MIB  16
/* Beyond this a typo is likelier than a real request; keeps sums in range. */
#define DOMAIN_MEMORY_MAX_MIB  (1024ULL * 1024)
#define DOMAIN_VCPUS_MAX       128
#define DOMAIN_WEIGHT_MIN      1
#define DOMAIN_WEIGHT_MAX      65535
#define DOMAIN_WEIGHT_DEFAULT  256

enum domain_action {
    ACTION_DESTROY,
    ACTION_RESTART,
    ACTION_RENAME_RESTART,
    ACTION_PRESERVE,
};

enum disk_format {
    DISK_FORMAT_RAW,
};

/* Fields whose origin is remembered so validation errors can point at them. */
enum config_field {
    FIELD_NAME,
    FIELD_UUID,
    FIELD_KERNEL,
    FIELD_RAMDISK,
    FIELD_CMDLINE,
    FIELD_MEMORY,
    FIELD_MAXMEM,
    FIELD_VCPUS,
    FIELD_MAXVCPUS,
    FIELD_CPUS,
    FIELD_CPU_WEIGHT,
    FIELD_CAP,
    FIELD_ON_POWEROFF,
    FIELD_ON_REBOOT,
    FIELD_ON_CRASH,
    FIELD_COUNT
};

struct disk_config {
    char *target;               /* host file or block device */
    enum disk_format format;
    char vdev[16];              /* guest device name, e.g. xvda */
    bool readonly;
    struct config_origin origin;
};

struct vif_config {
    bool has_mac;
    uint8_t mac[6];
    char *bridge;
    struct config_origin origin;
};

struct domain_config {
    char *source_file;

    char *name;
    bool has_uuid;
    uint8_t uuid[16];

    char *kernel;
    char *ramdisk;
    char *cmdline;

    uint64_t memory_mib;
    uint64_t maxmem_mib;        /* 0 until set: defaults to memory */
    unsigned vcpus;
    unsigned maxvcpus;          /* 0 until set: defaults to vcpus */
    struct cpu_set cpus;        /* empty means "all" */
    unsigned cpu_weight;
    unsigned cap;               /* percent of one pCPU, 0 = uncapped */

    enum domain_action on_poweroff;
    enum domain_action on_reboot;
    enum domain_action on_crash;

    struct disk_config *disks;
    size_t n_disks;
    struct vif_config *vifs;
    size_t n_vifs;

    bool field_set[FIELD_COUNT];
    struct config_origin origin[FIELD_COUNT];
};

void domain_config_init(struct domain_config *cfg, const char *source_file);
void domain_config_free(struct domain_config *cfg);

/* Fills in the values that default to other values (maxmem, maxvcpus). */
void domain_config_apply_defaults(struct domain_config *cfg);

/* Records that FIELD was given at WHERE; returns false if it already was. */
bool domain_config_mark(struct domain_config *cfg, enum config_field field,
                        const struct config_origin *where);

struct disk_config *domain_config_add_disk(struct domain_config *cfg);
struct vif_config *domain_config_add_vif(struct domain_config *cfg);

const char *domain_action_name(enum domain_action action);
int domain_action_parse(const char *text, enum domain_action *out);
/* The accepted action names, for error messages. */
const char *domain_action_choices(void);
/* Why TEXT is no action lintel takes (unknown, or Xen's but unsupported). */
void domain_action_refusal(const char *text, char *why, size_t why_len);
/* What CFG says to do when its domain shuts down for REASON (SHUTDOWN_*). */
enum domain_action domain_action_for_shutdown(const struct domain_config *cfg,
                                              unsigned int reason);

void domain_config_print(FILE *out, const struct domain_config *cfg);

/* A domain name's rules (charset, length, not numeric, not Domain-0). */
int config_check_name(const char *name, char *why, size_t why_len);

/* Checks ranges and cross-field rules; the first problem found is reported. */
int config_validate(const struct domain_config *cfg, struct config_error *err);

/*
 * Reads PATH as xl.cfg or libvirt XML (chosen by content: XML starts with
 * '<'), then validates it. On error CFG is freed and ERR says why.
 */
int config_load(const char *path, struct domain_config *cfg,
                struct config_error *err);

#endif
