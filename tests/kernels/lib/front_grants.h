/*
 * Granting our pages to a backend: a frontend's side of the grant table
 * (version 1, the version `lintel create` and xl give a PV domU). The
 * first GNTTAB_NR_RESERVED_ENTRIES references are the toolstack's
 * (console, store); ours come after them.
 */
#ifndef TESTKERNEL_FRONT_GRANTS_H
#define TESTKERNEL_FRONT_GRANTS_H

#include <stdint.h>

#include <public/grant_table.h>

/* Sets up and maps our table (one frame); 0 or -errno. */
long front_grants_init(void);

/* A new reference granting PAGE (page aligned) to domain TO; 0 when none is left. */
grant_ref_t front_grant(const void *page, domid_t to, int readonly);

/* The highest reference our table holds, for refusals to aim past. */
grant_ref_t front_grants_limit(void);

#endif /* TESTKERNEL_FRONT_GRANTS_H */
