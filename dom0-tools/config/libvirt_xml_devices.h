/* <devices> of a libvirt domain: disks, bridged interfaces, the console. */
#ifndef LINTEL_LIBVIRT_XML_DEVICES_H
#define LINTEL_LIBVIRT_XML_DEVICES_H

#include "domain_config.h"
#include "xml_util.h"

int xml_devices_parse(struct xml_doc_ctx *x, xmlNode *devices,
                      struct domain_config *cfg);

#endif
