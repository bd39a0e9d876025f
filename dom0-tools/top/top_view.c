/* The operator's choices and how they shape the rows (see top_view.h). */
#include "top_view.h"

#include <string.h>

void top_view_init(struct top_view *view)
{
    memset(view, 0, sizeof(*view));
    /* Like xentop: busiest first is what one opens a top for. */
    view->sort = COL_CPU_PCT;
    view->reverse = true;
    for (int c = 0; c < TOP_NR_COLUMNS; c++)
        view->visible[c] = true;
    view->delay_ms = TOP_DEFAULT_DELAY_MS;
}

bool top_view_shows_vcpus(const struct top_view *view, uint32_t domid)
{
    if (view->all_vcpus)
        return true;
    for (size_t i = 0; i < view->n_vcpu_domains; i++)
        if (view->vcpu_domains[i] == domid)
            return true;
    return false;
}

void top_view_toggle_vcpus(struct top_view *view, uint32_t domid)
{
    for (size_t i = 0; i < view->n_vcpu_domains; i++) {
        if (view->vcpu_domains[i] == domid) {
            view->vcpu_domains[i] = view->vcpu_domains[--view->n_vcpu_domains];
            return;
        }
    }
    if (view->n_vcpu_domains < TOP_MAX_VCPU_DOMAINS)
        view->vcpu_domains[view->n_vcpu_domains++] = domid;
}

size_t top_view_apply(const struct top_view *view, struct top_row *rows, size_t n)
{
    n = top_rows_filter(rows, n, view->filter);
    top_rows_sort(rows, n, view->sort, view->reverse);
    return n;
}

void top_view_move_selection(struct top_view *view, const struct top_row *rows, size_t n,
                             int step)
{
    long at = -1;

    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (rows[i].domid == view->selected)
            at = (long)i;
    if (at < 0) {
        view->selected = rows[0].domid;
        return;
    }
    at += step;
    if (at < 0)
        at = 0;
    if (at >= (long)n)
        at = (long)n - 1;
    view->selected = rows[at].domid;
}
