/*
 * filter_pattern_parse.c - the grammars of JSON ({ ... }) and space-delimited ([ ... ]) filter
 * patterns, which share one lexer and one expression parser (the text between the outer
 * braces or brackets arrives here):
 *
 *   json      := expr
 *   delimited := [ slot ( ',' slot )* ]
 *   slot      := NAME | '...' | expr | empty    (every condition of a slot names that slot;
 *                                                an empty slot is a field known by position)
 *   expr      := and ( '||' and )*
 *   and       := unary ( '&&' unary )*
 *   unary     := '(' expr ')' | cond
 *   cond      := SELECTOR op value | SELECTOR IS (NULL | TRUE | FALSE) | SELECTOR NOT EXISTS
 *              | NAME op value                  (delimited)
 *   op        := '=' | '!=' | '<' | '<=' | '>' | '>='
 *   value     := "quoted" | %regex% | WORD      (a WORD that is a number is numeric)
 *   SELECTOR  := '$' ( '.' NAME | '.*' | '[' INT ']' | '[*]' | '.'? "['" any "']" )+
 *
 * Lexical errors quote the offending token the way AWS does: a selector or bracket step up to
 * and including its first bad character ('$..', '[-'), an unclosed quote to the end, a run of
 * stray punctuation ('!(', ':'). Anything else that does not parse is FP_ERR_INVALID.
 * To add an operator: a token in lex(), a case in parse_op(), its evaluation in
 * filter_pattern_json.c and filter_pattern_delim.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "insights/filter_pattern_int.h"
#include "util/xmalloc.h"

#define MAX_PAREN_DEPTH 100

enum tk {
    TK_END,
    TK_LP,
    TK_RP,
    TK_COMMA,
    TK_AND,
    TK_OR,
    TK_EQ,
    TK_NE,
    TK_LT,
    TK_LE,
    TK_GT,
    TK_GE,
    TK_SEL,
    TK_STR,
    TK_RE,
    TK_WORD,
};

struct tok {
    enum tk t;
    size_t start, len;
};

struct parser {
    struct fp_pattern *p;
    const char *s;
    size_t len, pos;
    int delim;
    int depth;
    char **error;
};

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_ident(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_bare(int c)
{
    return is_ident(c) || c == '.' || c == '*' || c == '+' || c == '-';
}

static int set_error(struct parser *ps, char *msg)
{
    if (*ps->error == NULL)
        *ps->error = msg;
    else
        free(msg);
    return -1;
}

static int generic(struct parser *ps)
{
    return set_error(ps, xstrdup(FP_ERR_INVALID));
}

static int term_error(struct parser *ps, size_t start, size_t len)
{
    return set_error(ps, fp__term_error(ps->s + start, len));
}

/* The length of one character at s[i] (a whole UTF-8 sequence). */
static size_t char_at(const char *s, size_t len, size_t i)
{
    return (unsigned char)s[i] >= 0x80 ? fp__utf8_len((const unsigned char *)s + i, len - i) : 1;
}

/* ---- selectors ---- */

static void push_seg(struct fp__seg **segs, int *nsegs, enum fp__segkind kind, const char *name,
                     size_t len, size_t index)
{
    *segs = xrealloc(*segs, (size_t)(*nsegs + 1) * sizeof **segs);
    struct fp__seg *sg = &(*segs)[*nsegs];
    sg->kind = kind;
    sg->name = name ? xstrndup(name, len) : NULL;
    sg->len = len;
    sg->index = index;
    (*nsegs)++;
}

static int sel_follow_ok(int c)
{
    return is_space(c) || c == '=' || c == '!' || c == '<' || c == '>' || c == ')' || c == '&' ||
           c == '|';
}

/* Scans a selector starting at s[pos] == '$'. Returns 0 with *end (and the steps appended to
 * *segs when segs is not NULL), or -1 with the error term s[*bad .. *bad + *badlen) (badlen 0:
 * no term to quote). */
static int sel_scan(const char *s, size_t len, size_t pos, size_t *end, struct fp__seg **segs,
                    int *nsegs, size_t *bad, size_t *badlen)
{
    size_t i = pos + 1;
    size_t seg_start = pos;
    int first = 1;
    *badlen = 0;
    if (i >= len || s[i] != '.') {
        *bad = pos;
        *badlen = i < len ? i - pos + char_at(s, len, i) : 0;
        return -1;
    }
    for (;;) {
        if (i >= len || sel_follow_ok((unsigned char)s[i])) {
            *end = i; /* never on the first step: s[i] is its '.' */
            return 0;
        }
        if (!first)
            seg_start = i;
        first = 0;
        if (s[i] == '.') {
            i++;
            if (i < len && (is_ident((unsigned char)s[i]) || s[i] == '-')) {
                size_t n0 = i;
                while (i < len && (is_ident((unsigned char)s[i]) || s[i] == '-'))
                    i++;
                if (segs)
                    push_seg(segs, nsegs, FPS_KEY, s + n0, i - n0, 0);
                continue;
            }
            if (i < len && s[i] == '*') {
                i++;
                if (segs)
                    push_seg(segs, nsegs, FPS_WILD, NULL, 0, 0);
                continue;
            }
            if (i < len && s[i] == '[') {
                seg_start = i; /* $.['key'] */
            } else {
                *bad = seg_start;
                *badlen = i < len ? i - seg_start + char_at(s, len, i) : 0;
                return -1;
            }
        }
        if (s[i] != '[') {
            *bad = seg_start;
            *badlen = i - seg_start + char_at(s, len, i);
            return -1;
        }
        i++;
        if (i < len && s[i] >= '0' && s[i] <= '9') {
            size_t idx = 0;
            while (i < len && s[i] >= '0' && s[i] <= '9') {
                size_t d = (size_t)(s[i] - '0');
                idx = idx > (SIZE_MAX - d) / 10 ? SIZE_MAX : idx * 10 + d;
                i++;
            }
            if (i >= len || s[i] != ']') {
                *bad = seg_start;
                *badlen = i < len ? i - seg_start + char_at(s, len, i) : 0;
                return -1;
            }
            i++;
            if (segs)
                push_seg(segs, nsegs, FPS_INDEX, NULL, 0, idx);
        } else if (i < len && s[i] == '*') {
            i++;
            if (i >= len || s[i] != ']') {
                *bad = seg_start;
                *badlen = i < len ? i - seg_start + char_at(s, len, i) : 0;
                return -1;
            }
            i++;
            if (segs)
                push_seg(segs, nsegs, FPS_WILD, NULL, 0, 0);
        } else if (i < len && s[i] == '\'') {
            size_t n0 = ++i;
            while (i < len && s[i] != '\'')
                i++;
            if (i + 1 >= len || s[i + 1] != ']') {
                *bad = seg_start;
                *badlen = i + 1 < len ? i + 1 - seg_start + char_at(s, len, i + 1) : 0;
                return -1;
            }
            if (segs)
                push_seg(segs, nsegs, FPS_KEY, s + n0, i - n0, 0);
            i += 2;
        } else {
            *bad = seg_start;
            *badlen = i < len ? i - seg_start + char_at(s, len, i) : 0;
            return -1;
        }
    }
}

int fp__parse_selector_ref(const char *s, size_t len, struct fp__seg **segs, int *nsegs)
{
    size_t end, bad, badlen;
    *segs = NULL;
    *nsegs = 0;
    if (len == 0 || s[0] != '$')
        return -1;
    if (sel_scan(s, len, 0, &end, segs, nsegs, &bad, &badlen) != 0 || end != len) {
        fp__free_segs(*segs, *nsegs);
        *segs = NULL;
        *nsegs = 0;
        return -1;
    }
    return 0;
}

/* ---- the lexer ---- */

/* Reads the next token at ps->pos. Returns 0, or -1 with the error set. */
static int lex(struct parser *ps, struct tok *t)
{
    const char *s = ps->s;
    size_t len = ps->len;
    size_t i = ps->pos;
    while (i < len && is_space((unsigned char)s[i]))
        i++;
    t->start = i;
    t->len = 1;
    if (i >= len) {
        t->t = TK_END;
        t->len = 0;
        ps->pos = i;
        return 0;
    }
    char c = s[i];
    char n = i + 1 < len ? s[i + 1] : '\0';
    switch (c) {
    case '(':
        t->t = TK_LP;
        break;
    case ')':
        t->t = TK_RP;
        break;
    case ',':
        if (!ps->delim)
            return term_error(ps, i, fp__stray_run(s + i, len - i));
        t->t = TK_COMMA;
        break;
    case '&':
    case '|':
        if (n != c)
            return term_error(ps, i, fp__stray_run(s + i, len - i));
        t->t = c == '&' ? TK_AND : TK_OR;
        t->len = 2;
        break;
    case '=':
        t->t = TK_EQ;
        break;
    case '!':
        if (n != '=')
            return term_error(ps, i, fp__stray_run(s + i, len - i));
        t->t = TK_NE;
        t->len = 2;
        break;
    case '<':
    case '>':
        if (n == '=') {
            t->t = c == '<' ? TK_LE : TK_GE;
            t->len = 2;
        } else {
            t->t = c == '<' ? TK_LT : TK_GT;
        }
        break;
    case '$': {
        if (ps->delim)
            return term_error(ps, i, fp__stray_run(s + i, len - i));
        size_t end, bad, badlen;
        if (sel_scan(s, len, i, &end, NULL, NULL, &bad, &badlen) != 0)
            return badlen ? term_error(ps, bad, badlen) : generic(ps);
        t->t = TK_SEL;
        t->len = end - i;
        break;
    }
    case '"': {
        size_t j = i + 1;
        while (j < len && s[j] != '"') {
            if (s[j] == '\\' && j + 1 < len)
                j++;
            j++;
        }
        if (j >= len) {
            size_t end = len;
            while (end > i && is_space((unsigned char)s[end - 1]))
                end--;
            return term_error(ps, i, end - i);
        }
        t->t = TK_STR;
        t->len = j + 1 - i;
        break;
    }
    case '%': {
        const char *close = memchr(s + i + 1, '%', len - i - 1);
        if (close == NULL) {
            size_t end = len;
            while (end > i && is_space((unsigned char)s[end - 1]))
                end--;
            return term_error(ps, i, end - i);
        }
        t->t = TK_RE;
        t->len = (size_t)(close - (s + i)) + 1;
        break;
    }
    default:
        if (!is_bare((unsigned char)c))
            return term_error(ps, i, fp__stray_run(s + i, len - i));
        t->t = TK_WORD;
        t->len = 0;
        while (i + t->len < len && is_bare((unsigned char)s[i + t->len]))
            t->len++;
        break;
    }
    ps->pos = t->start + t->len;
    return 0;
}

static int peek(struct parser *ps, struct tok *t)
{
    size_t save = ps->pos;
    int rc = lex(ps, t);
    ps->pos = save;
    return rc;
}

/* Lexes the whole input once: AWS reports a stray character before any syntax error. */
static int lex_all(struct parser *ps)
{
    struct tok t;
    do {
        if (lex(ps, &t) != 0)
            return -1;
    } while (t.t != TK_END);
    ps->pos = 0;
    return 0;
}

static int word_is(const struct parser *ps, const struct tok *t, const char *w)
{
    return t->t == TK_WORD && t->len == strlen(w) && strncasecmp(ps->s + t->start, w, t->len) == 0;
}

/* ---- building the tree ---- */

static int add_node(struct fp_pattern *p, enum fp__ntype type, int a, int b)
{
    if (p->nnodes == p->capnodes) {
        p->capnodes = p->capnodes ? p->capnodes * 2 : 8;
        p->nodes = xrealloc(p->nodes, (size_t)p->capnodes * sizeof *p->nodes);
    }
    p->nodes[p->nnodes].type = type;
    p->nodes[p->nnodes].a = a;
    p->nodes[p->nnodes].b = b;
    return p->nnodes++;
}

static int add_cond(struct fp_pattern *p)
{
    if (p->nconds == p->capconds) {
        p->capconds = p->capconds ? p->capconds * 2 : 8;
        p->conds = xrealloc(p->conds, (size_t)p->capconds * sizeof *p->conds);
    }
    memset(&p->conds[p->nconds], 0, sizeof p->conds[0]);
    return p->nconds++;
}

/* Fills a text value from raw characters: * at either end is a wildcard. */
static void set_text(struct fp__value *v, const char *s, size_t len)
{
    v->kind = FPV_TEXT;
    if (len > 0 && s[0] == '*') {
        v->lead_star = 1;
        s++;
        len--;
    }
    if (len > 0 && s[len - 1] == '*') {
        v->trail_star = 1;
        len--;
    }
    v->text = xstrndup(s, len);
    v->len = len;
}

/* Unescapes a "quoted" token's content (\" and \\). Returns a new string, *outlen. */
static char *unquote(const char *s, size_t len, size_t *outlen)
{
    char *out = xmalloc(len + 1);
    size_t o = 0;
    for (size_t i = 1; i + 1 < len; i++) {
        if (s[i] == '\\' && i + 2 < len && (s[i + 1] == '"' || s[i + 1] == '\\'))
            i++;
        out[o++] = s[i];
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

static int is_relational(enum fp__op op)
{
    return op == FPO_LT || op == FPO_LE || op == FPO_GT || op == FPO_GE;
}

/* Parses the value after an operator into cond ci. Returns 0 or -1. */
static int parse_value(struct parser *ps, int ci)
{
    struct tok t;
    if (lex(ps, &t) != 0)
        return -1;
    struct fp_pattern *p = ps->p;
    enum fp__op op = p->conds[ci].op;
    const char *raw = ps->s + t.start;
    double num;
    if (t.t != TK_WORD && t.t != TK_STR && t.t != TK_RE)
        return generic(ps);
    if (is_relational(op)) {
        if (t.t != TK_WORD || fp__parse_number(raw, t.len, &num) != 0)
            return term_error(ps, t.start, t.len);
        p->conds[ci].v.kind = FPV_NUMBER;
        p->conds[ci].v.num = num;
        p->conds[ci].v.text = xstrndup(raw, t.len);
        p->conds[ci].v.len = t.len;
        return 0;
    }
    if (t.t == TK_STR) {
        size_t n;
        char *u = unquote(raw, t.len, &n);
        set_text(&p->conds[ci].v, u, n);
        free(u);
        return 0;
    }
    if (t.t == TK_RE) {
        if (p->nregex >= FP__MAX_REGEX)
            return set_error(ps, xstrdup("Your input has exceeded the maximum of 2 regular "
                                         "expressions per filter pattern."));
        char *err = NULL;
        struct fp__regex *re = fp__regex_compile(raw + 1, t.len - 2, &err);
        if (re == NULL)
            return set_error(ps, err);
        p->nregex++;
        p->conds[ci].v.kind = FPV_REGEX;
        p->conds[ci].v.re = re;
        return 0;
    }
    if (fp__parse_number(raw, t.len, &num) == 0) {
        p->conds[ci].v.kind = FPV_NUMBER;
        p->conds[ci].v.num = num;
        p->conds[ci].v.text = xstrndup(raw, t.len);
        p->conds[ci].v.len = t.len;
        return 0;
    }
    if (!ps->delim && t.len == 4 && strncasecmp(raw, "null", 4) == 0)
        return generic(ps); /* AWS rejects "= null"; IS NULL is the way */
    set_text(&p->conds[ci].v, raw, t.len);
    return 0;
}

/* Maps an operator token to an op; returns -1 if t is none. */
static int parse_op(const struct tok *t)
{
    switch (t->t) {
    case TK_EQ:
        return FPO_EQ;
    case TK_NE:
        return FPO_NE;
    case TK_LT:
        return FPO_LT;
    case TK_LE:
        return FPO_LE;
    case TK_GT:
        return FPO_GT;
    case TK_GE:
        return FPO_GE;
    default:
        return -1;
    }
}

static int parse_cond(struct parser *ps)
{
    struct tok t;
    if (lex(ps, &t) != 0)
        return -1;
    struct fp_pattern *p = ps->p;
    int ci;
    if (!ps->delim) {
        if (t.t != TK_SEL)
            return generic(ps);
        ci = add_cond(p);
        size_t end, bad, badlen;
        (void)sel_scan(ps->s, ps->len, t.start, &end, &p->conds[ci].segs, &p->conds[ci].nsegs,
                       &bad, &badlen);
        int wild = 0;
        for (int i = 0; i < p->conds[ci].nsegs; i++)
            wild += p->conds[ci].segs[i].kind == FPS_WILD;
        if (wild > 1)
            return set_error(ps, xstrdup("Your filter pattern has a JSON path selector that "
                                         "exceeds the maximum of 1 wildcard allowed per json "
                                         "selector."));
        struct tok o;
        if (lex(ps, &o) != 0)
            return -1;
        if (word_is(ps, &o, "IS")) {
            struct tok w;
            if (lex(ps, &w) != 0)
                return -1;
            if (word_is(ps, &w, "NULL"))
                p->conds[ci].op = FPO_IS_NULL;
            else if (word_is(ps, &w, "TRUE"))
                p->conds[ci].op = FPO_IS_TRUE;
            else if (word_is(ps, &w, "FALSE"))
                p->conds[ci].op = FPO_IS_FALSE;
            else
                return generic(ps);
        } else if (word_is(ps, &o, "NOT")) {
            struct tok w;
            if (lex(ps, &w) != 0)
                return -1;
            if (!word_is(ps, &w, "EXISTS"))
                return generic(ps);
            p->conds[ci].op = FPO_NOT_EXISTS;
        } else {
            int op = parse_op(&o);
            if (op < 0)
                return generic(ps);
            p->conds[ci].op = (enum fp__op)op;
            if (parse_value(ps, ci) != 0)
                return -1;
        }
    } else {
        if (t.t != TK_WORD)
            return generic(ps);
        for (size_t i = 0; i < t.len; i++) {
            if (!is_ident((unsigned char)ps->s[t.start + i]))
                return generic(ps);
        }
        ci = add_cond(p);
        push_seg(&p->conds[ci].segs, &p->conds[ci].nsegs, FPS_KEY, ps->s + t.start, t.len, 0);
        struct tok o;
        if (lex(ps, &o) != 0)
            return -1;
        int op = parse_op(&o);
        if (op < 0)
            return generic(ps);
        p->conds[ci].op = (enum fp__op)op;
        if (parse_value(ps, ci) != 0)
            return -1;
    }
    return add_node(p, FPN_COND, ci, -1);
}

static int parse_or(struct parser *ps);

static int parse_unary(struct parser *ps)
{
    struct tok t;
    if (peek(ps, &t) != 0)
        return -1;
    if (t.t != TK_LP)
        return parse_cond(ps);
    if (++ps->depth > MAX_PAREN_DEPTH)
        return generic(ps);
    (void)lex(ps, &t);
    int n = parse_or(ps);
    if (n < 0)
        return -1;
    if (lex(ps, &t) != 0)
        return -1;
    if (t.t != TK_RP)
        return generic(ps);
    ps->depth--;
    return n;
}

static int parse_and(struct parser *ps)
{
    int left = parse_unary(ps);
    while (left >= 0) {
        struct tok t;
        if (peek(ps, &t) != 0)
            return -1;
        if (t.t != TK_AND)
            break;
        (void)lex(ps, &t);
        int right = parse_unary(ps);
        if (right < 0)
            return -1;
        left = add_node(ps->p, FPN_AND, left, right);
    }
    return left;
}

static int parse_or(struct parser *ps)
{
    int left = parse_and(ps);
    while (left >= 0) {
        struct tok t;
        if (peek(ps, &t) != 0)
            return -1;
        if (t.t != TK_OR)
            break;
        (void)lex(ps, &t);
        int right = parse_and(ps);
        if (right < 0)
            return -1;
        left = add_node(ps->p, FPN_OR, left, right);
    }
    return left;
}

int fp__parse_json(struct fp_pattern *p, const char *s, size_t len, char **error)
{
    struct parser ps = {.p = p, .s = s, .len = len, .error = error};
    if (lex_all(&ps) != 0)
        return -1;
    int root = parse_or(&ps);
    if (root < 0)
        return -1;
    struct tok t;
    if (lex(&ps, &t) != 0)
        return -1;
    if (t.t != TK_END)
        return generic(&ps);
    int wild = 0;
    for (int i = 0; i < p->nconds; i++) {
        for (int j = 0; j < p->conds[i].nsegs; j++) {
            if (p->conds[i].segs[j].kind == FPS_WILD) {
                wild++;
                break;
            }
        }
    }
    if (wild > FP__MAX_WILD_SELECTORS)
        return set_error(&ps, xstrdup("Your input has exceeded the maximum of 3 JSON wildcard "
                                      "selectors allowed per filter pattern."));
    p->root = root;
    return 0;
}

enum field_kind { FIELD_NAMED, FIELD_ELLIPSIS, FIELD_ANONYMOUS };

/* Adds a field to a delimited pattern: a named one, "...", or an empty slot (a field known
 * only by its position). Returns 0 or -1 (a duplicate). */
static int add_field(struct parser *ps, enum field_kind kind, const char *name, size_t len,
                     int root)
{
    struct fp_pattern *p = ps->p;
    if (kind == FIELD_ELLIPSIS && p->ellipsis >= 0)
        return set_error(ps, xstrdup("Duplicate field '...'"));
    for (int i = 0; kind == FIELD_NAMED && i < p->nfields; i++) {
        const char *other = p->fields[i].name;
        if (other && strlen(other) == len && memcmp(other, name, len) == 0)
            return set_error(ps, xasprintf("Duplicate field '%.*s'", (int)len, name));
    }
    p->fields = xrealloc(p->fields, (size_t)(p->nfields + 1) * sizeof *p->fields);
    p->fields[p->nfields].name = kind == FIELD_NAMED ? xstrndup(name, len) : NULL;
    p->fields[p->nfields].root = root;
    if (kind == FIELD_ELLIPSIS)
        p->ellipsis = p->nfields;
    p->nfields++;
    return 0;
}

int fp__parse_delimited(struct fp_pattern *p, const char *s, size_t len, char **error)
{
    struct parser ps = {.p = p, .s = s, .len = len, .delim = 1, .error = error};
    struct tok t;
    if (lex_all(&ps) != 0)
        return -1;
    if (peek(&ps, &t) != 0)
        return -1;
    if (t.t == TK_END)
        return 0; /* [] */
    for (;;) {
        struct tok t2 = {.t = TK_END};
        if (peek(&ps, &t) != 0)
            return -1;
        size_t save = ps.pos;
        if (t.t == TK_WORD) {
            (void)lex(&ps, &t);
            if (peek(&ps, &t2) != 0)
                return -1;
            ps.pos = save;
        }
        if (t.t == TK_COMMA || t.t == TK_END) {
            /* an empty slot, as in the 2022 guide's [..., request=*.html*, status_code=4*,] */
            if (add_field(&ps, FIELD_ANONYMOUS, NULL, 0, -1) != 0)
                return -1;
        } else if (t.t == TK_WORD && (t2.t == TK_COMMA || t2.t == TK_END)) {
            (void)lex(&ps, &t);
            const char *w = s + t.start;
            if (t.len == 3 && memcmp(w, "...", 3) == 0) {
                if (add_field(&ps, FIELD_ELLIPSIS, NULL, 0, -1) != 0)
                    return -1;
            } else {
                for (size_t i = 0; i < t.len; i++) {
                    if (!is_ident((unsigned char)w[i]))
                        return generic(&ps);
                }
                if (add_field(&ps, FIELD_NAMED, w, t.len, -1) != 0)
                    return -1;
            }
        } else {
            int first = p->nconds;
            int root = parse_or(&ps);
            if (root < 0)
                return -1;
            const struct fp__seg *name = &p->conds[first].segs[0];
            for (int i = first + 1; i < p->nconds; i++) {
                const struct fp__seg *o = &p->conds[i].segs[0];
                if (o->len != name->len || memcmp(o->name, name->name, name->len) != 0)
                    return generic(&ps); /* one slot, one field */
            }
            if (add_field(&ps, FIELD_NAMED, name->name, name->len, root) != 0)
                return -1;
        }
        if (lex(&ps, &t) != 0)
            return -1;
        if (t.t == TK_END)
            return 0;
        if (t.t != TK_COMMA)
            return generic(&ps);
    }
}
