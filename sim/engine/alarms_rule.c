/*
 * alarms_rule.c - composite alarm rules (PutCompositeAlarm's AlarmRule).
 *
 * The grammar, from the API reference of PutCompositeAlarm:
 *   rule    := or
 *   or      := and ("OR" and)*
 *   and     := not ("AND" not)*
 *   not     := "NOT" not | primary
 *   primary := "(" rule ")" | "TRUE" | "FALSE" | fn "(" ref ")"
 *   fn      := "ALARM" | "OK" | "INSUFFICIENT_DATA"
 *   ref     := an alarm name or ARN, optionally in double quotes
 * ALARM(x) is TRUE when x is in ALARM, OK(x) when x is OK, INSUFFICIENT_DATA(x) when x is in
 * INSUFFICIENT_DATA. Keywords are matched without regard to case (the guide writes "change the
 * AlarmRule ... to false"). An unquoted reference runs to the closing parenthesis, surrounding
 * blanks removed. Error texts are drillsim's (no AWS text was found); the nesting is bounded
 * (ALARMS_RULE_MAX_DEPTH) so a hostile rule cannot exhaust the stack.
 *
 * To add an operator: add a node kind, parse it at its precedence level and evaluate it in
 * eval().
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/alarms.h"
#include "util/xmalloc.h"

enum node_kind { N_TRUE, N_FALSE, N_FN, N_NOT, N_AND, N_OR };

struct node {
    enum node_kind kind;
    const char *state; /* N_FN: the state the function tests */
    int ref;           /* N_FN: index into refs */
    struct node *a, *b;
};

struct alarms_rule {
    struct node *root;
    char **refs;
    int nrefs;
};

struct parser {
    const char *p;
    struct alarms_rule *r;
    char *error;
    int depth;
};

static void node_free(struct node *n)
{
    if (n == NULL)
        return;
    node_free(n->a);
    node_free(n->b);
    free(n);
}

void alarms_rule_free(struct alarms_rule *r)
{
    if (r == NULL)
        return;
    node_free(r->root);
    for (int i = 0; i < r->nrefs; i++)
        free(r->refs[i]);
    free(r->refs);
    free(r);
}

static void skip_blanks(struct parser *ps)
{
    while (*ps->p && isspace((unsigned char)*ps->p))
        ps->p++;
}

/* Consumes keyword kw (case-insensitive) when it stands alone at the cursor. */
static int keyword(struct parser *ps, const char *kw)
{
    skip_blanks(ps);
    size_t n = strlen(kw);
    if (strncasecmp(ps->p, kw, n) != 0)
        return 0;
    char next = ps->p[n];
    if (isalnum((unsigned char)next) || next == '_' || next == '-')
        return 0;
    ps->p += n;
    return 1;
}

/* Records the first error; always returns NULL. */
static struct node *fail(struct parser *ps, const char *msg)
{
    if (ps->error == NULL)
        ps->error = xstrdup(msg);
    return NULL;
}

static struct node *mknode(enum node_kind k, struct node *a, struct node *b)
{
    struct node *n = xcalloc(1, sizeof *n);
    n->kind = k;
    n->a = a;
    n->b = b;
    return n;
}

/* Adds ref to the rule's list (once); returns its index, or -1 past the limit. */
static int add_ref(struct alarms_rule *r, char *ref)
{
    for (int i = 0; i < r->nrefs; i++) {
        if (strcmp(r->refs[i], ref) == 0) {
            free(ref);
            return i;
        }
    }
    if (r->nrefs == ALARMS_RULE_MAX_REFS) {
        free(ref);
        return -1;
    }
    r->refs = xrealloc(r->refs, (size_t)(r->nrefs + 1) * sizeof *r->refs);
    r->refs[r->nrefs] = ref;
    return r->nrefs++;
}

static struct node *parse_or(struct parser *ps);

/* fn "(" ref ")" after the function keyword. */
static struct node *parse_fn(struct parser *ps, const char *state)
{
    skip_blanks(ps);
    if (*ps->p != '(')
        return fail(ps, "Error in alarm rule: expected '(' after a state function");
    ps->p++;
    skip_blanks(ps);
    char *ref;
    if (*ps->p == '"') {
        const char *start = ++ps->p;
        while (*ps->p && *ps->p != '"')
            ps->p++;
        if (*ps->p != '"')
            return fail(ps, "Error in alarm rule: unterminated quoted alarm name");
        ref = xstrndup(start, (size_t)(ps->p - start));
        ps->p++;
        skip_blanks(ps);
    } else {
        const char *start = ps->p;
        while (*ps->p && *ps->p != ')' && *ps->p != '(')
            ps->p++;
        const char *end = ps->p;
        while (end > start && isspace((unsigned char)end[-1]))
            end--;
        ref = xstrndup(start, (size_t)(end - start));
    }
    if (*ps->p != ')') {
        free(ref);
        return fail(ps, "Error in alarm rule: expected ')' after the alarm name");
    }
    ps->p++;
    if (ref[0] == '\0') {
        free(ref);
        return fail(ps, "Error in alarm rule: an alarm name is empty");
    }
    int idx = add_ref(ps->r, ref);
    if (idx < 0)
        return fail(ps, "Error in alarm rule: a rule can reference at most 100 alarms");
    struct node *n = mknode(N_FN, NULL, NULL);
    n->state = state;
    n->ref = idx;
    return n;
}

static struct node *parse_primary(struct parser *ps)
{
    skip_blanks(ps);
    if (*ps->p == '(') {
        ps->p++;
        struct node *n = parse_or(ps);
        if (n == NULL)
            return NULL;
        skip_blanks(ps);
        if (*ps->p != ')') {
            node_free(n);
            return fail(ps, "Error in alarm rule: expected ')'");
        }
        ps->p++;
        return n;
    }
    if (keyword(ps, "TRUE"))
        return mknode(N_TRUE, NULL, NULL);
    if (keyword(ps, "FALSE"))
        return mknode(N_FALSE, NULL, NULL);
    if (keyword(ps, "INSUFFICIENT_DATA"))
        return parse_fn(ps, ALARM_STATE_INSUFFICIENT);
    if (keyword(ps, "ALARM"))
        return parse_fn(ps, ALARM_STATE_ALARM);
    if (keyword(ps, "OK"))
        return parse_fn(ps, ALARM_STATE_OK);
    if (*ps->p == '\0')
        return fail(ps, "Error in alarm rule: unexpected end of the rule");
    return fail(ps, "Error in alarm rule: expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), "
                    "TRUE, FALSE, NOT or '('");
}

static struct node *parse_not(struct parser *ps)
{
    if (++ps->depth > ALARMS_RULE_MAX_DEPTH)
        return fail(ps, "Error in alarm rule: the rule is nested too deeply");
    struct node *n;
    if (keyword(ps, "NOT")) {
        struct node *a = parse_not(ps);
        n = a ? mknode(N_NOT, a, NULL) : NULL;
    } else {
        n = parse_primary(ps);
    }
    ps->depth--;
    return n;
}

static struct node *parse_and(struct parser *ps)
{
    struct node *n = parse_not(ps);
    while (n && keyword(ps, "AND")) {
        struct node *b = parse_not(ps);
        if (b == NULL) {
            node_free(n);
            return NULL;
        }
        n = mknode(N_AND, n, b);
    }
    return n;
}

static struct node *parse_or(struct parser *ps)
{
    if (++ps->depth > ALARMS_RULE_MAX_DEPTH)
        return fail(ps, "Error in alarm rule: the rule is nested too deeply");
    struct node *n = parse_and(ps);
    while (n && keyword(ps, "OR")) {
        struct node *b = parse_and(ps);
        if (b == NULL) {
            node_free(n);
            return NULL;
        }
        n = mknode(N_OR, n, b);
    }
    ps->depth--;
    return n;
}

int alarms_rule_parse(const char *text, struct alarms_rule **out, char **error)
{
    struct parser ps = {.p = text, .r = xcalloc(1, sizeof(struct alarms_rule))};
    struct node *root = parse_or(&ps);
    if (root) {
        skip_blanks(&ps);
        if (*ps.p != '\0') {
            node_free(root);
            root = NULL;
            fail(&ps, "Error in alarm rule: unexpected text after the end of the rule");
        }
    }
    if (root == NULL) {
        alarms_rule_free(ps.r);
        *error = ps.error ? ps.error : xstrdup("Error in alarm rule");
        return -1;
    }
    ps.r->root = root;
    *out = ps.r;
    return 0;
}

int alarms_rule_refs(const struct alarms_rule *r, const char *const **refs)
{
    *refs = (const char *const *)r->refs;
    return r->nrefs;
}

static int eval(const struct alarms_rule *r, const struct node *n,
                const char *(*state_of)(void *ctx, const char *ref), void *ctx)
{
    switch (n->kind) {
    case N_TRUE:
        return 1;
    case N_FALSE:
        return 0;
    case N_FN: {
        const char *st = state_of(ctx, r->refs[n->ref]);
        return st != NULL && strcmp(st, n->state) == 0;
    }
    case N_NOT:
        return !eval(r, n->a, state_of, ctx);
    case N_AND:
        return eval(r, n->a, state_of, ctx) && eval(r, n->b, state_of, ctx);
    case N_OR:
        return eval(r, n->a, state_of, ctx) || eval(r, n->b, state_of, ctx);
    }
    return 0;
}

int alarms_rule_eval(const struct alarms_rule *r,
                     const char *(*state_of)(void *ctx, const char *ref), void *ctx)
{
    return eval(r, r->root, state_of, ctx);
}
