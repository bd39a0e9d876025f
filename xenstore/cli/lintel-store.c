/* lintel-store: read, write, ls, rm, mkdir, exists, chmod and watch store entries. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenstore.h"

struct command {
    const char *name;
    const char *usage;
    int min_args;
    int (*run)(struct xs_handle *h, int argc, char **argv);
};

static int fail(const char *what, const char *path)
{
    fprintf(stderr, "lintel-store: %s %s: %s\n", what, path, strerror(errno));
    return 1;
}

static int cmd_read(struct xs_handle *h, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        unsigned len;
        char *v = xs_read(h, XBT_NULL, argv[i], &len);

        if (!v)
            return fail("cannot read", argv[i]);
        fwrite(v, 1, len, stdout);
        putchar('\n');
        free(v);
    }
    return 0;
}

static int cmd_write(struct xs_handle *h, int argc, char **argv)
{
    if (argc % 2) {
        fprintf(stderr, "lintel-store: write needs PATH VALUE pairs, got %d arguments\n", argc);
        return 2;
    }
    for (int i = 0; i < argc; i += 2)
        if (!xs_write(h, XBT_NULL, argv[i], argv[i + 1], (unsigned)strlen(argv[i + 1])))
            return fail("cannot write", argv[i]);
    return 0;
}

static int cmd_rm(struct xs_handle *h, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!xs_rm(h, XBT_NULL, argv[i]))
            return fail("cannot remove", argv[i]);
    return 0;
}

static int cmd_mkdir(struct xs_handle *h, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!xs_mkdir(h, XBT_NULL, argv[i]))
            return fail("cannot create", argv[i]);
    return 0;
}

static int cmd_exists(struct xs_handle *h, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        char *v = xs_read(h, XBT_NULL, argv[i], NULL);

        if (!v)
            return 1;
        free(v);
    }
    return 0;
}

static void print_escaped(const char *v, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c > 0x7e)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

/* "path = "value"" lines, one per node, parents before children. */
static int list_tree(struct xs_handle *h, const char *path, bool recursive)
{
    unsigned num;
    char **names = xs_directory(h, XBT_NULL, path, &num);

    if (!names)
        return fail("cannot list", path);
    for (unsigned i = 0; i < num; i++) {
        char child[4096];
        unsigned len;
        char *v;

        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", names[i]);
        v = xs_read(h, XBT_NULL, child, &len);
        printf("%s = \"", recursive ? child : names[i]);
        if (v)
            print_escaped(v, len);
        printf("\"\n");
        free(v);
        if (recursive && list_tree(h, child, true)) {
            free(names);
            return 1;
        }
    }
    free(names);
    return 0;
}

static int cmd_ls(struct xs_handle *h, int argc, char **argv)
{
    bool recursive = argc > 0 && strcmp(argv[0], "-r") == 0;

    if (recursive) {
        argc--;
        argv++;
    }
    if (argc > 1) {
        fprintf(stderr, "lintel-store: ls takes at most one PATH\n");
        return 2;
    }
    return list_tree(h, argc ? argv[0] : "/", recursive);
}

static int cmd_chmod(struct xs_handle *h, int argc, char **argv)
{
    struct xs_permissions perms[64];
    int n = argc - 1;

    if (n > 64) {
        fprintf(stderr, "lintel-store: at most 64 permissions\n");
        return 2;
    }
    for (int i = 0; i < n; i++)
        if (!xs_strings_to_perms(&perms[i], 1, argv[i + 1])) {
            fprintf(stderr, "lintel-store: invalid permission \"%s\": expected "
                    "n|r|w|b followed by a domain id\n", argv[i + 1]);
            return 2;
        }
    if (!xs_set_permissions(h, XBT_NULL, argv[0], perms, (unsigned)n))
        return fail("cannot set permissions of", argv[0]);
    return 0;
}

static int cmd_watch(struct xs_handle *h, int argc, char **argv)
{
    long count = -1;

    if (argc >= 2 && strcmp(argv[0], "-n") == 0) {
        char *end;

        count = strtol(argv[1], &end, 10);
        if (*end || count <= 0) {
            fprintf(stderr, "lintel-store: invalid event count \"%s\"\n", argv[1]);
            return 2;
        }
        argc -= 2;
        argv += 2;
    }
    if (argc != 1) {
        fprintf(stderr, "lintel-store: watch needs exactly one PATH\n");
        return 2;
    }
    if (!xs_watch(h, argv[0], "lintel-store"))
        return fail("cannot watch", argv[0]);
    while (count != 0) {
        unsigned num;
        char **ev = xs_read_watch(h, &num);

        if (!ev)
            return fail("lost the watch on", argv[0]);
        printf("%s\n", ev[XS_WATCH_PATH]);
        fflush(stdout);
        free(ev);
        if (count > 0)
            count--;
    }
    return 0;
}

static const struct command commands[] = {
    { "read", "read PATH...", 1, cmd_read },
    { "write", "write PATH VALUE...", 2, cmd_write },
    { "ls", "ls [-r] [PATH]", 0, cmd_ls },
    { "rm", "rm PATH...", 1, cmd_rm },
    { "mkdir", "mkdir PATH...", 1, cmd_mkdir },
    { "exists", "exists PATH...", 1, cmd_exists },
    { "chmod", "chmod PATH PERM... (PERM: n|r|w|b + domid, first is the owner)", 2, cmd_chmod },
    { "watch", "watch [-n COUNT] PATH", 1, cmd_watch },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
    fprintf(f, "usage: lintel-store COMMAND [ARGS]\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %s\n", commands[i].usage);
    fprintf(f, "The store is found at $XENSTORED_PATH (default %s).\n", xs_daemon_socket());
}

int main(int argc, char **argv)
{
    struct xs_handle *h;
    int rc;

    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        if (argc - 2 < commands[i].min_args) {
            fprintf(stderr, "lintel-store: usage: lintel-store %s\n", commands[i].usage);
            return 2;
        }
        h = xs_open(0);
        if (!h) {
            fprintf(stderr, "lintel-store: cannot reach the store at %s: %s\n",
                    xs_daemon_socket(), strerror(errno));
            return 1;
        }
        rc = commands[i].run(h, argc - 2, argv + 2);
        xs_close(h);
        return rc;
    }
    fprintf(stderr, "lintel-store: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return 2;
}
