/*
 * fixture.c - applying fixtures/<name>.json through the handlers (see fixture.h).
 */
#include "scenario/fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/team.h"
#include "engine/world.h"
#include "invoke.h"
#include "sim.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#ifndef DRILLSIM_SOURCE_DIR
#define DRILLSIM_SOURCE_DIR "."
#endif

/* Fixture and scenario files are small; anything bigger is a mistake. */
#define FIXTURE_FILE_MAX (1u << 20)

static char share_dir[1024] = DRILLSIM_SOURCE_DIR;

const char *fixture_share_dir(void)
{
    return share_dir;
}

void fixture_set_share_dir(const char *dir)
{
    snprintf(share_dir, sizeof share_dir, "%s", dir);
}

/* Names are file names without a path: letters, digits, '-', '_' and '.' not leading. */
static int name_ok(const char *name)
{
    if (name[0] == '\0' || name[0] == '.' || strlen(name) > 100)
        return 0;
    for (const char *p = name; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return 0;
    }
    return 1;
}

cJSON *fixture_read_json(const char *sub, const char *name, char *err, size_t errlen)
{
    if (!name_ok(name)) {
        snprintf(err, errlen, "bad %s name \"%s\"", sub, name);
        return NULL;
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/%s/%s.json", share_dir, sub, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct buf b;
    buf_init(&b, FIXTURE_FILE_MAX);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_append(&b, chunk, n) != 0)
            break;
    }
    int bad = ferror(f) || b.overflow;
    fclose(f);
    cJSON *doc = NULL;
    if (bad) {
        snprintf(err, errlen, "%s: unreadable or larger than %u bytes", path, FIXTURE_FILE_MAX);
    } else {
        buf_putc(&b, '\0');
        const char *end = NULL;
        doc = cJSON_ParseWithOpts(b.p, &end, 1);
        if (doc == NULL) {
            size_t off = end && end >= b.p ? (size_t)(end - b.p) : 0;
            snprintf(err, errlen, "%s: not valid JSON (near byte %zu)", path, off);
        }
    }
    buf_free(&b);
    return doc;
}

/* ---- substitution ------------------------------------------------------------------------- */

struct subst {
    const char *env, *account, *region;
    const cJSON *saved; /* {name: result} */
    const cJSON *dashboard;
    char lb[128];
    char *err;
    size_t errlen;
};

size_t fixture_var(const char *p, const char *env, const char *account, const char *region,
                   struct buf *out)
{
    const char *const keys[] = {"{env}", "{account}", "{region}"};
    const char *const vals[] = {env, account, region};
    for (int i = 0; i < 3; i++) {
        size_t k = strlen(keys[i]);
        if (strncmp(p, keys[i], k) == 0) {
            buf_puts(out, vals[i]);
            return k;
        }
    }
    return 0;
}

/* Follows a dotted path (object members, array indexes) from the saved results. */
static const cJSON *lookup(const cJSON *saved, const char *path)
{
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", path);
    const cJSON *cur = saved;
    char *save = NULL;
    for (char *part = strtok_r(tmp, ".", &save); part && cur; part = strtok_r(NULL, ".", &save)) {
        if (cJSON_IsArray(cur)) {
            char *end;
            long i = strtol(part, &end, 10);
            cur = *end ? NULL : cJSON_GetArrayItem(cur, (int)i);
        } else {
            cur = cJSON_GetObjectItemCaseSensitive(cur, part);
        }
    }
    return cur;
}

/* Expands the placeholders of s into out. Returns 0, or -1 with the reason in x->err. */
static int expand(const struct subst *x, const char *s, struct buf *out, const char *where)
{
    for (const char *p = s; *p;) {
        if (p[0] == '$' && p[1] == '{') {
            const char *close = strchr(p, '}');
            if (close == NULL || close - p - 2 >= 255) {
                snprintf(x->err, x->errlen, "%s: unterminated ${...}", where);
                return -1;
            }
            char path[256];
            memcpy(path, p + 2, (size_t)(close - p - 2));
            path[close - p - 2] = '\0';
            const cJSON *v = lookup(x->saved, path);
            if (cJSON_IsString(v)) {
                buf_puts(out, v->valuestring);
            } else if (cJSON_IsNumber(v)) {
                buf_printf(out, "%.17g", v->valuedouble);
            } else {
                snprintf(x->err, x->errlen, "%s: ${%s} names nothing an earlier step returned",
                         where, path);
                return -1;
            }
            p = close + 1;
            continue;
        }
        size_t k = fixture_var(p, x->env, x->account, x->region, out);
        if (k)
            p += k;
        else
            buf_putc(out, *p++);
    }
    return 0;
}

/* Returns a substituted copy of v (caller deletes), or NULL with the reason in x->err. */
static cJSON *substitute(const struct subst *x, const cJSON *v, const char *where)
{
    if (cJSON_IsString(v)) {
        if (strcmp(v->valuestring, "@lb") == 0)
            return cJSON_CreateString(x->lb);
        if (strcmp(v->valuestring, "@dashboard") == 0) {
            if (x->dashboard == NULL) {
                snprintf(x->err, x->errlen, "%s: @dashboard without a \"dashboard\" object",
                         where);
                return NULL;
            }
            cJSON *d = substitute(x, x->dashboard, "dashboard");
            if (d == NULL)
                return NULL;
            char *text = cJSON_PrintUnformatted(d);
            cJSON_Delete(d);
            cJSON *s = cJSON_CreateString(text);
            free(text);
            return s;
        }
        struct buf b;
        buf_init(&b, 1u << 20);
        if (expand(x, v->valuestring, &b, where) != 0) {
            buf_free(&b);
            return NULL;
        }
        buf_putc(&b, '\0');
        cJSON *s = cJSON_CreateString(b.p);
        buf_free(&b);
        return s;
    }
    if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        cJSON *copy = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
        const cJSON *c;
        int i = 0;
        cJSON_ArrayForEach(c, v)
        {
            char sub[512];
            if (cJSON_IsArray(v))
                snprintf(sub, sizeof sub, "%s[%d]", where, i);
            else
                snprintf(sub, sizeof sub, "%s.%s", where, c->string);
            i++;
            cJSON *e = substitute(x, c, sub);
            if (e == NULL) {
                cJSON_Delete(copy);
                return NULL;
            }
            if (cJSON_IsArray(v))
                cJSON_AddItemToArray(copy, e);
            else
                cJSON_AddItemToObject(copy, c->string, e);
        }
        return copy;
    }
    return cJSON_Duplicate(v, 1);
}

/* ---- applying ----------------------------------------------------------------------------- */

static int run_steps(struct sim *sim, struct team *team, const cJSON *doc, struct subst *x,
                     cJSON *saved)
{
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(doc, "steps");
    if (!cJSON_IsArray(steps)) {
        snprintf(x->err, x->errlen, "steps: must be an array");
        return -1;
    }
    int i = 0;
    const cJSON *step;
    cJSON_ArrayForEach(step, steps)
    {
        char where[64];
        snprintf(where, sizeof where, "steps[%d]", i++);
        const cJSON *svc = cJSON_GetObjectItemCaseSensitive(step, "service");
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(step, "op");
        const cJSON *in = cJSON_GetObjectItemCaseSensitive(step, "in");
        const cJSON *as = cJSON_GetObjectItemCaseSensitive(step, "as");
        if (!cJSON_IsString(svc) || !cJSON_IsString(op) || (in && !cJSON_IsObject(in)) ||
            (as && !cJSON_IsString(as))) {
            snprintf(x->err, x->errlen,
                     "%s: needs \"service\" and \"op\" strings, an optional \"in\" object and "
                     "an optional \"as\" string",
                     where);
            return -1;
        }
        char in_where[80];
        snprintf(in_where, sizeof in_where, "%s.in", where);
        cJSON *input = in ? substitute(x, in, in_where) : cJSON_CreateObject();
        if (input == NULL)
            return -1;
        cJSON *out = NULL;
        struct invoke_error e;
        int rc = invoke(sim, team, x->region, svc->valuestring, op->valuestring, input, &out, &e);
        cJSON_Delete(input);
        if (rc != 0) {
            snprintf(x->err, x->errlen, "%s (%s:%s): %s: %s", where, svc->valuestring,
                     op->valuestring, e.code, e.message);
            return -1;
        }
        if (as)
            cJSON_AddItemToObject(saved, as->valuestring, out);
        else
            cJSON_Delete(out);
    }
    return 0;
}

int fixture_apply(struct sim *sim, struct team *team, const char *name, const char *env,
                  const char *region, char *err, size_t errlen)
{
    cJSON *doc = fixture_read_json("fixtures", name, err, errlen);
    if (doc == NULL)
        return -1;
    cJSON *saved = cJSON_CreateObject();
    struct subst x = {
        .env = env,
        .account = team->account,
        .region = region,
        .saved = saved,
        .dashboard = cJSON_GetObjectItemCaseSensitive(doc, "dashboard"),
        .err = err,
        .errlen = errlen,
    };
    char tg[128];
    world_elb_names(env, x.lb, sizeof x.lb, tg, sizeof tg);
    struct store *st = sim->store;
    int own = !store_in_transaction(st);
    int rc = -1;
    if (own && store_begin(st) != 0) {
        snprintf(err, errlen, "the store could not start a transaction");
        goto out;
    }
    rc = run_steps(sim, team, doc, &x, saved);
    if (own) {
        if (rc == 0 && (team_save(sim, team) != 0 || store_commit(st) != 0)) {
            snprintf(err, errlen, "the store could not commit the fixture");
            rc = -1;
        }
        if (rc != 0)
            store_rollback(st);
    }
out:
    cJSON_Delete(saved);
    cJSON_Delete(doc);
    return rc;
}
