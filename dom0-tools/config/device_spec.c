#include "device_spec.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_values.h"

enum disk_param { DISK_TARGET, DISK_FORMAT, DISK_VDEV, DISK_ACCESS, DISK_DEVTYPE };

/* The positional form lists these in this order. */
static const char *const disk_param_names[] = {
    [DISK_TARGET] = "target",
    [DISK_FORMAT] = "format",
    [DISK_VDEV] = "vdev",
    [DISK_ACCESS] = "access",
    [DISK_DEVTYPE] = "devtype",
};

#define N_DISK_PARAMS (sizeof(disk_param_names) / sizeof(disk_param_names[0]))
#define N_POSITIONAL 4

static int disk_param_lookup(const char *key)
{
    for (size_t i = 0; i < N_DISK_PARAMS; i++)
        if (strcmp(key, disk_param_names[i]) == 0)
            return (int)i;
    return -1;
}

static int disk_set_param(struct disk_config *disk, enum disk_param param,
                          const char *value, bool *seen, char *why,
                          size_t why_len)
{
    if (seen[param]) {
        snprintf(why, why_len, "disk parameter \"%s\" given twice",
                 disk_param_names[param]);
        return -1;
    }
    seen[param] = true;
    switch (param) {
    case DISK_TARGET:
        free(disk->target);
        disk->target = strdup(value);
        if (!*value) {
            snprintf(why, why_len, "empty disk target");
            return -1;
        }
        return 0;
    case DISK_FORMAT:
        if (*value && strcmp(value, "raw") != 0) {
            snprintf(why, why_len,
                     "unsupported disk format \"%s\": only raw is supported",
                     value);
            return -1;
        }
        disk->format = DISK_FORMAT_RAW;
        return 0;
    case DISK_VDEV:
        if (!config_vdev_is_valid(value)) {
            snprintf(why, why_len,
                     "invalid vdev \"%s\": expected a name like xvda", value);
            return -1;
        }
        snprintf(disk->vdev, sizeof(disk->vdev), "%s", value);
        return 0;
    case DISK_ACCESS:
        if (!*value || !strcmp(value, "rw") || !strcmp(value, "w")) {
            disk->readonly = false;
        } else if (!strcmp(value, "ro") || !strcmp(value, "r")) {
            disk->readonly = true;
        } else {
            snprintf(why, why_len,
                     "invalid access \"%s\": expected rw or ro", value);
            return -1;
        }
        return 0;
    case DISK_DEVTYPE:
        if (strcmp(value, "disk") != 0) {
            snprintf(why, why_len,
                     "unsupported devtype \"%s\": only disk is supported", value);
            return -1;
        }
        return 0;
    }
    return -1;
}

/* One comma-separated item; "target=" swallows the rest, commas included. */
static int disk_spec_item(struct disk_config *disk, const char **pos,
                          int *next_positional, bool *seen, char *why,
                          size_t why_len)
{
    const char *start = *pos, *comma = strchr(start, ',');
    size_t len = comma ? (size_t)(comma - start) : strlen(start);
    char *item = config_strdup_trimmed(start, len);
    char *eq = strchr(item, '=');
    int rc;

    *pos = comma ? comma + 1 : start + len;
    if (eq) {
        int param;

        *eq = '\0';
        param = disk_param_lookup(item);
        if (param < 0) {
            snprintf(why, why_len, "unknown disk parameter \"%s\"", item);
            free(item);
            return -1;
        }
        if (param == DISK_TARGET) {
            char *rest = config_strdup_trimmed(strchr(start, '=') + 1,
                                               strlen(strchr(start, '=') + 1));
            *pos = start + strlen(start);
            rc = disk_set_param(disk, DISK_TARGET, rest, seen, why, why_len);
            free(rest);
        } else {
            rc = disk_set_param(disk, (enum disk_param)param, eq + 1, seen, why,
                                why_len);
        }
    } else if (*next_positional >= N_POSITIONAL) {
        snprintf(why, why_len, "too many positional disk parameters at \"%s\"",
                 item);
        rc = -1;
    } else if (!*item && *next_positional != DISK_TARGET) {
        /* An empty positional slot keeps that parameter's default. */
        (*next_positional)++;
        rc = 0;
    } else {
        rc = disk_set_param(disk, (enum disk_param)(*next_positional)++, item,
                            seen, why, why_len);
    }
    free(item);
    return rc;
}

int disk_spec_parse(const char *spec, struct disk_config *disk, char *why,
                    size_t why_len)
{
    bool seen[N_DISK_PARAMS] = { false };
    int next_positional = DISK_TARGET;
    const char *pos = spec;

    disk->format = DISK_FORMAT_RAW;
    while (*pos) {
        if (disk_spec_item(disk, &pos, &next_positional, seen, why, why_len) < 0)
            return -1;
    }
    if (!seen[DISK_TARGET]) {
        snprintf(why, why_len, "disk spec \"%s\" has no target", spec);
        return -1;
    }
    if (!seen[DISK_VDEV]) {
        snprintf(why, why_len, "disk spec \"%s\" has no vdev", spec);
        return -1;
    }
    return 0;
}

static int vif_set_param(struct vif_config *vif, const char *key,
                         const char *value, char *why, size_t why_len)
{
    if (strcmp(key, "mac") == 0) {
        if (vif->has_mac) {
            snprintf(why, why_len, "vif parameter \"mac\" given twice");
            return -1;
        }
        vif->has_mac = true;
        return config_parse_mac(value, vif->mac, why, why_len);
    }
    if (strcmp(key, "bridge") == 0) {
        if (vif->bridge) {
            snprintf(why, why_len, "vif parameter \"bridge\" given twice");
            return -1;
        }
        if (!*value || strlen(value) > 15 || strchr(value, '/')) {
            snprintf(why, why_len,
                     "invalid bridge name \"%s\": expected 1-15 characters, "
                     "no '/'", value);
            return -1;
        }
        vif->bridge = strdup(value);
        return 0;
    }
    snprintf(why, why_len,
             "unknown vif parameter \"%s\": expected bridge or mac", key);
    return -1;
}

int vif_spec_parse(const char *spec, struct vif_config *vif, char *why,
                   size_t why_len)
{
    const char *pos = spec;

    while (*pos) {
        const char *comma = strchr(pos, ',');
        size_t len = comma ? (size_t)(comma - pos) : strlen(pos);
        char *item = config_strdup_trimmed(pos, len);
        char *eq = strchr(item, '=');
        int rc = 0;

        pos = comma ? comma + 1 : pos + len;
        if (!*item) {
            free(item);
            continue;
        }
        if (!eq) {
            snprintf(why, why_len,
                     "vif item \"%s\" is not of the form key=value", item);
            rc = -1;
        } else {
            *eq = '\0';
            rc = vif_set_param(vif, item, eq + 1, why, why_len);
        }
        free(item);
        if (rc < 0)
            return -1;
    }
    return 0;
}
