/*
 * filter_pattern.c - CloudWatch Logs filter patterns: compiling, the unstructured (term) form,
 * standalone regular expressions, and the value matching the JSON and space-delimited forms
 * share. The module is split:
 *   filter_pattern.c        this file: fp_compile/fp_match/fp_free/fp_extract, terms, %regex%
 *   filter_pattern_parse.c  the { JSON } and [ delimited ] grammars (one lexer, one parser)
 *   filter_pattern_json.c   a one-pass JSON indexer ("tape") and selector evaluation
 *   filter_pattern_delim.c  splitting a message into fields and evaluating field conditions
 *   filter_pattern_int.h    the compiled form the four share
 * Tests: tests/unit/insights/filter_pattern.c with the case file filter_pattern_cases.txt
 * beside it; fuzzing: tests/fuzz/fuzz_filter_pattern.c. To extend the language, add the token
 * to the lexer, the rule to the parser, the evaluation to the matcher, and cases to the file.
 *
 * The semantics follow the User Guide ("Filter pattern syntax for metric filters, subscription
 * filters, filter log events, and Live Tail" and its pages) and, where the guide is silent or
 * wrong, AWS's answers to TestMetricFilter/FilterLogEvents recorded against the real service
 * (the case file cites which). In short:
 *  - The pattern is trimmed; empty matches everything. "{...}" is JSON, "[...]" delimited,
 *    "%...%" a standalone regex, anything else terms.
 *  - Terms: words of [A-Za-z0-9_] (other characters must be quoted) and "phrases" are
 *    case-sensitive substrings; all must appear, -term must not; ?terms are alternatives
 *    (one must appear) but are ignored when the pattern has any other term. "" is an error;
 *    " " is the substring " " (AWS matches only messages containing a space, although the
 *    guide says it matches everything).
 *  - Regex: only letters, digits, space, : _ # = @ / ; , - and ^ $ ? [ ] { } | \ * + . may
 *    appear (no parentheses, no multi-byte characters); {m,} and {,n} are allowed; at most 2
 *    per JSON or delimited pattern. Matched unanchored, by PCRE2 with Java's line terminators.
 *  - JSON: a message that is not a JSON object never matches. A selector resolving to an
 *    object or array never compares; IS NULL also holds for an array with a null element.
 *    A quoted or non-numeric value compares as text with strings and with numbers as written
 *    ("1" matches 1 but not 1.0); a numeric value compares numerically with numbers and as
 *    text with strings; <, <=, >, >= only ever hold for numbers; booleans and null are seen
 *    only by IS TRUE/FALSE/NULL. Duplicate keys: the last one wins. Wildcards (.* and [*]) go
 *    over an object's values or an array's elements, and a condition holds if any does.
 *  - Delimited: fields are separated by runs of spaces or tabs; "quoted" and [bracketed]
 *    fields are kept whole without their delimiters (an unclosed one is an ordinary
 *    character). Without "..." the last field takes the rest of the line; with it, the fields
 *    before and after it are counted from each end. Fewer fields than names never match.
 *  - Errors carry AWS's texts: "Invalid character(s) in term '...'" (the offending token up to
 *    and including the first bad character), "Failed to compile regular expression.",
 *    "Duplicate field '...'", the quota messages, the brace/bracket messages, and otherwise
 *    FP_ERR_INVALID.
 */
#include "insights/filter_pattern.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "insights/filter_pattern_int.h"
#include "util/xmalloc.h"

/* Bounds on one regex match, so a pathological expression cannot stall the loop. */
#define FP_REGEX_MATCH_LIMIT 1000000
#define FP_REGEX_DEPTH_LIMIT 10000

struct fp__regex {
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
};

/* ---- small helpers shared by the parser and the matchers ---- */

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_word(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

size_t fp__utf8_len(const unsigned char *s, size_t max)
{
    size_t n = 1;
    if (s[0] >= 0xF0)
        n = 4;
    else if (s[0] >= 0xE0)
        n = 3;
    else if (s[0] >= 0xC0)
        n = 2;
    if (n > max)
        n = max;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return i;
    }
    return n;
}

/* Decodes the UTF-8 sequence at s (max bytes). Returns its length; *cp is 0xFFFD if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t max, uint32_t *cp)
{
    size_t n = fp__utf8_len(s, max);
    uint32_t c = s[0];
    if (n == 1) {
        *cp = c < 0x80 ? c : 0xFFFD;
        return 1;
    }
    c &= (n == 2) ? 0x1F : (n == 3) ? 0x0F : 0x07;
    for (size_t i = 1; i < n; i++)
        c = (c << 6) | (s[i] & 0x3F);
    if ((n == 2 && s[0] < 0xC2) || (n == 3 && c < 0x800) ||
        (n == 4 && (c < 0x10000 || c > 0x10FFFF)))
        c = 0xFFFD;
    *cp = c;
    return n;
}

/* A non-ASCII character that may stand in an unquoted term: letters, roughly (AWS's lexer is
 * Java's; punctuation such as typographic quotes is rejected). */
static int is_term_cp(uint32_t cp)
{
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7 || cp == 0xFFFD)
        return 0;
    if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
        (cp >= 0xFE00 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF0F))
        return 0;
    return 1;
}

char *fp__term_error(const char *start, size_t len)
{
    return xasprintf("Invalid character(s) in term '%.*s'", (int)len, start);
}

/* Finds needle in hay; returns its offset or -1. */
static long find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    if (nlen == 0)
        return 0;
    if (nlen > hlen)
        return -1;
    const char *end = hay + hlen - nlen + 1;
    const char *p = hay;
    while (p < end) {
        p = memchr(p, needle[0], (size_t)(end - p));
        if (p == NULL)
            return -1;
        if (memcmp(p, needle, nlen) == 0)
            return (long)(p - hay);
        p++;
    }
    return -1;
}

int fp__parse_number(const char *s, size_t len, double *out)
{
    size_t i = 0;
    size_t digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
        digits++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            exp++;
        }
        if (exp == 0)
            return -1;
    }
    if (i != len)
        return -1;
    char local[64];
    char *buf = len < sizeof local ? local : xmalloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    *out = strtod(buf, NULL);
    if (buf != local)
        free(buf);
    return 0;
}

int fp__text_match(const struct fp__value *v, const char *s, size_t len)
{
    if (v->lead_star && v->trail_star)
        return find(s, len, v->text, v->len) >= 0;
    if (v->trail_star)
        return len >= v->len && memcmp(s, v->text, v->len) == 0;
    if (v->lead_star)
        return len >= v->len && memcmp(s + len - v->len, v->text, v->len) == 0;
    return len == v->len && memcmp(s, v->text, len) == 0;
}

/* ---- regular expressions ---- */

static int regex_char_ok(unsigned char c)
{
    return is_word(c) || (c != 0 && strchr(" :#=@/;,-^$?[]{}|\\*+.", c) != NULL);
}

/* Rewrites a {m, n} quantifier at s[0] == '{' into canonical form ({,n} -> {0,n}, spaces
 * dropped). Returns the characters consumed, or 0 if s does not start a quantifier. */
static size_t quantifier(const char *s, size_t len, char *out, size_t *outlen)
{
    size_t i = 1;
    size_t m0, m1, n0, n1;
    while (i < len && s[i] == ' ')
        i++;
    m0 = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    m1 = i;
    while (i < len && s[i] == ' ')
        i++;
    int comma = 0;
    if (i < len && s[i] == ',') {
        comma = 1;
        i++;
    }
    while (i < len && s[i] == ' ')
        i++;
    n0 = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    n1 = i;
    while (i < len && s[i] == ' ')
        i++;
    if (i >= len || s[i] != '}')
        return 0;
    if (m1 == m0 && (!comma || n1 == n0))
        return 0; /* {} or {,} */
    if (m1 - m0 > 9 || n1 - n0 > 9)
        return 0;
    *outlen = (size_t)snprintf(out, 32, "{%.*s%s%.*s}", m1 == m0 ? 1 : (int)(m1 - m0),
                               m1 == m0 ? "0" : s + m0, comma ? "," : "", (int)(n1 - n0), s + n0);
    return i + 1;
}

struct fp__regex *fp__regex_compile(const char *body, size_t len, char **error)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)body[i];
        if (!regex_char_ok(c)) {
            size_t n = c >= 0x80 ? fp__utf8_len((const unsigned char *)body + i, len - i) : 1;
            char *term = xasprintf("%%%.*s", (int)(i + n), body);
            *error = fp__term_error(term, strlen(term));
            free(term);
            return NULL;
        }
    }
    /* Translate to PCRE2: canonical quantifiers; a '{' that starts none is an error in Java. */
    char *tr = xmalloc(len * 4 + 1);
    size_t o = 0;
    int in_class = 0;
    for (size_t i = 0; i < len;) {
        char c = body[i];
        if (c == '\\' && i + 1 < len) {
            tr[o++] = c;
            tr[o++] = body[i + 1];
            i += 2;
            continue;
        }
        if (in_class) {
            if (c == ']')
                in_class = 0;
            tr[o++] = c;
            i++;
            continue;
        }
        if (c == '[') {
            in_class = 1;
            tr[o++] = c;
            i++;
            if (i < len && body[i] == '^')
                tr[o++] = body[i++];
            if (i < len && body[i] == ']')
                tr[o++] = body[i++]; /* a leading ] is literal */
            continue;
        }
        if (c == '{') {
            char q[32];
            size_t qlen = 0;
            size_t used = quantifier(body + i, len - i, q, &qlen);
            if (used == 0) {
                free(tr);
                *error = xstrdup("Failed to compile regular expression.");
                return NULL;
            }
            memcpy(tr + o, q, qlen);
            o += qlen;
            i += used;
            continue;
        }
        tr[o++] = c;
        i++;
    }
    pcre2_compile_context *cctx = pcre2_compile_context_create(NULL);
    pcre2_set_newline(cctx, PCRE2_NEWLINE_ANYCRLF);
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)tr, o, PCRE2_NEVER_UTF | PCRE2_NEVER_BACKSLASH_C,
                                     &err, &off, cctx);
    pcre2_compile_context_free(cctx);
    free(tr);
    if (code == NULL) {
        *error = xstrdup("Failed to compile regular expression.");
        return NULL;
    }
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* an optimisation; fine if it fails */
    struct fp__regex *re = xcalloc(1, sizeof *re);
    re->code = code;
    re->md = pcre2_match_data_create_from_pattern(code, NULL);
    re->mctx = pcre2_match_context_create(NULL);
    if (re->md == NULL || re->mctx == NULL) {
        fp__regex_free(re);
        *error = xstrdup("Failed to compile regular expression.");
        return NULL;
    }
    pcre2_set_match_limit(re->mctx, FP_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(re->mctx, FP_REGEX_DEPTH_LIMIT);
    return re;
}

void fp__regex_free(struct fp__regex *re)
{
    if (re == NULL)
        return;
    pcre2_match_data_free(re->md);
    pcre2_match_context_free(re->mctx);
    pcre2_code_free(re->code);
    free(re);
}

int fp__regex_search(const struct fp__regex *re, const char *s, size_t len)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), len, 0, 0, re->md, re->mctx);
    return rc >= 0;
}

/* ---- unstructured terms ---- */

size_t fp__stray_run(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = u[0] >= 0x80 ? fp__utf8_len(u, len) : 1;
    while (i < len && u[i] < 0x80 && !is_space(u[i]) && !is_word(u[i]) && u[i] != '"' &&
           u[i] != '$' && u[i] != '%')
        i++;
    return i;
}

static void add_term(struct fp__term **arr, int *n, const char *text, size_t len)
{
    *arr = xrealloc(*arr, (size_t)(*n + 1) * sizeof **arr);
    (*arr)[*n].text = xstrndup(text, len);
    (*arr)[*n].len = len;
    (*n)++;
}

/* Scans a "quoted phrase" at s[0] == '"' into out (\" and \\ unescaped). Returns the bytes
 * consumed, or 0 if it never closes. */
static size_t scan_phrase(const char *s, size_t len, char *out, size_t *outlen)
{
    size_t o = 0;
    for (size_t i = 1; i < len; i++) {
        if (s[i] == '\\' && i + 1 < len && (s[i + 1] == '"' || s[i + 1] == '\\')) {
            out[o++] = s[++i];
        } else if (s[i] == '"') {
            *outlen = o;
            return i + 1;
        } else {
            out[o++] = s[i];
        }
    }
    return 0;
}

/* Returns the length of the unquoted term at s (its word and letter characters). */
static size_t word_len(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (!is_word(c))
                break;
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (!is_term_cp(cp))
            break;
        i += n;
    }
    return i;
}

static int compile_terms(struct fp_pattern *p, const char *s, size_t len, char **error)
{
    char *phrase = xmalloc(len + 1);
    int rc = -1;
    size_t i = 0;
    while (i < len) {
        if (is_space((unsigned char)s[i])) {
            i++;
            continue;
        }
        char prefix = 0;
        size_t tstart = i;
        if (s[i] == '-' || s[i] == '?') {
            prefix = s[i++];
            while (i < len && is_space((unsigned char)s[i]))
                i++;
            if (i == len) {
                *error = fp__term_error(s + tstart, 1);
                goto out;
            }
        }
        const char *text;
        size_t tlen;
        if (s[i] == '"') {
            size_t used = scan_phrase(s + i, len - i, phrase, &tlen);
            if (used == 0) {
                size_t end = len;
                while (end > i && is_space((unsigned char)s[end - 1]))
                    end--;
                *error = fp__term_error(s + i, end - i);
                goto out;
            }
            if (tlen == 0) {
                *error = fp__term_error(s + i, 2);
                goto out;
            }
            text = phrase;
            i += used;
        } else if (s[i] == '%') {
            size_t end = i;
            while (end < len && !is_space((unsigned char)s[end]))
                end++;
            *error = fp__term_error(s + i, end - i);
            goto out;
        } else {
            tlen = word_len(s + i, len - i);
            if (tlen == 0) {
                *error = fp__term_error(s + i, fp__stray_run(s + i, len - i));
                goto out;
            }
            text = s + i;
            i += tlen;
            if (i < len && !is_space((unsigned char)s[i]) && s[i] != '"') {
                *error = fp__term_error(s + i, fp__stray_run(s + i, len - i));
                goto out;
            }
        }
        if (prefix == '-')
            add_term(&p->excl, &p->nexcl, text, tlen);
        else if (prefix == '?')
            add_term(&p->opt, &p->nopt, text, tlen);
        else
            add_term(&p->req, &p->nreq, text, tlen);
    }
    /* "?" terms count only when they are all there is. */
    p->any_mode = p->nopt > 0 && p->nreq == 0 && p->nexcl == 0;
    rc = 0;
out:
    free(phrase);
    return rc;
}

static int match_terms(const struct fp_pattern *p, const char *m, size_t len)
{
    for (int i = 0; i < p->nreq; i++) {
        if (find(m, len, p->req[i].text, p->req[i].len) < 0)
            return 0;
    }
    for (int i = 0; i < p->nexcl; i++) {
        if (find(m, len, p->excl[i].text, p->excl[i].len) >= 0)
            return 0;
    }
    if (p->any_mode) {
        for (int i = 0; i < p->nopt; i++) {
            if (find(m, len, p->opt[i].text, p->opt[i].len) >= 0)
                return 1;
        }
        return 0;
    }
    return 1;
}

/* ---- the public interface ---- */

/* Counts characters (UTF-8 code points) as AWS counts a pattern's length. */
static size_t char_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    }
    return n;
}

int fp_compile(const char *text, struct fp_pattern **out, char **error)
{
    if (text == NULL)
        text = "";
    if (char_count(text) > FP_MAX_PATTERN) {
        *error = xasprintf("1 validation error detected: Value at 'filterPattern' failed to "
                           "satisfy constraint: Member must have length less than or equal to %d",
                           FP_MAX_PATTERN);
        return -1;
    }
    size_t len = strlen(text);
    while (len > 0 && is_space((unsigned char)text[len - 1]))
        len--;
    while (len > 0 && is_space((unsigned char)text[0])) {
        text++;
        len--;
    }
    struct fp_pattern *p = xcalloc(1, sizeof *p);
    p->root = -1;
    p->ellipsis = -1;
    int rc;
    char *err = NULL;
    if (len == 0) {
        p->kind = FP_KIND_ALL;
        rc = 0;
    } else if (text[0] == '{') {
        p->kind = FP_KIND_JSON;
        if (len < 2 || text[len - 1] != '}') {
            err = xstrdup("If a filter pattern starts with '{' it must end with '}'");
            rc = -1;
        } else {
            rc = fp__parse_json(p, text + 1, len - 2, &err);
        }
    } else if (text[0] == '[') {
        p->kind = FP_KIND_DELIMITED;
        if (len < 2 || text[len - 1] != ']') {
            err = xstrdup("If a filter pattern starts with '[' it must end with ']'");
            rc = -1;
        } else {
            rc = fp__parse_delimited(p, text + 1, len - 2, &err);
        }
    } else if (text[0] == '%' && len >= 2 && text[len - 1] == '%') {
        p->kind = FP_KIND_REGEX;
        p->re = fp__regex_compile(text + 1, len - 2, &err);
        rc = p->re ? 0 : -1;
    } else {
        p->kind = FP_KIND_TERMS;
        rc = compile_terms(p, text, len, &err);
    }
    if (rc != 0) {
        fp_free(p);
        *error = err ? err : xstrdup(FP_ERR_INVALID);
        return -1;
    }
    *out = p;
    return 0;
}

int fp_match(const struct fp_pattern *p, const char *message, size_t len)
{
    if (message == NULL)
        len = 0;
    switch (p->kind) {
    case FP_KIND_ALL:
        return 1;
    case FP_KIND_TERMS:
        return match_terms(p, message, len);
    case FP_KIND_REGEX:
        return fp__regex_search(p->re, message, len);
    case FP_KIND_JSON:
        return fp__json_match(p, message, len);
    case FP_KIND_DELIMITED:
        return fp__delim_match(p, message, len);
    }
    return 0;
}

static void free_terms(struct fp__term *t, int n)
{
    for (int i = 0; i < n; i++)
        free(t[i].text);
    free(t);
}

void fp__free_segs(struct fp__seg *segs, int nsegs)
{
    for (int i = 0; i < nsegs; i++)
        free(segs[i].name);
    free(segs);
}

void fp_free(struct fp_pattern *p)
{
    if (p == NULL)
        return;
    free_terms(p->req, p->nreq);
    free_terms(p->excl, p->nexcl);
    free_terms(p->opt, p->nopt);
    fp__regex_free(p->re);
    for (int i = 0; i < p->nconds; i++) {
        free(p->conds[i].v.text);
        fp__regex_free(p->conds[i].v.re);
        fp__free_segs(p->conds[i].segs, p->conds[i].nsegs);
    }
    free(p->conds);
    free(p->nodes);
    for (int i = 0; i < p->nfields; i++)
        free(p->fields[i].name);
    free(p->fields);
    free(p);
}

enum fp_kind fp_kind(const struct fp_pattern *p)
{
    return p->kind;
}

int fp_extract(const struct fp_pattern *p, const char *message, size_t len, const char *ref,
               char **out)
{
    if (ref == NULL || message == NULL)
        return -1;
    if (p->kind == FP_KIND_JSON) {
        struct fp__seg *segs = NULL;
        int nsegs = 0;
        if (fp__parse_selector_ref(ref, strlen(ref), &segs, &nsegs) != 0)
            return -1;
        int rc = fp__json_extract(segs, nsegs, message, len, out);
        fp__free_segs(segs, nsegs);
        return rc;
    }
    if (p->kind == FP_KIND_DELIMITED)
        return fp__delim_extract(p, message, len, ref, out);
    return -1;
}

const char *fp_required_term(const struct fp_pattern *p, size_t *len)
{
    const struct fp__term *best = NULL;
    if (p->kind == FP_KIND_TERMS) {
        for (int i = 0; i < p->nreq; i++) {
            if (best == NULL || p->req[i].len > best->len)
                best = &p->req[i];
        }
        if (best == NULL && p->any_mode && p->nopt == 1)
            best = &p->opt[0];
    }
    if (best == NULL)
        return NULL;
    *len = best->len;
    return best->text;
}
