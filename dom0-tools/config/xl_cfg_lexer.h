/*
 * Tokens of xl.cfg files: `key = value` statements ended by a newline or
 * ';', values being quoted strings, bare words (numbers) or [ lists ],
 * and '#' comments to the end of the line.
 */
#ifndef LINTEL_XL_CFG_LEXER_H
#define LINTEL_XL_CFG_LEXER_H

#include <stddef.h>

enum xl_token_kind {
    TOK_WORD,           /* unquoted: keys and numbers */
    TOK_STRING,         /* '...' or "...", escapes already resolved */
    TOK_EQUALS,
    TOK_LBRACKET,
    TOK_RBRACKET,
    TOK_COMMA,
    TOK_END,            /* newline or ';' */
    TOK_EOF,
};

struct xl_token {
    enum xl_token_kind kind;
    char *text;         /* WORD and STRING only; owned by the token */
    int line;
};

struct xl_lexer {
    const char *buf;
    size_t len;
    size_t pos;
    int line;
};

void xl_lexer_init(struct xl_lexer *lex, const char *buf, size_t len);

/* On a lexical error returns -1 (LEX->line is where) with the reason in WHY. */
int xl_lexer_next(struct xl_lexer *lex, struct xl_token *tok, char *why,
                  size_t why_len);

void xl_token_release(struct xl_token *tok);
const char *xl_token_describe(const struct xl_token *tok);

#endif
