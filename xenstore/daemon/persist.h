/*
 * Saving and loading the store so a restarted daemon loses no domain's entries:
 * every node (parents before children, children in creation order), the
 * special nodes' permissions, the introduced domains, and the watches of
 * domain connections (their kernels will not register them again).
 */
#ifndef LINTEL_XS_PERSIST_H
#define LINTEL_XS_PERSIST_H

#include "store.h"

/* Writes atomically (temporary file, then rename). Returns 0 or an errno. */
int persist_save(const struct store *s, const char *file);

/*
 * Loads into a freshly initialised store. Domains come back with conn NULL and
 * domain watches as (domid, path, token) through restore_watch, so the daemon
 * can reattach transports first. Returns 0, ENOENT (no state yet), or EINVAL
 * for a corrupt file (the store is then left empty).
 */
int persist_load(struct store *s, const char *file,
                 void (*restore_watch)(void *ctx, uint32_t domid, const char *path,
                                       const char *token, bool relative),
                 void *ctx);

#endif
