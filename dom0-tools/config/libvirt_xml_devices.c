#include "libvirt_xml_devices.h"

#include <stdlib.h>
#include <string.h>

#include "config_values.h"

/* The single child element called NAME, or NULL; a second one is an error. */
static int only_child(struct xml_doc_ctx *x, xmlNode *parent, const char *name,
                      xmlNode **out)
{
    *out = NULL;
    for (xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST name))
            continue;
        if (*out)
            return xml_fail(x, c, "duplicate element <%s>", name);
        *out = c;
    }
    return 0;
}

static int refuse_unknown_children(struct xml_doc_ctx *x, xmlNode *parent,
                                   const char *const *known)
{
    for (xmlNode *c = parent->children; c; c = c->next) {
        const char *const *k = known;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        while (*k && xmlStrcmp(c->name, BAD_CAST *k) != 0)
            k++;
        if (!*k)
            return xml_fail(x, c, "unsupported element <%s> (not in the PV subset)",
                            (const char *)c->name);
    }
    return 0;
}

static int disk_source(struct xml_doc_ctx *x, xmlNode *disk, bool is_block,
                       struct disk_config *out)
{
    static const char *const file_attrs[] = { "file", NULL };
    static const char *const dev_attrs[] = { "dev", NULL };
    const char *attr = is_block ? "dev" : "file";
    xmlNode *source;

    if (only_child(x, disk, "source", &source) < 0)
        return -1;
    if (!source)
        return xml_fail(x, disk, "missing <source %s='...'/>", attr);
    if (xml_check_attributes(x, source, is_block ? dev_attrs : file_attrs) < 0)
        return -1;
    return xml_required_attribute(x, source, attr, &out->target);
}

static int disk_target(struct xml_doc_ctx *x, xmlNode *disk,
                       struct disk_config *out)
{
    static const char *const attrs[] = { "dev", "bus", NULL };
    xmlNode *target;
    char *dev;

    if (only_child(x, disk, "target", &target) < 0)
        return -1;
    if (!target)
        return xml_fail(x, disk, "missing <target dev='xvda'/>");
    if (xml_check_attributes(x, target, attrs) < 0 ||
        xml_attribute_choice(x, target, "bus", "xen", NULL) < 0 ||
        xml_required_attribute(x, target, "dev", &dev) < 0)
        return -1;
    if (!config_vdev_is_valid(dev)) {
        xml_fail(x, target, "invalid dev \"%s\": expected a name like xvda", dev);
        free(dev);
        return -1;
    }
    snprintf(out->vdev, sizeof(out->vdev), "%s", dev);
    free(dev);
    return 0;
}

static int disk_driver_and_flags(struct xml_doc_ctx *x, xmlNode *disk,
                                 struct disk_config *out)
{
    static const char *const attrs[] = { "name", "type", NULL };
    xmlNode *driver, *readonly;

    if (only_child(x, disk, "driver", &driver) < 0 ||
        only_child(x, disk, "readonly", &readonly) < 0)
        return -1;
    if (driver && (xml_check_attributes(x, driver, attrs) < 0 ||
                   xml_attribute_choice(x, driver, "name", "file|phy|qemu", NULL) < 0 ||
                   xml_attribute_choice(x, driver, "type", "raw", NULL) < 0))
        return -1;
    if (readonly && xml_empty(x, readonly) < 0)
        return -1;
    out->format = DISK_FORMAT_RAW;
    out->readonly = readonly != NULL;
    return 0;
}

static int parse_disk(struct xml_doc_ctx *x, xmlNode *node,
                      struct domain_config *cfg)
{
    static const char *const attrs[] = { "type", "device", NULL };
    static const char *const children[] = { "driver", "source", "target",
                                            "readonly", NULL };
    struct disk_config *disk;
    char *type;

    if (xml_check_attributes(x, node, attrs) < 0 ||
        xml_attribute_choice(x, node, "device", "disk", NULL) < 0 ||
        refuse_unknown_children(x, node, children) < 0)
        return -1;
    if (!xml_has_attribute(node, "type"))
        return xml_fail(x, node, "missing attribute type='file' or type='block'");
    if (xml_attribute_choice(x, node, "type", "file|block", &type) < 0)
        return -1;
    disk = domain_config_add_disk(cfg);
    xml_origin(node, &disk->origin);
    if (disk_source(x, node, strcmp(type, "block") == 0, disk) < 0 ||
        disk_target(x, node, disk) < 0 || disk_driver_and_flags(x, node, disk) < 0) {
        free(type);
        return -1;
    }
    free(type);
    return 0;
}

static int interface_source(struct xml_doc_ctx *x, xmlNode *node,
                            struct vif_config *vif)
{
    static const char *const attrs[] = { "bridge", NULL };
    xmlNode *source;

    if (only_child(x, node, "source", &source) < 0)
        return -1;
    if (!source)
        return xml_fail(x, node, "missing <source bridge='...'/>");
    if (xml_check_attributes(x, source, attrs) < 0 ||
        xml_required_attribute(x, source, "bridge", &vif->bridge) < 0)
        return -1;
    if (strlen(vif->bridge) > 15 || strchr(vif->bridge, '/'))
        return xml_fail(x, source, "invalid bridge name \"%s\": expected 1-15 "
                        "characters, no '/'", vif->bridge);
    return 0;
}

static int interface_mac(struct xml_doc_ctx *x, xmlNode *node,
                         struct vif_config *vif)
{
    static const char *const attrs[] = { "address", NULL };
    xmlNode *mac;
    char *address, why[256];
    int rc = 0;

    if (only_child(x, node, "mac", &mac) < 0)
        return -1;
    if (!mac)
        return 0;
    if (xml_check_attributes(x, mac, attrs) < 0 ||
        xml_required_attribute(x, mac, "address", &address) < 0)
        return -1;
    if (config_parse_mac(address, vif->mac, why, sizeof(why)) < 0)
        rc = xml_fail(x, mac, "%s", why);
    vif->has_mac = (rc == 0);
    free(address);
    return rc;
}

static int parse_interface(struct xml_doc_ctx *x, xmlNode *node,
                           struct domain_config *cfg)
{
    static const char *const attrs[] = { "type", NULL };
    static const char *const children[] = { "source", "mac", NULL };
    struct vif_config *vif;

    if (xml_check_attributes(x, node, attrs) < 0 ||
        refuse_unknown_children(x, node, children) < 0)
        return -1;
    if (!xml_has_attribute(node, "type"))
        return xml_fail(x, node, "missing attribute type='bridge'");
    if (xml_attribute_choice(x, node, "type", "bridge", NULL) < 0)
        return -1;
    vif = domain_config_add_vif(cfg);
    xml_origin(node, &vif->origin);
    if (interface_source(x, node, vif) < 0 || interface_mac(x, node, vif) < 0)
        return -1;
    return 0;
}

/* Every domain gets its console on a pty; the element only confirms that. */
static int parse_console(struct xml_doc_ctx *x, xmlNode *node,
                         struct domain_config *cfg)
{
    static const char *const attrs[] = { "type", NULL };
    static const char *const target_attrs[] = { "type", "port", NULL };
    static const char *const children[] = { "target", NULL };
    xmlNode *target;

    (void)cfg;
    if (xml_check_attributes(x, node, attrs) < 0 ||
        xml_attribute_choice(x, node, "type", "pty", NULL) < 0 ||
        refuse_unknown_children(x, node, children) < 0 ||
        only_child(x, node, "target", &target) < 0)
        return -1;
    if (target && (xml_check_attributes(x, target, target_attrs) < 0 ||
                   xml_attribute_choice(x, target, "type", "xen", NULL) < 0 ||
                   xml_attribute_choice(x, target, "port", "0", NULL) < 0))
        return -1;
    return 0;
}

struct device_kind {
    const char *name;
    int (*parse)(struct xml_doc_ctx *x, xmlNode *node, struct domain_config *cfg);
};

static const struct device_kind device_kinds[] = {
    { "disk", parse_disk },
    { "interface", parse_interface },
    { "console", parse_console },
};

int xml_devices_parse(struct xml_doc_ctx *x, xmlNode *devices,
                      struct domain_config *cfg)
{
    for (xmlNode *c = devices->children; c; c = c->next) {
        size_t i;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        for (i = 0; i < sizeof(device_kinds) / sizeof(device_kinds[0]); i++)
            if (xmlStrcmp(c->name, BAD_CAST device_kinds[i].name) == 0)
                break;
        if (i == sizeof(device_kinds) / sizeof(device_kinds[0]))
            return xml_fail(x, c, "unsupported device <%s>: expected disk, "
                            "interface or console", (const char *)c->name);
        if (device_kinds[i].parse(x, c, cfg) < 0)
            return -1;
    }
    return 0;
}
