/*
 * The toolstack's use of the store: domain names, and the keys a running
 * guest watches (control/shutdown, memory/target, cpu/N/availability).
 * The store is optional for commands that only read: without it, only
 * dom0's fixed name is known.
 */
#ifndef LINTEL_DOMAIN_STORE_H
#define LINTEL_DOMAIN_STORE_H

#include <stdbool.h>
#include <stdint.h>

struct xs_handle;

/* The store connection, opened on first use; NULL if there is no store. */
struct xs_handle *store_handle(void);
void store_close(void);

/* The name recorded for DOMID (malloc'd), or NULL. */
char *store_domain_name(struct xs_handle *xs, uint32_t domid);

/*
 * The domain whose recorded name is NAME: 0 and *DOMID set, -ENOENT when
 * none, -EEXIST when several domains carry it.
 */
int store_domain_by_name(struct xs_handle *xs, const char *name, uint32_t *domid);

/* Reads /local/domain/DOMID/KEY (malloc'd), or NULL. */
char *store_read_domain_key(struct xs_handle *xs, uint32_t domid, const char *key);

/* Writes VALUE at /local/domain/DOMID/KEY; false with errno on failure. */
bool store_write_domain_key(struct xs_handle *xs, uint32_t domid, const char *key,
                            const char *value);

/* Drops a dead domain's home and its connection to the store (best effort). */
void store_forget_domain(struct xs_handle *xs, uint32_t domid);

#endif
