/*
 * lexer.c - tokens of the Logs Insights query language, read on demand by parser.c.
 *
 * The parser asks for one token at a time and says whether a "/" may open a regex (after
 * like, =~, in a parse command), since "/" is also division. Comments run from "#" to the
 * end of the line. A number directly followed by letters is a period (5m, 1h, 100ms); a
 * field name may hold letters, digits, "_", "@" and inner dots (a.b.0.c); anything else must
 * be backtick-quoted. Error texts follow the ANTLR wording AWS's parser uses.
 *
 * To add a token: a value in insights_int.h's enum ins_tok and a case in ins_lex().
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "insights/insights_int.h"
#include "util/buf.h"
#include "util/xmalloc.h"

/* ---- the arena (shared by parser and evaluator) --------------------------------------- */

struct ins_chunk {
    struct ins_chunk *next;
    size_t cap, used;
    char data[];
};

#define INS_CHUNK 65536

void *ins_arena_alloc(struct ins_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    struct ins_chunk *c = a->head;
    if (c == NULL || c->cap - c->used < n) {
        size_t cap = n > INS_CHUNK ? n : INS_CHUNK;
        struct ins_chunk *nc = xmalloc(sizeof *nc + cap);
        nc->cap = cap;
        nc->used = 0;
        if (c != NULL && n > INS_CHUNK) {
            /* an oversized block goes behind the current chunk, which keeps its room */
            nc->next = c->next;
            c->next = nc;
            nc->used = n;
            return nc->data;
        }
        nc->next = c;
        a->head = nc;
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

char *ins_arena_strndup(struct ins_arena *a, const char *s, size_t n)
{
    char *p = ins_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void ins_arena_reset(struct ins_arena *a)
{
    struct ins_chunk *c = a->head;
    if (c == NULL)
        return;
    /* keep the last chunk of the list (the first allocated, normal sized) */
    while (c->next != NULL) {
        struct ins_chunk *next = c->next;
        free(c);
        c = next;
    }
    c->used = 0;
    a->head = c;
}

void ins_arena_free(struct ins_arena *a)
{
    struct ins_chunk *c = a->head;
    while (c != NULL) {
        struct ins_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

/* ---- tokens ---------------------------------------------------------------------------- */

static int lex_error(struct ins_error *err, int start, int end, const char *fmt, const char *s)
{
    snprintf(err->message, sizeof err->message, fmt, s);
    err->start = start;
    err->end = end;
    return -1;
}

static int ident_start(int ch)
{
    return isalpha(ch) || ch == '_' || ch == '@' || ch == '$';
}

static int ident_char(int ch)
{
    return isalnum(ch) || ch == '_' || ch == '@' || ch == '$';
}

static const struct {
    const char *name;
    enum ins_unit unit;
} units[] = {
    {"ms", U_MS},       {"msec", U_MS},     {"msecs", U_MS},    {"millisecond", U_MS},
    {"milliseconds", U_MS}, {"s", U_S},     {"sec", U_S},       {"secs", U_S},
    {"second", U_S},    {"seconds", U_S},   {"m", U_M},         {"min", U_M},
    {"mins", U_M},      {"minute", U_M},    {"minutes", U_M},   {"h", U_H},
    {"hr", U_H},        {"hrs", U_H},       {"hour", U_H},      {"hours", U_H},
    {"d", U_D},         {"day", U_D},       {"days", U_D},      {"w", U_W},
    {"week", U_W},      {"weeks", U_W},     {"mo", U_MO},       {"mon", U_MO},
    {"mons", U_MO},     {"month", U_MO},    {"months", U_MO},   {"q", U_Q},
    {"qtr", U_Q},       {"qtrs", U_Q},      {"quarter", U_Q},   {"quarters", U_Q},
    {"y", U_Y},         {"yr", U_Y},        {"yrs", U_Y},       {"year", U_Y},
    {"years", U_Y},
};

/* Reads a quoted string or regex body after the opening quote q; returns the decoded text or
 * NULL when unterminated. Strings decode \n \t \\ and the escaped quote; regexes keep every
 * escape as written (PCRE reads them). */
static char *read_quoted(struct ins_lexer *lx, char q, int is_regex)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    while (lx->pos < lx->len) {
        char ch = lx->src[lx->pos++];
        if (ch == q) {
            char *s = buf_steal(&b, NULL);
            return s ? s : xstrdup("");
        }
        if (ch == '\\' && lx->pos < lx->len) {
            char nx = lx->src[lx->pos++];
            if (is_regex) {
                if (nx != '/')
                    buf_putc(&b, '\\');
                buf_putc(&b, nx);
                continue;
            }
            switch (nx) {
            case 'n':
                buf_putc(&b, '\n');
                break;
            case 't':
                buf_putc(&b, '\t');
                break;
            case 'r':
                buf_putc(&b, '\r');
                break;
            case '\\':
            case '"':
            case '\'':
            case '`':
                buf_putc(&b, nx);
                break;
            default:
                buf_putc(&b, '\\');
                buf_putc(&b, nx);
                break;
            }
            continue;
        }
        buf_putc(&b, ch);
    }
    buf_free(&b);
    return NULL;
}

int ins_lex(struct ins_lexer *lx, int regex, struct ins_token *tok, struct ins_error *err)
{
    memset(tok, 0, sizeof *tok);
    /* whitespace and comments */
    for (;;) {
        while (lx->pos < lx->len && isspace((unsigned char)lx->src[lx->pos]))
            lx->pos++;
        if (lx->pos < lx->len && lx->src[lx->pos] == '#') {
            while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
                lx->pos++;
            continue;
        }
        break;
    }
    size_t st = lx->pos;
    tok->start = (int)st;
    if (st >= lx->len) {
        tok->t = TK_EOF;
        tok->end = (int)st;
        return 0;
    }
    unsigned char ch = (unsigned char)lx->src[st];
    if (ident_start(ch)) {
        size_t p = st + 1;
        for (;;) {
            while (p < lx->len && ident_char((unsigned char)lx->src[p]))
                p++;
            /* an inner dot joins name parts: a.b, a.0 */
            if (p + 1 < lx->len && lx->src[p] == '.' &&
                ident_char((unsigned char)lx->src[p + 1])) {
                p++;
                continue;
            }
            break;
        }
        tok->t = TK_IDENT;
        tok->text = xstrndup(lx->src + st, p - st);
        lx->pos = p;
        tok->end = (int)p;
        return 0;
    }
    if (isdigit(ch) || (ch == '.' && st + 1 < lx->len && isdigit((unsigned char)lx->src[st + 1]))) {
        char *endp;
        double v = strtod(lx->src + st, &endp);
        size_t p = (size_t)(endp - lx->src);
        /* strtod also reads hex and inf/nan: accept only plain decimal forms */
        for (size_t i = st; i < p; i++) {
            char c = lx->src[i];
            if (!(isdigit((unsigned char)c) || c == '.' || c == 'e' || c == 'E' || c == '+' ||
                  c == '-')) {
                p = i;
                char tmp[64];
                size_t n = p - st < sizeof tmp - 1 ? p - st : sizeof tmp - 1;
                memcpy(tmp, lx->src + st, n);
                tmp[n] = '\0';
                v = strtod(tmp, NULL);
                break;
            }
        }
        if (p > lx->len)
            p = lx->len;
        size_t q = p;
        while (q < lx->len && isalpha((unsigned char)lx->src[q]))
            q++;
        if (q > p) {
            size_t n = q - p;
            for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
                if (strlen(units[i].name) == n && strncasecmp(units[i].name, lx->src + p, n) == 0) {
                    tok->t = TK_PERIOD;
                    tok->num = v;
                    tok->unit = units[i].unit;
                    tok->text = xstrndup(lx->src + st, q - st);
                    lx->pos = q;
                    tok->end = (int)q;
                    return 0;
                }
            }
            char *bad = xstrndup(lx->src + st, q - st);
            lex_error(err, (int)st, (int)q, "Invalid time period: '%s'", bad);
            free(bad);
            return -1;
        }
        tok->t = TK_NUMBER;
        tok->num = v;
        tok->text = xstrndup(lx->src + st, p - st);
        lx->pos = p;
        tok->end = (int)p;
        return 0;
    }
    lx->pos = st + 1;
    switch (ch) {
    case '"':
    case '\'':
    case '`': {
        char *s = read_quoted(lx, (char)ch, 0);
        if (s == NULL) {
            return lex_error(err, (int)st, (int)lx->len, "token recognition error at: '%s'",
                             ch == '"' ? "\"" : ch == '\'' ? "'" : "`");
        }
        tok->t = ch == '`' ? TK_QIDENT : TK_STRING;
        tok->text = s;
        break;
    }
    case '/':
        if (regex) {
            char *s = read_quoted(lx, '/', 1);
            if (s == NULL)
                return lex_error(err, (int)st, (int)lx->len, "token recognition error at: '%s'",
                                 "/");
            tok->t = TK_REGEX;
            tok->text = s;
        } else {
            tok->t = TK_SLASH;
        }
        break;
    case '|':
        tok->t = TK_PIPE;
        break;
    case ',':
        tok->t = TK_COMMA;
        break;
    case '(':
        tok->t = TK_LPAREN;
        break;
    case ')':
        tok->t = TK_RPAREN;
        break;
    case '[':
        tok->t = TK_LBRACK;
        break;
    case ']':
        tok->t = TK_RBRACK;
        break;
    case '.':
        tok->t = TK_DOT;
        break;
    case '+':
        tok->t = TK_PLUS;
        break;
    case '-':
        tok->t = TK_MINUS;
        break;
    case '*':
        tok->t = TK_STAR;
        break;
    case '^':
        tok->t = TK_CARET;
        break;
    case '%':
        tok->t = TK_PERCENT;
        break;
    case '=':
        if (lx->pos < lx->len && lx->src[lx->pos] == '~') {
            lx->pos++;
            tok->t = TK_MATCH;
        } else {
            tok->t = TK_EQ;
        }
        break;
    case '!':
        if (lx->pos < lx->len && lx->src[lx->pos] == '=') {
            lx->pos++;
            tok->t = TK_NE;
            break;
        }
        return lex_error(err, (int)st, (int)st + 1, "token recognition error at: '%s'", "!");
    case '<':
        if (lx->pos < lx->len && lx->src[lx->pos] == '=') {
            lx->pos++;
            tok->t = TK_LE;
        } else {
            tok->t = TK_LT;
        }
        break;
    case '>':
        if (lx->pos < lx->len && lx->src[lx->pos] == '=') {
            lx->pos++;
            tok->t = TK_GE;
        } else {
            tok->t = TK_GT;
        }
        break;
    default: {
        char one[8];
        if (ch >= 0x20 && ch < 0x7f)
            snprintf(one, sizeof one, "%c", ch);
        else
            snprintf(one, sizeof one, "\\x%02x", ch);
        return lex_error(err, (int)st, (int)st + 1, "token recognition error at: '%s'", one);
    }
    }
    tok->end = (int)lx->pos;
    return 0;
}

void ins_tok_display(const struct ins_lexer *lx, const struct ins_token *tok, char *out,
                     size_t n)
{
    if (tok->t == TK_EOF) {
        snprintf(out, n, "'<EOF>'");
        return;
    }
    int len = tok->end - tok->start;
    if (len > 60)
        len = 60;
    snprintf(out, n, "'%.*s'", len, lx->src + tok->start);
}
