/* The xl.cfg reader: fills a domain_config from the text of an xl.cfg file. */
#ifndef LINTEL_XL_CFG_H
#define LINTEL_XL_CFG_H

#include <stddef.h>

#include "domain_config.h"

/*
 * Parses LEN bytes of BUF (the contents of FILE, named in messages) into
 * CFG, which must have been initialised. Returns 0, or -1 with ERR set.
 */
int xl_cfg_parse(const char *file, const char *buf, size_t len,
                 struct domain_config *cfg, struct config_error *err);

#endif
