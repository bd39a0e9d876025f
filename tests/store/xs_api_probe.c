/*
 * A libxenstore program: exercises the common xs_* calls and prints what they
 * return. tests/store/test_store_client.py builds it twice, against Debian's
 * libxenstore and against liblintelstore, and both builds must print the same.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

static void show_bool(const char *what, bool ok)
{
    printf("%s: %s", what, ok ? "ok" : "fail");
    if (!ok)
        printf(" (%s)", strerror(errno));
    printf("\n");
}

static void show_read(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    unsigned len = 0;
    char *v = xs_read(h, t, path, &len);

    if (v)
        printf("read %s: [%.*s] len %u\n", path, (int)len, v, len);
    else
        printf("read %s: fail (%s)\n", path, strerror(errno));
    free(v);
}

static void show_dir(struct xs_handle *h, const char *path)
{
    unsigned n = 0;
    char **d = xs_directory(h, XBT_NULL, path, &n);

    printf("directory %s:", path);
    for (unsigned i = 0; d && i < n; i++)
        printf(" %s", d[i]);
    printf("%s\n", d ? "" : " fail");
    free(d);
}

static void show_perms(struct xs_handle *h, const char *path)
{
    unsigned n = 0;
    struct xs_permissions *p = xs_get_permissions(h, XBT_NULL, path, &n);

    printf("perms %s:", path);
    for (unsigned i = 0; p && i < n; i++)
        printf(" %u/%u", p[i].id, p[i].perms);
    printf("%s\n", p ? "" : " fail");
    free(p);
}

static void transactions(struct xs_handle *h, struct xs_handle *other)
{
    xs_transaction_t t = xs_transaction_start(h);

    printf("transaction started: %s\n", t ? "yes" : "no");
    show_bool("write in tx", xs_write(h, t, "/probe/tx", "inside", 6));
    show_read(other, XBT_NULL, "/probe/tx");
    show_bool("commit", xs_transaction_end(h, t, false));
    show_read(other, XBT_NULL, "/probe/tx");

    t = xs_transaction_start(h);
    show_read(h, t, "/probe/tx");
    show_bool("other writes", xs_write(other, XBT_NULL, "/probe/tx", "outside", 7));
    show_bool("write in tx", xs_write(h, t, "/probe/tx", "late", 4));
    show_bool("commit after conflict", xs_transaction_end(h, t, false));
    printf("conflict errno is EAGAIN: %s\n", errno == EAGAIN ? "yes" : "no");

    t = xs_transaction_start(h);
    show_bool("rm in tx", xs_rm(h, t, "/probe/tx"));
    show_bool("abort", xs_transaction_end(h, t, true));
    show_read(h, XBT_NULL, "/probe/tx");
}

static void watches(struct xs_handle *h, struct xs_handle *other)
{
    struct pollfd pfd = { .events = POLLIN };
    unsigned num;
    char **ev;

    show_bool("watch", xs_watch(h, "/probe/w", "tok"));
    pfd.fd = xs_fileno(h);
    printf("fileno valid: %s\n", pfd.fd >= 0 ? "yes" : "no");
    for (int i = 0; i < 3; i++) {
        if (i == 1)
            xs_write(other, XBT_NULL, "/probe/w/child", "1", 1);
        if (i == 2)
            xs_rm(other, XBT_NULL, "/probe/w");
        printf("poll ready: %s\n", poll(&pfd, 1, 5000) == 1 ? "yes" : "no");
        ev = xs_read_watch(h, &num);
        printf("event: %s %s (%u fields)\n", ev ? ev[XS_WATCH_PATH] : "none",
               ev ? ev[XS_WATCH_TOKEN] : "", ev ? num : 0);
        free(ev);
    }
    show_bool("unwatch", xs_unwatch(h, "/probe/w", "tok"));
    show_bool("unwatch again", xs_unwatch(h, "/probe/w", "tok"));
}

static void domains(struct xs_handle *h)
{
    char *path = xs_get_domain_path(h, 42);

    printf("domain path: %s\n", path ? path : "fail");
    free(path);
    printf("42 introduced: %s\n", xs_is_domain_introduced(h, 42) ? "yes" : "no");
    show_bool("introduce 42", xs_introduce_domain(h, 42, 0, 0));
    printf("42 introduced: %s\n", xs_is_domain_introduced(h, 42) ? "yes" : "no");
    show_bool("release 42", xs_release_domain(h, 42));
    show_bool("release 42 again", xs_release_domain(h, 42));
}

int main(int argc, char **argv)
{
    struct xs_handle *h = xs_open(0), *other = xs_open(0);
    struct xs_permissions perms[2] = { { 5, XS_PERM_NONE }, { 7, XS_PERM_READ } };

    if (!h || !other) {
        perror("xs_open");
        return 1;
    }
    show_bool("write", xs_write(h, XBT_NULL, "/probe/a", "hello", 5));
    show_read(h, XBT_NULL, "/probe/a");
    show_read(h, XBT_NULL, "/probe/missing");
    show_bool("mkdir", xs_mkdir(h, XBT_NULL, "/probe/dir"));
    show_dir(h, "/probe");
    show_bool("set perms", xs_set_permissions(h, XBT_NULL, "/probe/a", perms, 2));
    show_perms(h, "/probe/a");
    show_bool("rm missing leaf", xs_rm(h, XBT_NULL, "/probe/nothing"));
    show_bool("rm missing parent", xs_rm(h, XBT_NULL, "/probe/no/thing"));
    transactions(h, other);
    watches(h, other);
    if (argc > 1 && strcmp(argv[1], "--domains") == 0)
        domains(h);
    show_bool("rm", xs_rm(h, XBT_NULL, "/probe"));
    show_dir(h, "/");
    xs_close(other);
    xs_close(h);
    return 0;
}
