/* Store path rules: validation, relative-to-domain resolution, ancestry. */
#ifndef LINTEL_XS_PATH_H
#define LINTEL_XS_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PATH_INTRODUCE "@introduceDomain"
#define PATH_RELEASE   "@releaseDomain"

/* Longest resolved path plus NUL. */
#define PATH_BUF 3200

/*
 * Turns a client's path into an absolute one. Relative paths live under the
 * client's /local/domain/<domid>. The two special watch names are accepted
 * only when allow_special. Returns 0 or EINVAL.
 */
int path_resolve(uint32_t domid, const char *in, bool allow_special, char *out);

bool path_is_special(const char *path);

/* True when path is ancestor itself or lies below it. */
bool path_within(const char *path, const char *ancestor);

/* "/a/b" -> "/a", "/a" -> "/". Caller never asks for the parent of "/". */
void path_parent(const char *path, char *out);

/* The last component: "/a/b" -> "b". */
const char *path_base(const char *path);

/* "/local/domain/<domid>", the home of a domain's relative paths. */
void path_domain_home(uint32_t domid, char *out, size_t size);

#endif
