/*
 * filter_pattern_json.c - matching JSON filter patterns. A message is read once into a
 * "tape": one flat array of nodes (object, array, key, string, number, true, false, null)
 * in document order, each knowing where its subtree ends, so selectors walk it without
 * re-parsing and without copying strings (they are decoded only when compared). The reader
 * is strict RFC 8259 (nesting up to FP__MAX_JSON_DEPTH); a message that is not a JSON object
 * never matches. Small documents stay on the stack.
 *
 * Selector steps: a key takes the last member of that name (JSON's duplicate keys: the last
 * wins), an index the element of an array, a wildcard every value of an object (duplicates
 * shadowed) or every element of an array; a condition holds if any node reached satisfies
 * it. Comparison rules are in filter_pattern.c's header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "insights/filter_pattern_int.h"
#include "util/xmalloc.h"

#define SHADOW_CHECK_MAX 4096 /* objects wider than this skip the duplicate-key check */

enum jt { JT_OBJ, JT_ARR, JT_KEY, JT_STR, JT_NUM, JT_TRUE, JT_FALSE, JT_NULL };

struct jnode {
    uint8_t type;
    uint8_t esc;          /* a string or key holding backslash escapes */
    uint32_t start, end;  /* the text (strings and keys: inside the quotes) */
    uint32_t next;        /* the index after this node's subtree */
};

struct tape {
    const char *s;
    size_t len;
    struct jnode *n;
    uint32_t count, cap;
    struct jnode local[128];
};

static void tape_init(struct tape *t, const char *s, size_t len)
{
    t->s = s;
    t->len = len;
    t->n = t->local;
    t->count = 0;
    t->cap = sizeof t->local / sizeof t->local[0];
}

static void tape_free(struct tape *t)
{
    if (t->n != t->local)
        free(t->n);
}

static uint32_t tape_push(struct tape *t, uint8_t type, size_t start, size_t end)
{
    if (t->count == t->cap) {
        uint32_t cap = t->cap * 2;
        struct jnode *n = xmalloc((size_t)cap * sizeof *n);
        memcpy(n, t->n, (size_t)t->count * sizeof *n);
        if (t->n != t->local)
            free(t->n);
        t->n = n;
        t->cap = cap;
    }
    struct jnode *n = &t->n[t->count];
    n->type = type;
    n->esc = 0;
    n->start = (uint32_t)start;
    n->end = (uint32_t)end;
    n->next = t->count + 1;
    return t->count++;
}

/* ---- reading ---- */

static void skip_ws(const struct tape *t, size_t *i)
{
    while (*i < t->len) {
        char c = t->s[*i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        (*i)++;
    }
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Reads a string at s[*i] == '"' as a node of type. Returns 0 or -1. */
static int read_string(struct tape *t, size_t *i, uint8_t type)
{
    const char *s = t->s;
    size_t j = *i + 1;
    int esc = 0;
    for (;;) {
        if (j >= t->len)
            return -1;
        unsigned char c = (unsigned char)s[j];
        if (c == '"')
            break;
        if (c < 0x20)
            return -1;
        if (c == '\\') {
            esc = 1;
            if (j + 1 >= t->len)
                return -1;
            char e = s[j + 1];
            if (e == 'u') {
                if (j + 5 >= t->len || !is_hex(s[j + 2]) || !is_hex(s[j + 3]) ||
                    !is_hex(s[j + 4]) || !is_hex(s[j + 5]))
                    return -1;
                j += 6;
            } else if (strchr("\"\\/bfnrt", e) != NULL && e != '\0') {
                j += 2;
            } else {
                return -1;
            }
            continue;
        }
        j++;
    }
    uint32_t n = tape_push(t, type, *i + 1, j);
    t->n[n].esc = (uint8_t)esc;
    *i = j + 1;
    return 0;
}

static int read_number(struct tape *t, size_t *i)
{
    const char *s = t->s;
    size_t j = *i;
    if (j < t->len && s[j] == '-')
        j++;
    if (j >= t->len)
        return -1;
    if (s[j] == '0') {
        j++;
    } else if (s[j] >= '1' && s[j] <= '9') {
        while (j < t->len && s[j] >= '0' && s[j] <= '9')
            j++;
    } else {
        return -1;
    }
    if (j < t->len && s[j] == '.') {
        j++;
        size_t d = j;
        while (j < t->len && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j == d)
            return -1;
    }
    if (j < t->len && (s[j] == 'e' || s[j] == 'E')) {
        j++;
        if (j < t->len && (s[j] == '+' || s[j] == '-'))
            j++;
        size_t d = j;
        while (j < t->len && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j == d)
            return -1;
    }
    (void)tape_push(t, JT_NUM, *i, j);
    *i = j;
    return 0;
}

static int read_literal(struct tape *t, size_t *i, const char *word, uint8_t type)
{
    size_t n = strlen(word);
    if (*i + n > t->len || memcmp(t->s + *i, word, n) != 0)
        return -1;
    (void)tape_push(t, type, *i, *i + n);
    *i += n;
    return 0;
}

static int read_value(struct tape *t, size_t *i, int depth)
{
    if (*i >= t->len)
        return -1;
    char c = t->s[*i];
    if (c == '"')
        return read_string(t, i, JT_STR);
    if (c == 't')
        return read_literal(t, i, "true", JT_TRUE);
    if (c == 'f')
        return read_literal(t, i, "false", JT_FALSE);
    if (c == 'n')
        return read_literal(t, i, "null", JT_NULL);
    if (c != '{' && c != '[')
        return read_number(t, i);
    if (depth >= FP__MAX_JSON_DEPTH)
        return -1;
    char close = c == '{' ? '}' : ']';
    uint32_t node = tape_push(t, c == '{' ? JT_OBJ : JT_ARR, *i, *i + 1);
    (*i)++;
    skip_ws(t, i);
    if (*i < t->len && t->s[*i] == close) {
        (*i)++;
        t->n[node].next = t->count;
        return 0;
    }
    for (;;) {
        if (c == '{') {
            if (*i >= t->len || t->s[*i] != '"' || read_string(t, i, JT_KEY) != 0)
                return -1;
            skip_ws(t, i);
            if (*i >= t->len || t->s[*i] != ':')
                return -1;
            (*i)++;
            skip_ws(t, i);
        }
        if (read_value(t, i, depth + 1) != 0)
            return -1;
        skip_ws(t, i);
        if (*i >= t->len)
            return -1;
        if (t->s[*i] == close) {
            (*i)++;
            break;
        }
        if (t->s[*i] != ',')
            return -1;
        (*i)++;
        skip_ws(t, i);
    }
    t->n[node].next = t->count;
    return 0;
}

/* Reads msg into t. Returns 0 if it is one JSON object (surrounded by whitespace), -1 if not. */
static int read_document(struct tape *t, const char *msg, size_t len)
{
    tape_init(t, msg, len);
    if (len >= UINT32_MAX)
        return -1;
    size_t i = 0;
    skip_ws(t, &i);
    if (i >= len || msg[i] != '{')
        return -1;
    if (read_value(t, &i, 0) != 0)
        return -1;
    skip_ws(t, &i);
    return i == len ? 0 : -1;
}

/* ---- strings ---- */

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static uint32_t hex4(const char *s)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v = v * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* Decodes the (validated) escapes of s[0..len) into out, which has room for len bytes (the
 * decoded form is never longer). Returns the decoded length. */
static size_t decode(const char *s, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] != '\\') {
            out[o++] = s[i++];
            continue;
        }
        char e = s[i + 1];
        if (e != 'u') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            out[o++] = to[strchr(from, e) - from];
            i += 2;
            continue;
        }
        uint32_t cp = hex4(s + i + 2);
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= len && s[i] == '\\' && s[i + 1] == 'u') {
            uint32_t lo = hex4(s + i + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xFFFD;
        o += put_utf8(out + o, cp);
    }
    return o;
}

/* A node's text for comparisons: decoded strings, numbers as written. */
struct jtext {
    const char *p;
    size_t len;
    char *heap;
    char local[256];
};

static void jtext_get(const struct tape *t, uint32_t node, struct jtext *jt)
{
    const struct jnode *n = &t->n[node];
    const char *raw = t->s + n->start;
    size_t rlen = n->end - n->start;
    jt->heap = NULL;
    if (!n->esc) {
        jt->p = raw;
        jt->len = rlen;
        return;
    }
    char *buf = jt->local;
    if (rlen > sizeof jt->local)
        buf = jt->heap = xmalloc(rlen);
    jt->len = decode(raw, rlen, buf);
    jt->p = buf;
}

static void jtext_done(struct jtext *jt)
{
    free(jt->heap);
}

static int key_is(const struct tape *t, uint32_t key, const char *name, size_t len)
{
    const struct jnode *n = &t->n[key];
    if (!n->esc)
        return n->end - n->start == len && memcmp(t->s + n->start, name, len) == 0;
    struct jtext jt;
    jtext_get(t, key, &jt);
    int eq = jt.len == len && memcmp(jt.p, name, len) == 0;
    jtext_done(&jt);
    return eq;
}

static int keys_equal(const struct tape *t, uint32_t a, uint32_t b)
{
    const struct jnode *na = &t->n[a], *nb = &t->n[b];
    if (!na->esc)
        return key_is(t, b, t->s + na->start, na->end - na->start);
    if (!nb->esc)
        return key_is(t, a, t->s + nb->start, nb->end - nb->start);
    struct jtext ja, jb;
    jtext_get(t, a, &ja);
    jtext_get(t, b, &jb);
    int eq = ja.len == jb.len && memcmp(ja.p, jb.p, ja.len) == 0;
    jtext_done(&ja);
    jtext_done(&jb);
    return eq;
}

/* ---- selectors ---- */

typedef int (*visit_fn)(void *ctx, const struct tape *t, uint32_t node);

/* Returns 1 if some member key of obj after key has the same name (it shadows key). */
static int shadowed(const struct tape *t, uint32_t obj, uint32_t key)
{
    uint32_t k = t->n[key + 1].next;
    while (k < t->n[obj].next) {
        if (keys_equal(t, key, k))
            return 1;
        k = t->n[k + 1].next;
    }
    return 0;
}

/* Follows segs from node, calling fn on every node reached until one returns 1. Returns 1
 * if one did, else 0. */
static int walk(const struct tape *t, uint32_t node, const struct fp__seg *segs, int nsegs,
                visit_fn fn, void *ctx)
{
    if (nsegs == 0)
        return fn(ctx, t, node);
    const struct jnode *n = &t->n[node];
    if (segs[0].kind == FPS_KEY) {
        if (n->type != JT_OBJ)
            return 0;
        uint32_t found = 0;
        for (uint32_t k = node + 1; k < n->next; k = t->n[k + 1].next) {
            if (key_is(t, k, segs[0].name, segs[0].len))
                found = k + 1;
        }
        return found ? walk(t, found, segs + 1, nsegs - 1, fn, ctx) : 0;
    }
    if (segs[0].kind == FPS_INDEX) {
        if (n->type != JT_ARR)
            return 0;
        size_t idx = 0;
        for (uint32_t e = node + 1; e < n->next; e = t->n[e].next, idx++) {
            if (idx == segs[0].index)
                return walk(t, e, segs + 1, nsegs - 1, fn, ctx);
        }
        return 0;
    }
    if (n->type == JT_ARR) {
        for (uint32_t e = node + 1; e < n->next; e = t->n[e].next) {
            if (walk(t, e, segs + 1, nsegs - 1, fn, ctx))
                return 1;
        }
        return 0;
    }
    if (n->type != JT_OBJ)
        return 0;
    uint32_t members = 0;
    for (uint32_t k = node + 1; k < n->next; k = t->n[k + 1].next)
        members++;
    for (uint32_t k = node + 1; k < n->next; k = t->n[k + 1].next) {
        if (members <= SHADOW_CHECK_MAX && shadowed(t, node, k))
            continue;
        if (walk(t, k + 1, segs + 1, nsegs - 1, fn, ctx))
            return 1;
    }
    return 0;
}

static int cmp_num(enum fp__op op, double a, double b)
{
    switch (op) {
    case FPO_EQ:
        return a == b;
    case FPO_NE:
        return a != b;
    case FPO_LT:
        return a < b;
    case FPO_LE:
        return a <= b;
    case FPO_GT:
        return a > b;
    case FPO_GE:
        return a >= b;
    default:
        return 0;
    }
}

static int visit_any(void *ctx, const struct tape *t, uint32_t node)
{
    (void)ctx;
    (void)t;
    (void)node;
    return 1;
}

/* Returns 1 if the node satisfies the condition (passed as ctx). */
static int visit_cond(void *ctx, const struct tape *t, uint32_t node)
{
    const struct fp__cond *c = ctx;
    const struct jnode *n = &t->n[node];
    switch (c->op) {
    case FPO_IS_NULL:
        if (n->type == JT_NULL)
            return 1;
        if (n->type == JT_ARR) {
            for (uint32_t e = node + 1; e < n->next; e = t->n[e].next) {
                if (t->n[e].type == JT_NULL)
                    return 1;
            }
        }
        return 0;
    case FPO_IS_TRUE:
        return n->type == JT_TRUE;
    case FPO_IS_FALSE:
        return n->type == JT_FALSE;
    case FPO_NOT_EXISTS:
        return 1;
    default:
        break;
    }
    if (n->type != JT_STR && n->type != JT_NUM)
        return 0;
    if (c->v.kind == FPV_NUMBER && n->type == JT_NUM) {
        double d;
        if (fp__parse_number(t->s + n->start, n->end - n->start, &d) != 0)
            return 0;
        return cmp_num(c->op, d, c->v.num);
    }
    if (c->op != FPO_EQ && c->op != FPO_NE)
        return 0; /* ordering holds only between numbers */
    struct jtext jt;
    jtext_get(t, node, &jt);
    int m;
    if (c->v.kind == FPV_REGEX)
        m = fp__regex_search(c->v.re, jt.p, jt.len);
    else if (c->v.kind == FPV_NUMBER)
        m = jt.len == c->v.len && memcmp(jt.p, c->v.text, jt.len) == 0;
    else
        m = fp__text_match(&c->v, jt.p, jt.len);
    jtext_done(&jt);
    return c->op == FPO_EQ ? m : !m;
}

static int eval(const struct fp_pattern *p, const struct tape *t, int node)
{
    const struct fp__node *n = &p->nodes[node];
    if (n->type == FPN_AND)
        return eval(p, t, n->a) && eval(p, t, n->b);
    if (n->type == FPN_OR)
        return eval(p, t, n->a) || eval(p, t, n->b);
    const struct fp__cond *c = &p->conds[n->a];
    if (c->op == FPO_NOT_EXISTS)
        return !walk(t, 0, c->segs, c->nsegs, visit_any, NULL);
    return walk(t, 0, c->segs, c->nsegs, visit_cond, (void *)c);
}

int fp__json_match(const struct fp_pattern *p, const char *msg, size_t len)
{
    struct tape t;
    int rc = 0;
    if (read_document(&t, msg, len) == 0)
        rc = eval(p, &t, p->root);
    tape_free(&t);
    return rc;
}

static int visit_first(void *ctx, const struct tape *t, uint32_t node)
{
    (void)t;
    *(uint32_t *)ctx = node;
    return 1;
}

int fp__json_extract(const struct fp__seg *segs, int nsegs, const char *msg, size_t len,
                     char **out)
{
    struct tape t;
    int rc = 0;
    uint32_t node = 0;
    if (read_document(&t, msg, len) == 0 && walk(&t, 0, segs, nsegs, visit_first, &node)) {
        uint8_t type = t.n[node].type;
        if (type == JT_STR || type == JT_NUM || type == JT_TRUE || type == JT_FALSE) {
            struct jtext jt;
            jtext_get(&t, node, &jt);
            *out = xstrndup(jt.p, jt.len);
            jtext_done(&jt);
            rc = 1;
        }
    }
    tape_free(&t);
    return rc;
}
