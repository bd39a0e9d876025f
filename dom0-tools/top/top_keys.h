/*
 * The screen's keys as one table (key, label, help text, action); the help
 * screen is generated from it and from the column table's sort letters.
 * Actions only change the view; questions go through ENV's prompt so the
 * table is exercised on the host without a terminal.
 */
#ifndef LINTEL_TOP_KEYS_H
#define LINTEL_TOP_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "top_view.h"

/* Keys that are not characters, as the screen hands them over. */
#define TOP_KEY_UP   0x1001
#define TOP_KEY_DOWN 0x1002

struct top_key_env {
    const struct top_row *rows;     /* as shown, for moving the selection */
    size_t n_rows;
    /* Asks QUESTION on the bottom line; false when the operator cancelled. */
    bool (*prompt)(void *ctx, const char *question, char *answer, size_t len);
    void *ctx;
};

struct top_key {
    int key;
    const char *label;
    const char *help;
    void (*action)(struct top_view *view, const struct top_key_env *env);
};

extern const struct top_key top_keys[];
extern const size_t top_nr_keys;

/* Runs KEY's action; false when KEY means nothing (the view is unchanged). */
bool top_key_press(int key, struct top_view *view, const struct top_key_env *env);

/* The help screen's lines, one at a time, through EMIT. */
void top_help_lines(void (*emit)(void *ctx, const char *line), void *ctx);

#endif
