/*
 * filter_pattern.h - CloudWatch Logs filter patterns (FilterLogEvents, later metric and
 * subscription filters).
 *
 * The full syntax: terms and "quoted phrases" (all must match, case-sensitive), -term
 * exclusions, ?term alternatives, JSON patterns { $.a.b = "x" && $.n >= 500 } (wildcards,
 * IS NULL, NOT EXISTS, arrays, || and parentheses), and space-delimited patterns
 * [ip, user, ..., status = 5*]. A pattern is compiled once and matched against many messages.
 * The semantics (and where AWS's behaviour was measured rather than documented) are described
 * in filter_pattern.c's header.
 */
#ifndef DRILLSIM_FILTER_PATTERN_H
#define DRILLSIM_FILTER_PATTERN_H

#include <stddef.h>

struct fp_pattern;

/* The longest pattern AWS accepts (characters), and the generic error text FilterLogEvents
 * answers; PutMetricFilter/TestMetricFilter say "Invalid metric filter pattern" instead, so a
 * metric-filter caller replaces an error equal to FP_ERR_INVALID with that wording. */
#define FP_MAX_PATTERN 1024
#define FP_ERR_INVALID "Invalid filter pattern"

/* Compiles text (an empty pattern matches everything). Returns 0 and *out, or -1 with *error
 * set (caller frees) in AWS's wording ("Invalid filter pattern", ...). */
int fp_compile(const char *text, struct fp_pattern **out, char **error);
/* Returns 1 if the message matches, 0 if not. A pattern may be matched from one thread at a
 * time (its regular expressions carry their match data). */
int fp_match(const struct fp_pattern *p, const char *message, size_t len);
void fp_free(struct fp_pattern *p);

/* Compatible extensions. */

enum fp_kind {
    FP_KIND_ALL,       /* the empty pattern */
    FP_KIND_TERMS,     /* terms, "phrases", -exclusions, ?alternatives */
    FP_KIND_REGEX,     /* a standalone %regex% */
    FP_KIND_JSON,      /* { ... } */
    FP_KIND_DELIMITED, /* [ ... ] */
};

/* Returns the kind of a compiled pattern. */
enum fp_kind fp_kind(const struct fp_pattern *p);

/* Extracts a value for metric filters' metricValue/dimensions: ref is "$.a.b[0]" for a JSON
 * pattern, "$name" (a named field) or "$N" (the N-th field, 1-based) for a space-delimited
 * one. Call it on a message fp_match accepted. Returns 1 and *out (a new string the caller
 * frees; strings decoded, numbers as written), 0 when the message holds no such value, or -1
 * when ref does not fit the pattern's kind. */
int fp_extract(const struct fp_pattern *p, const char *message, size_t len, const char *ref,
               char **out);

/* For prefiltering (e.g. an SQL instr()): returns a substring every matching message
 * contains, with *len, or NULL when the pattern has none. Owned by p. */
const char *fp_required_term(const struct fp_pattern *p, size_t *len);

#endif
