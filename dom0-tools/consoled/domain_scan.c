/*
 * Which guests the daemon serves: every domain the hypervisor lists that
 * is not dying, found again on each @introduceDomain/@releaseDomain and on
 * a slow timer (a missed watch costs a second, never a guest). A dying
 * domain is let go at once: our mapping of its ring would keep it alive.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consoled.h"
#include "xenstore.h"

#define LIST_BATCH 128
#define TOKEN_PREFIX "console-"

static void watch_path(uint32_t domid, char *path, size_t len, char *token, size_t token_len)
{
    snprintf(path, len, "/local/domain/%u/console", domid);
    snprintf(token, token_len, TOKEN_PREFIX "%u", domid);
}

static void watch_guest(struct consoled *d, struct guest_console *g)
{
    char path[64], token[32];

    watch_path(g->domid, path, sizeof(path), token, sizeof(token));
    g->watching = d->xs && xs_watch(d->xs, path, token);
}

static struct guest_console *find_guest(struct consoled *d, uint32_t domid)
{
    for (size_t i = 0; i < d->n_guests; i++)
        if (d->guests[i]->domid == domid)
            return d->guests[i];
    return NULL;
}

static struct guest_console *add_guest(struct consoled *d, uint32_t domid)
{
    struct guest_console **grown, *g;

    grown = realloc(d->guests, (d->n_guests + 1) * sizeof(*grown));
    if (!grown)
        return NULL;
    d->guests = grown;
    g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->domid = domid;
    g->master_fd = g->slave_fd = -1;
    g->log.fd = -1;
    d->guests[d->n_guests++] = g;
    /* The watch fires once at once, which makes the first connection attempt. */
    watch_guest(d, g);
    return g;
}

static void remove_tty_key(struct consoled *d, uint32_t domid)
{
    char path[64];

    snprintf(path, sizeof(path), "/local/domain/%u/console/tty", domid);
    if (d->xs)
        xs_rm(d->xs, XBT_NULL, path);
}

/* Only while the domain lives is its store home ours to tidy. */
static void drop_guest(struct consoled *d, size_t i, bool domain_alive)
{
    struct guest_console *g = d->guests[i];
    char path[64], token[32];

    if (g->connected)
        consoled_log("domain %u: console released", g->domid);
    guest_console_disconnect(d, g);
    if (g->watching && d->xs) {
        watch_path(g->domid, path, sizeof(path), token, sizeof(token));
        xs_unwatch(d->xs, path, token);
    }
    if (domain_alive)
        remove_tty_key(d, g->domid);
    free(g);
    d->guests[i] = d->guests[--d->n_guests];
}

static void mark_seen(struct consoled *d, const struct xen_domctl_getdomaininfo *info)
{
    struct guest_console *g;

    /* dom0's console is the hypervisor's; a dying domain is already gone to us. */
    if (info->domain == 0 || (info->flags & XEN_DOMINF_dying))
        return;
    g = find_guest(d, info->domain);
    if (!g && !(g = add_guest(d, info->domain))) {
        consoled_log("domain %u: out of memory", info->domain);
        return;
    }
    g->seen = true;
    if (!g->connected)
        guest_console_refresh(d, g);
}

int consoled_scan_domains(struct consoled *d)
{
    struct xen_domctl_getdomaininfo infos[LIST_BATCH];
    uint32_t first = 0;
    int n;

    for (size_t i = 0; i < d->n_guests; i++)
        d->guests[i]->seen = false;
    do {
        n = xenctl_domain_list(&d->ctl, first, infos, LIST_BATCH);
        if (n < 0)
            return n;   /* keep serving what we have rather than drop everyone */
        for (int i = 0; i < n; i++)
            mark_seen(d, &infos[i]);
        if (n > 0)
            first = infos[n - 1].domain + 1;
    } while (n == LIST_BATCH);
    for (size_t i = d->n_guests; i-- > 0;)
        if (!d->guests[i]->seen)
            drop_guest(d, i, false);
    return 0;
}

void consoled_watch_event(struct consoled *d, const char *path, const char *token)
{
    struct guest_console *g;
    unsigned long domid;
    char *end;

    if (path[0] == '@') {
        consoled_scan_domains(d);
        return;
    }
    if (strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0)
        return;
    domid = strtoul(token + strlen(TOKEN_PREFIX), &end, 10);
    if (*end == '\0' && (g = find_guest(d, (uint32_t)domid)))
        guest_console_refresh(d, g);
}

struct guest_console *consoled_find_port(struct consoled *d, uint32_t local_port)
{
    for (size_t i = 0; i < d->n_guests; i++)
        if (d->guests[i]->connected && d->guests[i]->local_port == local_port)
            return d->guests[i];
    return NULL;
}

void consoled_forget_all(struct consoled *d)
{
    /* The ttys die with us: leave no path that leads nowhere. */
    while (d->n_guests)
        drop_guest(d, d->n_guests - 1, true);
    free(d->guests);
    d->guests = NULL;
}

bool consoled_watch_store(struct consoled *d)
{
    if (!xs_watch(d->xs, "@introduceDomain", "introduce") ||
        !xs_watch(d->xs, "@releaseDomain", "release"))
        return false;
    for (size_t i = 0; i < d->n_guests; i++)
        watch_guest(d, d->guests[i]);
    return true;
}
