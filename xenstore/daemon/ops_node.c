/* READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART, GET_PERMS, SET_PERMS. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

static int one_path(struct request *r, bool allow_special, char *out)
{
    const char *argv[1];

    if (split_args(r, argv, 1, 1) != 1)
        return EINVAL;
    return path_resolve(r->c->who.domid, argv[0], allow_special, out);
}

static bool may(const struct request *r, const struct node_perms *p, unsigned need)
{
    return (perms_for(p, &r->c->who) & need) == need;
}

/* The closest node that exists at or above path ("/" always does). */
static const struct node *nearest_existing(struct request *r, const char *path)
{
    char p[PATH_BUF];
    const struct node *n;

    strcpy(p, path);
    while (!(n = view_get(&r->view, p)))
        path_parent(p, p);
    return n;
}

/*
 * Xen hides whether a node exists from whoever lacks, on the closest existing
 * ancestor, any of the access the operation needs.
 */
static int missing_node_error(struct request *r, const char *path, unsigned need)
{
    return perms_for(&nearest_existing(r, path)->perms, &r->c->who) & need ? ENOENT : EACCES;
}

static int get_node(struct request *r, const char *path, unsigned need, const struct node **out)
{
    const struct node *n = view_get(&r->view, path);

    if (!n)
        return missing_node_error(r, path, need);
    if (!may(r, &n->perms, need))
        return EACCES;
    *out = n;
    return 0;
}

/* The node a READ or DIRECTORY names, if the requester may read it. */
static int readable_node(struct request *r, const struct node **out)
{
    char path[PATH_BUF];
    int err = one_path(r, false, path);

    return err ? err : get_node(r, path, PERM_READ, out);
}

int op_read(struct request *r)
{
    const struct node *n;
    int err = readable_node(r, &n);

    if (err)
        return err;
    reply(r, n->value, n->vlen);
    return 0;
}

/* A new child starts with its parent's permissions, owned by its unprivileged creator. */
static struct node *child_of(struct request *r, const struct node *parent, const char *path)
{
    struct node *n = node_new(path);

    if (!n)
        return NULL;
    if (perms_copy(&n->perms, &parent->perms)) {
        node_free(n);
        return NULL;
    }
    if (!requester_is_privileged(r))
        n->perms.e[0].domid = r->c->who.domid;
    return n;
}

static int link_child(struct request *r, const char *path)
{
    char pp[PATH_BUF];
    struct node *parent;
    int err;

    path_parent(path, pp);
    parent = node_copy(view_get(&r->view, pp));
    if (!parent)
        return ENOMEM;
    err = node_add_child(parent, path_base(path));
    if (err) {
        node_free(parent);
        return err;
    }
    view_put(&r->view, parent);
    return 0;
}

static unsigned missing_depth(struct request *r, const char *path)
{
    char p[PATH_BUF];
    unsigned depth = 0;

    strcpy(p, path);
    while (!view_get(&r->view, p)) {
        depth++;
        path_parent(p, p);
    }
    return depth;
}

/* Creates path and any missing ancestors, all or nothing; returns the new node. */
static int create_path(struct request *r, const char *path, struct node **out)
{
    unsigned depth = missing_depth(r, path);
    const struct node *top = nearest_existing(r, path);
    char p[PATH_BUF];

    if (!may(r, &top->perms, PERM_WRITE))
        return EACCES;
    if (!requester_is_privileged(r) &&
        view_owned(&r->view, r->c->who.domid) + (int32_t)depth > (int32_t)r->s->quota.entries)
        return ENOSPC;
    while (depth-- > 0) {
        const char *end = path + strlen(path);
        struct node *n;
        char pp[PATH_BUF];
        int err;

        /* The ancestor 'depth' levels above path is the next one to create. */
        for (unsigned i = 0; i < depth; i++)
            while (*--end != '/')
                ;
        memcpy(p, path, (size_t)(end - path));
        p[end - path] = '\0';
        path_parent(p, pp);
        n = child_of(r, view_get(&r->view, pp), p);
        if (!n)
            return ENOMEM;
        err = link_child(r, p);
        if (err) {
            node_free(n);
            return err;
        }
        if (depth == 0) {
            *out = n;
            return 0;
        }
        view_put(&r->view, n);
    }
    return EINVAL;
}

static int write_value(struct request *r, const char *path, const void *value, uint32_t vlen)
{
    const struct node *cur = view_get(&r->view, path);
    struct node *n;
    int err;

    if (!requester_is_privileged(r) && vlen > r->s->quota.node_size)
        return ENOSPC;
    if (cur) {
        if (!may(r, &cur->perms, PERM_WRITE))
            return EACCES;
        n = node_copy(cur);
        err = n ? 0 : ENOMEM;
    } else {
        err = create_path(r, path, &n);
    }
    if (err)
        return err;
    err = node_set_value(n, value, vlen);
    if (err) {
        node_free(n);
        return err;
    }
    view_put(&r->view, n);
    n = (struct node *)view_get(&r->view, path);
    note_change(r, CHANGE_WRITE, path, &n->perms);
    return 0;
}

int op_write(struct request *r)
{
    const char *nul = memchr(r->body, '\0', r->hdr->len);
    char path[PATH_BUF];
    int err;

    if (!nul)
        return EINVAL;
    err = path_resolve(r->c->who.domid, r->body, false, path);
    if (!err)
        err = write_value(r, path, nul + 1, r->hdr->len - (uint32_t)(nul + 1 - r->body));
    if (!err)
        reply_ok(r);
    return err;
}

int op_mkdir(struct request *r)
{
    char path[PATH_BUF];
    const struct node *cur;
    int err = one_path(r, false, path);

    if (err)
        return err;
    cur = view_get(&r->view, path);
    if (!cur)
        err = write_value(r, path, "", 0);
    else if (!may(r, &cur->perms, PERM_WRITE))
        err = EACCES;
    if (!err)
        reply_ok(r);
    return err;
}

/*
 * Post-order, so children's events precede their parent's, as in Xen. Paths
 * may nest 1536 deep: each level keeps its buffers on the heap, not the stack.
 */
static void remove_subtree(struct request *r, const char *path, bool is_root)
{
    struct node *n = node_copy(view_get(&r->view, path));
    char *child = malloc(PATH_BUF);

    if (!n || !child) {
        node_free(n);
        free(child);
        return;
    }
    for (uint32_t off = 0; off < n->childlen; off += (uint32_t)strlen(n->children + off) + 1) {
        snprintf(child, PATH_BUF, "%s/%s", strcmp(path, "/") ? path : "", n->children + off);
        remove_subtree(r, child, false);
    }
    free(child);
    view_remove(&r->view, path);
    note_change(r, is_root ? CHANGE_RM_ROOT : CHANGE_RM_CHILD, path, &n->perms);
    node_free(n);
}

int remove_node(struct request *r, const char *path)
{
    char pp[PATH_BUF];
    struct node *parent;

    path_parent(path, pp);
    parent = node_copy(view_get(&r->view, pp));
    if (!parent)
        return ENOMEM;
    remove_subtree(r, path, true);
    node_remove_child(parent, path_base(path));
    view_put(&r->view, parent);
    return 0;
}

int op_rm(struct request *r)
{
    char path[PATH_BUF], pp[PATH_BUF];
    const struct node *n;
    int err = one_path(r, false, path);

    if (err)
        return err;
    if (strcmp(path, "/") == 0)
        return EINVAL;
    path_parent(path, pp);
    err = get_node(r, path, PERM_WRITE, &n);
    if (err == ENOENT && view_get(&r->view, pp)) {
        reply_ok(r);     /* already gone is success while the parent exists */
        return 0;
    }
    if (!err)
        err = remove_node(r, path);
    if (!err)
        reply_ok(r);
    return err;
}

int op_directory(struct request *r)
{
    const struct node *n;
    int err = readable_node(r, &n);

    if (err)
        return err;
    reply(r, n->children, n->childlen);
    return 0;
}

/*
 * Reply: the node's generation, then as many whole child names from the byte
 * offset as fit; an empty name marks the end, so the client knows it has all.
 */
int op_directory_part(struct request *r)
{
    const char *argv[2];
    char path[PATH_BUF], *buf;
    const struct node *n;
    uint32_t off, len;
    int err;

    if (split_args(r, argv, 2, 2) != 2 || !wire_parse_u32(argv[1], &off))
        return EINVAL;
    err = path_resolve(r->c->who.domid, argv[0], false, path);
    if (!err)
        err = get_node(r, path, PERM_READ, &n);
    if (err)
        return err;
    if (off > n->childlen)
        return EINVAL;
    buf = malloc(XENSTORE_PAYLOAD_MAX);
    if (!buf)
        return ENOMEM;
    len = (uint32_t)sprintf(buf, "%" PRIu64, n->gen) + 1;
    while (off < n->childlen) {
        uint32_t nl = (uint32_t)strlen(n->children + off) + 1;

        if (len + nl > XENSTORE_PAYLOAD_MAX)
            break;
        memcpy(buf + len, n->children + off, nl);
        len += nl;
        off += nl;
    }
    if (off >= n->childlen && len < XENSTORE_PAYLOAD_MAX)
        buf[len++] = '\0';
    reply(r, buf, len);
    free(buf);
    return 0;
}

static struct node_perms *special_perms(struct request *r, const char *path)
{
    return &r->s->special_perms[strcmp(path, PATH_INTRODUCE) == 0 ? SPECIAL_INTRODUCE
                                                                  : SPECIAL_RELEASE];
}

static void reply_perms(struct request *r, const struct node_perms *p)
{
    char *buf = malloc(perms_wire_size(p));

    if (!buf) {
        r->c->broken = true;
        return;
    }
    reply(r, buf, (uint32_t)perms_format(p, buf));
    free(buf);
}

int op_get_perms(struct request *r)
{
    char path[PATH_BUF];
    const struct node *n;
    int err = one_path(r, true, path);

    if (err)
        return err;
    if (path_is_special(path)) {
        reply_perms(r, special_perms(r, path));
        return 0;
    }
    err = get_node(r, path, PERM_READ, &n);
    if (!err)
        reply_perms(r, &n->perms);
    return err;
}

static int check_new_perms(struct request *r, const struct node_perms *cur,
                           const struct node_perms *np)
{
    if (!may(r, cur, PERM_OWNER))
        return EACCES;
    if (requester_is_privileged(r))
        return 0;
    if (np->n > r->s->quota.perms)
        return ENOSPC;
    /* Only the tools may give a node away. */
    return np->e[0].domid == cur->e[0].domid ? 0 : EPERM;
}

static int set_special_perms(struct request *r, const char *path, struct node_perms *np)
{
    struct node_perms *cur = special_perms(r, path);
    int err = check_new_perms(r, cur, np);

    if (err)
        return err;
    perms_free(cur);
    *cur = *np;
    np->e = NULL;
    r->s->dirty = true;
    return 0;
}

static int set_node_perms(struct request *r, const char *path, struct node_perms *np)
{
    const struct node *cur;
    struct node *n;
    int err = get_node(r, path, PERM_WRITE | PERM_OWNER, &cur);

    if (!err)
        err = check_new_perms(r, &cur->perms, np);
    if (err)
        return err;
    n = node_copy(cur);
    if (!n)
        return ENOMEM;
    perms_free(&n->perms);
    n->perms = *np;
    np->e = NULL;
    view_put(&r->view, n);
    note_change(r, CHANGE_WRITE, path, &view_get(&r->view, path)->perms);
    return 0;
}

int op_set_perms(struct request *r)
{
    const char *argv[64];
    char path[PATH_BUF];
    struct node_perms np = { 0, NULL };
    int n = split_args(r, argv, 2, 64), err;

    if (n < 2)
        return EINVAL;
    err = path_resolve(r->c->who.domid, argv[0], true, path);
    if (!err)
        err = perms_parse(argv + 1, n - 1, &np);
    if (err)
        return err;
    if (path_is_special(path))
        err = set_special_perms(r, path, &np);
    else
        err = set_node_perms(r, path, &np);
    perms_free(&np);
    if (!err)
        reply_ok(r);
    return err;
}
