#include "xl_cfg_syntax.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl_cfg_lexer.h"

struct walker {
    struct xl_lexer lex;
    struct xl_token tok;        /* the current, not yet consumed token */
    int *err_line;
    char *why;
    size_t why_len;
};

static int advance(struct walker *w)
{
    xl_token_release(&w->tok);
    if (xl_lexer_next(&w->lex, &w->tok, w->why, w->why_len) < 0) {
        *w->err_line = w->lex.line;
        return -1;
    }
    return 0;
}

static int syntax_error(struct walker *w, const char *expected)
{
    *w->err_line = w->tok.line;
    if (w->tok.text)
        snprintf(w->why, w->why_len, "expected %s, found %s \"%s\"", expected,
                 xl_token_describe(&w->tok), w->tok.text);
    else
        snprintf(w->why, w->why_len, "expected %s, found %s", expected,
                 xl_token_describe(&w->tok));
    return -1;
}

static void value_release(struct xl_value *value)
{
    free(value->scalar.text);
    for (size_t i = 0; i < value->n_items; i++)
        free(value->items[i].text);
    free(value->items);
    memset(value, 0, sizeof(*value));
}

/* Takes the current WORD or STRING token's text into OUT. */
static void take_scalar(struct walker *w, struct xl_scalar *out)
{
    out->text = w->tok.text;
    out->quoted = (w->tok.kind == TOK_STRING);
    out->line = w->tok.line;
    w->tok.text = NULL;
}

static bool at_scalar(const struct walker *w)
{
    return w->tok.kind == TOK_WORD || w->tok.kind == TOK_STRING;
}

/* Lists may span lines and may end with a trailing comma, as in Python. */
static int skip_newlines(struct walker *w)
{
    while (w->tok.kind == TOK_END && w->lex.buf[w->lex.pos - 1] == '\n')
        if (advance(w) < 0)
            return -1;
    return 0;
}

static int parse_list(struct walker *w, struct xl_value *value)
{
    value->is_list = true;
    if (advance(w) < 0 || skip_newlines(w) < 0)
        return -1;
    while (w->tok.kind != TOK_RBRACKET) {
        struct xl_scalar *grown;

        if (!at_scalar(w))
            return syntax_error(w, "a list item or ']'");
        grown = realloc(value->items, (value->n_items + 1) * sizeof(*grown));
        if (!grown)
            abort();
        value->items = grown;
        take_scalar(w, &value->items[value->n_items++]);
        if (advance(w) < 0 || skip_newlines(w) < 0)
            return -1;
        if (w->tok.kind == TOK_COMMA) {
            if (advance(w) < 0 || skip_newlines(w) < 0)
                return -1;
        } else if (w->tok.kind != TOK_RBRACKET) {
            return syntax_error(w, "',' or ']'");
        }
    }
    return advance(w);
}

static int parse_value(struct walker *w, struct xl_value *value)
{
    value->line = w->tok.line;
    if (w->tok.kind == TOK_LBRACKET)
        return parse_list(w, value);
    if (!at_scalar(w))
        return syntax_error(w, "a value");
    take_scalar(w, &value->scalar);
    return advance(w);
}

static bool is_key(const char *text)
{
    if (!isalpha((unsigned char)text[0]) && text[0] != '_')
        return false;
    for (const char *p = text; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

static int parse_statement(struct walker *w, xl_statement_fn fn, void *ctx)
{
    struct xl_value value = { 0 };
    char *key;
    int key_line = w->tok.line, rc;

    if (w->tok.kind != TOK_WORD || !is_key(w->tok.text))
        return syntax_error(w, "a key name");
    key = w->tok.text;
    w->tok.text = NULL;
    if (advance(w) < 0)
        goto fail;
    if (w->tok.kind != TOK_EQUALS) {
        syntax_error(w, "'=' after the key");
        goto fail;
    }
    if (advance(w) < 0 || parse_value(w, &value) < 0)
        goto fail;
    if (w->tok.kind != TOK_END && w->tok.kind != TOK_EOF) {
        syntax_error(w, "end of line after the value");
        goto fail;
    }
    rc = fn(ctx, key, key_line, &value);
    value_release(&value);
    free(key);
    return rc;
fail:
    value_release(&value);
    free(key);
    return -1;
}

int xl_cfg_walk(const char *buf, size_t len, xl_statement_fn fn, void *ctx,
                int *err_line, char *why, size_t why_len)
{
    struct walker w = { .err_line = err_line, .why = why, .why_len = why_len };
    int rc = 0;

    *err_line = 0;
    if (memchr(buf, '\0', len)) {
        const char *nul = memchr(buf, '\0', len);
        int line = 1;

        for (const char *p = buf; p < nul; p++)
            line += (*p == '\n');
        *err_line = line;
        snprintf(why, why_len, "NUL byte in file (not a text config)");
        return -1;
    }
    xl_lexer_init(&w.lex, buf, len);
    if (advance(&w) < 0)
        return -1;
    while (w.tok.kind != TOK_EOF) {
        if (w.tok.kind == TOK_END) {
            rc = advance(&w);
        } else {
            rc = parse_statement(&w, fn, ctx);
        }
        if (rc < 0)
            break;
    }
    xl_token_release(&w.tok);
    return rc;
}
