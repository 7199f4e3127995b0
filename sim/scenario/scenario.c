/*
 * scenario.c - loading, validating and running scenarios (see scenario.h).
 *
 * A started scenario lives in the scenario_state table: one row per team with the document
 * as started (its timeline with absolute instants and what each action did) and next_ms, the
 * instant of the next action to run (NULL when none), so the tick step is one indexed probe
 * while nothing is due.
 *
 * To add a timeline action: a row in the actions table below (its required members and their
 * kinds, checked by the validator) and a case in run_action().
 */
#include "scenario/scenario.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "control/chaos.h"
#include "engine/engine.h"
#include "engine/golden.h"
#include "engine/team.h"
#include "engine/world.h"
#include "invoke.h"
#include "scenario/fixture.h"
#include "scenario/setup.h"
#include "sim.h"
#include "store/chaos.h"
#include "store/rds.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define TIMELINE_MAX 200
#define OBJECTIVES_MAX 50

int scenario_duration(const char *s, int64_t *ms)
{
    const char *p = s;
    int sign = 1;
    if (*p == '-' || *p == '+') {
        sign = *p == '-' ? -1 : 1;
        p++;
    }
    if (*p == '\0')
        return -1;
    int64_t total = 0;
    for (int parts = 0; *p; parts++) {
        if (parts >= 4 || *p < '0' || *p > '9')
            return -1;
        int64_t n = 0;
        for (int digits = 0; *p >= '0' && *p <= '9'; p++, digits++) {
            if (digits >= 7)
                return -1;
            n = n * 10 + (*p - '0');
        }
        int64_t unit;
        switch (*p++) {
        case 's':
            unit = 1000;
            break;
        case 'm':
            unit = 60000;
            break;
        case 'h':
            unit = 3600000;
            break;
        case 'd':
            unit = 86400000;
            break;
        default:
            return -1;
        }
        total += n * unit;
    }
    if (total > 30LL * 86400000)
        return -1;
    *ms = sign * total;
    return 0;
}

/* ---- validation ------------------------------------------------------------------------- */

enum kind { K_STRING, K_NUMBER, K_DURATION, K_OBJECT, K_BOOL };

struct member_rule {
    const char *name;
    enum kind kind;
    int required;
};

static const struct action {
    const char *name;
    struct member_rule members[4];
} actions[] = {
    {"set_failure_mode", {{"value", K_STRING, 1}}},
    {"traffic_surge", {{"factor", K_NUMBER, 1}, {"for", K_DURATION, 1}}},
    {"slow_queries", {{"factor", K_NUMBER, 1}, {"for", K_DURATION, 1}}},
    {"failover", {{NULL, 0, 0}}},
    {"reboot_writer", {{NULL, 0, 0}}},
    {"set_db_parameter", {{"name", K_STRING, 1}, {"value", K_STRING, 1}}},
    {"scale", {{"desired", K_NUMBER, 1}}},
    {"deploy", {{"environment", K_OBJECT, 1}}},
    {"api", {{"service", K_STRING, 1}, {"op", K_STRING, 1}, {"in", K_OBJECT, 0}}},
    {"chaos", {{"rule", K_OBJECT, 1}}},
    {NULL, {{NULL, 0, 0}}},
};

static const char *kind_name(enum kind k)
{
    static const char *const names[] = {"a string", "a number", "a duration such as \"90s\"",
                                        "an object", "true or false"};
    return names[k];
}

static int check_kind(const cJSON *v, enum kind k)
{
    int64_t ms;
    switch (k) {
    case K_STRING:
        return cJSON_IsString(v);
    case K_NUMBER:
        return cJSON_IsNumber(v);
    case K_DURATION:
        return cJSON_IsString(v) && scenario_duration(v->valuestring, &ms) == 0;
    case K_OBJECT:
        return cJSON_IsObject(v);
    case K_BOOL:
        return cJSON_IsBool(v);
    }
    return 0;
}

/* Checks the members of obj against rules; members not in rules nor in extra are refused. */
static int check_members(const cJSON *obj, const char *path, const struct member_rule *rules,
                         const char *const *extra, char *err, size_t errlen)
{
    for (const struct member_rule *r = rules; r->name; r++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, r->name);
        if (v == NULL) {
            if (r->required) {
                snprintf(err, errlen, "%s: \"%s\" is required (%s)", path, r->name,
                         kind_name(r->kind));
                return -1;
            }
            continue;
        }
        if (!check_kind(v, r->kind)) {
            snprintf(err, errlen, "%s.%s: must be %s", path, r->name, kind_name(r->kind));
            return -1;
        }
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
    {
        int known = 0;
        for (const struct member_rule *r = rules; r->name && !known; r++)
            known = strcmp(r->name, m->string) == 0;
        for (const char *const *e = extra; e && *e && !known; e++)
            known = strcmp(*e, m->string) == 0;
        if (!known) {
            snprintf(err, errlen, "%s: unknown member \"%s\"", path, m->string);
            return -1;
        }
    }
    return 0;
}

static int validate_timeline(const cJSON *timeline, char *err, size_t errlen)
{
    if (!cJSON_IsArray(timeline)) {
        snprintf(err, errlen, "$.timeline: must be an array");
        return -1;
    }
    if (cJSON_GetArraySize(timeline) > TIMELINE_MAX) {
        snprintf(err, errlen, "$.timeline: at most %d actions", TIMELINE_MAX);
        return -1;
    }
    int i = 0;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, timeline)
    {
        char path[64];
        snprintf(path, sizeof path, "$.timeline[%d]", i++);
        if (!cJSON_IsObject(ev)) {
            snprintf(err, errlen, "%s: must be an object {\"at\", \"do\", ...}", path);
            return -1;
        }
        const cJSON *at = cJSON_GetObjectItemCaseSensitive(ev, "at");
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "do");
        int64_t ms;
        if (!cJSON_IsString(at) || scenario_duration(at->valuestring, &ms) != 0) {
            snprintf(err, errlen,
                     "%s.at: must be an offset from the start such as \"-40m\", \"+5m\" or "
                     "\"90s\"",
                     path);
            return -1;
        }
        if (!cJSON_IsString(d)) {
            snprintf(err, errlen, "%s.do: must be the name of an action", path);
            return -1;
        }
        const struct action *a = actions;
        while (a->name && strcmp(a->name, d->valuestring) != 0)
            a++;
        if (a->name == NULL) {
            struct buf names;
            buf_init(&names, 1024);
            for (const struct action *x = actions; x->name; x++)
                buf_printf(&names, "%s%s", x == actions ? "" : ", ", x->name);
            buf_putc(&names, '\0');
            snprintf(err, errlen, "%s.do: unknown action \"%s\" (known: %s)", path,
                     d->valuestring, names.p);
            buf_free(&names);
            return -1;
        }
        static const char *const common[] = {"at", "do", "note", NULL};
        if (check_members(ev, path, a->members, common, err, errlen) != 0)
            return -1;
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(ev, "factor");
        if (f && (f->valuedouble <= 0 || f->valuedouble > 100)) {
            snprintf(err, errlen, "%s.factor: must be above 0 and at most 100", path);
            return -1;
        }
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(ev, "desired");
        if (n && (n->valuedouble < 0 || n->valuedouble > 64)) {
            snprintf(err, errlen, "%s.desired: must be from 0 to 64", path);
            return -1;
        }
        struct chaos_rule cr;
        char why[256];
        const cJSON *rule = cJSON_GetObjectItemCaseSensitive(ev, "rule");
        if (rule && chaos_rule_parse(rule, &cr, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s.rule: %s", path, why);
            return -1;
        }
    }
    return 0;
}

static int validate_objectives(const cJSON *objectives, char *err, size_t errlen)
{
    if (!cJSON_IsArray(objectives) || cJSON_GetArraySize(objectives) > OBJECTIVES_MAX) {
        snprintf(err, errlen, "$.objectives: must be an array of at most %d objectives",
                 OBJECTIVES_MAX);
        return -1;
    }
    static const struct member_rule metric[] = {
        {"name", K_STRING, 1}, {"metric", K_STRING, 1}, {"stat", K_STRING, 0},
        {"for", K_DURATION, 0}, {NULL, 0, 0}};
    static const char *const metric_extra[] = {"below", "above", "below_pct_of_max", "rate_of",
                                               NULL};
    static const struct member_rule ssm[] = {
        {"name", K_STRING, 1}, {"ssm", K_STRING, 1}, {"equals", K_STRING, 1}, {NULL, 0, 0}};
    static const struct member_rule alarm[] = {
        {"name", K_STRING, 1}, {"alarm", K_STRING, 1}, {"state", K_STRING, 1}, {NULL, 0, 0}};
    int i = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, objectives)
    {
        char path[64];
        snprintf(path, sizeof path, "$.objectives[%d]", i++);
        if (!cJSON_IsObject(o)) {
            snprintf(err, errlen, "%s: must be an object", path);
            return -1;
        }
        if (cJSON_GetObjectItemCaseSensitive(o, "metric")) {
            if (check_members(o, path, metric, metric_extra, err, errlen) != 0)
                return -1;
            const char *m = cJSON_GetObjectItemCaseSensitive(o, "metric")->valuestring;
            if (strchr(m, ' ') == NULL) {
                snprintf(err, errlen, "%s.metric: must be \"NAMESPACE MetricName\"", path);
                return -1;
            }
            int bounds = 0;
            static const char *const b[] = {"below", "above", "below_pct_of_max"};
            for (int k = 0; k < 3; k++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, b[k]);
                if (v && !cJSON_IsNumber(v)) {
                    snprintf(err, errlen, "%s.%s: must be a number", path, b[k]);
                    return -1;
                }
                bounds += v != NULL;
            }
            if (bounds != 1) {
                snprintf(err, errlen,
                         "%s: needs exactly one of \"below\", \"above\", \"below_pct_of_max\"",
                         path);
                return -1;
            }
            const cJSON *stat = cJSON_GetObjectItemCaseSensitive(o, "stat");
            static const char *const stats[] = {"Maximum", "Minimum", "Average", "Sum",
                                                "SampleCount", NULL};
            int ok = stat == NULL;
            for (int k = 0; stats[k] && !ok; k++)
                ok = strcmp(stats[k], stat->valuestring) == 0;
            if (!ok) {
                snprintf(err, errlen,
                         "%s.stat: must be Maximum, Minimum, Average, Sum or SampleCount", path);
                return -1;
            }
            const cJSON *rate = cJSON_GetObjectItemCaseSensitive(o, "rate_of");
            if (rate && !cJSON_IsString(rate)) {
                snprintf(err, errlen, "%s.rate_of: must be a metric name", path);
                return -1;
            }
        } else if (cJSON_GetObjectItemCaseSensitive(o, "ssm")) {
            if (check_members(o, path, ssm, NULL, err, errlen) != 0)
                return -1;
        } else if (cJSON_GetObjectItemCaseSensitive(o, "alarm")) {
            if (check_members(o, path, alarm, NULL, err, errlen) != 0)
                return -1;
            const char *st = cJSON_GetObjectItemCaseSensitive(o, "state")->valuestring;
            if (strcmp(st, "OK") && strcmp(st, "ALARM") && strcmp(st, "INSUFFICIENT_DATA")) {
                snprintf(err, errlen, "%s.state: must be OK, ALARM or INSUFFICIENT_DATA", path);
                return -1;
            }
        } else {
            snprintf(err, errlen, "%s: needs \"metric\", \"ssm\" or \"alarm\"", path);
            return -1;
        }
    }
    return 0;
}

/* One check of root_cause (the report's, sim/control/report.c): {"fix": KIND, ...}. */
static int validate_fix(const cJSON *f, const char *path, char *err, size_t errlen)
{
    static const char *const kinds[] = {"failure_mode_reset", "desired_count_reduced",
                                        "db_proxy", "max_connections_raised",
                                        "pooling_deployed", "no_drastic_action", NULL};
    static const struct member_rule rules[] = {{"fix", K_STRING, 1}, {"at_most", K_NUMBER, 0},
                                               {NULL, 0, 0}};
    if (!cJSON_IsObject(f)) {
        snprintf(err, errlen, "%s: must be an object {\"fix\": ...} or {\"any_of\": [...]}",
                 path);
        return -1;
    }
    if (check_members(f, path, rules, NULL, err, errlen) != 0)
        return -1;
    const char *k = cJSON_GetObjectItemCaseSensitive(f, "fix")->valuestring;
    int i = 0;
    while (kinds[i] && strcmp(kinds[i], k) != 0)
        i++;
    if (kinds[i] == NULL) {
        snprintf(err, errlen, "%s.fix: unknown check \"%s\" (known: failure_mode_reset, "
                 "desired_count_reduced, db_proxy, max_connections_raised, pooling_deployed, "
                 "no_drastic_action)", path, k);
        return -1;
    }
    return 0;
}

/* root_cause: the checks that say the root cause was fixed, all of them; an entry
 * {"any_of": [check, ...]} holds when one of its checks does. */
static int validate_root_cause(const cJSON *rc, char *err, size_t errlen)
{
    if (!cJSON_IsArray(rc) || cJSON_GetArraySize(rc) > 8) {
        snprintf(err, errlen, "$.root_cause: must be an array of at most 8 checks");
        return -1;
    }
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, rc)
    {
        char path[64];
        snprintf(path, sizeof path, "$.root_cause[%d]", i++);
        const cJSON *any = cJSON_GetObjectItemCaseSensitive(e, "any_of");
        if (any == NULL) {
            if (validate_fix(e, path, err, errlen) != 0)
                return -1;
            continue;
        }
        if (!cJSON_IsArray(any) || cJSON_GetArraySize(any) < 1 ||
            cJSON_GetArraySize(any) > 8 || cJSON_GetArraySize(e) != 1) {
            snprintf(err, errlen, "%s: {\"any_of\": [...]} holds 1 to 8 checks and nothing "
                     "else", path);
            return -1;
        }
        int j = 0;
        const cJSON *f;
        cJSON_ArrayForEach(f, any)
        {
            char sub[96];
            snprintf(sub, sizeof sub, "%s.any_of[%d]", path, j++);
            if (validate_fix(f, sub, err, errlen) != 0)
                return -1;
        }
    }
    return 0;
}

int scenario_validate(const cJSON *doc, char *err, size_t errlen)
{
    if (!cJSON_IsObject(doc)) {
        snprintf(err, errlen, "$: must be an object");
        return -1;
    }
    static const struct member_rule top[] = {
        {"name", K_STRING, 1},     {"summary", K_STRING, 1},   {"fixture", K_STRING, 1},
        {"env", K_STRING, 1},      {"seed", K_NUMBER, 0},      {"preroll", K_DURATION, 0},
        {"traffic", K_OBJECT, 0},  {"app", K_OBJECT, 0},       {"scoring", K_OBJECT, 0},
        {"description", K_STRING, 0}, {NULL, 0, 0},
    };
    static const char *const extra[] = {"timeline", "objectives", "cause", "remediation",
                                        "root_cause", NULL};
    if (check_members(doc, "$", top, extra, err, errlen) != 0)
        return -1;
    const cJSON *env = cJSON_GetObjectItemCaseSensitive(doc, "env");
    size_t n = strlen(env->valuestring);
    int ok = n > 0 && n < 16;
    for (size_t i = 0; ok && i < n; i++) {
        char ch = env->valuestring[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    }
    if (!ok) {
        snprintf(err, errlen, "$.env: 1 to 15 lower-case letters, digits or '-'");
        return -1;
    }
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(doc, "seed");
    if (seed && (seed->valuedouble < 0 || seed->valuedouble > 9007199254740991.0 ||
                 seed->valuedouble != (double)(int64_t)seed->valuedouble)) {
        snprintf(err, errlen, "$.seed: must be a whole number from 0 to 2^53-1");
        return -1;
    }
    const cJSON *pre = cJSON_GetObjectItemCaseSensitive(doc, "preroll");
    int64_t ms = 0;
    if (pre && (scenario_duration(pre->valuestring, &ms) != 0 || ms < 0 ||
                ms > 24LL * 3600000)) {
        snprintf(err, errlen, "$.preroll: must be a duration from \"0s\" to \"24h\"");
        return -1;
    }
    struct world_config cfg;
    char why[256];
    world_config_default(&cfg, env->valuestring, DEFAULT_REGION);
    if (world_config_apply(&cfg, cJSON_GetObjectItemCaseSensitive(doc, "traffic"),
                           cJSON_GetObjectItemCaseSensitive(doc, "app"), why,
                           sizeof why) != 0) {
        snprintf(err, errlen, "$.%s", why);
        return -1;
    }
    const cJSON *timeline = cJSON_GetObjectItemCaseSensitive(doc, "timeline");
    if (timeline && validate_timeline(timeline, err, errlen) != 0)
        return -1;
    int i = 0;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, timeline)
    {
        int64_t at = 0;
        scenario_duration(cJSON_GetObjectItemCaseSensitive(ev, "at")->valuestring, &at);
        if (at < -ms) {
            snprintf(err, errlen,
                     "$.timeline[%d].at: %s is before the pre-roll (%s) begins; the history "
                     "starts there",
                     i, cJSON_GetObjectItemCaseSensitive(ev, "at")->valuestring,
                     pre ? pre->valuestring : "0s");
            return -1;
        }
        i++;
    }
    const cJSON *objectives = cJSON_GetObjectItemCaseSensitive(doc, "objectives");
    if (objectives && validate_objectives(objectives, err, errlen) != 0)
        return -1;
    const cJSON *root_cause = cJSON_GetObjectItemCaseSensitive(doc, "root_cause");
    if (root_cause && validate_root_cause(root_cause, err, errlen) != 0)
        return -1;
    const cJSON *scoring = cJSON_GetObjectItemCaseSensitive(doc, "scoring");
    if (scoring) {
        static const struct member_rule sc[] = {
            {"detect_within", K_DURATION, 0}, {"mitigate_within", K_DURATION, 0}, {NULL, 0, 0}};
        if (check_members(scoring, "$.scoring", sc, NULL, err, errlen) != 0)
            return -1;
    }
    return 0;
}

cJSON *scenario_load(const char *name, char *err, size_t errlen)
{
    char why[768];
    cJSON *doc = fixture_read_json("scenarios", name, why, sizeof why);
    if (doc == NULL) {
        snprintf(err, errlen, "%s", why);
        return NULL;
    }
    if (scenario_validate(doc, why, sizeof why) != 0) {
        snprintf(err, errlen, "scenarios/%s.json: %s", name, why);
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

cJSON *scenario_list(void)
{
    cJSON *out = cJSON_CreateArray();
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/scenarios", fixture_share_dir());
    DIR *d = opendir(dir);
    if (d == NULL)
        return out;
    /* sorted by name: collect, then sort */
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            names[n++] = xstrndup(e->d_name, len - 5);
    }
    closedir(d);
    for (int i = 1; i < n; i++) {
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    }
    for (int i = 0; i < n; i++) {
        char err[1024];
        cJSON *doc = scenario_load(names[i], err, sizeof err);
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "name", names[i]);
        if (doc) {
            cJSON_AddStringToObject(
                s, "summary", cJSON_GetObjectItemCaseSensitive(doc, "summary")->valuestring);
            cJSON_AddStringToObject(s, "env",
                                    cJSON_GetObjectItemCaseSensitive(doc, "env")->valuestring);
        } else {
            cJSON_AddStringToObject(s, "error", err);
        }
        cJSON_AddItemToArray(out, s);
        cJSON_Delete(doc);
        free(names[i]);
    }
    return out;
}

/* ---- the running scenario ---------------------------------------------------------------- */

/* Reads the team's scenario row; returns the document (caller deletes), or NULL (none, or
 * -1 in *rc on a store error). */
static cJSON *state_load(struct sim *sim, const char *account, int *rc)
{
    *rc = 0;
    sqlite3_stmt *st = store_stmt(sim->store, "SELECT doc FROM scenario_state WHERE account = ?");
    if (st == NULL) {
        *rc = -1;
        return NULL;
    }
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    cJSON *doc = s == SQLITE_ROW ? cJSON_Parse((const char *)sqlite3_column_text(st, 0)) : NULL;
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        *rc = -1;
    sqlite3_reset(st);
    return doc;
}

/* The instant of the first action not yet run, or -1. */
static int64_t next_due(const cJSON *state)
{
    int64_t next = -1;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(state, "timeline"))
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ev, "ran")))
            continue;
        int64_t at = (int64_t)cJSON_GetObjectItemCaseSensitive(ev, "atMs")->valuedouble;
        if (next < 0 || at < next)
            next = at;
    }
    return next;
}

static int state_save(struct sim *sim, const char *account, const cJSON *state)
{
    sqlite3_stmt *st = store_stmt(
        sim->store,
        "INSERT OR REPLACE INTO scenario_state (account, next_ms, doc) VALUES (?, ?, ?)");
    if (st == NULL)
        return -1;
    char *text = cJSON_PrintUnformatted(state);
    int64_t next = cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(state, "running"))
                       ? -1
                       : next_due(state);
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    if (next >= 0)
        sqlite3_bind_int64(st, 2, next);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    free(text);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Substitutes {env}, {account}, {region} in every string of v (in place). */
static void subst_tree(cJSON *v, const char *env, const char *account, const char *region)
{
    if (cJSON_IsString(v)) {
        struct buf b;
        buf_init(&b, 1u << 20);
        for (const char *p = v->valuestring; *p;) {
            size_t k = fixture_var(p, env, account, region, &b);
            if (k)
                p += k;
            else
                buf_putc(&b, *p++);
        }
        buf_putc(&b, '\0');
        cJSON_SetValuestring(v, b.p);
        buf_free(&b);
        return;
    }
    cJSON *c;
    cJSON_ArrayForEach(c, v) subst_tree(c, env, account, region);
}

/* Makes a new revision of the service's task definition with env's variables set, and rolls
 * it out. */
static int deploy(struct sim *sim, struct team *team, const char *region, const char *e,
                  const cJSON *environment, struct invoke_error *err)
{
    char family[96], cluster[96], service[96];
    golden_name(GOLDEN_TASK_FAMILY, e, family, sizeof family);
    golden_name(GOLDEN_ECS_CLUSTER, e, cluster, sizeof cluster);
    golden_name(GOLDEN_ECS_SERVICE, e, service, sizeof service);
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "taskDefinition", family);
    cJSON *out = NULL;
    int rc = invoke(sim, team, region, "ecs", "DescribeTaskDefinition", in, &out, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    cJSON *td = cJSON_DetachItemFromObjectCaseSensitive(out, "taskDefinition");
    cJSON_Delete(out);
    /* RegisterTaskDefinition takes what DescribeTaskDefinition returns, less the members
     * ECS sets itself */
    static const char *const drop[] = {"taskDefinitionArn", "revision", "status",
                                       "requiresAttributes", "compatibilities", "registeredAt",
                                       "registeredBy", "deregisteredAt", NULL};
    for (int i = 0; drop[i]; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(td, drop[i]);
    cJSON *c0 =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(td, "containerDefinitions"), 0);
    if (c0) {
        cJSON *envs = cJSON_GetObjectItemCaseSensitive(c0, "environment");
        if (envs == NULL)
            envs = cJSON_AddArrayToObject(c0, "environment");
        const cJSON *kv;
        cJSON_ArrayForEach(kv, environment)
        {
            cJSON *item = NULL, *x;
            cJSON_ArrayForEach(x, envs)
            {
                const cJSON *nm = cJSON_GetObjectItemCaseSensitive(x, "name");
                if (cJSON_IsString(nm) && strcmp(nm->valuestring, kv->string) == 0)
                    item = x;
            }
            if (item == NULL) {
                item = cJSON_CreateObject();
                cJSON_AddStringToObject(item, "name", kv->string);
                cJSON_AddItemToArray(envs, item);
            }
            cJSON_DeleteItemFromObjectCaseSensitive(item, "value");
            cJSON_AddStringToObject(item, "value",
                                    cJSON_IsString(kv) ? kv->valuestring : "");
        }
    }
    out = NULL;
    rc = invoke(sim, team, region, "ecs", "RegisterTaskDefinition", td, &out, err);
    cJSON_Delete(td);
    if (rc != 0)
        return -1;
    const cJSON *arn = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(out, "taskDefinition"), "taskDefinitionArn");
    in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "cluster", cluster);
    cJSON_AddStringToObject(in, "service", service);
    cJSON_AddStringToObject(in, "taskDefinition", cJSON_IsString(arn) ? arn->valuestring : family);
    cJSON_Delete(out);
    rc = invoke(sim, team, region, "ecs", "UpdateService", in, NULL, err);
    cJSON_Delete(in);
    return rc;
}

/* Runs one timeline action at now_ms. Returns 0, or -1 with what went wrong in *err. */
static int run_action(struct sim *sim, struct team *team, const cJSON *state, const cJSON *ev,
                      int64_t now_ms, struct invoke_error *err)
{
    const char *e = cJSON_GetObjectItemCaseSensitive(state, "env")->valuestring;
    const char *region = cJSON_GetObjectItemCaseSensitive(state, "region")->valuestring;
    const char *what = cJSON_GetObjectItemCaseSensitive(ev, "do")->valuestring;
    char cluster[96];
    golden_name(GOLDEN_DB_CLUSTER, e, cluster, sizeof cluster);
    cJSON *in = cJSON_CreateObject();
    int rc = -1;
    memset(err, 0, sizeof *err);
    if (strcmp(what, "set_failure_mode") == 0) {
        cJSON_AddStringToObject(in, "Name", "/golden/failure_mode");
        cJSON_AddStringToObject(in, "Value",
                                cJSON_GetObjectItemCaseSensitive(ev, "value")->valuestring);
        cJSON_AddStringToObject(in, "Type", "String");
        cJSON_AddBoolToObject(in, "Overwrite", 1);
        rc = invoke(sim, team, region, "ssm", "PutParameter", in, NULL, err);
    } else if (strcmp(what, "traffic_surge") == 0 || strcmp(what, "slow_queries") == 0) {
        int64_t len = 0;
        scenario_duration(cJSON_GetObjectItemCaseSensitive(ev, "for")->valuestring, &len);
        double f = cJSON_GetObjectItemCaseSensitive(ev, "factor")->valuedouble;
        rc = what[0] == 't' ? world_surge(sim, team, f, now_ms + len)
                            : world_slow_queries(sim, team, f, now_ms + len);
        if (rc != 0)
            snprintf(err->code, sizeof err->code, "NoWorld");
    } else if (strcmp(what, "failover") == 0) {
        cJSON_AddStringToObject(in, "DBClusterIdentifier", cluster);
        rc = invoke(sim, team, region, "rds", "FailoverDBCluster", in, NULL, err);
    } else if (strcmp(what, "reboot_writer") == 0) {
        struct rds_cluster_info ci;
        memset(&ci, 0, sizeof ci);
        if (rds_cluster_info(sim->store, team->account, region, cluster, &ci) != 0 ||
            !ci.writer[0]) {
            snprintf(err->code, sizeof err->code, "DBClusterNotFoundFault");
        } else {
            cJSON_AddStringToObject(in, "DBInstanceIdentifier", ci.writer);
            rc = invoke(sim, team, region, "rds", "RebootDBInstance", in, NULL, err);
        }
    } else if (strcmp(what, "set_db_parameter") == 0) {
        char pg[96];
        golden_name(GOLDEN_DB_PARAMS, e, pg, sizeof pg);
        cJSON_AddStringToObject(in, "DBParameterGroupName", pg);
        cJSON *params = cJSON_AddArrayToObject(in, "Parameters");
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "ParameterName",
                                cJSON_GetObjectItemCaseSensitive(ev, "name")->valuestring);
        cJSON_AddStringToObject(p, "ParameterValue",
                                cJSON_GetObjectItemCaseSensitive(ev, "value")->valuestring);
        cJSON_AddStringToObject(p, "ApplyMethod", "pending-reboot");
        cJSON_AddItemToArray(params, p);
        rc = invoke(sim, team, region, "rds", "ModifyDBParameterGroup", in, NULL, err);
    } else if (strcmp(what, "scale") == 0) {
        char c[96], s[96];
        golden_name(GOLDEN_ECS_CLUSTER, e, c, sizeof c);
        golden_name(GOLDEN_ECS_SERVICE, e, s, sizeof s);
        cJSON_AddStringToObject(in, "cluster", c);
        cJSON_AddStringToObject(in, "service", s);
        cJSON_AddNumberToObject(in, "desiredCount",
                                cJSON_GetObjectItemCaseSensitive(ev, "desired")->valuedouble);
        rc = invoke(sim, team, region, "ecs", "UpdateService", in, NULL, err);
    } else if (strcmp(what, "deploy") == 0) {
        rc = deploy(sim, team, region, e, cJSON_GetObjectItemCaseSensitive(ev, "environment"),
                    err);
    } else if (strcmp(what, "api") == 0) {
        const cJSON *given = cJSON_GetObjectItemCaseSensitive(ev, "in");
        cJSON *input = given ? cJSON_Duplicate(given, 1) : cJSON_CreateObject();
        subst_tree(input, e, team->account, region);
        rc = invoke(sim, team, region,
                    cJSON_GetObjectItemCaseSensitive(ev, "service")->valuestring,
                    cJSON_GetObjectItemCaseSensitive(ev, "op")->valuestring, input, NULL, err);
        cJSON_Delete(input);
    } else if (strcmp(what, "chaos") == 0) {
        rc = chaos_add_rule(sim, team, cJSON_GetObjectItemCaseSensitive(ev, "rule"), "scenario",
                            err->message, sizeof err->message) < 0
                 ? -1
                 : 0;
        if (rc != 0)
            snprintf(err->code, sizeof err->code, "InvalidChaosRule");
    }
    cJSON_Delete(in);
    return rc;
}

int scenario_tick(struct tick *t)
{
    sqlite3_stmt *st = store_stmt(
        t->sim->store, "SELECT 1 FROM scenario_state WHERE account = ? AND next_ms <= ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, t->team->account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, t->now_ms);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s == SQLITE_DONE)
        return 0;
    if (s != SQLITE_ROW)
        return -1;
    int rc;
    cJSON *state = state_load(t->sim, t->team->account, &rc);
    if (state == NULL)
        return rc;
    cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(state, "timeline"))
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ev, "ran")))
            continue;
        int64_t at = (int64_t)cJSON_GetObjectItemCaseSensitive(ev, "atMs")->valuedouble;
        if (at > t->now_ms)
            continue;
        struct invoke_error err;
        int ok = run_action(t->sim, t->team, state, ev, t->now_ms, &err) == 0;
        cJSON_AddTrueToObject(ev, "ran");
        cJSON_AddNumberToObject(ev, "ranAtMs", (double)t->now_ms);
        if (!ok) {
            char text[700];
            snprintf(text, sizeof text, "%s: %s", err.code, err.message);
            cJSON_AddStringToObject(ev, "error", text);
            fprintf(stderr, "drillsim: scenario action %s at %lld failed: %s\n",
                    cJSON_GetObjectItemCaseSensitive(ev, "do")->valuestring, (long long)at,
                    text);
        }
    }
    rc = state_save(t->sim, t->team->account, state);
    cJSON_Delete(state);
    return rc;
}

int scenario_start(struct sim *sim, struct team *team, const cJSON *doc,
                   const struct scenario_start *opt, char *err, size_t errlen)
{
    const char *e = opt->env ? opt->env : cJSON_GetObjectItemCaseSensitive(doc, "env")->valuestring;
    const char *region = opt->region ? opt->region : DEFAULT_REGION;
    int64_t preroll = 0;
    const cJSON *pre = cJSON_GetObjectItemCaseSensitive(doc, "preroll");
    if (opt->preroll_ms >= 0)
        preroll = opt->preroll_ms;
    else if (pre)
        scenario_duration(pre->valuestring, &preroll);
    struct world_config cfg;
    world_config_default(&cfg, e, region);
    if (world_config_apply(&cfg, cJSON_GetObjectItemCaseSensitive(doc, "traffic"),
                           cJSON_GetObjectItemCaseSensitive(doc, "app"), err, errlen) != 0)
        return -1;
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(doc, "seed");
    int64_t s = opt->seed >= 0 ? opt->seed : (seed ? (int64_t)seed->valuedouble : -1);
    if (s >= 0) {
        team->seed = (uint64_t)s;
        rng_seed(&team->ids, team->seed);
        rng_seed(&team->world, team->seed ^ 0x5eedf00dd1115eedULL);
    }
    int64_t start = team_now_ms(team) / 1000 * 1000;
    cJSON *state = cJSON_CreateObject();
    cJSON_AddStringToObject(state, "name",
                            cJSON_GetObjectItemCaseSensitive(doc, "name")->valuestring);
    cJSON_AddStringToObject(state, "env", e);
    cJSON_AddStringToObject(state, "region", region);
    cJSON_AddNumberToObject(state, "startMs", (double)start);
    cJSON_AddNumberToObject(state, "prerollMs", (double)preroll);
    cJSON_AddBoolToObject(state, "running", 1);
    cJSON *timeline = cJSON_AddArrayToObject(state, "timeline");
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(doc, "timeline"))
    {
        int64_t at = 0;
        scenario_duration(cJSON_GetObjectItemCaseSensitive(ev, "at")->valuestring, &at);
        cJSON *copy = cJSON_Duplicate(ev, 1);
        cJSON_AddNumberToObject(copy, "atMs", (double)(start + at));
        cJSON_AddItemToArray(timeline, copy);
    }
    static const char *const kept[] = {"objectives", "scoring", "summary", "root_cause", NULL};
    for (int i = 0; kept[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, kept[i]);
        if (v)
            cJSON_AddItemToObject(state, kept[i], cJSON_Duplicate(v, 1));
    }
    int rc = state_save(sim, team->account, state);
    cJSON_Delete(state);
    if (rc != 0) {
        snprintf(err, errlen, "the scenario could not be stored");
        return -1;
    }
    rc = setup_world(sim, team,
                     cJSON_GetObjectItemCaseSensitive(doc, "fixture")->valuestring, &cfg,
                     preroll, err, errlen);
    if (rc == 0)
        team_save(sim, team);
    return rc;
}

cJSON *scenario_status(struct sim *sim, struct team *team)
{
    int rc;
    return state_load(sim, team->account, &rc);
}

int scenario_stop(struct sim *sim, struct team *team)
{
    int rc;
    cJSON *state = state_load(sim, team->account, &rc);
    if (state == NULL)
        return rc < 0 ? -1 : 1;
    cJSON_DeleteItemFromObjectCaseSensitive(state, "running");
    cJSON_AddFalseToObject(state, "running");
    cJSON_AddNumberToObject(state, "stoppedMs", (double)team_now_ms(team));
    rc = state_save(sim, team->account, state);
    cJSON_Delete(state);
    if (rc == 0)
        rc = world_stop(sim, team);
    return rc;
}

int scenario_running(struct sim *sim, struct team *team)
{
    int rc;
    cJSON *state = state_load(sim, team->account, &rc);
    int running = state && !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(state, "running"));
    cJSON_Delete(state);
    return running;
}
