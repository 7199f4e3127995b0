/*
 * filter_pattern.h - CloudWatch Logs filter patterns (FilterLogEvents, later metric and
 * subscription filters). (Contract; the implementation is being written.)
 *
 * The full syntax: terms and "quoted phrases" (all must match, case-sensitive), -term
 * exclusions, ?term alternatives, JSON patterns { $.a.b = "x" && $.n >= 500 } (wildcards,
 * IS NULL, NOT EXISTS, arrays, || and parentheses), and space-delimited patterns
 * [ip, user, ..., status = 5*]. A pattern is compiled once and matched against many messages.
 */
#ifndef DRILLSIM_FILTER_PATTERN_H
#define DRILLSIM_FILTER_PATTERN_H

#include <stddef.h>

struct fp_pattern;

/* Compiles text (an empty pattern matches everything). Returns 0 and *out, or -1 with *error
 * set (caller frees) in AWS's wording ("Invalid filter pattern", ...). */
int fp_compile(const char *text, struct fp_pattern **out, char **error);
/* Returns 1 if the message matches, 0 if not. */
int fp_match(const struct fp_pattern *p, const char *message, size_t len);
void fp_free(struct fp_pattern *p);

#endif
