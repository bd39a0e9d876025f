/* liblintelstore: the libxenstore-compatible calls, one wire message each. */
#include "client.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static struct reply_msg *one_string(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                                    const char *s)
{
    const char *strs[1] = { s };

    return xs_exchange_strings(h, t, type, strs, 1);
}

static bool ok_reply(struct reply_msg *m)
{
    free(m);
    return m != NULL;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
    struct reply_msg *m = one_string(h, t, XS_READ, path);
    char *v;

    if (!m)
        return NULL;
    v = malloc(m->hdr.len + 1);
    if (v) {
        memcpy(v, m->body, m->hdr.len + 1);
        if (len)
            *len = m->hdr.len;
    }
    free(m);
    return v;
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data,
              unsigned int len)
{
    const void *parts[2] = { path, data };
    unsigned lens[2] = { (unsigned)strlen(path) + 1, len };

    return ok_reply(xs_exchange(h, t, XS_WRITE, parts, lens, 2));
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return ok_reply(one_string(h, t, XS_MKDIR, path));
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return ok_reply(one_string(h, t, XS_RM, path));
}

/* One allocation: the pointer array followed by copies of the strings. */
static char **split_strings(const char *buf, unsigned len, unsigned *num)
{
    unsigned n = 0;
    char **v, *copy;

    for (unsigned i = 0; i < len; i++)
        n += buf[i] == '\0';
    v = malloc(n * sizeof(char *) + len + 1);
    if (!v)
        return NULL;
    copy = (char *)(v + n);
    memcpy(copy, buf, len);
    copy[len] = '\0';
    for (unsigned i = 0, off = 0; i < n; i++) {
        v[i] = copy + off;
        off += (unsigned)strlen(copy + off) + 1;
    }
    *num = n;
    return v;
}

/* Directories too big for one message come in parts, checked against the generation. */
static char **directory_in_parts(struct xs_handle *h, xs_transaction_t t, const char *path,
                                 unsigned *num)
{
    char *all = NULL, gen[32] = "", off_s[16];
    unsigned len = 0;

    for (;;) {
        const char *strs[2] = { path, off_s };
        struct reply_msg *m;
        unsigned glen, chunk;
        char *grown;

        snprintf(off_s, sizeof(off_s), "%u", len);
        m = xs_exchange_strings(h, t, XS_DIRECTORY_PART, strs, 2);
        if (!m)
            break;
        glen = (unsigned)strlen(m->body) + 1;
        if (gen[0] && strcmp(gen, m->body) != 0) {
            free(m);
            len = 0;             /* changed under us: start again */
            gen[0] = '\0';
            continue;
        }
        snprintf(gen, sizeof(gen), "%s", m->body);
        chunk = m->hdr.len - glen;
        grown = realloc(all, len + chunk + 1);
        if (!grown) {
            free(m);
            break;
        }
        all = grown;
        memcpy(all + len, m->body + glen, chunk);
        free(m);
        /* An empty name after the last one marks the end. */
        if (chunk == 0 || (chunk >= 1 && all[len + chunk - 1] == '\0' &&
                           (chunk == 1 || all[len + chunk - 2] == '\0'))) {
            char **v = split_strings(all, len + chunk - (chunk ? 1 : 0), num);

            free(all);
            return v;
        }
        len += chunk;
    }
    free(all);
    return NULL;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *num)
{
    struct reply_msg *m = one_string(h, t, XS_DIRECTORY, path);
    char **v;

    if (!m)
        return errno == E2BIG ? directory_in_parts(h, t, path, num) : NULL;
    v = split_strings(m->body, m->hdr.len, num);
    free(m);
    return v;
}

bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num, const char *strings)
{
    const char *p = strings;

    for (unsigned i = 0; i < num; i++, p += strlen(p) + 1) {
        char *end;

        switch (*p) {
        case 'n': perms[i].perms = XS_PERM_NONE; break;
        case 'r': perms[i].perms = XS_PERM_READ; break;
        case 'w': perms[i].perms = XS_PERM_WRITE; break;
        case 'b': perms[i].perms = XS_PERM_READ | XS_PERM_WRITE; break;
        default: errno = EINVAL; return false;
        }
        perms[i].id = (unsigned)strtoul(p + 1, &end, 10);
        if (end == p + 1 || *end) {
            errno = EINVAL;
            return false;
        }
    }
    return true;
}

bool xs_perm_to_string(const struct xs_permissions *perm, char *buffer, size_t buf_len)
{
    static const char letters[] = "nrwb";
    int n = snprintf(buffer, buf_len, "%c%u", letters[perm->perms & 3], perm->id);

    return n > 0 && (size_t)n < buf_len;
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h, xs_transaction_t t,
                                          const char *path, unsigned int *num)
{
    struct reply_msg *m = one_string(h, t, XS_GET_PERMS, path);
    struct xs_permissions *p = NULL;
    unsigned n = 0;

    if (!m)
        return NULL;
    for (unsigned i = 0; i < m->hdr.len; i++)
        n += m->body[i] == '\0';
    p = n ? malloc(n * sizeof(*p)) : NULL;
    if (p && !xs_strings_to_perms(p, n, m->body)) {
        free(p);
        p = NULL;
    }
    if (p)
        *num = n;
    free(m);
    return p;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                        struct xs_permissions *perms, unsigned int num_perms)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    const void *parts[1] = { buf };
    unsigned len = (unsigned)strlen(path) + 1;

    if (len > sizeof(buf)) {
        errno = E2BIG;
        return false;
    }
    memcpy(buf, path, len);
    for (unsigned i = 0; i < num_perms; i++) {
        if (len + 16 > sizeof(buf) || !xs_perm_to_string(&perms[i], buf + len, 16)) {
            errno = E2BIG;
            return false;
        }
        len += (unsigned)strlen(buf + len) + 1;
    }
    return ok_reply(xs_exchange(h, t, XS_SET_PERMS, parts, &len, 1));
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    const char *strs[2] = { path, token };

    return ok_reply(xs_exchange_strings(h, XBT_NULL, XS_WATCH, strs, 2));
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    const char *strs[2] = { path, token };

    return ok_reply(xs_exchange_strings(h, XBT_NULL, XS_UNWATCH, strs, 2));
}

int xs_fileno(struct xs_handle *h)
{
    if (h->event_pipe[0] < 0) {
        if (pipe2(h->event_pipe, O_CLOEXEC | O_NONBLOCK))
            return -1;
        pthread_mutex_lock(&h->lock);
        /* Events queued before anyone asked must still make the pipe readable. */
        for (struct reply_msg *m = h->events; m; m = m->next)
            if (write(h->event_pipe[1], "!", 1) < 0)
                break;
        pthread_mutex_unlock(&h->lock);
    }
    if (xs_start_reader(h))
        return -1;
    return h->event_pipe[0];
}

static char **event_vector(struct reply_msg *m, unsigned *num)
{
    char **v;
    unsigned n;

    if (!m)
        return NULL;
    v = split_strings(m->body, m->hdr.len, &n);
    free(m);
    if (v && n < 2) {
        free(v);
        errno = EBADMSG;
        return NULL;
    }
    if (v && num)
        *num = n;
    return v;
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
    return event_vector(xs_take_event(h, true), num);
}

char **xs_check_watch(struct xs_handle *h)
{
    return event_vector(xs_take_event(h, false), NULL);
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    struct reply_msg *m = one_string(h, XBT_NULL, XS_TRANSACTION_START, "");
    xs_transaction_t t;

    if (!m)
        return XBT_NULL;
    t = (xs_transaction_t)strtoul(m->body, NULL, 10);
    free(m);
    return t;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    return ok_reply(one_string(h, t, XS_TRANSACTION_END, abort ? "F" : "T"));
}

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid, unsigned long mfn,
                         unsigned int eventchn)
{
    char d[16], m[24], e[16];
    const char *strs[3] = { d, m, e };

    snprintf(d, sizeof(d), "%u", domid);
    snprintf(m, sizeof(m), "%lu", mfn);
    snprintf(e, sizeof(e), "%u", eventchn);
    return ok_reply(xs_exchange_strings(h, XBT_NULL, XS_INTRODUCE, strs, 3));
}

static struct reply_msg *domid_request(struct xs_handle *h, uint32_t type, unsigned domid)
{
    char d[16];

    snprintf(d, sizeof(d), "%u", domid);
    return one_string(h, XBT_NULL, type, d);
}

bool xs_set_target(struct xs_handle *h, unsigned int domid, unsigned int target)
{
    char d[16], t[16];
    const char *strs[2] = { d, t };

    snprintf(d, sizeof(d), "%u", domid);
    snprintf(t, sizeof(t), "%u", target);
    return ok_reply(xs_exchange_strings(h, XBT_NULL, XS_SET_TARGET, strs, 2));
}

bool xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
    return ok_reply(domid_request(h, XS_RESUME, domid));
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
    return ok_reply(domid_request(h, XS_RELEASE, domid));
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    struct reply_msg *m = domid_request(h, XS_GET_DOMAIN_PATH, domid);
    char *p;

    if (!m)
        return NULL;
    p = strdup(m->body);
    free(m);
    return p;
}

bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
    struct reply_msg *m = domid_request(h, XS_IS_DOMAIN_INTRODUCED, domid);
    bool yes = m && strcmp(m->body, "T") == 0;

    free(m);
    return yes;
}

char *xs_control_command(struct xs_handle *h, const char *cmd, void *data, unsigned int len)
{
    const void *parts[2] = { cmd, data };
    unsigned lens[2] = { (unsigned)strlen(cmd) + 1, len };
    struct reply_msg *m = xs_exchange(h, XBT_NULL, XS_CONTROL, parts, lens, data ? 2 : 1);
    char *s;

    if (!m)
        return NULL;
    s = strdup(m->body);
    free(m);
    return s;
}

char *xs_debug_command(struct xs_handle *h, const char *cmd, void *data, unsigned int len)
{
    return xs_control_command(h, cmd, data, len);
}

bool xs_path_is_subpath(const char *parent, const char *child)
{
    size_t n = strlen(parent);

    if (n == 1 && parent[0] == '/')
        return child[0] == '/';
    return strncmp(child, parent, n) == 0 && (child[n] == '\0' || child[n] == '/');
}
