/* Shared by the request handlers (ops_*.c); not part of the engine's interface. */
#ifndef LINTEL_XS_OPS_H
#define LINTEL_XS_OPS_H

#include "path.h"
#include "store.h"
#include "wire.h"

struct request {
    struct store *s;
    struct xs_conn *c;
    const struct xsd_sockmsg *hdr;
    const char *body;
    struct view view;
};

/* A handler returns 0 once it queued its reply, or an errno to send as XS_ERROR. */
typedef int (*op_handler)(struct request *r);

void reply(struct request *r, const void *data, uint32_t len);
void reply_string(struct request *r, const char *s);   /* includes the NUL */
void reply_ok(struct request *r);

/* Exactly max (or between min and max) NUL-terminated arguments, else EINVAL. */
int split_args(const struct request *r, const char **argv, int min, int max);

/* A change made by this request: fired now, or at commit when inside a transaction. */
void note_change(struct request *r, enum change_kind kind, const char *path,
                 const struct node_perms *perms);

bool requester_is_privileged(const struct request *r);

/* Removes path and everything below it (no permission check), firing watches. */
int remove_node(struct request *r, const char *path);

int op_read(struct request *r);
int op_write(struct request *r);
int op_mkdir(struct request *r);
int op_rm(struct request *r);
int op_directory(struct request *r);
int op_directory_part(struct request *r);
int op_get_perms(struct request *r);
int op_set_perms(struct request *r);
int op_watch(struct request *r);
int op_unwatch(struct request *r);
int op_reset_watches(struct request *r);
int op_transaction_start(struct request *r);
int op_transaction_end(struct request *r);
int op_introduce(struct request *r);
int op_release(struct request *r);
int op_get_domain_path(struct request *r);
int op_is_domain_introduced(struct request *r);
int op_resume(struct request *r);
int op_set_target(struct request *r);
int op_control(struct request *r);

#endif
