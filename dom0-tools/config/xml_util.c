#include "xml_util.h"

#include <libxml/parser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_values.h"

struct first_error {
    bool seen;
    int line;
    char message[CONFIG_ERROR_MAX / 2];
};

/* Keeps the first error only: later ones are usually its consequences. */
static void remember_first_error(void *ctx, xmlErrorPtr error)
{
    struct first_error *first = ctx;
    size_t len;

    if (first->seen || error->level < XML_ERR_ERROR)
        return;
    first->seen = true;
    first->line = error->line;
    snprintf(first->message, sizeof(first->message), "%s",
             error->message ? error->message : "malformed XML");
    len = strlen(first->message);
    while (len && (first->message[len - 1] == '\n' || first->message[len - 1] == ' '))
        first->message[--len] = '\0';
}

xmlDoc *xml_read(struct xml_doc_ctx *x, const char *file, const char *buf,
                 size_t len, struct config_error *err)
{
    struct first_error first = { 0 };
    xmlParserCtxt *ctxt;
    xmlDoc *doc = NULL;

    x->file = file;
    x->err = err;
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        config_error_at(err, file, NULL, "out of memory starting the XML parser");
        return NULL;
    }
    xmlSetStructuredErrorFunc(&first, remember_first_error);
    if (len <= (size_t)INT32_MAX)
        doc = xmlCtxtReadMemory(ctxt, buf, (int)len, file, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOCDATA);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (doc && (first.seen || !ctxt->wellFormed)) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    if (!doc) {
        struct config_origin where;

        config_origin_set(&where, first.line, NULL);
        config_error_at(err, file, &where, "malformed XML: %s",
                        first.seen ? first.message : "cannot parse");
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* Position among same-named siblings, and whether there is more than one. */
static int sibling_index(xmlNode *node, bool *ambiguous)
{
    int index = 1, total = 0;

    for (xmlNode *s = node->parent ? node->parent->children : node; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE || xmlStrcmp(s->name, node->name) != 0)
            continue;
        total++;
        if (s == node)
            index = total;
    }
    *ambiguous = total > 1;
    return index;
}

static void build_path(xmlNode *node, char *out, size_t out_len)
{
    char parent[CONFIG_ELEMENT_MAX] = "";
    bool ambiguous;
    int index;

    if (!node || node->type != XML_ELEMENT_NODE) {
        out[0] = '\0';
        return;
    }
    build_path(node->parent, parent, sizeof(parent));
    index = sibling_index(node, &ambiguous);
    if (ambiguous)
        snprintf(out, out_len, "%s/%s[%d]", parent, (const char *)node->name, index);
    else
        snprintf(out, out_len, "%s/%s", parent, (const char *)node->name);
}

void xml_origin(xmlNode *node, struct config_origin *where)
{
    where->line = (int)xmlGetLineNo(node);
    build_path(node, where->element, sizeof(where->element));
}

int xml_fail(struct xml_doc_ctx *x, xmlNode *node, const char *fmt, ...)
{
    struct config_origin where;
    char reason[CONFIG_ERROR_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    xml_origin(node, &where);
    config_error_at(x->err, x->file, &where, "%s", reason);
    return -1;
}

int xml_check_attributes(struct xml_doc_ctx *x, xmlNode *node,
                         const char *const *allowed)
{
    for (xmlAttr *a = node->properties; a; a = a->next) {
        const char *const *ok = allowed;

        while (*ok && xmlStrcmp(a->name, BAD_CAST *ok) != 0)
            ok++;
        if (!*ok)
            return xml_fail(x, node, "unsupported attribute \"%s\"",
                            (const char *)a->name);
    }
    return 0;
}

bool xml_has_attribute(xmlNode *node, const char *name)
{
    return xmlHasProp(node, BAD_CAST name) != NULL;
}

char *xml_attribute(xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetProp(node, BAD_CAST name);
    char *copy;

    if (!value)
        return NULL;
    copy = strdup((const char *)value);
    xmlFree(value);
    return copy;
}

int xml_required_attribute(struct xml_doc_ctx *x, xmlNode *node,
                           const char *name, char **out)
{
    *out = xml_attribute(node, name);
    if (!*out)
        return xml_fail(x, node, "missing attribute \"%s\"", name);
    if (!**out) {
        free(*out);
        *out = NULL;
        return xml_fail(x, node, "attribute \"%s\" is empty", name);
    }
    return 0;
}

static bool is_choice(const char *value, const char *choices)
{
    size_t len = strlen(value);

    for (const char *c = choices; c; c = strchr(c, '|') ? strchr(c, '|') + 1 : NULL)
        if (strncmp(c, value, len) == 0 && (c[len] == '|' || c[len] == '\0'))
            return true;
    return false;
}

int xml_attribute_choice(struct xml_doc_ctx *x, xmlNode *node,
                         const char *name, const char *choices, char **out)
{
    char *value = xml_attribute(node, name);

    if (out)
        *out = NULL;
    if (!value)
        return 0;
    if (!is_choice(value, choices)) {
        xml_fail(x, node, "unsupported %s=\"%s\": expected %s", name, value,
                 choices);
        free(value);
        return -1;
    }
    if (out)
        *out = value;
    else
        free(value);
    return 0;
}

int xml_text(struct xml_doc_ctx *x, xmlNode *node, char **out)
{
    xmlChar *content;

    *out = NULL;
    for (xmlNode *child = node->children; child; child = child->next)
        if (child->type == XML_ELEMENT_NODE)
            return xml_fail(x, child, "unexpected element <%s> inside <%s>",
                            (const char *)child->name, (const char *)node->name);
    content = xmlNodeGetContent(node);
    *out = config_strdup_trimmed(content ? (const char *)content : "",
                                 content ? strlen((const char *)content) : 0);
    xmlFree(content);
    if (!**out) {
        free(*out);
        *out = NULL;
        return xml_fail(x, node, "empty <%s>", (const char *)node->name);
    }
    return 0;
}

int xml_number(struct xml_doc_ctx *x, xmlNode *node, const char *attr,
               uint64_t max, uint64_t *out)
{
    char *text;
    int rc = 0;

    if (attr) {
        if (xml_required_attribute(x, node, attr, &text) < 0)
            return -1;
    } else if (xml_text(x, node, &text) < 0) {
        return -1;
    }
    if (config_parse_u64(text, out) < 0)
        rc = xml_fail(x, node, "invalid number%s%s \"%s\": expected a whole number",
                      attr ? " in " : "", attr ? attr : "", text);
    else if (*out > max)
        rc = xml_fail(x, node, "%s is too large (at most %llu)", text,
                      (unsigned long long)max);
    free(text);
    return rc;
}

struct memory_unit {
    const char *name;
    uint64_t bytes;
};

static const struct memory_unit memory_units[] = {
    { "b", 1 }, { "bytes", 1 },
    { "KB", 1000ULL }, { "k", 1ULL << 10 }, { "KiB", 1ULL << 10 },
    { "MB", 1000000ULL }, { "M", 1ULL << 20 }, { "MiB", 1ULL << 20 },
    { "GB", 1000000000ULL }, { "G", 1ULL << 30 }, { "GiB", 1ULL << 30 },
    { "TB", 1000000000000ULL }, { "T", 1ULL << 40 }, { "TiB", 1ULL << 40 },
};

#define N_MEMORY_UNITS (sizeof(memory_units) / sizeof(memory_units[0]))

static int unit_bytes(struct xml_doc_ctx *x, xmlNode *node, uint64_t *bytes)
{
    char *unit = xml_attribute(node, "unit");

    *bytes = 1ULL << 10;
    if (!unit)
        return 0;
    for (size_t i = 0; i < N_MEMORY_UNITS; i++) {
        if (strcmp(unit, memory_units[i].name) == 0) {
            *bytes = memory_units[i].bytes;
            free(unit);
            return 0;
        }
    }
    xml_fail(x, node, "unknown memory unit \"%s\": expected one of b, KiB, MiB, "
             "GiB, TiB, KB, MB, GB, TB, k, M, G, T", unit);
    free(unit);
    return -1;
}

int xml_memory_mib(struct xml_doc_ctx *x, xmlNode *node, uint64_t *mib)
{
    static const char *const attrs[] = { "unit", NULL };
    uint64_t count, unit;
    char *text;

    if (xml_check_attributes(x, node, attrs) < 0 || unit_bytes(x, node, &unit) < 0 ||
        xml_text(x, node, &text) < 0)
        return -1;
    if (config_parse_u64(text, &count) < 0) {
        xml_fail(x, node, "invalid size \"%s\": expected a whole number", text);
        free(text);
        return -1;
    }
    free(text);
    if (count > UINT64_MAX / unit)
        return xml_fail(x, node, "size overflows 64 bits");
    if ((count * unit) % (1ULL << 20) != 0)
        return xml_fail(x, node, "size %llu bytes is not a whole number of MiB",
                        (unsigned long long)(count * unit));
    *mib = count * unit >> 20;
    return 0;
}

int xml_empty(struct xml_doc_ctx *x, xmlNode *node)
{
    static const char *const none[] = { NULL };

    if (xml_check_attributes(x, node, none) < 0)
        return -1;
    for (xmlNode *child = node->children; child; child = child->next) {
        if (child->type == XML_ELEMENT_NODE ||
            (child->type == XML_TEXT_NODE && !xmlIsBlankNode(child)))
            return xml_fail(x, node, "<%s> must be empty", (const char *)node->name);
    }
    return 0;
}
