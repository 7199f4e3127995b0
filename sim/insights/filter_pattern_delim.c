/*
 * filter_pattern_delim.c - matching space-delimited filter patterns ([ip, user, ..., status =
 * 5*, bytes]). A message is split once into fields:
 *   - fields are separated by runs of spaces, tabs, CRs or LFs;
 *   - a field opening with '"' runs to the next '"', one opening with '[' to the next ']', and
 *     its value is what lies between (a quote or bracket that never closes is an ordinary
 *     character, as AWS treats it);
 *   - anything else runs to the next separator.
 * The pattern's names are then laid over the fields: without "..." the names take the fields
 * in order and the last name takes the rest of the line (the text as written, or the single
 * field's value); with "..." the names before it take the first fields and the names after it
 * the last ones. Fewer fields than names never match. Each name's conditions are evaluated
 * on its value: text (with * at the ends), %regex%, or numbers (both sides numeric, else as
 * text for = and !=; the ordering operators need a numeric field).
 */
#include <stdlib.h>
#include <string.h>

#include "insights/filter_pattern_int.h"
#include "util/xmalloc.h"

struct dtok {
    size_t start, end;   /* the field as written */
    size_t vstart, vend; /* its value (quotes and brackets removed) */
};

struct fields {
    struct dtok *t;
    size_t n, cap;
    struct dtok local[64];
};

static int is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void push(struct fields *f, size_t start, size_t end, size_t vstart, size_t vend)
{
    if (f->n == f->cap) {
        size_t cap = f->cap * 2;
        struct dtok *t = xmalloc(cap * sizeof *t);
        memcpy(t, f->t, f->n * sizeof *t);
        if (f->t != f->local)
            free(f->t);
        f->t = t;
        f->cap = cap;
    }
    f->t[f->n++] = (struct dtok){start, end, vstart, vend};
}

static void split(struct fields *f, const char *s, size_t len)
{
    f->t = f->local;
    f->n = 0;
    f->cap = sizeof f->local / sizeof f->local[0];
    size_t i = 0;
    while (i < len) {
        while (i < len && is_sep(s[i]))
            i++;
        if (i >= len)
            break;
        size_t start = i;
        if (s[i] == '"' || s[i] == '[') {
            const char *close = memchr(s + i + 1, s[i] == '"' ? '"' : ']', len - i - 1);
            if (close != NULL) {
                size_t c = (size_t)(close - s);
                push(f, start, c + 1, start + 1, c);
                i = c + 1;
                continue;
            }
        }
        while (i < len && !is_sep(s[i]))
            i++;
        push(f, start, i, start, i);
    }
}

static void fields_free(struct fields *f)
{
    if (f->t != f->local)
        free(f->t);
}

/* Where each of the pattern's fields lies: n tokens from first (n is 0 only for an empty
 * "..."). */
struct slot {
    size_t first, n;
};

/* Lays the pattern's fields over the message's. Returns 0 with slots filled (nfields of
 * them), or -1 when the message has too few fields. */
static int align(const struct fp_pattern *p, const struct fields *f, struct slot *slots)
{
    size_t nf = (size_t)p->nfields;
    if (p->ellipsis < 0) {
        if (f->n < nf)
            return -1;
        for (size_t i = 0; i < nf; i++) {
            slots[i].first = i;
            slots[i].n = i + 1 == nf ? f->n - i : 1;
        }
        return 0;
    }
    size_t before = (size_t)p->ellipsis;
    size_t after = nf - before - 1;
    if (f->n < before + after)
        return -1;
    for (size_t i = 0; i < before; i++) {
        slots[i].first = i;
        slots[i].n = 1;
    }
    slots[before].first = before;
    slots[before].n = f->n - before - after;
    for (size_t j = 0; j < after; j++) {
        slots[before + 1 + j].first = f->n - after + j;
        slots[before + 1 + j].n = 1;
    }
    return 0;
}

/* A slot's value: one field's value, or the line as written across its fields. */
static void slot_value(const struct fields *f, const struct slot *sl, size_t *start, size_t *end)
{
    if (sl->n == 1) {
        *start = f->t[sl->first].vstart;
        *end = f->t[sl->first].vend;
    } else {
        *start = f->t[sl->first].start;
        *end = f->t[sl->first + sl->n - 1].end;
    }
}

static int cond_holds(const struct fp__cond *c, const char *s, size_t len)
{
    int m;
    if (c->v.kind == FPV_NUMBER) {
        double d;
        if (fp__parse_number(s, len, &d) == 0) {
            switch (c->op) {
            case FPO_EQ:
                return d == c->v.num;
            case FPO_NE:
                return d != c->v.num;
            case FPO_LT:
                return d < c->v.num;
            case FPO_LE:
                return d <= c->v.num;
            case FPO_GT:
                return d > c->v.num;
            case FPO_GE:
                return d >= c->v.num;
            default:
                return 0;
            }
        }
        if (c->op != FPO_EQ && c->op != FPO_NE)
            return 0;
        m = len == c->v.len && memcmp(s, c->v.text, len) == 0;
    } else if (c->v.kind == FPV_REGEX) {
        m = fp__regex_search(c->v.re, s, len);
    } else {
        m = fp__text_match(&c->v, s, len);
    }
    return c->op == FPO_EQ ? m : !m;
}

static int eval(const struct fp_pattern *p, int node, const char *s, size_t len)
{
    const struct fp__node *n = &p->nodes[node];
    if (n->type == FPN_AND)
        return eval(p, n->a, s, len) && eval(p, n->b, s, len);
    if (n->type == FPN_OR)
        return eval(p, n->a, s, len) || eval(p, n->b, s, len);
    return cond_holds(&p->conds[n->a], s, len);
}

int fp__delim_match(const struct fp_pattern *p, const char *msg, size_t len)
{
    if (p->nfields == 0)
        return 1;
    struct fields f;
    split(&f, msg, len);
    struct slot local[32];
    struct slot *slots = p->nfields <= 32 ? local : xmalloc((size_t)p->nfields * sizeof *slots);
    int rc = 0;
    if (align(p, &f, slots) == 0) {
        rc = 1;
        for (int i = 0; i < p->nfields && rc; i++) {
            if (p->fields[i].root < 0)
                continue;
            size_t a, b;
            slot_value(&f, &slots[i], &a, &b);
            rc = eval(p, p->fields[i].root, msg + a, b - a);
        }
    }
    if (slots != local)
        free(slots);
    fields_free(&f);
    return rc;
}

int fp__delim_extract(const struct fp_pattern *p, const char *msg, size_t len,
                      const char *ref, char **out)
{
    if (ref[0] != '$' || ref[1] == '\0')
        return -1;
    const char *name = ref + 1;
    size_t pos = 0; /* a 1-based field number, or 0 for a name */
    if (name[0] >= '1' && name[0] <= '9') {
        for (const char *c = name; *c; c++) {
            if (*c < '0' || *c > '9' || pos > 100000000)
                return -1;
            pos = pos * 10 + (size_t)(*c - '0');
        }
    }
    struct fields f;
    split(&f, msg, len);
    int rc = 0;
    size_t a = 0, b = 0;
    if (p->nfields == 0) {
        if (pos >= 1 && pos <= f.n) {
            a = f.t[pos - 1].vstart;
            b = f.t[pos - 1].vend;
            rc = 1;
        }
    } else {
        struct slot *slots = xmalloc((size_t)p->nfields * sizeof *slots);
        if (align(p, &f, slots) == 0) {
            for (int i = 0; i < p->nfields && !rc; i++) {
                const struct slot *sl = &slots[i];
                if (p->fields[i].name == NULL) {
                    if (pos >= 1 && pos - 1 >= sl->first && pos - 1 < sl->first + sl->n) {
                        a = f.t[pos - 1].vstart;
                        b = f.t[pos - 1].vend;
                        rc = 1;
                    }
                } else if (pos ? pos - 1 == sl->first : strcmp(p->fields[i].name, name) == 0) {
                    slot_value(&f, sl, &a, &b);
                    rc = 1;
                }
            }
        }
        free(slots);
    }
    if (rc)
        *out = xstrndup(msg + a, b - a);
    fields_free(&f);
    return rc;
}
