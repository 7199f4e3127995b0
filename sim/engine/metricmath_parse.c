/*
 * metricmath_parse.c - the metric math lexer and recursive-descent parser (mm_parse), and
 * the questions a caller asks of a parsed expression (mm_refs, mm_calls).
 *
 * Grammar (CloudWatch "Metric math syntax and functions"; loosest binding first):
 *   expr    := and (("OR" | "||") and)*
 *   and     := not (("AND" | "&&") not)*
 *   not     := "NOT" not | cmp
 *   cmp     := add (("==" | "!=" | "<=" | ">=" | "<" | ">") add)*
 *   add     := mul (("+" | "-") mul)*
 *   mul     := unary (("*" | "/") unary)*
 *   unary   := "-" unary | pow
 *   pow     := primary ("^" unary)?            right-associative: 2^3^2 = 2^9
 *   primary := number | id | FUNC "(" args ")" | "(" expr ")" | "[" expr ("," expr)* "]"
 * Ids start with a lower-case letter (then letters, digits, _); functions and keywords are
 * upper case. Numbers: 12, 1.5, .5, 1e-36. Strings: "..." or '...' with \ escaping the
 * quote or a backslash. NOT is accepted though AWS documents only AND/&& and OR/||.
 * Each call's argument count and keyword arguments are checked here against the function
 * table (metricmath_eval.c); argument types (S, TS, TS[]) are checked by the evaluator.
 * Input is bounded: MM_MAX_EXPRESSION characters, MM_MAX_DEPTH levels of nesting.
 *
 * To add syntax: a token in lex(), a level in the grammar above, a node kind in
 * metricmath_int.h and its case in metricmath_eval.c's eval_node().
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/metricmath_int.h"
#include "util/xmalloc.h"

enum tok_kind {
    T_END,
    T_NUM,
    T_ID,
    T_WORD,
    T_STR,
    T_LP,
    T_RP,
    T_LB,
    T_RB,
    T_COMMA,
    T_OP, /* op holds the operator */
    T_NOT,
};

struct tok {
    enum tok_kind kind;
    enum mm__op op;
    const char *start; /* T_ID, T_WORD: the name in the text; T_STR: after the quote */
    size_t len;
    double num;
};

struct parser {
    const char *text;
    const char *p; /* next unread character */
    struct tok t;  /* the current token */
    int depth;
    char *error;
};

/* Sets the parse error (the first one wins). Returns NULL for the callers' convenience. */
static struct mm__node *fail(struct parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static struct mm__node *fail(struct parser *ps, const char *fmt, ...)
{
    if (ps->error == NULL) {
        va_list ap;
        va_start(ap, fmt);
        ps->error = xvasprintf(fmt, ap);
        va_end(ap);
    }
    return NULL;
}

static int is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Reads a number at ps->p into t. Returns 0, or -1 if it is malformed. */
static int lex_number(struct parser *ps, struct tok *t)
{
    const char *s = ps->p;
    const char *q = s;
    while (isdigit((unsigned char)*q))
        q++;
    if (*q == '.') {
        q++;
        while (isdigit((unsigned char)*q))
            q++;
    }
    if (q == s + 1 && *s == '.')
        return -1;
    if (*q == 'e' || *q == 'E') {
        const char *e = q + 1;
        if (*e == '+' || *e == '-')
            e++;
        if (!isdigit((unsigned char)*e))
            return -1;
        while (isdigit((unsigned char)*e))
            e++;
        q = e;
    }
    /* 12abc or 1.5.2 is not a number followed by something else */
    if (is_word_char(*q) || *q == '.')
        return -1;
    char buf[64];
    size_t n = (size_t)(q - s);
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    t->kind = T_NUM;
    t->num = strtod(buf, NULL);
    ps->p = q;
    return 0;
}

/* Reads a string literal (ps->p at the quote). Returns 0, or -1 if it is unterminated. */
static int lex_string(struct parser *ps, struct tok *t)
{
    char quote = *ps->p;
    const char *q = ps->p + 1;
    while (*q != quote) {
        if (*q == '\0')
            return -1;
        if (*q == '\\' && q[1] != '\0')
            q++;
        q++;
    }
    t->kind = T_STR;
    t->start = ps->p + 1;
    t->len = (size_t)(q - t->start);
    ps->p = q + 1;
    return 0;
}

/* Advances to the next token. Returns 0, or -1 with the error set. */
static int lex(struct parser *ps)
{
    struct tok *t = &ps->t;
    memset(t, 0, sizeof *t);
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
    const char *s = ps->p;
    char c = *s;
    if (c == '\0') {
        t->kind = T_END;
        return 0;
    }
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)s[1]))) {
        if (lex_number(ps, t) != 0) {
            fail(ps, MM_ERR_SYNTAX);
            return -1;
        }
        return 0;
    }
    if (isalpha((unsigned char)c)) {
        const char *q = s;
        while (is_word_char(*q))
            q++;
        t->start = s;
        t->len = (size_t)(q - s);
        ps->p = q;
        if (islower((unsigned char)c)) {
            t->kind = T_ID;
        } else if (t->len == 3 && memcmp(s, "AND", 3) == 0) {
            t->kind = T_OP;
            t->op = MMO_AND;
        } else if (t->len == 2 && memcmp(s, "OR", 2) == 0) {
            t->kind = T_OP;
            t->op = MMO_OR;
        } else if (t->len == 3 && memcmp(s, "NOT", 3) == 0) {
            t->kind = T_NOT;
        } else {
            t->kind = T_WORD;
        }
        return 0;
    }
    if (c == '"' || c == '\'') {
        if (lex_string(ps, t) != 0) {
            fail(ps, MM_ERR_SYNTAX);
            return -1;
        }
        return 0;
    }
    static const struct {
        const char *s;
        enum tok_kind kind;
        enum mm__op op;
    } punct[] = {
        {"&&", T_OP, MMO_AND}, {"||", T_OP, MMO_OR}, {"==", T_OP, MMO_EQ},
        {"!=", T_OP, MMO_NE},  {"<=", T_OP, MMO_LE}, {">=", T_OP, MMO_GE},
        {"<", T_OP, MMO_LT},   {">", T_OP, MMO_GT},  {"+", T_OP, MMO_ADD},
        {"-", T_OP, MMO_SUB},  {"*", T_OP, MMO_MUL}, {"/", T_OP, MMO_DIV},
        {"^", T_OP, MMO_POW},  {"(", T_LP, 0},       {")", T_RP, 0},
        {"[", T_LB, 0},        {"]", T_RB, 0},       {",", T_COMMA, 0},
    };
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++) {
        size_t n = strlen(punct[i].s);
        if (strncmp(s, punct[i].s, n) == 0) {
            t->kind = punct[i].kind;
            t->op = punct[i].op;
            ps->p = s + n;
            return 0;
        }
    }
    fail(ps, MM_ERR_SYNTAX);
    return -1;
}

static int is_op(const struct parser *ps, enum mm__op op)
{
    return ps->t.kind == T_OP && ps->t.op == op;
}

static int word_is(const struct tok *t, const char *w)
{
    return t->len == strlen(w) && memcmp(t->start, w, t->len) == 0;
}

/* Returns a new node of kind with room for nkids children. */
static struct mm__node *node_new(enum mm__node_kind kind, int nkids)
{
    struct mm__node *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    if (nkids > 0)
        n->kids = xcalloc((size_t)nkids, sizeof *n->kids);
    n->nkids = nkids;
    return n;
}

void mm__node_free(struct mm__node *n)
{
    if (n == NULL)
        return;
    for (int i = 0; i < n->nkids; i++)
        mm__node_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

/* Returns a binary node owning a and b. */
static struct mm__node *node_bin(enum mm__op op, struct mm__node *a, struct mm__node *b)
{
    struct mm__node *n = node_new(MMN_BIN, 2);
    n->op = op;
    n->kids[0] = a;
    n->kids[1] = b;
    return n;
}

/* Decodes the current string token's text (escapes resolved). Returns it, owned. */
static char *string_text(const struct tok *t)
{
    char *out = xmalloc(t->len + 1);
    size_t o = 0;
    for (size_t i = 0; i < t->len; i++) {
        if (t->start[i] == '\\' && i + 1 < t->len)
            i++;
        out[o++] = t->start[i];
    }
    out[o] = '\0';
    return out;
}

static struct mm__node *parse_expr(struct parser *ps);
static struct mm__node *parse_unary(struct parser *ps);

/* Enters one level of nesting. Returns 0, or -1 (error set) past MM_MAX_DEPTH. */
static int enter(struct parser *ps)
{
    if (++ps->depth > MM_MAX_DEPTH) {
        fail(ps, "The expression is nested more than %d levels deep", MM_MAX_DEPTH);
        return -1;
    }
    return 0;
}

/* Parses one argument of fn at position pos (the current token starts it). */
static struct mm__node *parse_arg(struct parser *ps, const struct mm__func *fn, int pos)
{
    size_t nspec = strlen(fn->args);
    char spec = fn->args[(size_t)pos < nspec ? (size_t)pos : nspec - 1];
    struct tok t = ps->t;
    switch (spec) {
    case 's':
        if (t.kind != T_STR)
            return fail(ps, "Invalid argument for %s: argument %d must be a string", fn->name,
                        pos + 1);
        if (lex(ps) != 0)
            return NULL;
        {
            struct mm__node *n = node_new(MMN_STR, 0);
            n->text = string_text(&t);
            return n;
        }
    case 'i':
        if (t.kind != T_ID)
            return fail(ps, "Invalid argument for %s: argument %d must be the Id of a metric",
                        fn->name, pos + 1);
        if (lex(ps) != 0)
            return NULL;
        /* the id alone: PERIOD(m1 * 2) is not a metric */
        if (ps->t.kind != T_COMMA && ps->t.kind != T_RP)
            return fail(ps, "Invalid argument for %s: argument %d must be the Id of a metric",
                        fn->name, pos + 1);
        {
            struct mm__node *n = node_new(MMN_ID, 0);
            n->text = xstrndup(t.start, t.len);
            return n;
        }
    case 'f':
    case 'k':
    case 'o': {
        static const char *const words_f[] = {"REPEAT", "LINEAR", NULL};
        static const char *const words_k[] = {"AVG", "MIN", "MAX", "SUM", NULL};
        static const char *const words_o[] = {"ASC", "DESC", NULL};
        const char *const *words = spec == 'f' ? words_f : spec == 'k' ? words_k : words_o;
        /* a keyword is a bare upper-case word: AVG without "(" (AVG(m1) is a call) */
        const char *after = ps->p;
        while (*after == ' ' || *after == '\t' || *after == '\n' || *after == '\r')
            after++;
        int bare = t.kind == T_WORD && *after != '(';
        if (bare) {
            for (int i = 0; words[i]; i++) {
                if (word_is(&t, words[i])) {
                    if (lex(ps) != 0)
                        return NULL;
                    struct mm__node *n = node_new(MMN_WORD, 0);
                    n->text = xstrdup(words[i]);
                    return n;
                }
            }
        }
        if (spec == 'k')
            return fail(ps, "Invalid argument for %s: argument %d must be one of AVG, MIN, "
                        "MAX, SUM", fn->name, pos + 1);
        if (spec == 'o')
            return fail(ps, "Invalid argument for %s: argument %d must be ASC or DESC",
                        fn->name, pos + 1);
        return parse_expr(ps);
    }
    default:
        return parse_expr(ps);
    }
}

/* Parses NAME(args) with the current token the "(" after NAME. */
static struct mm__node *parse_call(struct parser *ps, const char *name, size_t len)
{
    const struct mm__func *fn = mm__func_find(name, len);
    if (fn == NULL)
        return fail(ps, "Unknown function: %.*s", (int)len, name);
    if (fn->unsupported != NULL)
        return fail(ps, "%s", fn->unsupported);
    if (lex(ps) != 0)
        return NULL;
    struct mm__node *call = node_new(MMN_CALL, 0);
    call->fn = fn;
    struct mm__node *args[MM__MAX_ARGS];
    int nargs = 0;
    if (ps->t.kind != T_RP) {
        for (;;) {
            if (nargs == MM__MAX_ARGS || nargs == fn->max_args) {
                fail(ps, "Invalid number of arguments for %s", fn->name);
                goto bad;
            }
            struct mm__node *a = parse_arg(ps, fn, nargs);
            if (a == NULL)
                goto bad;
            args[nargs++] = a;
            if (ps->t.kind == T_COMMA) {
                if (lex(ps) != 0)
                    goto bad;
                continue;
            }
            break;
        }
    }
    if (ps->t.kind != T_RP) {
        fail(ps, MM_ERR_SYNTAX);
        goto bad;
    }
    if (nargs < fn->min_args) {
        fail(ps, "Invalid number of arguments for %s", fn->name);
        goto bad;
    }
    if (lex(ps) != 0)
        goto bad;
    if (nargs > 0) {
        call->kids = xcalloc((size_t)nargs, sizeof *call->kids);
        memcpy(call->kids, args, (size_t)nargs * sizeof *args);
    }
    call->nkids = nargs;
    return call;
bad:
    for (int i = 0; i < nargs; i++)
        mm__node_free(args[i]);
    mm__node_free(call);
    return NULL;
}

/* Parses [a, b, ...] with the current token the "[". */
static struct mm__node *parse_array(struct parser *ps)
{
    if (lex(ps) != 0)
        return NULL;
    struct mm__node *arr = node_new(MMN_ARRAY, 0);
    int cap = 0;
    for (;;) {
        struct mm__node *el = parse_expr(ps);
        if (el == NULL)
            goto bad;
        if (arr->nkids == cap) {
            cap = cap ? cap * 2 : 4;
            arr->kids = xrealloc(arr->kids, (size_t)cap * sizeof *arr->kids);
        }
        arr->kids[arr->nkids++] = el;
        if (ps->t.kind == T_COMMA) {
            if (lex(ps) != 0)
                goto bad;
            continue;
        }
        break;
    }
    if (ps->t.kind != T_RB) {
        fail(ps, MM_ERR_SYNTAX);
        goto bad;
    }
    if (lex(ps) != 0)
        goto bad;
    return arr;
bad:
    mm__node_free(arr);
    return NULL;
}

static struct mm__node *parse_primary(struct parser *ps)
{
    struct tok t = ps->t;
    struct mm__node *n = NULL;
    if (t.kind == T_NUM || t.kind == T_ID) {
        if (lex(ps) != 0)
            return NULL;
        n = node_new(t.kind == T_NUM ? MMN_NUM : MMN_ID, 0);
        if (t.kind == T_NUM)
            n->num = t.num;
        else
            n->text = xstrndup(t.start, t.len);
        return n;
    }
    /* parentheses, brackets and calls nest */
    if (enter(ps) != 0)
        return NULL;
    switch (t.kind) {
    case T_WORD:
        if (lex(ps) != 0)
            break;
        if (ps->t.kind != T_LP) {
            fail(ps, MM_ERR_SYNTAX);
            break;
        }
        n = parse_call(ps, t.start, t.len);
        break;
    case T_LP:
        if (lex(ps) != 0)
            break;
        n = parse_expr(ps);
        if (n != NULL && ps->t.kind != T_RP) {
            mm__node_free(n);
            n = fail(ps, MM_ERR_SYNTAX);
        } else if (n != NULL && lex(ps) != 0) {
            mm__node_free(n);
            n = NULL;
        }
        break;
    case T_LB:
        n = parse_array(ps);
        break;
    default:
        fail(ps, MM_ERR_SYNTAX);
        break;
    }
    ps->depth--;
    return n;
}

static struct mm__node *parse_pow(struct parser *ps)
{
    struct mm__node *a = parse_primary(ps);
    if (a == NULL || !is_op(ps, MMO_POW))
        return a;
    if (lex(ps) != 0) {
        mm__node_free(a);
        return NULL;
    }
    struct mm__node *b = parse_unary(ps);
    if (b == NULL) {
        mm__node_free(a);
        return NULL;
    }
    return node_bin(MMO_POW, a, b);
}

static struct mm__node *parse_unary(struct parser *ps)
{
    if (!is_op(ps, MMO_SUB))
        return parse_pow(ps);
    if (enter(ps) != 0 || lex(ps) != 0)
        return NULL;
    struct mm__node *a = parse_unary(ps);
    ps->depth--;
    if (a == NULL)
        return NULL;
    struct mm__node *n = node_new(MMN_NEG, 1);
    n->kids[0] = a;
    return n;
}

/*
 * Parses a left-associative chain of the operators in ops (ending with -1) whose operands
 * next() parses.
 */
static struct mm__node *parse_chain(struct parser *ps, const int *ops,
                                    struct mm__node *(*next)(struct parser *))
{
    struct mm__node *a = next(ps);
    while (a != NULL && ps->t.kind == T_OP) {
        enum mm__op op = ps->t.op;
        int found = 0;
        for (int i = 0; ops[i] >= 0; i++)
            found |= ops[i] == (int)op;
        if (!found)
            break;
        if (lex(ps) != 0) {
            mm__node_free(a);
            return NULL;
        }
        struct mm__node *b = next(ps);
        if (b == NULL) {
            mm__node_free(a);
            return NULL;
        }
        a = node_bin(op, a, b);
    }
    return a;
}

static struct mm__node *parse_mul(struct parser *ps)
{
    static const int ops[] = {MMO_MUL, MMO_DIV, -1};
    return parse_chain(ps, ops, parse_unary);
}

static struct mm__node *parse_add(struct parser *ps)
{
    static const int ops[] = {MMO_ADD, MMO_SUB, -1};
    return parse_chain(ps, ops, parse_mul);
}

static struct mm__node *parse_cmp(struct parser *ps)
{
    static const int ops[] = {MMO_EQ, MMO_NE, MMO_LT, MMO_LE, MMO_GT, MMO_GE, -1};
    return parse_chain(ps, ops, parse_add);
}

static struct mm__node *parse_not(struct parser *ps)
{
    if (ps->t.kind != T_NOT)
        return parse_cmp(ps);
    if (enter(ps) != 0 || lex(ps) != 0)
        return NULL;
    struct mm__node *a = parse_not(ps);
    ps->depth--;
    if (a == NULL)
        return NULL;
    struct mm__node *n = node_new(MMN_NOT, 1);
    n->kids[0] = a;
    return n;
}

static struct mm__node *parse_and(struct parser *ps)
{
    static const int ops[] = {MMO_AND, -1};
    return parse_chain(ps, ops, parse_not);
}

static struct mm__node *parse_expr(struct parser *ps)
{
    static const int ops[] = {MMO_OR, -1};
    return parse_chain(ps, ops, parse_and);
}

/* Returns 1 if text is a Metrics Insights query (SELECT ... FROM ...). */
static int is_insights_query(const char *text)
{
    while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
        text++;
    return strncasecmp(text, "SELECT", 6) == 0 && (text[6] == ' ' || text[6] == '\t' ||
                                                    text[6] == '\n' || text[6] == '\r');
}

int mm_parse(const char *text, struct mm_expr **out, char **error)
{
    struct parser ps = {.text = text, .p = text};
    if (strlen(text) > MM_MAX_EXPRESSION) {
        *error = xasprintf("The expression is longer than %d characters", MM_MAX_EXPRESSION);
        return -1;
    }
    if (is_insights_query(text)) {
        *error = xstrdup("Metrics Insights queries (SELECT ...) are not supported by drillsim");
        return -1;
    }
    struct mm__node *root = NULL;
    if (lex(&ps) == 0) {
        root = parse_expr(&ps);
        if (root != NULL && ps.t.kind != T_END) {
            mm__node_free(root);
            root = fail(&ps, MM_ERR_SYNTAX);
        }
    }
    if (root == NULL) {
        *error = ps.error ? ps.error : xstrdup(MM_ERR_SYNTAX);
        return -1;
    }
    struct mm_expr *e = xmalloc(sizeof *e);
    e->root = root;
    *out = e;
    return 0;
}

void mm_free(struct mm_expr *e)
{
    if (e == NULL)
        return;
    mm__node_free(e->root);
    free(e);
}

/* Appends the ids under n to *ids (unique, in order). */
static void collect_refs(const struct mm__node *n, char ***ids, int *count, int *cap)
{
    if (n->kind == MMN_ID) {
        for (int i = 0; i < *count; i++) {
            if (strcmp((*ids)[i], n->text) == 0)
                return;
        }
        if (*count == *cap) {
            *cap = *cap ? *cap * 2 : 4;
            *ids = xrealloc(*ids, (size_t)*cap * sizeof **ids);
        }
        (*ids)[(*count)++] = xstrdup(n->text);
        return;
    }
    for (int i = 0; i < n->nkids; i++)
        collect_refs(n->kids[i], ids, count, cap);
}

int mm_refs(const struct mm_expr *e, char ***ids)
{
    int count = 0;
    int cap = 0;
    *ids = NULL;
    collect_refs(e->root, ids, &count, &cap);
    return count;
}

static int calls(const struct mm__node *n, const char *fname)
{
    if (n->kind == MMN_CALL && strcmp(n->fn->name, fname) == 0)
        return 1;
    for (int i = 0; i < n->nkids; i++) {
        if (calls(n->kids[i], fname))
            return 1;
    }
    return 0;
}

int mm_calls(const struct mm_expr *e, const char *fname)
{
    return calls(e->root, fname);
}
