/* lintel list: every domain, or the ones named, as a table or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "domain_format.h"
#include "domain_lookup.h"

/* Domains are fetched in batches of this many per sysctl. */
#define LIST_BATCH 64

/* All domains in id order; returns the count or a negative errno. */
static int fetch_all(struct xenctl *ctl, struct domain_row **rows_out)
{
    struct xen_domctl_getdomaininfo batch[LIST_BATCH];
    struct domain_row *rows = NULL;
    size_t n = 0;
    uint32_t next = 0;
    int got;

    do {
        got = xenctl_domain_list(ctl, next, batch, LIST_BATCH);
        if (got < 0) {
            free(rows);
            return got;
        }
        if (got > 0) {
            struct domain_row *grown = realloc(rows, (n + (size_t)got) * sizeof(*rows));

            if (!grown)
                abort();
            rows = grown;
            for (int i = 0; i < got; i++) {
                rows[n].info = batch[i];
                rows[n++].name = domain_name_of(batch[i].domain);
            }
            next = batch[got - 1].domain + 1u;
        }
    } while (got == LIST_BATCH);
    *rows_out = rows;
    return (int)n;
}

static bool already_picked(const struct domain_row *picked, int kept, uint32_t domid)
{
    for (int i = 0; i < kept; i++)
        if (picked[i].info.domain == domid)
            return true;
    return false;
}

/*
 * Keeps only the rows named on the command line, in the order first given;
 * naming a domain twice shows it once, so the result never outgrows ROWS.
 */
static int select_rows(const struct command *cmd, struct xenctl *ctl, int argc,
                       char **argv, struct domain_row *rows, int *n)
{
    struct domain_row *picked = calloc((size_t)*n + 1, sizeof(*picked));
    int kept = 0;

    if (!picked)
        abort();
    for (int a = 0; a < argc; a++) {
        uint32_t domid;
        int rc = domain_lookup(cmd, ctl, argv[a], &domid);

        if (rc != EXIT_OK) {
            free(picked);
            return rc;
        }
        for (int i = 0; i < *n; i++)
            if (rows[i].info.domain == domid && !already_picked(picked, kept, domid))
                picked[kept++] = rows[i];
    }
    memcpy(rows, picked, (size_t)kept * sizeof(*rows));
    *n = kept;
    free(picked);
    return EXIT_OK;
}

int cmd_list(const struct command *cmd, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "long", no_argument, NULL, 'l' },
        { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    struct domain_row *rows = NULL;
    struct xenctl ctl;
    bool wide = false, json = false;
    int opt, n, rc;

    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, "l", longopts)) != -1) {
        if (opt == 'l')
            wide = true;
        else if (opt == 'j')
            json = true;
        else
            return EXIT_USAGE;
    }
    rc = hypervisor_open(cmd, &ctl);
    if (rc != EXIT_OK)
        return rc;
    n = fetch_all(&ctl, &rows);
    if (n < 0) {
        xenctl_close(&ctl);
        return hypervisor_fail(cmd, "XEN_SYSCTL_getdomaininfolist", n);
    }
    if (argc > optind)
        rc = select_rows(cmd, &ctl, argc - optind, argv + optind, rows, &n);
    xenctl_close(&ctl);
    if (rc == EXIT_OK) {
        if (json)
            domain_print_json(stdout, rows, (size_t)n);
        else
            domain_print_table(stdout, rows, (size_t)n, wide);
    }
    free(rows);
    return rc;
}
