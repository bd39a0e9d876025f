/*
 * The domain table's columns as one table: the key scripts name (--sort,
 * JSON), the header, the width, the letter that sorts by it on screen, how
 * a cell is written and how two rows compare. Screen, batch and JSON output
 * all walk this table, so a column exists everywhere or nowhere.
 */
#ifndef LINTEL_TOP_COLUMNS_H
#define LINTEL_TOP_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "top_model.h"

enum top_column {
    COL_NAME, COL_ID, COL_STATE, COL_CPU_SEC, COL_CPU_PCT, COL_MEM, COL_MEM_PCT,
    COL_MAXMEM, COL_VCPUS, COL_NETS, COL_NET_TX, COL_NET_RX, COL_VBDS, COL_VBD_RD,
    COL_VBD_WR, COL_VBD_RSECT, COL_VBD_WSECT, TOP_NR_COLUMNS
};

struct top_column_def {
    const char *key;        /* "cpu_pct": --sort and JSON name */
    const char *header;     /* "CPU(%)" */
    int width;
    bool left_aligned;
    int sort_key;           /* the screen key that sorts by it */
    bool biggest_first;     /* its natural order when first picked: numbers descend */
    const char *help;
    /* Writes the cell (no padding) into BUF. */
    void (*format)(const struct top_row *row, char *buf, size_t len);
    int (*compare)(const struct top_row *a, const struct top_row *b);
};

extern const struct top_column_def top_columns[TOP_NR_COLUMNS];

/* The column whose key is KEY, or -1. */
int top_column_by_key(const char *key);
/* The column sorted by screen key KEY (either case), or -1. */
int top_column_by_sort_key(int key);

/* Sorts by COLUMN; ties keep domain id order so rows do not jump around. */
void top_rows_sort(struct top_row *rows, size_t n, enum top_column column, bool reverse);

/* One aligned line of the visible columns into BUF (header when ROW is NULL). */
void top_format_line(const struct top_row *row, const bool visible[TOP_NR_COLUMNS],
                     char *buf, size_t len);

#endif
