/*
 * Batch output for scripts: per refresh, a "host" line of key=value pairs,
 * the column header, one blank-separated line per domain (names have their
 * blanks replaced by '_' so the count of fields never changes) and, with
 * vCPU rows wanted, "vcpu" lines under their domain; a blank line ends the
 * refresh. --json prints the same as one JSON object per line.
 */
#ifndef LINTEL_TOP_BATCH_H
#define LINTEL_TOP_BATCH_H

#include <stdio.h>

#include "top_model.h"
#include "top_view.h"

struct top_frame {
    const struct top_sample *prev;  /* NULL on the first refresh */
    const struct top_sample *cur;
    struct top_host host;
    const struct top_row *rows;     /* filtered and sorted */
    size_t n_rows;
};

void top_print_text(FILE *out, const struct top_frame *frame, const struct top_view *view);
void top_print_json(FILE *out, const struct top_frame *frame, const struct top_view *view);

#endif
