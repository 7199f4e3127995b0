/*
 * metricmath_int.h - private to sim/engine/metricmath*.c: the parsed tree, the function
 * table's row type and the error texts shared by the parser and the evaluator.
 */
#ifndef DRILLSIM_METRICMATH_INT_H
#define DRILLSIM_METRICMATH_INT_H

#include <stddef.h>

#include "engine/metricmath.h"

/*
 * Error details (the text after "Error in expression '<Id>': "). "Invalid syntax" is the
 * text CloudWatch returns (captured in public issue reports: "ValidationError: Error in
 * expression 'queryA': Invalid syntax"); no capture of AWS's wording was found for the
 * others, which are drillsim's, written where they arise:
 *   Unknown function: FOO                      Unknown identifier: m3
 *   Unsupported function: LAMBDA (why)         Invalid number of arguments for IF
 *   Invalid argument for ABS: argument 1 must be TS or TS[], not S
 *   Invalid array: element 2 must be TS or TS[], not S
 *   Invalid operands for +: TS[] + TS[]
 *   The expression is nested more than 64 levels deep
 *   The expression is longer than 2048 characters
 *   The final result of a math expression must be ... (mm_eval_result)
 */
#define MM_ERR_SYNTAX "Invalid syntax"

/* Most arguments a call may have (CONCAT is the only variadic function). */
#define MM__MAX_ARGS 100

enum mm__node_kind {
    MMN_NUM,   /* num */
    MMN_ID,    /* text: a query id (m1, e1, errors) */
    MMN_STR,   /* text: a string literal ("4xx", 'Average') */
    MMN_WORD,  /* text: a keyword argument (REPEAT, LINEAR, AVG, ASC, ...) */
    MMN_ARRAY, /* kids: [a, b, ...] */
    MMN_CALL,  /* fn, kids: the arguments */
    MMN_NEG,   /* kids[0] */
    MMN_NOT,   /* kids[0] */
    MMN_BIN,   /* op, kids[0] op kids[1] */
};

enum mm__op {
    MMO_ADD,
    MMO_SUB,
    MMO_MUL,
    MMO_DIV,
    MMO_POW,
    MMO_EQ,
    MMO_NE,
    MMO_LT,
    MMO_LE,
    MMO_GT,
    MMO_GE,
    MMO_AND,
    MMO_OR,
};

struct mm__ctx;
struct mm__node;

/*
 * One row of the function table (metricmath_eval.c). args has one letter per argument
 * position, checked by the parser; past its end the last letter repeats (CONCAT):
 *   v  an expression          s  a string literal        i  a query id (PERIOD)
 *   f  an expression, REPEAT or LINEAR (FILL)
 *   k  AVG, MIN, MAX or SUM (SORT's function)            o  ASC or DESC
 * unsupported: the function exists in CloudWatch but drillsim does not implement it; the
 * parser fails with this text.
 */
struct mm__func {
    const char *name;
    const char *args;
    int min_args;
    int max_args;
    int (*eval)(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out);
    const char *unsupported;
};

struct mm__node {
    enum mm__node_kind kind;
    enum mm__op op;
    double num;
    char *text;
    const struct mm__func *fn;
    struct mm__node **kids;
    int nkids;
};

struct mm_expr {
    struct mm__node *root;
};

/* Returns the table row for the function name[0..len), or NULL. */
const struct mm__func *mm__func_find(const char *name, size_t len);
void mm__node_free(struct mm__node *n);

#endif
