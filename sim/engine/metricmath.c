/* metricmath.c - CloudWatch metric math (skeleton; being written). */
#include "engine/metricmath.h"

#include <stdlib.h>

#include "util/xmalloc.h"

int mm_parse(const char *text, struct mm_expr **out, char **error)
{
    (void)text;
    (void)out;
    *error = xstrdup("metric math is not implemented yet");
    return -1;
}

void mm_free(struct mm_expr *e)
{
    (void)e;
}

int mm_refs(const struct mm_expr *e, char ***ids)
{
    (void)e;
    *ids = NULL;
    return 0;
}

int mm_eval(const struct mm_expr *e, const struct mm_env *env, struct mm_value *out,
            char **error)
{
    (void)e;
    (void)env;
    (void)out;
    *error = xstrdup("metric math is not implemented yet");
    return -1;
}

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
}
