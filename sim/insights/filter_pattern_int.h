/*
 * filter_pattern_int.h - private to sim/insights/filter_pattern*.c: the compiled form the
 * parser (filter_pattern_parse.c) builds and the matchers (filter_pattern.c for terms and
 * regular expressions, filter_pattern_json.c, filter_pattern_delim.c) walk.
 */
#ifndef DRILLSIM_FILTER_PATTERN_INT_H
#define DRILLSIM_FILTER_PATTERN_INT_H

#include <stddef.h>

#include "insights/filter_pattern.h"

#define FP__MAX_REGEX 2          /* regular expressions in a JSON or delimited pattern */
#define FP__MAX_WILD_SELECTORS 3 /* JSON selectors holding a wildcard, per pattern */
#define FP__MAX_JSON_DEPTH 1000  /* deeper messages are not JSON to us */

struct fp__regex; /* a compiled %regex% (filter_pattern.c) */

/* A comparison's right-hand side. */
enum fp__vkind {
    FPV_TEXT,   /* a string, with * wildcards at its ends */
    FPV_NUMBER, /* an unquoted number; text keeps it as written */
    FPV_REGEX,
};

struct fp__value {
    enum fp__vkind kind;
    char *text; /* FPV_TEXT: without the wildcard stars; FPV_NUMBER: the literal */
    size_t len;
    int lead_star, trail_star;
    double num;
    struct fp__regex *re;
};

enum fp__op {
    FPO_EQ,
    FPO_NE,
    FPO_LT,
    FPO_LE,
    FPO_GT,
    FPO_GE,
    FPO_IS_NULL,
    FPO_IS_TRUE,
    FPO_IS_FALSE,
    FPO_NOT_EXISTS,
};

/* One step of a JSON selector: .name / ['name'], [N], .* / [*]. */
enum fp__segkind { FPS_KEY, FPS_INDEX, FPS_WILD };

struct fp__seg {
    enum fp__segkind kind;
    char *name; /* FPS_KEY */
    size_t len;
    size_t index; /* FPS_INDEX */
};

struct fp__cond {
    enum fp__op op;
    struct fp__value v;
    struct fp__seg *segs; /* JSON: the selector after "$" */
    int nsegs;
};

/* The boolean tree: AND/OR nodes over conditions, in one array. */
enum fp__ntype { FPN_AND, FPN_OR, FPN_COND };

struct fp__node {
    enum fp__ntype type;
    int a, b; /* children (AND/OR), or a = condition index (COND) */
};

/* A space-delimited field: a name (NULL for "..." and for an empty slot), and the root of its
 * condition tree or -1. */
struct fp__field {
    char *name;
    int root;
};

struct fp__term {
    char *text;
    size_t len;
};

struct fp_pattern {
    enum fp_kind kind;
    /* FP_KIND_TERMS */
    struct fp__term *req, *excl, *opt;
    int nreq, nexcl, nopt;
    int any_mode; /* only ?terms: one of them must appear */
    /* FP_KIND_REGEX */
    struct fp__regex *re;
    /* FP_KIND_JSON and FP_KIND_DELIMITED */
    struct fp__node *nodes;
    int nnodes, capnodes;
    struct fp__cond *conds;
    int nconds, capconds;
    int root; /* JSON */
    struct fp__field *fields; /* delimited */
    int nfields;
    int ellipsis; /* index of "..." in fields, or -1 */
    int nregex;
};

/* filter_pattern.c: errors, values, regular expressions. */
char *fp__term_error(const char *start, size_t len);
/* Compiles the body of a %regex% (between the percent signs). Returns it, or NULL with
 * *error set. */
struct fp__regex *fp__regex_compile(const char *body, size_t len, char **error);
void fp__regex_free(struct fp__regex *re);
/* Returns 1 if re matches somewhere in s[0..len). */
int fp__regex_search(const struct fp__regex *re, const char *s, size_t len);
/* Parses a whole number literal ([+-]digits[.digits][e[+-]digits]). Returns 0 and *out, or -1. */
int fp__parse_number(const char *s, size_t len, double *out);
/* Returns 1 if text matches a FPV_TEXT value (exact, prefix, suffix or contains). */
int fp__text_match(const struct fp__value *v, const char *s, size_t len);
/* Returns the length of the run of stray characters at s (at least one character, len > 0):
 * punctuation up to whitespace, a letter, a digit, '"', '$' or '%'. AWS quotes such a run as
 * the "term" of its error. */
size_t fp__stray_run(const char *s, size_t len);
/* Returns the length of the UTF-8 sequence starting at s (1 for a stray byte), at most max. */
size_t fp__utf8_len(const unsigned char *s, size_t max);

/* filter_pattern_parse.c */
int fp__parse_json(struct fp_pattern *p, const char *s, size_t len, char **error);
int fp__parse_delimited(struct fp_pattern *p, const char *s, size_t len, char **error);
/* Parses a selector "$.a[0]..." spanning all of s. Returns 0 with the steps in *segs and
 * *nsegs, or -1. */
int fp__parse_selector_ref(const char *s, size_t len, struct fp__seg **segs, int *nsegs);
void fp__free_segs(struct fp__seg *segs, int nsegs);

/* filter_pattern_json.c */
int fp__json_match(const struct fp_pattern *p, const char *msg, size_t len);
int fp__json_extract(const struct fp__seg *segs, int nsegs, const char *msg, size_t len,
                     char **out);

/* filter_pattern_delim.c */
int fp__delim_match(const struct fp_pattern *p, const char *msg, size_t len);
int fp__delim_extract(const struct fp_pattern *p, const char *msg, size_t len,
                      const char *ref, char **out);

#endif
