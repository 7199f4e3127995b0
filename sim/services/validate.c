/*
 * validate.c - input validation that follows the model: required members, enums, lengths,
 * ranges and patterns, reported in the words of the service.
 *
 * Two wordings exist among the services drillsim answers:
 *   VS_CORAL (SSM, Logs, ...): one ValidationException listing every violation,
 *     "2 validation errors detected: Value null at 'name' failed to satisfy constraint:
 *      Member must not be null; Value 'x' at 'type' failed to satisfy constraint: ...".
 *     Paths are lowerCamel member names, list items "names.1.member". Sensitive values are
 *     not echoed ("Value at 'value' failed ..."). VS_CORAL_IPE (ECS) is the same text with
 *     the code InvalidParameterException, which is how ECS answers bad input.
 *   VS_QUERY (CloudWatch, and later RDS/SNS): the first violation only, in query names,
 *     "MissingParameter: The parameter Namespace is required." or "InvalidParameterValue:
 *      The parameter Statistics.member.1 must be a value in the set [ Minimum, ... ]."
 * Patterns are Java regular expressions with full-match semantics; they are translated to
 * PCRE2 (\uXXXX -> \x{XXXX}) and compiled once per shape.
 */
#include "services/validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "services/service.h"
#include "sim.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define MAX_VIOLATIONS 10

struct violation {
    char *coral_path;
    char *query_path;
    char *value;      /* rendered value for coral ("'x'", "null"), NULL = sensitive */
    char *constraint; /* coral: "Member must not be null" */
    int kind;         /* for the query wording */
    const struct model_shape *sh;
};

enum { V_NULL, V_ENUM, V_MINLEN, V_MAXLEN, V_MIN, V_MAX, V_PATTERN, V_MINSIZE, V_MAXSIZE };

struct vctx {
    const struct model_service *svc;
    int map_member; /* VS_CORAL_QUERY: a map value's path is "map.KEY.member" (SNS) */
    struct violation v[MAX_VIOLATIONS];
    int n;
    int total;
};

/*
 * Enum orders as AWS prints them, where they differ from the model's order (the service
 * prints its own set). Source: AWS responses quoted in public issue trackers.
 */
static const struct {
    const char *service, *shape, *text;
} enum_orders[] = {
    {"ssm", "ParameterType", "[SecureString, StringList, String]"},
    /* query wording (report_query): the set as CloudWatch prints it, spaces included */
    {"cloudwatch", "Statistic", "[ Minimum, Maximum, Average, SampleCount, Sum ]"},
};

/*
 * Where the walk is, as a chain of frames on the C stack; the path strings of both wordings
 * are only built when a violation is found, so valid input costs no string work.
 */
enum pf_kind { PF_MEMBER, PF_ITEM, PF_KEY };

struct pframe {
    const struct pframe *up;
    enum pf_kind kind;
    const struct model_member *m;    /* PF_MEMBER */
    const struct model_shape *list;  /* PF_ITEM: the list shape */
    int index;                       /* PF_ITEM: 1-based */
    const char *key;                 /* PF_KEY: the map key */
    int value;                       /* PF_KEY: the frame of the map's value (not its key) */
};

/* Appends the coral path of f ("parameterFilters.1.member.key"). */
static void coral_path(struct buf *b, const struct pframe *f, int map_member)
{
    if (f == NULL)
        return;
    coral_path(b, f->up, map_member);
    if (f->up)
        buf_putc(b, '.');
    switch (f->kind) {
    case PF_MEMBER: {
        const char *n = f->m->name;
        buf_putc(b, (char)(n[0] >= 'A' && n[0] <= 'Z' ? n[0] - 'A' + 'a' : n[0]));
        buf_puts(b, n + 1);
        break;
    }
    case PF_ITEM:
        buf_printf(b, "%d.member", f->index);
        break;
    case PF_KEY:
        buf_puts(b, f->key);
        if (f->value && map_member)
            buf_puts(b, ".member");
        break;
    }
}

/* Appends the query path of f ("ParameterFilters.member.1.Key"). */
static void query_path(struct buf *b, const struct pframe *f)
{
    if (f == NULL)
        return;
    query_path(b, f->up);
    if (f->up)
        buf_putc(b, '.');
    switch (f->kind) {
    case PF_MEMBER:
        buf_puts(b, f->m->loc_name ? f->m->loc_name : f->m->name);
        break;
    case PF_ITEM:
        if (f->list->flags & SF_FLATTENED)
            buf_printf(b, "%d", f->index);
        else
            buf_printf(b, "%s.%d",
                       f->list->members[0].loc_name ? f->list->members[0].loc_name : "member",
                       f->index);
        break;
    case PF_KEY:
        buf_puts(b, f->key);
        break;
    }
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static char *render_value(const cJSON *v, const struct model_shape *sh)
{
    if (sh->flags & SF_SENSITIVE)
        return NULL;
    if (v == NULL || cJSON_IsNull(v))
        return xstrdup("null");
    if (cJSON_IsString(v))
        return xasprintf("'%s'", v->valuestring);
    char *printed = cJSON_PrintUnformatted(v);
    char *out = xasprintf("'%s'", printed ? printed : "");
    cJSON_free(printed);
    return out;
}

static void add(struct vctx *vc, const struct pframe *at, const cJSON *v,
                const struct model_shape *sh, int kind, char *constraint)
{
    vc->total++;
    if (vc->n == MAX_VIOLATIONS) {
        free(constraint);
        return;
    }
    struct violation *x = &vc->v[vc->n++];
    struct buf b;
    buf_init(&b, 1 << 16);
    coral_path(&b, at, vc->map_member);
    x->coral_path = buf_steal(&b, NULL);
    buf_init(&b, 1 << 16);
    query_path(&b, at);
    x->query_path = buf_steal(&b, NULL);
    x->value = render_value(v, sh);
    x->constraint = constraint;
    x->kind = kind;
    x->sh = sh;
}

static char *enum_text(const struct model_service *svc, const struct model_shape *sh)
{
    for (size_t i = 0; i < sizeof enum_orders / sizeof enum_orders[0]; i++) {
        if (strcmp(enum_orders[i].service, svc->name) == 0 &&
            strcmp(enum_orders[i].shape, sh->name) == 0)
            return xstrdup(enum_orders[i].text);
    }
    struct buf b;
    buf_init(&b, 1 << 16);
    buf_putc(&b, '[');
    for (int i = 0; sh->enums[i]; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", sh->enums[i]);
    buf_putc(&b, ']');
    return buf_steal(&b, NULL);
}

/* Compiled patterns, by shape address. */
static struct pattern_cache {
    const struct model_shape *sh;
    pcre2_code *re; /* NULL when the pattern could not be translated */
    pcre2_match_data *md;
} pcache[256];
static int npcache;

static pcre2_code *compile_java(const char *pattern)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    for (const char *p = pattern; *p; p++) {
        if (p[0] == '\\' && p[1] == 'u' && p[2] && p[3] && p[4] && p[5]) {
            buf_printf(&b, "\\x{%.4s}", p + 2);
            p += 5;
        } else if (p[0] == '\\' && p[1]) {
            buf_append(&b, p, 2);
            p++;
        } else {
            buf_putc(&b, *p);
        }
    }
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)b.p, b.len,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED |
                                       PCRE2_MATCH_INVALID_UTF,
                                   &err, &off, NULL);
    buf_free(&b);
    return re;
}

/* Returns 1 if s matches the shape's pattern (or the pattern is unusable), 0 if not. */
static int pattern_ok(const struct model_shape *sh, const char *s)
{
    struct pattern_cache *pc = NULL;
    for (int i = 0; i < npcache; i++) {
        if (pcache[i].sh == sh) {
            pc = &pcache[i];
            break;
        }
    }
    if (pc == NULL) {
        if (npcache == (int)(sizeof pcache / sizeof pcache[0]))
            return 1;
        pc = &pcache[npcache++];
        pc->sh = sh;
        pc->re = compile_java(sh->pattern);
        pc->md = pc->re ? pcre2_match_data_create_from_pattern(pc->re, NULL) : NULL;
    }
    if (pc->re == NULL)
        return 1;
    int rc = pcre2_match(pc->re, (PCRE2_SPTR)s, strlen(s), 0, 0, pc->md, NULL);
    return rc >= 0;
}

static void walk(struct vctx *vc, const struct model_shape *sh, const cJSON *v,
                 const struct pframe *at);

static void walk_struct(struct vctx *vc, const struct model_shape *sh, const cJSON *obj,
                        const struct pframe *at)
{
    for (int i = 0; i < sh->nmembers; i++) {
        const struct model_member *m = &sh->members[i];
        const struct model_shape *msh = &vc->svc->shapes[m->shape];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, m->name);
        struct pframe f = {.up = at, .kind = PF_MEMBER, .m = m};
        if (v == NULL || cJSON_IsNull(v)) {
            if (m->flags & MF_REQUIRED)
                add(vc, &f, NULL, msh, V_NULL, xstrdup("Member must not be null"));
        } else {
            walk(vc, msh, v, &f);
        }
    }
}

static void check_length(struct vctx *vc, const struct model_shape *sh, const cJSON *v,
                         double len, const struct pframe *at, int collection)
{
    if ((sh->flags & SF_HAS_MIN) && len < sh->min)
        add(vc, at, v, sh, collection ? V_MINSIZE : V_MINLEN,
            xasprintf("Member must have length greater than or equal to %.0f", sh->min));
    if ((sh->flags & SF_HAS_MAX) && len > sh->max)
        add(vc, at, v, sh, collection ? V_MAXSIZE : V_MAXLEN,
            xasprintf("Member must have length less than or equal to %.0f", sh->max));
}

static void walk(struct vctx *vc, const struct model_shape *sh, const cJSON *v,
                 const struct pframe *at)
{
    switch (sh->kind) {
    case MK_STRUCT:
        if (cJSON_IsObject(v))
            walk_struct(vc, sh, v, at);
        break;
    case MK_LIST: {
        if (!cJSON_IsArray(v))
            break;
        check_length(vc, sh, v, cJSON_GetArraySize(v), at, 1);
        const struct model_shape *msh = &vc->svc->shapes[sh->members[0].shape];
        int i = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, v)
        {
            struct pframe f = {.up = at, .kind = PF_ITEM, .list = sh, .index = ++i};
            if (cJSON_IsNull(item))
                add(vc, &f, NULL, msh, V_NULL, xstrdup("Member must not be null"));
            else
                walk(vc, msh, item, &f);
        }
        break;
    }
    case MK_MAP: {
        if (!cJSON_IsObject(v))
            break;
        check_length(vc, sh, v, cJSON_GetArraySize(v), at, 1);
        const struct model_shape *ksh = &vc->svc->shapes[sh->members[0].shape];
        const struct model_shape *vsh = &vc->svc->shapes[sh->members[1].shape];
        const cJSON *item;
        cJSON_ArrayForEach(item, v)
        {
            struct pframe kf = {.up = at, .kind = PF_KEY, .key = item->string};
            if (ksh->enums || ksh->pattern || (ksh->flags & (SF_HAS_MIN | SF_HAS_MAX))) {
                cJSON *key = cJSON_CreateString(item->string);
                walk(vc, ksh, key, &kf);
                cJSON_Delete(key);
            }
            struct pframe vf = kf;
            vf.value = 1;
            walk(vc, vsh, item, &vf);
        }
        break;
    }
    case MK_STRING:
        if (!cJSON_IsString(v))
            break;
        if (sh->enums) {
            int found = 0;
            for (int i = 0; sh->enums[i] && !found; i++)
                found = strcmp(sh->enums[i], v->valuestring) == 0;
            if (!found) {
                char *set = enum_text(vc->svc, sh);
                add(vc, at, v, sh, V_ENUM, xasprintf("Member must satisfy enum value set: %s", set));
                free(set);
                break;
            }
        }
        if (sh->flags & (SF_HAS_MIN | SF_HAS_MAX))
            check_length(vc, sh, v, (double)utf8_chars(v->valuestring), at, 0);
        if (sh->pattern && !pattern_ok(sh, v->valuestring))
            add(vc, at, v, sh, V_PATTERN,
                xasprintf("Member must satisfy regular expression pattern: %s", sh->pattern));
        break;
    case MK_BLOB:
        if (cJSON_IsString(v))
            check_length(vc, sh, v, (double)strlen(v->valuestring) * 3 / 4, at, 0);
        break;
    case MK_INTEGER:
    case MK_LONG:
    case MK_FLOAT:
    case MK_DOUBLE:
        if (!cJSON_IsNumber(v))
            break;
        if ((sh->flags & SF_HAS_MIN) && v->valuedouble < sh->min)
            add(vc, at, v, sh, V_MIN,
                xasprintf("Member must have value greater than or equal to %.15g", sh->min));
        if ((sh->flags & SF_HAS_MAX) && v->valuedouble > sh->max)
            add(vc, at, v, sh, V_MAX,
                xasprintf("Member must have value less than or equal to %.15g", sh->max));
        break;
    default:
        break;
    }
}

static void free_violations(struct vctx *vc)
{
    for (int i = 0; i < vc->n; i++) {
        free(vc->v[i].coral_path);
        free(vc->v[i].query_path);
        free(vc->v[i].value);
        free(vc->v[i].constraint);
    }
    vc->n = 0;
}

static int report_coral(struct call *c, struct vctx *vc)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_printf(&b, "%d validation error%s detected: ", vc->total, vc->total == 1 ? "" : "s");
    for (int i = 0; i < vc->n; i++) {
        struct violation *x = &vc->v[i];
        if (i)
            buf_puts(&b, "; ");
        if (x->value)
            buf_printf(&b, "Value %s at '%s' failed to satisfy constraint: %s", x->value,
                       x->coral_path, x->constraint);
        else
            buf_printf(&b, "Value at '%s' failed to satisfy constraint: %s", x->coral_path,
                       x->constraint);
    }
    const char *code = c->svc->vstyle == VS_CORAL_IPE     ? "InvalidParameterException"
                       : c->svc->vstyle == VS_CORAL_QUERY ? "ValidationError"
                                                          : "ValidationException";
    int rc = call_error(c, code, "%s", b.p);
    buf_free(&b);
    return rc;
}

static int report_query(struct call *c, struct vctx *vc)
{
    struct violation *x = &vc->v[0];
    const struct model_shape *sh = x->sh;
    const char *p = x->query_path;
    switch (x->kind) {
    case V_NULL:
        return call_error(c, "MissingParameter", "The parameter %s is required.", p);
    case V_ENUM: {
        for (size_t i = 0; i < sizeof enum_orders / sizeof enum_orders[0]; i++) {
            if (strcmp(enum_orders[i].service, c->svc->model->name) == 0 &&
                strcmp(enum_orders[i].shape, sh->name) == 0)
                return call_error(c, "InvalidParameterValue",
                                  "The parameter %s must be a value in the set %s.", p,
                                  enum_orders[i].text);
        }
        struct buf b;
        buf_init(&b, 1 << 16);
        for (int i = 0; sh->enums[i]; i++)
            buf_printf(&b, "%s%s", i ? ", " : "", sh->enums[i]);
        int rc = call_error(c, "InvalidParameterValue",
                            "The parameter %s must be a value in the set [ %s ].", p, b.p);
        buf_free(&b);
        return rc;
    }
    case V_MAXLEN:
        return call_error(c, "InvalidParameterValue",
                          "The parameter %s must be shorter than %.0f characters.", p,
                          sh->max + 1);
    case V_MINLEN:
        return call_error(c, "InvalidParameterValue",
                          "The parameter %s must be longer than %.0f character%s.", p,
                          sh->min - 1, sh->min - 1 == 1 ? "" : "s");
    case V_MAXSIZE:
        return call_error(c, "InvalidParameterValue",
                          "The collection %s must not have a size greater than %.0f.", p,
                          sh->max);
    case V_MINSIZE:
        return call_error(c, "InvalidParameterValue",
                          "The collection %s must not have a size less than %.0f.", p, sh->min);
    case V_MIN:
        return call_error(c, "InvalidParameterValue",
                          "The parameter %s must be greater than or equal to %.15g.", p,
                          sh->min);
    case V_MAX:
        return call_error(c, "InvalidParameterValue",
                          "The parameter %s must be less than or equal to %.15g.", p, sh->max);
    default:
        return call_error(c, "InvalidParameterValue",
                          "The parameter %s must match the pattern %s.", p,
                          sh->pattern ? sh->pattern : "");
    }
}

int validate_input(struct call *c)
{
    const struct model_shape *sh = model_shape(c->svc->model, c->mop->input);
    if (sh == NULL)
        return SIM_OK;
    struct vctx vc = {.svc = c->svc->model, .map_member = c->svc->vstyle == VS_CORAL_QUERY};
    walk_struct(&vc, sh, c->in, NULL);
    if (vc.total == 0)
        return SIM_OK;
    int rc = c->svc->vstyle == VS_QUERY ? report_query(c, &vc) : report_coral(c, &vc);
    free_violations(&vc);
    return rc;
}
