/*
 * How domains are shown: the aligned table for people and the JSON for
 * programs. Pure functions of the hypervisor's getdomaininfo records, so
 * they are unit-tested on the host.
 */
#ifndef LINTEL_DOMAIN_FORMAT_H
#define LINTEL_DOMAIN_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "public/domctl.h"

struct domain_row {
    struct xen_domctl_getdomaininfo info;
    const char *name;           /* NULL when unknown */
};

/* xl's six state letters: r b p s c d, '-' where a state does not hold. */
void domain_state_letters(const struct xen_domctl_getdomaininfo *info, char out[7]);

/* SHUTDOWN_* reason name while shut down, else NULL. */
const char *domain_shutdown_reason(const struct xen_domctl_getdomaininfo *info);

void domain_print_table(FILE *out, const struct domain_row *rows, size_t n, bool wide);
void domain_print_json(FILE *out, const struct domain_row *rows, size_t n);

/* Writes TEXT as a JSON string literal. */
void json_print_string(FILE *out, const char *text);

#endif
