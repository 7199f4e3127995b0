/*
 * parser.c - the Logs Insights query language: commands and expressions into the tree of
 * insights_int.h, then the checks and the plan (output columns, scan order, prefilter).
 *
 *   query  := cmd ("|" cmd)*
 *   cmd    := fields proj ("," proj)*          | display fref ("," fref)*
 *           | filter expr                      | stats proj ("," proj)* [by proj ("," proj)*]
 *           | sort fref [asc|desc] ("," …)*    | limit INT | dedup fref ("," fref)*
 *           | parse expr (STRING as name ("," name)* | REGEX)
 *   proj   := expr [as name]
 *   expr   := or;  or := and ("or" and)*;  and := not ("and" not)*;  not := "not" not | cmp
 *   cmp    := sum [(= != < <= > >=) sum | [not] like (STRING|REGEX) | =~ (REGEX|STRING)
 *                 | [not] in "[" sum ("," sum)* "]"]
 *   sum    := prod (("+"|"-") prod)*;  prod := pow (("*"|"/"|"%") pow)*;  pow := unary ["^" pow]
 *   unary  := "-" unary | postfix;  postfix := primary ("." name | "[" (INT|STRING) "]")*
 *   primary:= NUMBER | STRING | PERIOD | name | name "(" [args] ")" | "(" expr ")"
 *
 * Keywords are case-insensitive. Errors are MalformedQueryException texts in ANTLR's words
 * ("mismatched input 'x' expecting {…}"), or AWS's own where known ("Unknown symbols found in
 * or after stats: x").
 *
 * To add a command: a keyword in parse_command(), its fields in struct ins_cmd, the checks in
 * plan(), and its stage in eval.c.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "insights/insights_int.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define MAX_DEPTH 64
#define MAX_QUERY_LIMIT 10000

static const char *const EXPECT_CMD =
    "{K_PARSE, K_FIELDS, K_DISPLAY, K_FILTER, K_STATS, K_SORT, K_LIMIT, K_DEDUP}";
static const char *const EXPECT_EXPR = "{IDENTIFIER, STRING, NUMBER, '(', '-', K_NOT}";

struct parser {
    struct ins_query *q;
    struct ins_lexer lx;
    struct ins_token tok;
    int have;      /* tok holds the lookahead */
    int tok_regex; /* the lookahead was lexed with regex allowed */
    struct ins_error *err;
    int failed;
    struct ins_cmd *stats; /* the stats command being parsed (aggregations allowed) */
    int depth;
    int nodes; /* made so far: evaluation recurses over them, so they are bounded */
};

#define MAX_NODES 1000

static struct parser *cur_parser;

/* ---- slots ----------------------------------------------------------------------------- */

static const char *const builtin_names[INS_SLOT_BUILTIN] = {
    "@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@ptr",
};

int ins_slot_find(const struct ins_query *q, const char *name, size_t len)
{
    for (int i = 0; i < q->nslots; i++) {
        if (strlen(q->slots[i]) == len && memcmp(q->slots[i], name, len) == 0)
            return i;
    }
    return -1;
}

int ins_slot(struct ins_query *q, const char *name)
{
    int s = ins_slot_find(q, name, strlen(name));
    if (s >= 0)
        return s;
    q->slots = xrealloc(q->slots, (size_t)(q->nslots + 1) * sizeof *q->slots);
    q->slots[q->nslots] = xstrdup(name);
    return q->nslots++;
}

/* ---- errors and tokens ----------------------------------------------------------------- */

static int perr(struct parser *p, int start, int end, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int perr(struct parser *p, int start, int end, const char *fmt, ...)
{
    if (p->failed)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
    p->err->start = start;
    p->err->end = end;
    p->failed = 1;
    return -1;
}

static void tok_clear(struct ins_token *t)
{
    free(t->text);
    t->text = NULL;
}

/* Returns the lookahead token (lexing it with regex allowed or not), or NULL on a lexical
 * error (recorded). */
static struct ins_token *peek(struct parser *p, int regex)
{
    if (p->failed)
        return NULL;
    if (p->have && p->tok_regex != regex &&
        (p->tok.t == TK_SLASH || p->tok.t == TK_REGEX)) {
        /* lex the "/" again in the other mode */
        p->lx.pos = (size_t)p->tok.start;
        tok_clear(&p->tok);
        p->have = 0;
    }
    if (!p->have) {
        if (ins_lex(&p->lx, regex, &p->tok, p->err) != 0) {
            p->failed = 1;
            return NULL;
        }
        p->have = 1;
        p->tok_regex = regex;
    }
    return &p->tok;
}

/* Consumes the lookahead; returns its text (owned by the caller, may be NULL). */
static char *take(struct parser *p)
{
    char *s = p->tok.text;
    p->tok.text = NULL;
    p->have = 0;
    return s;
}

static void skip(struct parser *p)
{
    free(take(p));
}

static int mismatch(struct parser *p, const struct ins_token *t, const char *expecting)
{
    char shown[80];
    ins_tok_display(&p->lx, t, shown, sizeof shown);
    return perr(p, t->start, t->end, "mismatched input %s expecting %s", shown, expecting);
}

static int is_kw(const struct ins_token *t, const char *kw)
{
    return t != NULL && t->t == TK_IDENT && strcasecmp(t->text, kw) == 0;
}

/* Whether the source after the lookahead starts with keyword kw (a second token of look-
 * ahead, for "not like" and "not in"). */
static int next_is_kw(const struct parser *p, const char *kw)
{
    size_t i = (size_t)p->tok.end;
    while (i < p->lx.len && isspace((unsigned char)p->lx.src[i]))
        i++;
    size_t n = strlen(kw);
    if (i + n > p->lx.len || strncasecmp(p->lx.src + i, kw, n) != 0)
        return 0;
    return i + n == p->lx.len || !(isalnum((unsigned char)p->lx.src[i + n]) ||
                                   p->lx.src[i + n] == '_' || p->lx.src[i + n] == '.');
}

static const char *const reserved[] = {"and", "or", "not", "like", "in", "as", "by", "asc",
                                       "desc", NULL};

static int is_reserved(const char *s)
{
    for (int i = 0; reserved[i]; i++) {
        if (strcasecmp(reserved[i], s) == 0)
            return 1;
    }
    return 0;
}

/* ---- nodes ----------------------------------------------------------------------------- */

static struct ins_node *node_new(enum ins_nk k, int start, int end)
{
    if (cur_parser != NULL && ++cur_parser->nodes == MAX_NODES + 1)
        perr(cur_parser, start, end, "The query is too complex");
    struct ins_node *n = xcalloc(1, sizeof *n);
    n->k = k;
    n->start = start;
    n->end = end;
    n->slot = -1;
    n->fn = -1;
    n->agg = -1;
    return n;
}

static void node_add(struct ins_node *n, struct ins_node *child)
{
    n->a = xrealloc(n->a, (size_t)(n->na + 1) * sizeof *n->a);
    n->a[n->na++] = child;
}

void ins_node_free(struct ins_node *n)
{
    if (n == NULL)
        return;
    for (int i = 0; i < n->na; i++)
        ins_node_free(n->a[i]);
    free(n->a);
    free(n->str);
    if (n->md)
        pcre2_match_data_free(n->md);
    if (n->re)
        pcre2_code_free(n->re);
    free(n);
}

/* Compiles a regex for like / =~ / parse. Returns the code, or NULL with the error set. */
static pcre2_code *compile_regex(struct parser *p, const char *pat, int start, int end)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &eo,
                                   NULL);
    if (re == NULL) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        perr(p, start, end, "Invalid regular expression /%.100s/: %s", pat, (char *)msg);
        return NULL;
    }
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

static struct ins_node *parse_expr(struct parser *p);

/* The source text of a span, trimmed (the name of an unaliased column). */
static char *span_text(const struct parser *p, int start, int end)
{
    while (start < end && isspace((unsigned char)p->lx.src[start]))
        start++;
    while (end > start && isspace((unsigned char)p->lx.src[end - 1]))
        end--;
    return xstrndup(p->lx.src + start, (size_t)(end - start));
}

/* A field name: IDENT (not a reserved word) or `quoted`. Returns the name (caller frees) or
 * NULL with the error set. */
static char *parse_name(struct parser *p, const char *expecting)
{
    struct ins_token *t = peek(p, 0);
    if (t == NULL)
        return NULL;
    if (t->t == TK_QIDENT || (t->t == TK_IDENT && !is_reserved(t->text)))
        return take(p);
    mismatch(p, t, expecting);
    return NULL;
}

/* Extends a field name with postfix ".name", "[0]" and ["key"] parts; returns the new name. */
static char *name_postfix(struct parser *p, char *name, int *end)
{
    for (;;) {
        struct ins_token *t = peek(p, 0);
        if (t == NULL)
            return name;
        if (t->t == TK_LBRACK) {
            skip(p);
            t = peek(p, 0);
            if (t == NULL)
                return name;
            char part[64];
            char *partp = part;
            char *owned = NULL;
            if (t->t == TK_NUMBER && t->num >= 0 && t->num == floor(t->num) && t->num < 1e9) {
                snprintf(part, sizeof part, "%d", (int)t->num);
            } else if (t->t == TK_STRING) {
                owned = xstrdup(t->text);
                partp = owned;
            } else {
                mismatch(p, t, "{NUMBER, STRING}");
                return name;
            }
            skip(p);
            t = peek(p, 0);
            if (t == NULL || t->t != TK_RBRACK) {
                if (t)
                    mismatch(p, t, "']'");
                free(owned);
                return name;
            }
            *end = t->end;
            skip(p);
            char *n2 = xasprintf("%s.%s", name, partp);
            free(owned);
            free(name);
            name = n2;
            continue;
        }
        if (t->t == TK_DOT) {
            skip(p);
            t = peek(p, 0);
            if (t == NULL)
                return name;
            if (t->t != TK_IDENT && t->t != TK_QIDENT) {
                mismatch(p, t, "IDENTIFIER");
                return name;
            }
            *end = t->end;
            char *part = take(p);
            char *n2 = xasprintf("%s.%s", name, part);
            free(part);
            free(name);
            name = n2;
            continue;
        }
        if (t->t == TK_NUMBER && t->text && t->text[0] == '.' && t->start == *end) {
            /* "a.0" after a closing bracket lexes as the number .0 */
            *end = t->end;
            char *n2 = xasprintf("%s%s", name, t->text);
            skip(p);
            free(name);
            name = n2;
            continue;
        }
        return name;
    }
}

static struct ins_node *parse_call(struct parser *p, char *name, int start)
{
    struct ins_node *n = NULL;
    skip(p); /* ( */
    int agg = ins_agg_find(name);
    int fn = agg >= 0 ? -1 : ins_fn_find(name);
    if (agg < 0 && fn < 0) {
        perr(p, start, start + (int)strlen(name), "Unrecognized function name: %s", name);
        free(name);
        return NULL;
    }
    if (agg >= 0 && p->stats == NULL) {
        perr(p, start, start + (int)strlen(name),
             "Aggregate function %s can only be used in a stats command", name);
        free(name);
        return NULL;
    }
    n = node_new(agg >= 0 ? N_AGG : N_CALL, start, start);
    n->fn = fn;
    struct ins_token *t = peek(p, 0);
    if (t == NULL)
        goto fail;
    if (t->t != TK_RPAREN) {
        for (;;) {
            t = peek(p, 0);
            if (t == NULL)
                goto fail;
            if (agg >= 0 && t->t == TK_STAR) {
                node_add(n, node_new(N_STAR, t->start, t->end));
                skip(p);
            } else {
                struct ins_node *a = parse_expr(p);
                if (a == NULL)
                    goto fail;
                node_add(n, a);
            }
            t = peek(p, 0);
            if (t == NULL)
                goto fail;
            if (t->t == TK_COMMA) {
                skip(p);
                continue;
            }
            break;
        }
    }
    t = peek(p, 0);
    if (t == NULL)
        goto fail;
    if (t->t != TK_RPAREN) {
        mismatch(p, t, "{',', ')'}");
        goto fail;
    }
    n->end = t->end;
    skip(p);
    if (agg >= 0) {
        /* register the aggregation with the stats command */
        struct ins_cmd *c = p->stats;
        struct ins_aggdef d;
        memset(&d, 0, sizeof d);
        d.fn = (enum ins_agg)agg;
        int want = d.fn == A_PCT ? 2 : 1;
        if (d.fn == A_COUNT) {
            if (n->na == 0 || (n->na == 1 && n->a[0]->k == N_STAR)) {
                d.fn = A_COUNT_STAR;
                want = n->na;
            }
        }
        if (n->na != want || (d.fn != A_COUNT_STAR && n->na > 0 && n->a[0]->k == N_STAR)) {
            perr(p, n->start, n->end, "Invalid number of arguments for %s", name);
            goto fail;
        }
        for (int i = 0; i < n->na; i++) {
            if (n->a[i]->k != N_STAR && n->a[i]->agg >= 0) {
                perr(p, n->start, n->end, "Aggregate functions cannot be nested: %s", name);
                goto fail;
            }
        }
        if (d.fn == A_PCT) {
            struct ins_node *pn = n->a[1];
            if (pn->k != N_NUM || pn->num < 0 || pn->num > 100) {
                perr(p, pn->start, pn->end,
                     "The second argument of pct must be a number from 0 to 100");
                goto fail;
            }
            d.p = pn->num;
        }
        d.arg = n->na > 0 && n->a[0]->k != N_STAR ? n->a[0] : NULL;
        c->aggs = xrealloc(c->aggs, (size_t)(c->naggs + 1) * sizeof *c->aggs);
        c->aggs[c->naggs] = d;
        n->agg = c->naggs++;
    } else {
        const struct ins_fn *f = ins_fn_info(fn);
        if (n->na < f->min || (f->max >= 0 && n->na > f->max)) {
            perr(p, n->start, n->end, "Invalid number of arguments for %s", name);
            goto fail;
        }
        int period_at = ins_fn_is(fn, "bin") ? 0
                        : (ins_fn_is(fn, "datefloor") || ins_fn_is(fn, "dateceil")) ? 1
                                                                                      : -1;
        for (int i = 0; i < n->na; i++) {
            int is_period = n->a[i]->k == N_PERIOD;
            if (i == period_at && !is_period) {
                perr(p, n->a[i]->start, n->a[i]->end,
                     "%s needs a time period such as 5m or 1h", name);
                goto fail;
            }
            if (i != period_at && is_period) {
                perr(p, n->a[i]->start, n->a[i]->end, "Unexpected time period in %s", name);
                goto fail;
            }
        }
    }
    free(name);
    return n;
fail:
    free(name);
    ins_node_free(n);
    return NULL;
}

/* Marks a node that holds an aggregation somewhere below (agg >= 0 on N_AGG). */
static int has_agg(const struct ins_node *n)
{
    if (n->k == N_AGG)
        return 1;
    for (int i = 0; i < n->na; i++) {
        if (has_agg(n->a[i]))
            return 1;
    }
    return 0;
}

static struct ins_node *parse_primary(struct parser *p)
{
    struct ins_token *t = peek(p, 0);
    if (t == NULL)
        return NULL;
    struct ins_node *n;
    switch (t->t) {
    case TK_NUMBER:
        n = node_new(N_NUM, t->start, t->end);
        n->num = t->num;
        skip(p);
        return n;
    case TK_STRING:
        n = node_new(N_STR, t->start, t->end);
        n->len = strlen(t->text);
        n->str = take(p);
        return n;
    case TK_PERIOD:
        n = node_new(N_PERIOD, t->start, t->end);
        n->num = t->num;
        n->unit = t->unit;
        if (!(t->num > 0) || t->num != floor(t->num) || t->num > 1e9) {
            perr(p, t->start, t->end, "Invalid time period: '%s'", t->text);
            ins_node_free(n);
            return NULL;
        }
        skip(p);
        return n;
    case TK_LPAREN: {
        int start = t->start;
        skip(p);
        n = parse_expr(p);
        if (n == NULL)
            return NULL;
        t = peek(p, 0);
        if (t == NULL || t->t != TK_RPAREN) {
            if (t)
                mismatch(p, t, "')'");
            ins_node_free(n);
            return NULL;
        }
        (void)start;
        skip(p);
        return n;
    }
    case TK_IDENT:
    case TK_QIDENT: {
        int start = t->start, end = t->end;
        int quoted = t->t == TK_QIDENT;
        if (!quoted && is_reserved(t->text)) {
            mismatch(p, t, EXPECT_EXPR);
            return NULL;
        }
        char *name = take(p);
        t = peek(p, 0);
        if (t == NULL) {
            free(name);
            return NULL;
        }
        if (!quoted && t->t == TK_LPAREN && strchr(name, '.') == NULL)
            return parse_call(p, name, start);
        name = name_postfix(p, name, &end);
        if (p->failed) {
            free(name);
            return NULL;
        }
        n = node_new(N_FIELD, start, end);
        n->slot = ins_slot(p->q, name);
        free(name);
        return n;
    }
    default:
        mismatch(p, t, EXPECT_EXPR);
        return NULL;
    }
}

static struct ins_node *parse_postfix(struct parser *p)
{
    struct ins_node *n = parse_primary(p);
    while (n != NULL && n->k != N_FIELD) {
        struct ins_token *t = peek(p, 0);
        if (t == NULL)
            break;
        if (t->t == TK_DOT) {
            skip(p);
            t = peek(p, 0);
            if (t == NULL)
                break;
            if (t->t != TK_IDENT && t->t != TK_QIDENT) {
                mismatch(p, t, "IDENTIFIER");
                break;
            }
            struct ins_node *m = node_new(N_MEMBER, n->start, t->end);
            m->str = take(p);
            node_add(m, n);
            n = m;
        } else if (t->t == TK_LBRACK) {
            skip(p);
            t = peek(p, 0);
            if (t == NULL)
                break;
            struct ins_node *m = node_new(N_MEMBER, n->start, t->end);
            node_add(m, n);
            n = m;
            if (t->t == TK_NUMBER && t->num >= 0 && t->num == floor(t->num)) {
                m->num = t->num;
            } else if (t->t == TK_STRING) {
                m->str = xstrdup(t->text);
            } else {
                mismatch(p, t, "{NUMBER, STRING}");
                break;
            }
            skip(p);
            t = peek(p, 0);
            if (t == NULL)
                break;
            if (t->t != TK_RBRACK) {
                mismatch(p, t, "']'");
                break;
            }
            m->end = t->end;
            skip(p);
        } else {
            break;
        }
    }
    if (p->failed) {
        ins_node_free(n);
        return NULL;
    }
    return n;
}

static struct ins_node *parse_unary(struct parser *p)
{
    struct ins_token *t = peek(p, 0);
    if (t == NULL)
        return NULL;
    if (t->t == TK_MINUS) {
        int start = t->start;
        skip(p);
        if (++p->depth > MAX_DEPTH) {
            perr(p, start, start + 1, "The query is nested too deeply");
            return NULL;
        }
        struct ins_node *a = parse_unary(p);
        p->depth--;
        if (a == NULL)
            return NULL;
        if (a->k == N_NUM) {
            a->num = -a->num;
            a->start = start;
            return a;
        }
        struct ins_node *n = node_new(N_NEG, start, a->end);
        node_add(n, a);
        return n;
    }
    return parse_postfix(p);
}

static struct ins_node *binary(int kind, int op, struct ins_node *l, struct ins_node *r)
{
    struct ins_node *n = node_new(kind, l->start, r->end);
    n->op = op;
    node_add(n, l);
    node_add(n, r);
    return n;
}

static struct ins_node *parse_pow(struct parser *p)
{
    struct ins_node *l = parse_unary(p);
    if (l == NULL)
        return NULL;
    struct ins_token *t = peek(p, 0);
    if (t != NULL && t->t == TK_CARET) {
        skip(p);
        if (++p->depth > MAX_DEPTH) {
            perr(p, l->start, l->end, "The query is nested too deeply");
            ins_node_free(l);
            return NULL;
        }
        struct ins_node *r = parse_pow(p);
        p->depth--;
        if (r == NULL) {
            ins_node_free(l);
            return NULL;
        }
        return binary(N_ARITH, TK_CARET, l, r);
    }
    return l;
}

static struct ins_node *parse_prod(struct parser *p)
{
    struct ins_node *l = parse_pow(p);
    while (l != NULL) {
        struct ins_token *t = peek(p, 0);
        if (t == NULL || !(t->t == TK_STAR || t->t == TK_SLASH || t->t == TK_PERCENT))
            break;
        int op = t->t;
        skip(p);
        struct ins_node *r = parse_pow(p);
        if (r == NULL) {
            ins_node_free(l);
            return NULL;
        }
        l = binary(N_ARITH, op, l, r);
    }
    if (p->failed) {
        ins_node_free(l);
        return NULL;
    }
    return l;
}

static struct ins_node *parse_sum(struct parser *p)
{
    struct ins_node *l = parse_prod(p);
    while (l != NULL) {
        struct ins_token *t = peek(p, 0);
        if (t == NULL || !(t->t == TK_PLUS || t->t == TK_MINUS))
            break;
        int op = t->t;
        skip(p);
        struct ins_node *r = parse_prod(p);
        if (r == NULL) {
            ins_node_free(l);
            return NULL;
        }
        l = binary(N_ARITH, op, l, r);
    }
    if (p->failed) {
        ins_node_free(l);
        return NULL;
    }
    return l;
}

/* like / =~ operand: a STRING (substring; a regex for =~) or a REGEX. */
static struct ins_node *like_rhs(struct parser *p, struct ins_node *l, int neg, int is_match)
{
    struct ins_token *t = peek(p, 1);
    if (t == NULL) {
        ins_node_free(l);
        return NULL;
    }
    if (t->t != TK_STRING && t->t != TK_REGEX) {
        mismatch(p, t, "{STRING, REGEX}");
        ins_node_free(l);
        return NULL;
    }
    struct ins_node *n = node_new(N_LIKE, l->start, t->end);
    n->neg = neg;
    node_add(n, l);
    int is_regex = t->t == TK_REGEX || is_match;
    int ts = t->start, te = t->end;
    n->str = take(p);
    n->len = strlen(n->str);
    if (is_regex) {
        n->re = compile_regex(p, n->str, ts, te);
        if (n->re == NULL) {
            ins_node_free(n);
            return NULL;
        }
        n->md = pcre2_match_data_create_from_pattern(n->re, NULL);
    }
    return n;
}

static struct ins_node *parse_cmp(struct parser *p)
{
    struct ins_node *l = parse_sum(p);
    if (l == NULL)
        return NULL;
    struct ins_token *t = peek(p, 0);
    if (t == NULL) {
        ins_node_free(l);
        return NULL;
    }
    int neg = 0;
    if (is_kw(t, "not") && (next_is_kw(p, "like") || next_is_kw(p, "in"))) {
        neg = 1;
        skip(p);
        t = peek(p, 0);
        if (t == NULL) {
            ins_node_free(l);
            return NULL;
        }
    }
    if (is_kw(t, "like")) {
        skip(p);
        return like_rhs(p, l, neg, 0);
    }
    if (t->t == TK_MATCH) {
        skip(p);
        return like_rhs(p, l, 0, 1);
    }
    if (is_kw(t, "in")) {
        skip(p);
        struct ins_node *n = node_new(N_IN, l->start, l->end);
        n->neg = neg;
        node_add(n, l);
        t = peek(p, 0);
        if (t == NULL || t->t != TK_LBRACK) {
            if (t)
                mismatch(p, t, "'['");
            ins_node_free(n);
            return NULL;
        }
        skip(p);
        for (;;) {
            struct ins_node *e = parse_sum(p);
            if (e == NULL) {
                ins_node_free(n);
                return NULL;
            }
            node_add(n, e);
            t = peek(p, 0);
            if (t == NULL) {
                ins_node_free(n);
                return NULL;
            }
            if (t->t == TK_COMMA) {
                skip(p);
                continue;
            }
            if (t->t != TK_RBRACK) {
                mismatch(p, t, "{',', ']'}");
                ins_node_free(n);
                return NULL;
            }
            n->end = t->end;
            skip(p);
            return n;
        }
    }
    if (t->t >= TK_EQ && t->t <= TK_GE) {
        int op = t->t;
        skip(p);
        struct ins_node *r = parse_sum(p);
        if (r == NULL) {
            ins_node_free(l);
            return NULL;
        }
        return binary(N_CMP, op, l, r);
    }
    return l;
}

static struct ins_node *parse_not(struct parser *p)
{
    struct ins_token *t = peek(p, 0);
    if (t == NULL)
        return NULL;
    if (is_kw(t, "not")) {
        int start = t->start;
        skip(p);
        if (++p->depth > MAX_DEPTH) {
            perr(p, start, start + 3, "The query is nested too deeply");
            return NULL;
        }
        struct ins_node *a = parse_not(p);
        p->depth--;
        if (a == NULL)
            return NULL;
        struct ins_node *n = node_new(N_NOT, start, a->end);
        node_add(n, a);
        return n;
    }
    return parse_cmp(p);
}

static struct ins_node *parse_and(struct parser *p)
{
    struct ins_node *l = parse_not(p);
    while (l != NULL) {
        struct ins_token *t = peek(p, 0);
        if (!is_kw(t, "and"))
            break;
        skip(p);
        struct ins_node *r = parse_not(p);
        if (r == NULL) {
            ins_node_free(l);
            return NULL;
        }
        l = binary(N_AND, 0, l, r);
    }
    if (p->failed) {
        ins_node_free(l);
        return NULL;
    }
    return l;
}

static struct ins_node *parse_expr(struct parser *p)
{
    if (++p->depth > MAX_DEPTH) {
        perr(p, (int)p->lx.pos, (int)p->lx.pos, "The query is nested too deeply");
        return NULL;
    }
    struct ins_node *l = parse_and(p);
    while (l != NULL) {
        struct ins_token *t = peek(p, 0);
        if (!is_kw(t, "or"))
            break;
        skip(p);
        struct ins_node *r = parse_and(p);
        if (r == NULL) {
            ins_node_free(l);
            l = NULL;
            break;
        }
        l = binary(N_OR, 0, l, r);
    }
    p->depth--;
    if (p->failed) {
        ins_node_free(l);
        return NULL;
    }
    return l;
}

/* ---- commands ------------------------------------------------------------------------- */

/* proj := expr [as name]. A bare field keeps its slot; an expression without alias gets a
 * slot named by its source text. */
static int parse_proj(struct parser *p, struct ins_proj *out)
{
    struct ins_node *e = parse_expr(p);
    if (e == NULL)
        return -1;
    out->e = e;
    struct ins_token *t = peek(p, 0);
    if (t == NULL)
        return -1;
    if (is_kw(t, "as")) {
        skip(p);
        char *name = parse_name(p, "IDENTIFIER");
        if (name == NULL)
            return -1;
        out->slot = ins_slot(p->q, name);
        free(name);
        return 0;
    }
    if (e->k == N_FIELD) {
        out->slot = e->slot;
        return 0;
    }
    char *name = span_text(p, e->start, e->end);
    out->slot = ins_slot(p->q, name);
    free(name);
    return 0;
}

static int parse_proj_list(struct parser *p, struct ins_proj **items, int *n)
{
    for (;;) {
        *items = xrealloc(*items, (size_t)(*n + 1) * sizeof **items);
        struct ins_proj *pr = &(*items)[*n];
        memset(pr, 0, sizeof *pr);
        (*n)++;
        if (parse_proj(p, pr) != 0)
            return -1;
        struct ins_token *t = peek(p, 0);
        if (t == NULL)
            return -1;
        if (t->t != TK_COMMA)
            return 0;
        skip(p);
    }
}

/* fref ("," fref)* for display, sort and dedup; sort also reads asc/desc. */
static int parse_frefs(struct parser *p, struct ins_cmd *c, int with_order)
{
    for (;;) {
        struct ins_token *t = peek(p, 0);
        if (t == NULL)
            return -1;
        int end = t->end;
        char *name = parse_name(p, "IDENTIFIER");
        if (name == NULL)
            return -1;
        name = name_postfix(p, name, &end);
        if (p->failed) {
            free(name);
            return -1;
        }
        c->keys = xrealloc(c->keys, (size_t)(c->nkeys + 1) * sizeof *c->keys);
        c->keys[c->nkeys].slot = ins_slot(p->q, name);
        c->keys[c->nkeys].desc = 1;
        c->nkeys++;
        free(name);
        t = peek(p, 0);
        if (t == NULL)
            return -1;
        if (with_order && (is_kw(t, "asc") || is_kw(t, "desc"))) {
            c->keys[c->nkeys - 1].desc = is_kw(t, "desc");
            skip(p);
            t = peek(p, 0);
            if (t == NULL)
                return -1;
        }
        if (t->t != TK_COMMA)
            return 0;
        skip(p);
    }
}

/* Counts the "*" of a glob and builds its regex: literals quoted, each * a lazy group, the
 * last one greedy when the pattern ends with it. */
static char *glob_regex(const char *glob, int *nstars)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    size_t n = strlen(glob);
    int stars = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = glob[i];
        if (ch == '*') {
            stars++;
            buf_puts(&b, i + 1 == n ? "(.*)" : "(.*?)");
        } else if (strchr("\\^$.|?+()[]{}/", ch)) {
            buf_putc(&b, '\\');
            buf_putc(&b, ch);
        } else {
            buf_putc(&b, ch);
        }
    }
    *nstars = stars;
    char *s = buf_steal(&b, NULL);
    return s ? s : xstrdup("");
}

static int parse_parse(struct parser *p, struct ins_cmd *c)
{
    struct ins_node *src = parse_unary(p);
    if (src == NULL)
        return -1;
    c->src = src;
    struct ins_token *t = peek(p, 1);
    if (t == NULL)
        return -1;
    if (t->t == TK_REGEX) {
        int ts = t->start, te = t->end;
        char *pat = take(p);
        c->re = compile_regex(p, pat, ts, te);
        free(pat);
        if (c->re == NULL)
            return -1;
        uint32_t ncap = 0, count = 0, size = 0;
        PCRE2_SPTR table;
        pcre2_pattern_info(c->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
        pcre2_pattern_info(c->re, PCRE2_INFO_NAMECOUNT, &count);
        pcre2_pattern_info(c->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
        pcre2_pattern_info(c->re, PCRE2_INFO_NAMETABLE, &table);
        if (count == 0)
            return perr(p, ts, te, "The parse regular expression must have named capture "
                                   "groups, such as (?<name>...)");
        c->ncaps = (int)ncap;
        c->caps = xmalloc(((size_t)ncap + 1) * sizeof *c->caps);
        for (uint32_t i = 0; i <= ncap; i++)
            c->caps[i] = -1;
        for (uint32_t i = 0; i < count; i++) {
            PCRE2_SPTR e = table + (size_t)i * size;
            int group = (e[0] << 8) | e[1];
            c->caps[group] = ins_slot(p->q, (const char *)(e + 2));
        }
        c->md = pcre2_match_data_create_from_pattern(c->re, NULL);
        return 0;
    }
    if (t->t != TK_STRING)
        return mismatch(p, t, "{STRING, REGEX}");
    int ts = t->start, te = t->end;
    char *glob = take(p);
    int stars = 0;
    char *rx = glob_regex(glob, &stars);
    free(glob);
    if (stars == 0) {
        free(rx);
        return perr(p, ts, te, "The parse pattern must contain at least one *");
    }
    t = peek(p, 0);
    if (t == NULL) {
        free(rx);
        return -1;
    }
    if (!is_kw(t, "as")) {
        free(rx);
        return mismatch(p, t, "K_AS");
    }
    skip(p);
    c->caps = xmalloc(((size_t)stars + 1) * sizeof *c->caps);
    c->caps[0] = -1;
    int names = 0;
    for (;;) {
        char *name = parse_name(p, "IDENTIFIER");
        if (name == NULL) {
            free(rx);
            return -1;
        }
        if (names < stars)
            c->caps[names + 1] = ins_slot(p->q, name);
        names++;
        free(name);
        t = peek(p, 0);
        if (t == NULL) {
            free(rx);
            return -1;
        }
        if (t->t != TK_COMMA)
            break;
        skip(p);
    }
    if (names != stars) {
        free(rx);
        return perr(p, ts, t->start,
                    "The number of fields in the as clause (%d) does not match the number of "
                    "wildcards in the parse pattern (%d)", names, stars);
    }
    c->ncaps = stars;
    int ec;
    PCRE2_SIZE eo;
    /* bytes, not UTF-8: a glob's literals and wildcards mean the same either way, and this
     * spares a UTF-8 check of every message */
    c->re = pcre2_compile((PCRE2_SPTR)rx, PCRE2_ZERO_TERMINATED, PCRE2_DOTALL, &ec, &eo, NULL);
    free(rx);
    if (c->re == NULL)
        return perr(p, ts, te, "Invalid parse pattern");
    (void)pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
    c->md = pcre2_match_data_create_from_pattern(c->re, NULL);
    return 0;
}

static int parse_command(struct parser *p, struct ins_cmd *c)
{
    struct ins_token *t = peek(p, 0);
    if (t == NULL)
        return -1;
    c->start = t->start;
    if (t->t != TK_IDENT)
        return mismatch(p, t, EXPECT_CMD);
    static const struct {
        const char *kw;
        enum ins_ck k;
    } kws[] = {
        {"fields", C_FIELDS}, {"display", C_DISPLAY}, {"filter", C_FILTER}, {"stats", C_STATS},
        {"sort", C_SORT},     {"limit", C_LIMIT},     {"parse", C_PARSE},   {"dedup", C_DEDUP},
    };
    int found = -1;
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
        if (strcasecmp(t->text, kws[i].kw) == 0)
            found = (int)i;
    }
    if (found < 0)
        return mismatch(p, t, EXPECT_CMD);
    c->k = kws[found].k;
    skip(p);
    switch (c->k) {
    case C_FIELDS:
        return parse_proj_list(p, &c->items, &c->nitems);
    case C_DISPLAY:
    case C_DEDUP:
        return parse_frefs(p, c, 0);
    case C_SORT:
        return parse_frefs(p, c, 1);
    case C_FILTER:
        c->cond = parse_expr(p);
        return c->cond ? 0 : -1;
    case C_STATS: {
        p->stats = c;
        int rc = parse_proj_list(p, &c->items, &c->nitems);
        p->stats = NULL;
        if (rc != 0)
            return -1;
        for (int i = 0; i < c->nitems; i++) {
            if (!has_agg(c->items[i].e)) {
                struct ins_node *e = c->items[i].e;
                return perr(p, e->start, e->end,
                            "The stats command needs an aggregate function such as count()");
            }
        }
        t = peek(p, 0);
        if (t == NULL)
            return -1;
        if (is_kw(t, "by")) {
            skip(p);
            if (parse_proj_list(p, &c->by, &c->nby) != 0)
                return -1;
        }
        return 0;
    }
    case C_LIMIT:
        t = peek(p, 0);
        if (t == NULL)
            return -1;
        if (t->t != TK_NUMBER)
            return mismatch(p, t, "INTEGER");
        if (t->num != floor(t->num) || t->num < 1 || t->num > MAX_QUERY_LIMIT)
            return perr(p, t->start, t->end, "limit must be an integer from 1 to %d",
                        MAX_QUERY_LIMIT);
        c->limit = (long)t->num;
        skip(p);
        return 0;
    case C_PARSE:
        return parse_parse(p, c);
    }
    return -1;
}

/* ---- plan ------------------------------------------------------------------------------ */

/* Calls fn for each slot a node reads. */
static void node_reads(const struct ins_node *n, void (*fn)(void *, int, const struct ins_node *),
                       void *ctx)
{
    if (n == NULL)
        return;
    if (n->k == N_FIELD)
        fn(ctx, n->slot, n);
    for (int i = 0; i < n->na; i++)
        node_reads(n->a[i], fn, ctx);
}

struct avail {
    struct parser *p;
    char *have; /* per slot: available after stats */
};

static void check_avail(void *ctx, int slot, const struct ins_node *n)
{
    struct avail *a = ctx;
    if (!a->have[slot])
        perr(a->p, n->start, n->end, "Unknown symbols found in or after stats: %s",
             a->p->q->slots[slot]);
}

static void check_slot_avail(struct avail *a, int slot, int start, int end)
{
    if (!a->have[slot])
        perr(a->p, start, end, "Unknown symbols found in or after stats: %s",
             a->p->q->slots[slot]);
}

/* A literal that a JSON encoder writes unchanged (so the raw message contains it as is). */
static int json_stable(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c < 0x20 || *c >= 0x7f || *c == '"' || *c == '\\' || *c == '<' || *c == '>' ||
            *c == '&' || *c == '\'')
            return 0;
    }
    return 1;
}

/* The longest part of s between "/" (JSON encoders may write "/" as "\/"). */
static void longest_part(const char *s, const char **out, size_t *outlen)
{
    *out = s;
    *outlen = 0;
    const char *st = s;
    for (const char *c = s;; c++) {
        if (*c == '/' || *c == '\0') {
            if ((size_t)(c - st) > *outlen) {
                *out = st;
                *outlen = (size_t)(c - st);
            }
            if (*c == '\0')
                break;
            st = c + 1;
        }
    }
}

/* A regex with no metacharacters is a plain substring. */
static int regex_plain(const char *s)
{
    for (const char *c = s; *c; c++) {
        if (strchr("\\^$.|?*+()[]{}", *c))
            return 0;
    }
    return 1;
}

/* Substrings every event a condition accepts has in its raw message (any one of them can be
 * the prefilter). */
#define PF_MAX 8
struct pf_set {
    int n;
    const char *s[PF_MAX];
    size_t len[PF_MAX];
    int key[PF_MAX]; /* a JSON key: in nearly every event of a structured log, so chosen last */
};

static void pf_add_kind(struct pf_set *set, const char *s, size_t len, int key)
{
    if (s == NULL || len == 0 || set->n == PF_MAX)
        return;
    set->s[set->n] = s;
    set->len[set->n] = len;
    set->key[set->n] = key;
    set->n++;
}

static void pf_add(struct pf_set *set, const char *s, size_t len)
{
    pf_add_kind(set, s, len, 0);
}

/* Adds the key of JSON field f (the last part of a dotted name) when the field is read from
 * the message as it is: not builtin, not assigned by an earlier command, not under an
 * assigned prefix, and written in JSON without escapes. */
static void pf_key(const struct ins_query *q, const struct ins_node *f, const char *assigned,
                   struct pf_set *out)
{
    if (f->slot < INS_SLOT_BUILTIN || assigned[f->slot] || q->slot_prefix[f->slot] >= 0)
        return;
    const char *name = q->slots[f->slot];
    const char *dot = strrchr(name, '.');
    const char *key = dot ? dot + 1 : name;
    if (json_stable(key))
        pf_add_kind(out, key, strlen(key), 1);
}

/* Whether the first n bytes of s hold t (tn bytes). */
static int holds(const char *s, size_t n, const char *t, size_t tn)
{
    for (size_t i = 0; tn <= n && i + tn <= n; i++) {
        if (memcmp(s + i, t, tn) == 0)
            return 1;
    }
    return 0;
}

/* The substrings condition n implies, into out:
 *   @message like "x" or /x/ (no metacharacters), @message = "x"      x
 *   F like "x", F = "x" on a JSON field F read from the message        x's longest part
 *                                                                      between "/", and F's key
 *   F like /re/, F = number, ispresent(F) on such a field               F's key
 *   a and b                                                            those of a and of b
 *   a or b                                                             those both sides imply
 *                                                                      (one within the other) */
static void prefilter_terms(const struct ins_query *q, const struct ins_node *n,
                            const char *assigned, struct pf_set *out)
{
    if (n->k == N_AND) {
        prefilter_terms(q, n->a[0], assigned, out);
        prefilter_terms(q, n->a[1], assigned, out);
        return;
    }
    if (n->k == N_OR) {
        struct pf_set l = {0}, r = {0};
        prefilter_terms(q, n->a[0], assigned, &l);
        prefilter_terms(q, n->a[1], assigned, &r);
        for (int i = 0; i < l.n; i++) {
            for (int j = 0; j < r.n; j++) {
                int key = l.key[i] && r.key[j];
                if (holds(l.s[i], l.len[i], r.s[j], r.len[j]))
                    pf_add_kind(out, r.s[j], r.len[j], key);
                else if (holds(r.s[j], r.len[j], l.s[i], l.len[i]))
                    pf_add_kind(out, l.s[i], l.len[i], key);
            }
        }
        return;
    }
    const struct ins_node *f = NULL, *lit = NULL;
    const char *cand = NULL;
    size_t candlen = 0;
    if (n->k == N_LIKE && !n->neg && n->a[0]->k == N_FIELD) {
        f = n->a[0];
        if (f->slot == S_MESSAGE) {
            if (!assigned[S_MESSAGE] && (n->re == NULL || regex_plain(n->str)))
                pf_add(out, n->str, n->len);
            return;
        }
        pf_key(q, f, assigned, out);
        if (f->slot >= INS_SLOT_BUILTIN && !assigned[f->slot] && n->re == NULL &&
            q->slot_prefix[f->slot] < 0 && json_stable(n->str)) {
            longest_part(n->str, &cand, &candlen);
            pf_add(out, cand, candlen);
        }
    } else if (n->k == N_CALL && ins_fn_is(n->fn, "ispresent") && n->na == 1 &&
               n->a[0]->k == N_FIELD) {
        pf_key(q, n->a[0], assigned, out);
    } else if (n->k == N_CMP && n->op == TK_EQ) {
        if (n->a[0]->k == N_FIELD && (n->a[1]->k == N_STR || n->a[1]->k == N_NUM)) {
            f = n->a[0];
            lit = n->a[1];
        } else if (n->a[1]->k == N_FIELD && (n->a[0]->k == N_STR || n->a[0]->k == N_NUM)) {
            f = n->a[1];
            lit = n->a[0];
        }
        if (f == NULL || assigned[f->slot])
            return;
        if (f->slot == S_MESSAGE) {
            if (lit->k == N_STR)
                pf_add(out, lit->str, lit->len);
            return;
        }
        pf_key(q, f, assigned, out);
        if (lit->k == N_STR && f->slot >= INS_SLOT_BUILTIN && q->slot_prefix[f->slot] < 0 &&
            json_stable(lit->str)) {
            longest_part(lit->str, &cand, &candlen);
            pf_add(out, cand, candlen);
        }
    }
}

/* How good s is as a prefilter: a value of 3 bytes or more beats a key, which beats a
 * shorter value (the scan can skip whole buckets only for 3 bytes or more); then longer
 * beats shorter. */
static size_t pf_rank(size_t len, int key)
{
    size_t tier = !key && len >= 3 ? 2 : key && len >= 3 ? 1 : 0;
    return tier << 24 | (len < (1u << 24) ? len : (1u << 24) - 1);
}

/* Picks the best substring filter condition n implies as the prefilter so far (*rank is the
 * pick's pf_rank, 0 for none). */
static void prefilter_from(const struct ins_query *q, const struct ins_node *n,
                           const char *assigned, const char **best, size_t *bestlen,
                           size_t *rank)
{
    struct pf_set set = {0};
    prefilter_terms(q, n, assigned, &set);
    for (int i = 0; i < set.n; i++) {
        size_t r = pf_rank(set.len[i], set.key[i]);
        if (r > *rank) {
            *best = set.s[i];
            *bestlen = set.len[i];
            *rank = r;
        }
    }
}

static int plan(struct parser *p)
{
    struct ins_query *q = p->q;
    int nstats = 0;
    /* stats count, dedup followed only by limit */
    for (int i = 0; i < q->ncmds; i++) {
        struct ins_cmd *c = &q->cmds[i];
        if (c->k == C_STATS && ++nstats > 2)
            return perr(p, c->start, c->end, "A query can have at most two stats commands");
        if (c->k == C_DEDUP) {
            for (int j = i + 1; j < q->ncmds; j++) {
                if (q->cmds[j].k != C_LIMIT)
                    return perr(p, q->cmds[j].start, q->cmds[j].end,
                                "Only the limit command can follow the dedup command");
            }
        }
    }
    /* fields read in or after a stats must come out of it (or a later command) */
    struct avail av = {p, NULL};
    for (int i = 0; i < q->ncmds && !p->failed; i++) {
        struct ins_cmd *c = &q->cmds[i];
        if (av.have != NULL) {
            switch (c->k) {
            case C_FIELDS:
                for (int j = 0; j < c->nitems; j++)
                    node_reads(c->items[j].e, check_avail, &av);
                break;
            case C_FILTER:
                node_reads(c->cond, check_avail, &av);
                break;
            case C_STATS:
                for (int j = 0; j < c->nitems; j++)
                    node_reads(c->items[j].e, check_avail, &av);
                for (int j = 0; j < c->nby; j++)
                    node_reads(c->by[j].e, check_avail, &av);
                break;
            case C_PARSE:
                node_reads(c->src, check_avail, &av);
                break;
            case C_SORT:
            case C_DISPLAY:
            case C_DEDUP:
                for (int j = 0; j < c->nkeys; j++)
                    check_slot_avail(&av, c->keys[j].slot, c->start, c->end);
                break;
            case C_LIMIT:
                break;
            }
        }
        /* what this command makes available */
        if (c->k == C_STATS) {
            free(av.have);
            av.have = xcalloc((size_t)q->nslots + 1, 1);
            for (int j = 0; j < c->nby; j++)
                av.have[c->by[j].slot] = 1;
            for (int j = 0; j < c->nitems; j++)
                av.have[c->items[j].slot] = 1;
        } else if (av.have != NULL && c->k == C_FIELDS) {
            for (int j = 0; j < c->nitems; j++)
                av.have[c->items[j].slot] = 1;
        } else if (av.have != NULL && c->k == C_PARSE) {
            for (int j = 1; j <= c->ncaps; j++) {
                if (c->caps[j] >= 0)
                    av.have[c->caps[j]] = 1;
            }
        }
    }
    free(av.have);
    if (p->failed)
        return -1;

    /* output columns: the last display, else stats columns plus later fields, else the
     * fields of every fields command, else @timestamp and @message */
    int disp = -1;
    for (int i = 0; i < q->ncmds; i++) {
        if (q->cmds[i].k == C_DISPLAY)
            disp = i;
        if (q->cmds[i].k == C_STATS)
            q->aggregate = 1;
    }
    q->out = xmalloc(((size_t)q->nslots + 2) * sizeof *q->out);
    q->nout = 0;
    char *shown = xcalloc((size_t)q->nslots + 1, 1);
#define OUT_ADD(s)                                                                             \
    do {                                                                                       \
        int s_ = (s);                                                                          \
        if (!shown[s_]) {                                                                      \
            shown[s_] = 1;                                                                     \
            q->out[q->nout++] = s_;                                                            \
        }                                                                                      \
    } while (0)
    if (disp >= 0) {
        for (int j = 0; j < q->cmds[disp].nkeys; j++)
            OUT_ADD(q->cmds[disp].keys[j].slot);
    } else {
        for (int i = 0; i < q->ncmds; i++) {
            struct ins_cmd *c = &q->cmds[i];
            if (c->k == C_STATS) {
                memset(shown, 0, (size_t)q->nslots + 1);
                q->nout = 0;
                for (int j = 0; j < c->nby; j++)
                    OUT_ADD(c->by[j].slot);
                for (int j = 0; j < c->nitems; j++)
                    OUT_ADD(c->items[j].slot);
            } else if (c->k == C_FIELDS) {
                for (int j = 0; j < c->nitems; j++)
                    OUT_ADD(c->items[j].slot);
            }
        }
        if (q->nout == 0 && !q->aggregate) {
            OUT_ADD(S_TIMESTAMP);
            OUT_ADD(S_MESSAGE);
        }
    }
#undef OUT_ADD
    free(shown);

    /* scan order: the first sort, if it is @timestamp alone and comes before any stats,
     * dedup or limit, is the scan order itself */
    q->scan_desc = 1;
    char *assigned = xcalloc((size_t)q->nslots + 1, 1);
    for (int i = 0; i < q->ncmds; i++) {
        struct ins_cmd *c = &q->cmds[i];
        if (c->k == C_SORT) {
            if (c->nkeys == 1 && c->keys[0].slot == S_TIMESTAMP && !assigned[S_TIMESTAMP]) {
                q->scan_desc = c->keys[0].desc;
                c->limit = -1; /* marks the sort as the scan order (no work) */
            }
            break;
        }
        if (c->k == C_STATS || c->k == C_DEDUP || c->k == C_LIMIT)
            break;
        if (c->k == C_FIELDS) {
            for (int j = 0; j < c->nitems; j++) {
                if (c->items[j].e->k != N_FIELD || c->items[j].e->slot != c->items[j].slot)
                    assigned[c->items[j].slot] = 1;
            }
        }
        if (c->k == C_PARSE) {
            for (int j = 1; j <= c->ncaps; j++) {
                if (c->caps[j] >= 0)
                    assigned[c->caps[j]] = 1;
            }
        }
    }

    q->slot_prefix = xmalloc(((size_t)q->nslots + 1) * sizeof *q->slot_prefix);
    for (int s = 0; s < q->nslots; s++) {
        q->slot_prefix[s] = -1;
        const char *nm = q->slots[s];
        for (size_t k = strlen(nm); k > 0; k--) {
            if (nm[k - 1] == '.' && k > 1) {
                int ps = ins_slot_find(q, nm, k - 1);
                if (ps >= 0) {
                    q->slot_prefix[s] = ps;
                    break;
                }
            }
        }
    }
    /* prefilter: from filters before the first command that depends on which events come
     * (limit, dedup, sort, stats) */
    memset(assigned, 0, (size_t)q->nslots + 1);
    const char *best = NULL;
    size_t bestlen = 0, rank = 0;
    for (int i = 0; i < q->ncmds; i++) {
        struct ins_cmd *c = &q->cmds[i];
        if (c->k == C_STATS || c->k == C_DEDUP || c->k == C_LIMIT ||
            (c->k == C_SORT && c->limit != -1))
            break;
        if (c->k == C_FILTER)
            prefilter_from(q, c->cond, assigned, &best, &bestlen, &rank);
        if (c->k == C_FIELDS) {
            for (int j = 0; j < c->nitems; j++) {
                if (c->items[j].e->k != N_FIELD || c->items[j].e->slot != c->items[j].slot)
                    assigned[c->items[j].slot] = 1;
            }
        }
        if (c->k == C_PARSE) {
            for (int j = 1; j <= c->ncaps; j++) {
                if (c->caps[j] >= 0)
                    assigned[c->caps[j]] = 1;
            }
        }
    }
    free(assigned);
    if (best != NULL && bestlen > 0)
        q->prefilter = xstrndup(best, bestlen);

    /* JSON flattening table of the non-builtin slot names, and dotted-name prefixes */
    q->json_slots = q->nslots - INS_SLOT_BUILTIN;
    q->jcap = 16;
    while (q->jcap < q->nslots * 4)
        q->jcap *= 2;
    q->jhash = xmalloc((size_t)q->jcap * sizeof *q->jhash);
    for (int i = 0; i < q->jcap; i++)
        q->jhash[i] = -1;
    for (int s = INS_SLOT_BUILTIN; s < q->nslots; s++) {
        const char *nm = q->slots[s];
        uint32_t h = 2166136261u;
        for (const unsigned char *c = (const unsigned char *)nm; *c; c++)
            h = (h ^ *c) * 16777619u;
        uint32_t i = h & (uint32_t)(q->jcap - 1);
        while (q->jhash[i] >= 0)
            i = (i + 1) & (uint32_t)(q->jcap - 1);
        q->jhash[i] = s;
    }
    return 0;
}

/* ---- entry points ---------------------------------------------------------------------- */

static void cmd_free(struct ins_cmd *c)
{
    for (int i = 0; i < c->nitems; i++)
        ins_node_free(c->items[i].e);
    free(c->items);
    for (int i = 0; i < c->nby; i++)
        ins_node_free(c->by[i].e);
    free(c->by);
    free(c->aggs);
    ins_node_free(c->cond);
    free(c->keys);
    ins_node_free(c->src);
    if (c->md)
        pcre2_match_data_free(c->md);
    if (c->re)
        pcre2_code_free(c->re);
    free(c->caps);
}

void ins_free(struct ins_query *q)
{
    if (q == NULL)
        return;
    for (int i = 0; i < q->ncmds; i++)
        cmd_free(&q->cmds[i]);
    free(q->cmds);
    for (int i = 0; i < q->nslots; i++)
        free(q->slots[i]);
    free(q->slots);
    free(q->slot_prefix);
    free(q->jhash);
    free(q->out);
    free(q->prefilter);
    free(q->text);
    free(q);
}

int ins_parse(struct ins_query *q, struct ins_error *err)
{
    struct parser p;
    memset(&p, 0, sizeof p);
    p.q = q;
    p.err = err;
    p.lx.src = q->text;
    p.lx.len = strlen(q->text);
    for (int i = 0; i < INS_SLOT_BUILTIN; i++)
        ins_slot(q, builtin_names[i]);
    int rc = -1;
    cur_parser = &p;
    for (;;) {
        q->cmds = xrealloc(q->cmds, (size_t)(q->ncmds + 1) * sizeof *q->cmds);
        struct ins_cmd *c = &q->cmds[q->ncmds];
        memset(c, 0, sizeof *c);
        q->ncmds++;
        if (parse_command(&p, c) != 0)
            goto out;
        struct ins_token *t = peek(&p, 0);
        if (t == NULL)
            goto out;
        c->end = t->start;
        if (t->t == TK_EOF)
            break;
        if (t->t != TK_PIPE) {
            mismatch(&p, t, "{<EOF>, '|'}");
            goto out;
        }
        skip(&p);
    }
    if (plan(&p) != 0)
        goto out;
    rc = 0;
out:
    cur_parser = NULL;
    if (p.have)
        tok_clear(&p.tok);
    return rc;
}

int ins_compile(const char *text, struct ins_query **out, struct ins_error *err)
{
    memset(err, 0, sizeof *err);
    struct ins_query *q = xcalloc(1, sizeof *q);
    q->text = xstrdup(text);
    if (ins_parse(q, err) != 0) {
        ins_free(q);
        return -1;
    }
    *out = q;
    return 0;
}
