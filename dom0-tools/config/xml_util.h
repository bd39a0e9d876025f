/*
 * Small helpers over libxml2 for config readers: safe document loading,
 * element paths for messages, and strict attribute/text access that
 * reports problems at the element they concern.
 */
#ifndef LINTEL_XML_UTIL_H
#define LINTEL_XML_UTIL_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config_error.h"

struct xml_doc_ctx {
    const char *file;
    struct config_error *err;
};

/* Parses without network access or entity expansion; NULL with ERR set. */
xmlDoc *xml_read(struct xml_doc_ctx *x, const char *file, const char *buf,
                 size_t len, struct config_error *err);

/* NODE's line and its path such as /domain/devices/disk[2]/target. */
void xml_origin(xmlNode *node, struct config_origin *where);

int xml_fail(struct xml_doc_ctx *x, xmlNode *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Refuses any attribute of NODE not in the NULL-terminated ALLOWED list. */
int xml_check_attributes(struct xml_doc_ctx *x, xmlNode *node,
                         const char *const *allowed);

bool xml_has_attribute(xmlNode *node, const char *name);
/* The attribute's value (caller frees), or NULL when absent. */
char *xml_attribute(xmlNode *node, const char *name);
/* Like xml_attribute, but an absent attribute is an error. */
int xml_required_attribute(struct xml_doc_ctx *x, xmlNode *node,
                           const char *name, char **out);

/*
 * If attribute NAME is present its value must be one of CHOICES ('|'
 * separated). OUT (may be NULL) receives the value or NULL when absent.
 */
int xml_attribute_choice(struct xml_doc_ctx *x, xmlNode *node,
                         const char *name, const char *choices, char **out);

/* The element's trimmed, non-empty text; child elements are refused. */
int xml_text(struct xml_doc_ctx *x, xmlNode *node, char **out);

/* A decimal number from attribute ATTR, or from the text if ATTR is NULL. */
int xml_number(struct xml_doc_ctx *x, xmlNode *node, const char *attr,
               uint64_t max, uint64_t *out);

/* <memory unit='...'>N</memory> as whole MiB (libvirt's default unit: KiB). */
int xml_memory_mib(struct xml_doc_ctx *x, xmlNode *node, uint64_t *mib);

/* Refuses any content in an element that must be empty, like <readonly/>. */
int xml_empty(struct xml_doc_ctx *x, xmlNode *node);

#endif
