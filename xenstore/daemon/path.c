#include "path.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../include/public/io/xs_wire.h"

static const char path_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/_@";

bool path_is_special(const char *path)
{
    return strcmp(path, PATH_INTRODUCE) == 0 || strcmp(path, PATH_RELEASE) == 0;
}

static bool path_is_well_formed(const char *p)
{
    size_t len = strlen(p);

    if (p[0] != '/' || len > XENSTORE_ABS_PATH_MAX)
        return false;
    if (strspn(p, path_chars) != len || strstr(p, "//"))
        return false;
    return len == 1 || p[len - 1] != '/';
}

void path_domain_home(uint32_t domid, char *out, size_t size)
{
    snprintf(out, size, "/local/domain/%u", domid);
}

int path_resolve(uint32_t domid, const char *in, bool allow_special, char *out)
{
    if (in[0] == '@') {
        if (!allow_special || !path_is_special(in))
            return EINVAL;
        strcpy(out, in);
        return 0;
    }
    if (in[0] == '/') {
        if (!path_is_well_formed(in))
            return EINVAL;
        strcpy(out, in);
        return 0;
    }
    if (in[0] == '\0' || strlen(in) > XENSTORE_REL_PATH_MAX)
        return EINVAL;
    path_domain_home(domid, out, PATH_BUF);
    strcat(out, "/");
    strcat(out, in);
    return path_is_well_formed(out) ? 0 : EINVAL;
}

bool path_within(const char *path, const char *ancestor)
{
    size_t n = strlen(ancestor);

    if (strcmp(ancestor, "/") == 0)
        return path[0] == '/';
    return strncmp(path, ancestor, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

void path_parent(const char *path, char *out)
{
    const char *slash = strrchr(path, '/');
    size_t n = (size_t)(slash - path);

    if (n == 0)
        n = 1;
    memcpy(out, path, n);
    out[n] = '\0';
}

const char *path_base(const char *path)
{
    return strrchr(path, '/') + 1;
}
