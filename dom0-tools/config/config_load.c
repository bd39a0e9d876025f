/* Reading a config file of either format into the model. */
#include "domain_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt_xml.h"
#include "xl_cfg.h"

/* Configs are small; a bigger file is a mistake, not a domain. */
#define CONFIG_FILE_MAX (1024 * 1024)

static char *read_whole_file(const char *path, size_t *len,
                             struct config_error *err)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    if (!f) {
        config_error_at(err, path, NULL, "cannot open: %s", strerror(errno));
        return NULL;
    }
    buf = malloc(CONFIG_FILE_MAX + 1);
    if (!buf)
        abort();
    *len = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
    if (ferror(f) || *len > CONFIG_FILE_MAX) {
        if (ferror(f))
            config_error_at(err, path, NULL, "cannot read: %s", strerror(errno));
        else
            config_error_at(err, path, NULL,
                            "larger than %d bytes: not a domain config",
                            CONFIG_FILE_MAX);
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

static bool looks_like_xml(const char *buf, size_t len)
{
    size_t i = 0;

    while (i < len && isspace((unsigned char)buf[i]))
        i++;
    return i < len && buf[i] == '<';
}

int config_load(const char *path, struct domain_config *cfg,
                struct config_error *err)
{
    size_t len;
    char *buf = read_whole_file(path, &len, err);
    int rc;

    domain_config_init(cfg, path);
    if (!buf) {
        domain_config_free(cfg);
        return -1;
    }
    if (looks_like_xml(buf, len))
        rc = libvirt_xml_parse(path, buf, len, cfg, err);
    else
        rc = xl_cfg_parse(path, buf, len, cfg, err);
    free(buf);
    if (rc == 0) {
        domain_config_apply_defaults(cfg);
        rc = config_validate(cfg, err);
    }
    if (rc < 0)
        domain_config_free(cfg);
    return rc;
}
