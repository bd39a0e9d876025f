#include "xl_cfg_lexer.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xl_lexer_init(struct xl_lexer *lex, const char *buf, size_t len)
{
    lex->buf = buf;
    lex->len = len;
    lex->pos = 0;
    lex->line = 1;
}

void xl_token_release(struct xl_token *tok)
{
    free(tok->text);
    tok->text = NULL;
}

const char *xl_token_describe(const struct xl_token *tok)
{
    switch (tok->kind) {
    case TOK_WORD: return "a bare word";
    case TOK_STRING: return "a string";
    case TOK_EQUALS: return "'='";
    case TOK_LBRACKET: return "'['";
    case TOK_RBRACKET: return "']'";
    case TOK_COMMA: return "','";
    case TOK_END: return "end of line";
    case TOK_EOF: return "end of file";
    }
    return "?";
}

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || strchr("_.-+:/@", c) != NULL;
}

static int unescape(char c, char *out)
{
    switch (c) {
    case 'n': *out = '\n'; return 0;
    case 't': *out = '\t'; return 0;
    case '\\': case '\'': case '"': *out = c; return 0;
    default: return -1;
    }
}

static int lex_string(struct xl_lexer *lex, struct xl_token *tok, char *why,
                      size_t why_len)
{
    char quote = lex->buf[lex->pos++];
    char *text = malloc(lex->len - lex->pos + 1);
    size_t n = 0;

    if (!text)
        abort();
    while (lex->pos < lex->len && lex->buf[lex->pos] != quote) {
        char c = lex->buf[lex->pos++];

        if (c == '\n')
            break;
        if (c == '\\') {
            if (lex->pos >= lex->len ||
                unescape(lex->buf[lex->pos], &c) < 0) {
                snprintf(why, why_len, "unknown escape \"\\%c\" in string",
                         lex->pos < lex->len ? lex->buf[lex->pos] : ' ');
                free(text);
                return -1;
            }
            lex->pos++;
        }
        text[n++] = c;
    }
    if (lex->pos >= lex->len || lex->buf[lex->pos] != quote) {
        snprintf(why, why_len, "unterminated string (missing closing %c)", quote);
        free(text);
        return -1;
    }
    lex->pos++;
    text[n] = '\0';
    tok->kind = TOK_STRING;
    tok->text = text;
    return 0;
}

static void skip_blanks_and_comments(struct xl_lexer *lex)
{
    while (lex->pos < lex->len) {
        char c = lex->buf[lex->pos];

        if (c == '#') {
            while (lex->pos < lex->len && lex->buf[lex->pos] != '\n')
                lex->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            lex->pos++;
        } else if (c == '\\' && lex->pos + 1 < lex->len &&
                   lex->buf[lex->pos + 1] == '\n') {
            /* A backslash-newline continues the statement, as in Python. */
            lex->pos += 2;
            lex->line++;
        } else {
            break;
        }
    }
}

static int lex_punctuation(struct xl_lexer *lex, struct xl_token *tok)
{
    switch (lex->buf[lex->pos]) {
    case '=': tok->kind = TOK_EQUALS; break;
    case '[': tok->kind = TOK_LBRACKET; break;
    case ']': tok->kind = TOK_RBRACKET; break;
    case ',': tok->kind = TOK_COMMA; break;
    case ';': tok->kind = TOK_END; break;
    case '\n': tok->kind = TOK_END; lex->line++; break;
    default: return -1;
    }
    lex->pos++;
    return 0;
}

int xl_lexer_next(struct xl_lexer *lex, struct xl_token *tok, char *why,
                  size_t why_len)
{
    size_t start;
    char c;

    skip_blanks_and_comments(lex);
    tok->text = NULL;
    tok->line = lex->line;
    if (lex->pos >= lex->len) {
        tok->kind = TOK_EOF;
        return 0;
    }
    c = lex->buf[lex->pos];
    if (c == '"' || c == '\'')
        return lex_string(lex, tok, why, why_len);
    if (lex_punctuation(lex, tok) == 0)
        return 0;
    if (!is_word_char(c)) {
        if (isprint((unsigned char)c))
            snprintf(why, why_len, "unexpected character '%c'", c);
        else
            snprintf(why, why_len, "unexpected byte 0x%02x", (unsigned char)c);
        return -1;
    }
    start = lex->pos;
    while (lex->pos < lex->len && is_word_char(lex->buf[lex->pos]))
        lex->pos++;
    tok->kind = TOK_WORD;
    tok->text = strndup(lex->buf + start, lex->pos - start);
    if (!tok->text)
        abort();
    return 0;
}
