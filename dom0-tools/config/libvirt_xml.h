/*
 * The libvirt domain XML reader (the `<domain type='xen'>` PV subset),
 * filling the same domain_config model as the xl.cfg reader.
 */
#ifndef LINTEL_LIBVIRT_XML_H
#define LINTEL_LIBVIRT_XML_H

#include <stddef.h>

#include "domain_config.h"

int libvirt_xml_parse(const char *file, const char *buf, size_t len,
                      struct domain_config *cfg, struct config_error *err);

#endif
