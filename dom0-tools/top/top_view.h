/*
 * What the operator chose to see: sort order, visible columns, refresh
 * delay, name filter, which domains show their vCPU rows, the selected
 * domain. Shared by the key actions, the screen and batch mode.
 */
#ifndef LINTEL_TOP_VIEW_H
#define LINTEL_TOP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "top_columns.h"

#define TOP_MAX_VCPU_DOMAINS 64
#define TOP_DEFAULT_DELAY_MS 3000

struct top_view {
    enum top_column sort;
    bool reverse;
    bool visible[TOP_NR_COLUMNS];
    unsigned delay_ms;
    char filter[TOP_NAME_LEN];
    uint32_t vcpu_domains[TOP_MAX_VCPU_DOMAINS];
    size_t n_vcpu_domains;
    bool all_vcpus;             /* batch --vcpus: every domain's vCPU rows */
    uint32_t selected;          /* domid of the highlighted row */
    bool show_help;
    bool quit;
    char message[160];          /* one line of feedback under the table */
};

void top_view_init(struct top_view *view);

bool top_view_shows_vcpus(const struct top_view *view, uint32_t domid);
/* Shows DOMID's vCPU rows, or hides them when they show. */
void top_view_toggle_vcpus(struct top_view *view, uint32_t domid);

/* The rows as the view presents them: filtered, then sorted; returns the count. */
size_t top_view_apply(const struct top_view *view, struct top_row *rows, size_t n);

/*
 * Moves the selection STEP rows up (negative) or down among ROWS as shown;
 * a selection that vanished snaps to the first row.
 */
void top_view_move_selection(struct top_view *view, const struct top_row *rows, size_t n,
                             int step);

#endif
