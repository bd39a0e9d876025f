/*
 * xl.cfg statements: the syntax layer hands each `key = value` to a
 * callback, so the meaning of keys lives apart from the grammar.
 */
#ifndef LINTEL_XL_CFG_SYNTAX_H
#define LINTEL_XL_CFG_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

struct xl_scalar {
    char *text;
    bool quoted;        /* written as '...' or "..." */
    int line;
};

struct xl_value {
    bool is_list;
    struct xl_scalar scalar;      /* when !is_list */
    struct xl_scalar *items;      /* when is_list */
    size_t n_items;
    int line;
};

/* Returns 0 to go on, -1 to stop (the callback has filled its error). */
typedef int (*xl_statement_fn)(void *ctx, const char *key, int key_line,
                               const struct xl_value *value);

/*
 * Walks the statements of BUF. A syntax error returns -1 with its line in
 * *ERR_LINE and the reason in WHY; a callback's -1 is passed through with
 * *ERR_LINE left at 0.
 */
int xl_cfg_walk(const char *buf, size_t len, xl_statement_fn fn, void *ctx,
                int *err_line, char *why, size_t why_len);

#endif
