/*
 * libvirt domain XML, PV subset. Anything outside the subset is refused by
 * name rather than ignored: a silently dropped <memoryBacking> or <vcpupin>
 * would give the operator a different domain than the one they described.
 */
#include "libvirt_xml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_values.h"
#include "libvirt_xml_devices.h"
#include "xml_util.h"

struct xml_parse {
    struct xml_doc_ctx x;
    struct domain_config *cfg;
};

struct xml_element {
    const char *name;
    int (*apply)(struct xml_parse *p, xmlNode *node);
    bool repeatable;
};

static const char *const no_attributes[] = { NULL };

static void mark(struct xml_parse *p, enum config_field field, xmlNode *node)
{
    struct config_origin where;

    xml_origin(node, &where);
    domain_config_mark(p->cfg, field, &where);
}

/* Runs the handler of each element child of NODE, refusing unknown ones. */
static int walk_children(struct xml_parse *p, xmlNode *node,
                         const struct xml_element *table, size_t n)
{
    xmlNode *seen[16] = { NULL };

    for (xmlNode *child = node->children; child; child = child->next) {
        size_t i;

        if (child->type != XML_ELEMENT_NODE)
            continue;
        for (i = 0; i < n; i++)
            if (xmlStrcmp(child->name, BAD_CAST table[i].name) == 0)
                break;
        if (i == n)
            return xml_fail(&p->x, child,
                            "unsupported element <%s> (not in the PV subset)",
                            (const char *)child->name);
        if (!table[i].repeatable && i < 16 && seen[i])
            return xml_fail(&p->x, child, "duplicate element <%s> (first on line %ld)",
                            (const char *)child->name, xmlGetLineNo(seen[i]));
        if (i < 16)
            seen[i] = child;
        if (table[i].apply(p, child) < 0)
            return -1;
    }
    return 0;
}

static int text_field(struct xml_parse *p, xmlNode *node,
                      enum config_field field, char **slot)
{
    char *text;

    if (xml_check_attributes(&p->x, node, no_attributes) < 0 ||
        xml_text(&p->x, node, &text) < 0)
        return -1;
    free(*slot);
    *slot = text;
    mark(p, field, node);
    return 0;
}

static int apply_name(struct xml_parse *p, xmlNode *node)
{
    return text_field(p, node, FIELD_NAME, &p->cfg->name);
}

static int apply_uuid(struct xml_parse *p, xmlNode *node)
{
    char *text;
    int rc = 0;

    if (xml_check_attributes(&p->x, node, no_attributes) < 0 ||
        xml_text(&p->x, node, &text) < 0)
        return -1;
    if (config_parse_uuid(text, p->cfg->uuid) < 0)
        rc = xml_fail(&p->x, node, "invalid UUID \"%s\": expected "
                      "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", text);
    free(text);
    p->cfg->has_uuid = (rc == 0);
    mark(p, FIELD_UUID, node);
    return rc;
}

static int apply_memory(struct xml_parse *p, xmlNode *node)
{
    bool current = xmlStrcmp(node->name, BAD_CAST "currentMemory") == 0;
    uint64_t mib;

    if (xml_memory_mib(&p->x, node, &mib) < 0)
        return -1;
    *(current ? &p->cfg->memory_mib : &p->cfg->maxmem_mib) = mib;
    mark(p, current ? FIELD_MEMORY : FIELD_MAXMEM, node);
    return 0;
}

static int apply_vcpu(struct xml_parse *p, xmlNode *node)
{
    static const char *const attrs[] = { "placement", "cpuset", "current", NULL };
    char *placement = NULL, *cpuset = NULL;
    uint64_t n;
    int rc;

    if (xml_check_attributes(&p->x, node, attrs) < 0 ||
        xml_number(&p->x, node, NULL, UINT32_MAX, &n) < 0)
        return -1;
    p->cfg->maxvcpus = (unsigned)n;
    mark(p, FIELD_MAXVCPUS, node);
    if (xml_has_attribute(node, "current")) {
        if (xml_number(&p->x, node, "current", UINT32_MAX, &n) < 0)
            return -1;
    }
    p->cfg->vcpus = (unsigned)n;
    mark(p, FIELD_VCPUS, node);
    rc = xml_attribute_choice(&p->x, node, "placement", "static", &placement);
    if (rc == 0 && (cpuset = xml_attribute(node, "cpuset")) != NULL) {
        char why[256];

        cpu_set_clear(&p->cfg->cpus);
        if (cpu_set_parse(cpuset, &p->cfg->cpus, why, sizeof(why)) < 0)
            rc = xml_fail(&p->x, node, "cpuset: %s", why);
        mark(p, FIELD_CPUS, node);
    }
    free(placement);
    free(cpuset);
    return rc;
}

static int apply_os_type(struct xml_parse *p, xmlNode *node)
{
    static const char *const attrs[] = { "arch", "machine", NULL };
    char *text;
    int rc = 0;

    if (xml_check_attributes(&p->x, node, attrs) < 0 ||
        xml_attribute_choice(&p->x, node, "arch", "x86_64", NULL) < 0 ||
        xml_attribute_choice(&p->x, node, "machine", "xenpv", NULL) < 0 ||
        xml_text(&p->x, node, &text) < 0)
        return -1;
    if (strcmp(text, "linux") != 0 && strcmp(text, "xen") != 0)
        rc = xml_fail(&p->x, node,
                      "unsupported OS type \"%s\": only linux (Xen PV) is "
                      "supported", text);
    free(text);
    return rc;
}

static int apply_kernel(struct xml_parse *p, xmlNode *node)
{
    return text_field(p, node, FIELD_KERNEL, &p->cfg->kernel);
}

static int apply_initrd(struct xml_parse *p, xmlNode *node)
{
    return text_field(p, node, FIELD_RAMDISK, &p->cfg->ramdisk);
}

static int apply_cmdline(struct xml_parse *p, xmlNode *node)
{
    return text_field(p, node, FIELD_CMDLINE, &p->cfg->cmdline);
}

static int apply_os(struct xml_parse *p, xmlNode *node)
{
    static const struct xml_element children[] = {
        { "type", apply_os_type, false },
        { "kernel", apply_kernel, false },
        { "initrd", apply_initrd, false },
        { "cmdline", apply_cmdline, false },
    };

    if (xml_check_attributes(&p->x, node, no_attributes) < 0)
        return -1;
    return walk_children(p, node, children, sizeof(children) / sizeof(children[0]));
}

static int apply_action(struct xml_parse *p, xmlNode *node)
{
    const char *name = (const char *)node->name;
    enum config_field field = !strcmp(name, "on_poweroff") ? FIELD_ON_POWEROFF
                            : !strcmp(name, "on_reboot") ? FIELD_ON_REBOOT
                            : FIELD_ON_CRASH;
    enum domain_action *slot = field == FIELD_ON_POWEROFF ? &p->cfg->on_poweroff
                             : field == FIELD_ON_REBOOT ? &p->cfg->on_reboot
                             : &p->cfg->on_crash;
    char why[256];
    char *text;
    int rc = 0;

    if (xml_check_attributes(&p->x, node, no_attributes) < 0 ||
        xml_text(&p->x, node, &text) < 0)
        return -1;
    if (domain_action_parse(text, slot) < 0) {
        domain_action_refusal(text, why, sizeof(why));
        rc = xml_fail(&p->x, node, "%s", why);
    }
    free(text);
    mark(p, field, node);
    return rc;
}

static int apply_shares(struct xml_parse *p, xmlNode *node)
{
    uint64_t n;

    if (xml_check_attributes(&p->x, node, no_attributes) < 0 ||
        xml_number(&p->x, node, NULL, UINT32_MAX, &n) < 0)
        return -1;
    p->cfg->cpu_weight = (unsigned)n;
    mark(p, FIELD_CPU_WEIGHT, node);
    return 0;
}

static int apply_cputune(struct xml_parse *p, xmlNode *node)
{
    static const struct xml_element children[] = {
        { "shares", apply_shares, false },
    };

    if (xml_check_attributes(&p->x, node, no_attributes) < 0)
        return -1;
    return walk_children(p, node, children, 1);
}

static int apply_devices(struct xml_parse *p, xmlNode *node)
{
    if (xml_check_attributes(&p->x, node, no_attributes) < 0)
        return -1;
    return xml_devices_parse(&p->x, node, p->cfg);
}

static const struct xml_element domain_children[] = {
    { "name", apply_name, false },
    { "uuid", apply_uuid, false },
    { "memory", apply_memory, false },
    { "currentMemory", apply_memory, false },
    { "vcpu", apply_vcpu, false },
    { "os", apply_os, false },
    { "on_poweroff", apply_action, false },
    { "on_reboot", apply_action, false },
    { "on_crash", apply_action, false },
    { "cputune", apply_cputune, false },
    { "devices", apply_devices, false },
};

static int parse_domain(struct xml_parse *p, xmlNode *root)
{
    static const char *const attrs[] = { "type", NULL };

    if (xmlStrcmp(root->name, BAD_CAST "domain") != 0)
        return xml_fail(&p->x, root, "root element is <%s>, expected <domain>",
                        (const char *)root->name);
    if (xml_check_attributes(&p->x, root, attrs) < 0)
        return -1;
    if (!xml_has_attribute(root, "type"))
        return xml_fail(&p->x, root, "missing attribute type='xen'");
    if (xml_attribute_choice(&p->x, root, "type", "xen", NULL) < 0)
        return -1;
    if (walk_children(p, root, domain_children,
                      sizeof(domain_children) / sizeof(domain_children[0])) < 0)
        return -1;
    /* libvirt's <memory> is the maximum; without <currentMemory> it is both. */
    if (!p->cfg->field_set[FIELD_MEMORY] && p->cfg->field_set[FIELD_MAXMEM]) {
        p->cfg->memory_mib = p->cfg->maxmem_mib;
        domain_config_mark(p->cfg, FIELD_MEMORY, &p->cfg->origin[FIELD_MAXMEM]);
    }
    return 0;
}

int libvirt_xml_parse(const char *file, const char *buf, size_t len,
                      struct domain_config *cfg, struct config_error *err)
{
    struct xml_parse p = { .cfg = cfg };
    xmlDoc *doc;
    int rc;

    doc = xml_read(&p.x, file, buf, len, err);
    if (!doc)
        return -1;
    rc = parse_domain(&p, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    return rc;
}
