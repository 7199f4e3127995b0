/*
 * metricmath.c - CloudWatch metric math: the value types' lifecycle. The module is split:
 *   metricmath_parse.c  lexer, parser, mm_refs, mm_calls (the grammar is in its header)
 *   metricmath_eval.c   evaluation and the function table (the semantics are in its header)
 *   metricmath_int.h    the tree and table types the two share
 * Tests: tests/unit/engine/metricmath.c and the case file metricmath_cases.txt beside it
 * (expression, inputs, expected result); fuzzing: tests/fuzz/fuzz_metricmath.c.
 */
#include "engine/metricmath.h"

#include <stdlib.h>

void mm_series_clear(struct mm_series *s)
{
    free(s->id);
    free(s->label);
    free(s->ts);
    free(s->v);
    s->id = s->label = NULL;
    s->ts = NULL;
    s->v = NULL;
    s->n = 0;
    s->period_s = 0;
}

void mm_value_clear(struct mm_value *v)
{
    for (int i = 0; i < v->nseries; i++)
        mm_series_clear(&v->series[i]);
    free(v->series);
    v->series = NULL;
    v->nseries = 0;
    v->kind = MM_SCALAR;
    v->scalar = 0;
    v->dropped = 0;
}
