/*
 * model.c - look-ups in the generated model tables (see model.h).
 */
#include "services/model.h"

#include <string.h>

const struct model_service *model_service_by_name(const char *name)
{
    for (int i = 0; model_services[i]; i++) {
        if (strcmp(model_services[i]->name, name) == 0)
            return model_services[i];
    }
    return NULL;
}

const struct model_op *model_op_by_name(const struct model_service *svc, const char *name)
{
    int lo = 0, hi = (int)svc->nops - 1; /* the generator sorts ops by name */
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int cmp = strcmp(svc->ops[mid].name, name);
        if (cmp == 0)
            return &svc->ops[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

const struct model_member *model_member(const struct model_shape *sh, const char *name)
{
    if (sh == NULL || sh->kind != MK_STRUCT)
        return NULL;
    for (int i = 0; i < sh->nmembers; i++) {
        if (strcmp(sh->members[i].name, name) == 0)
            return &sh->members[i];
    }
    return NULL;
}

const struct model_member *model_member_by_loc(const struct model_shape *sh, const char *name)
{
    if (sh == NULL || sh->kind != MK_STRUCT)
        return NULL;
    for (int i = 0; i < sh->nmembers; i++) {
        const struct model_member *m = &sh->members[i];
        if (strcmp(m->loc_name ? m->loc_name : m->name, name) == 0)
            return m;
    }
    return NULL;
}

const struct model_shape *model_error(const struct model_service *svc, const char *code)
{
    /* A shape name wins over a query code: CloudWatch's DashboardNotFoundError has the query
     * code ResourceNotFound, which is also the name of another shape. */
    const struct model_shape *by_code = NULL;
    for (int i = 0; i < svc->nshapes; i++) {
        const struct model_shape *sh = &svc->shapes[i];
        if (!(sh->flags & SF_EXCEPTION))
            continue;
        if (strcmp(sh->name, code) == 0)
            return sh;
        if (by_code == NULL && sh->error_code && strcmp(sh->error_code, code) == 0)
            by_code = sh;
    }
    return by_code;
}
