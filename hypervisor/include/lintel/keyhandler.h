/*
 * Debug keys typed on the serial console while input goes to the
 * hypervisor. Owners register their dumps here ('h' lists them all), so the
 * help text is generated from the table and cannot drift.
 */
#ifndef LINTEL_KEYHANDLER_H
#define LINTEL_KEYHANDLER_H

#include <lintel/types.h>

typedef void (*keyhandler_fn)(char key);

/*
 * Returns false if the key is taken or the table is full. A key held by a
 * fallback is taken over: the idle code registers fallbacks for the domain
 * and run-queue dumps, which the domain and scheduler code replace.
 */
bool keyhandler_register(char key, keyhandler_fn fn, const char *description);
bool keyhandler_register_fallback(char key, keyhandler_fn fn, const char *description);
void keyhandler_dispatch(char key);
void keyhandler_init(void);

#endif
