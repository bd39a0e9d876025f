/* Registered watches and the events a change produces. */
#ifndef LINTEL_XS_WATCH_H
#define LINTEL_XS_WATCH_H

#include <stdbool.h>
#include "conn.h"
#include "txn.h"

struct watch {
    struct watch *next;
    struct xs_conn *conn;
    char *path;          /* absolute, or a special "@..." name */
    char *token;
    bool relative;       /* events are reported relative to the watcher's home */
};

/* Kept in registration order so events reach watchers in a stable order. */
struct watch_list {
    struct watch *head, *tail;
};

bool watch_exists(const struct watch_list *l, const struct xs_conn *c, const char *path,
                  const char *token);
int watch_add(struct watch_list *l, struct xs_conn *c, const char *path,
              const char *token, bool relative);
int watch_remove(struct watch_list *l, struct xs_conn *c, const char *path, const char *token);
void watch_remove_conn(struct watch_list *l, struct xs_conn *c);
void watch_list_free(struct watch_list *l);

/* Queues a watch event for the path the client registered. */
void watch_send_event(struct xs_conn *c, const char *path, const char *token);

/* Queues an event on every watch the change concerns and whose owner may read it. */
void watch_fire(const struct watch_list *l, enum change_kind kind, const char *path,
                const struct node_perms *perms);

#endif
