/*
 * dashboard_body.c - CloudWatch DashboardBody validation and its parsed form (see
 * dashboard_body.h for the contract).
 *
 * Design. The body's structure is described by static tables of `struct node` (a small
 * subset of JSON schema: a type, an enum, number or item-count bounds, an object's members
 * with "required", an array's item node, and an optional custom check), and one walk turns
 * violations into messages. The generic messages are AJV's (the validator AWS's texts come
 * from), capitalised as AWS prints them:
 *   type        "Should be string|number|integer|boolean|object|array"
 *   enum        "Should be equal to one of the allowed values"
 *   bounds      "Should be >= N", "Should be <= N",
 *               "Should NOT have more than N items", "Should NOT have fewer than N items"
 *   required    "Should have required property 'name'" (at the object's path)
 *   unknown     "Should NOT have additional properties" (at the object's path, once per
 *               unknown member)
 * and the messages specific to dashboards, as AWS returns them in public reports:
 *   - a metric that is not an array: "Should be array" and "Field \"metrics\" has to be an
 *     array of array of strings, with an optional metricRenderer object as last element";
 *   - a non-string before the last place of a metric: "Invalid metric field type, only
 *     \"String\" type is allowed" at that element;
 *   - a last-place object that is not a valid rendering object (unknown key, bad color, bad
 *     stat, ...): "Should NOT have more than N items" at the metric, N = the strings before
 *     it (AWS's schema then reads the metric as strings only);
 *   - a metric widget with neither metrics nor an alarm annotation: "Should have required
 *     property 'metrics'", "The metric widget should have specified a region and a data
 *     source or an alarm annotation", "Should have required property 'annotations'"; with
 *     data but without region: "Should have required property 'region'";
 *   - a radio/select variable with neither (or both of) values and populateFrom: "Should have
 *     required property 'values'", "Should have required property 'populateFrom'", "Should
 *     match exactly one schema in oneOf".
 * AWS's schema itself is not published; where the reports do not show AWS's verdict, the
 * documented structure decides, and members drillsim does not know are warnings inside a
 * widget's properties (see the header) and errors on a widget itself.
 */
#include "services/dashboard_body.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xmalloc.h"

#define PATH_MAX_LEN 512
#define GRID_COLUMNS 24
#define DEFAULT_SIZE 6
#define MESSAGE_MAX (8u << 20)

/* ---- the walk's state -------------------------------------------------------------------- */

struct vctx {
    struct dashboard_check *chk;
    char path[PATH_MAX_LEN];
    size_t plen;
};

/* Appends a JSON Pointer segment (with ~ and / escaped) to the path; returns the previous
 * length, to be restored with path_pop(). A segment that does not fit is cut short. */
static size_t path_push(struct vctx *v, const char *seg)
{
    size_t old = v->plen;
    if (v->plen + 1 < sizeof v->path)
        v->path[v->plen++] = '/';
    for (const char *p = seg; *p && v->plen + 2 < sizeof v->path; p++) {
        if (*p == '~' || *p == '/') {
            v->path[v->plen++] = '~';
            v->path[v->plen++] = *p == '~' ? '0' : '1';
        } else {
            v->path[v->plen++] = *p;
        }
    }
    v->path[v->plen] = '\0';
    return old;
}

static size_t path_push_index(struct vctx *v, int i)
{
    char seg[16];
    snprintf(seg, sizeof seg, "%d", i);
    return path_push(v, seg);
}

static void path_pop(struct vctx *v, size_t old)
{
    v->plen = old;
    v->path[old] = '\0';
}

static void add_msg(struct vctx *v, int warning, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a message at the current path (an error, or a warning when warning is set). */
static void add_msg(struct vctx *v, int warning, const char *fmt, ...)
{
    struct dashboard_msg **list = warning ? &v->chk->warnings : &v->chk->errors;
    int *n = warning ? &v->chk->nwarnings : &v->chk->nerrors;
    if (*n == DASHBOARD_MAX_MESSAGES)
        return;
    if (*n % 16 == 0)
        *list = xrealloc(*list, (size_t)(*n + 16) * sizeof **list);
    va_list ap;
    va_start(ap, fmt);
    (*list)[*n].message = xvasprintf(fmt, ap);
    va_end(ap);
    (*list)[*n].path = xstrdup(v->path);
    (*n)++;
}

#define ERR(v, ...) add_msg((v), 0, __VA_ARGS__)

/* ---- the schema vocabulary --------------------------------------------------------------- */

enum jtype { J_ANY, J_STRING, J_NUMBER, J_INTEGER, J_BOOLEAN, J_OBJECT, J_ARRAY };

/* What an object does with a member it does not list. */
enum extra { EXTRA_ERROR, EXTRA_WARN, EXTRA_ALLOW };

struct prop;

struct node {
    enum jtype type;
    const char *const *enums; /* J_STRING: the allowed values, NULL-terminated */
    int has_min, has_max;
    double min, max;          /* numbers: the value; arrays: the item count */
    const struct prop *props; /* J_OBJECT: known members, ending with a NULL name */
    enum extra extra;         /* J_OBJECT */
    const struct node *items; /* J_ARRAY: every item (NULL = not checked) */
    void (*check)(struct vctx *v, const cJSON *value); /* runs after the generic checks */
};

struct prop {
    const char *name;
    const struct node *node;
    int required;
};

static const char *type_name(enum jtype t)
{
    switch (t) {
    case J_STRING:
        return "string";
    case J_NUMBER:
        return "number";
    case J_INTEGER:
        return "integer";
    case J_BOOLEAN:
        return "boolean";
    case J_OBJECT:
        return "object";
    case J_ARRAY:
        return "array";
    default:
        return "any";
    }
}

static int is_integer(const cJSON *j)
{
    return cJSON_IsNumber(j) && isfinite(j->valuedouble) && floor(j->valuedouble) == j->valuedouble;
}

static int type_ok(enum jtype t, const cJSON *j)
{
    switch (t) {
    case J_STRING:
        return cJSON_IsString(j);
    case J_NUMBER:
        return cJSON_IsNumber(j);
    case J_INTEGER:
        return is_integer(j);
    case J_BOOLEAN:
        return cJSON_IsBool(j);
    case J_OBJECT:
        return cJSON_IsObject(j);
    case J_ARRAY:
        return cJSON_IsArray(j);
    default:
        return 1;
    }
}

/* Prints a bound as AJV does (JavaScript number formatting for the usual cases). */
static void bound_text(double x, char *out, size_t n)
{
    if (floor(x) == x && fabs(x) < 1e15)
        snprintf(out, n, "%.0f", x);
    else
        snprintf(out, n, "%g", x);
}

static const struct prop *find_prop(const struct prop *props, const char *name)
{
    for (const struct prop *p = props; p && p->name; p++) {
        if (strcmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}

static void validate(struct vctx *v, const struct node *n, const cJSON *j);

/* The generic object checks: required members, known members (recursively), unknown ones. */
static void validate_object(struct vctx *v, const struct node *n, const cJSON *j)
{
    for (const struct prop *p = n->props; p && p->name; p++) {
        if (p->required && !cJSON_HasObjectItem(j, p->name))
            ERR(v, "Should have required property '%s'", p->name);
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, j)
    {
        const struct prop *p = m->string ? find_prop(n->props, m->string) : NULL;
        if (p) {
            size_t old = path_push(v, m->string);
            validate(v, p->node, m);
            path_pop(v, old);
        } else if (n->extra == EXTRA_ERROR) {
            /* AJV (allErrors) reports each unknown member, at the object's path. */
            ERR(v, "Should NOT have additional properties");
        } else if (n->extra == EXTRA_WARN) {
            size_t old = path_push(v, m->string ? m->string : "");
            add_msg(v, 1, "Should NOT have additional properties");
            path_pop(v, old);
        }
    }
}

/* Checks j against n, recording messages at the current path. */
static void validate(struct vctx *v, const struct node *n, const cJSON *j)
{
    if (!type_ok(n->type, j)) {
        ERR(v, "Should be %s", type_name(n->type));
        return;
    }
    char b[32];
    if (n->enums) {
        int ok = 0;
        for (const char *const *e = n->enums; *e && !ok; e++)
            ok = strcmp(*e, j->valuestring) == 0;
        if (!ok)
            ERR(v, "Should be equal to one of the allowed values");
    }
    if (n->type == J_NUMBER || n->type == J_INTEGER) {
        if (n->has_min && j->valuedouble < n->min) {
            bound_text(n->min, b, sizeof b);
            ERR(v, "Should be >= %s", b);
        }
        if (n->has_max && j->valuedouble > n->max) {
            bound_text(n->max, b, sizeof b);
            ERR(v, "Should be <= %s", b);
        }
    }
    if (n->type == J_ARRAY) {
        int count = cJSON_GetArraySize(j);
        if (n->has_max && count > n->max) {
            bound_text(n->max, b, sizeof b);
            ERR(v, "Should NOT have more than %s items", b);
        }
        if (n->has_min && count < n->min) {
            bound_text(n->min, b, sizeof b);
            ERR(v, "Should NOT have fewer than %s items", b);
        }
        if (n->items) {
            int i = 0;
            const cJSON *item;
            cJSON_ArrayForEach(item, j)
            {
                size_t old = path_push_index(v, i++);
                validate(v, n->items, item);
                path_pop(v, old);
            }
        }
    }
    if (n->type == J_OBJECT)
        validate_object(v, n, j);
    if (n->check)
        n->check(v, j);
}

/* Shorthands for the tables. */
#define T_STRING {.type = J_STRING}
#define T_NUMBER {.type = J_NUMBER}
#define T_BOOL {.type = J_BOOLEAN}
#define T_ANY {.type = J_ANY}

static const struct node n_string = T_STRING;
static const struct node n_number = T_NUMBER;
static const struct node n_bool = T_BOOL;
static const struct node n_any = T_ANY;
static const struct node n_positive = {.type = J_INTEGER, .has_min = 1, .min = 1};
static const struct node n_free_object = {.type = J_OBJECT, .extra = EXTRA_ALLOW};
static const struct node n_strings = {.type = J_ARRAY, .items = &n_string};

/* ---- statistics and colors (metric rendering options) ------------------------------------ */

/* Returns 1 if s is a number from 0 to 100 ("99", "99.9"). */
static int percent_ok(const char *s)
{
    if (*s == '\0')
        return 0;
    char *end;
    double x = strtod(s, &end);
    return *end == '\0' && s[0] >= '0' && s[0] <= '9' && x >= 0 && x <= 100;
}

/*
 * Returns 1 if s is a statistic CloudWatch graphs: SampleCount, Average, Sum, Minimum,
 * Maximum, IQM, a percentile-style pNN / tmNN / wmNN / tcNN / tsNN (NN from 0 to 100), or a
 * range form PR|TM|WM|TC|TS(low:high) whose bounds are numbers or percentages.
 */
static int stat_ok(const char *s)
{
    static const char *const names[] = {"SampleCount", "Average", "Sum", "Minimum", "Maximum",
                                        "IQM", NULL};
    static const char *const short_forms[] = {"p", "tm", "wm", "tc", "ts", NULL};
    static const char *const range_forms[] = {"PR(", "TM(", "WM(", "TC(", "TS(",
                                              "tm(", "wm(", "tc(", "ts(", NULL};
    for (int i = 0; names[i]; i++) {
        if (strcmp(s, names[i]) == 0)
            return 1;
    }
    for (int i = 0; range_forms[i]; i++) {
        size_t k = strlen(range_forms[i]);
        if (strncmp(s, range_forms[i], k) != 0)
            continue;
        const char *body = s + k;
        size_t len = strlen(body);
        if (len < 2 || body[len - 1] != ')' || memchr(body, ':', len) == NULL)
            return 0;
        for (size_t j = 0; j + 1 < len; j++) {
            if (!strchr("0123456789.%:", body[j]))
                return 0;
        }
        return 1;
    }
    for (int i = 0; short_forms[i]; i++) {
        size_t k = strlen(short_forms[i]);
        if (strncmp(s, short_forms[i], k) == 0 && percent_ok(s + k))
            return 1;
    }
    return 0;
}

/* Returns 1 if s is a "#rrggbb" color. */
static int color_ok(const char *s)
{
    if (s[0] != '#' || strlen(s) != 7)
        return 0;
    for (int i = 1; i < 7; i++) {
        if (!strchr("0123456789abcdefABCDEF", s[i]))
            return 0;
    }
    return 1;
}

/* Returns 1 if o is a valid metric rendering object (the optional last item of a metric):
 * only the documented members, each of the right type. */
static int renderer_ok(const cJSON *o)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, o)
    {
        const char *k = m->string ? m->string : "";
        int ok;
        if (strcmp(k, "color") == 0)
            ok = cJSON_IsString(m) && color_ok(m->valuestring);
        else if (strcmp(k, "stat") == 0)
            ok = cJSON_IsString(m) && stat_ok(m->valuestring);
        else if (strcmp(k, "period") == 0)
            ok = is_integer(m) && m->valuedouble >= 1;
        else if (strcmp(k, "visible") == 0)
            ok = cJSON_IsBool(m);
        else if (strcmp(k, "yAxis") == 0)
            ok = cJSON_IsString(m) && (strcmp(m->valuestring, "left") == 0 ||
                                       strcmp(m->valuestring, "right") == 0);
        else if (strcmp(k, "accountId") == 0 || strcmp(k, "expression") == 0 ||
                 strcmp(k, "id") == 0 || strcmp(k, "label") == 0 || strcmp(k, "region") == 0)
            ok = cJSON_IsString(m);
        else
            ok = 0;
        if (!ok)
            return 0;
    }
    return 1;
}

/* ---- metric widgets ---------------------------------------------------------------------- */

/* Checks one metric: [namespace, name, dimName, dimValue, ..., {rendering options}]. */
static void check_metric_row(struct vctx *v, const cJSON *row)
{
    int n = cJSON_GetArraySize(row);
    if (n == 0) {
        ERR(v, "Should NOT have fewer than 1 items");
        return;
    }
    int k = 0, nstrings = 0, bad = 0;
    const cJSON *expression = NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, row)
    {
        int last = k == n - 1;
        if (cJSON_IsString(e)) {
            nstrings++;
        } else if (last && cJSON_IsObject(e)) {
            if (!renderer_ok(e)) {
                ERR(v, "Should NOT have more than %d items", n - 1);
                bad = 1;
            }
            expression = cJSON_GetObjectItemCaseSensitive(e, "expression");
        } else {
            size_t old = path_push_index(v, k);
            ERR(v, "Invalid metric field type, only \"String\" type is allowed");
            path_pop(v, old);
            bad = 1;
        }
        k++;
    }
    /* A metric names at least a namespace and a metric; an expression stands alone. */
    if (!bad && nstrings < 2 && !(nstrings == 0 && expression))
        ERR(v, "Should NOT have fewer than 2 items");
}

static void check_metrics(struct vctx *v, const cJSON *metrics)
{
    int i = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, metrics)
    {
        size_t old = path_push_index(v, i++);
        if (!cJSON_IsArray(row)) {
            ERR(v, "Should be array");
            ERR(v, "Field \"metrics\" has to be an array of array of strings, with an optional "
                   "metricRenderer object as last element");
        } else {
            check_metric_row(v, row);
        }
        path_pop(v, old);
    }
}

static const char *const axis_sides[] = {"left", "right", NULL};

static const struct prop horizontal_props[] = {
    {"value", &n_number, 1},
    {"label", &n_string, 0},
    {"color", &n_string, 0},
    {"fill", &(const struct node){.type = J_STRING,
                                   .enums = (const char *const[]){"above", "below", NULL}}, 0},
    {"visible", &n_bool, 0},
    {"yAxis", &(const struct node){.type = J_STRING, .enums = axis_sides}, 0},
    {NULL, NULL, 0},
};
static const struct node n_horizontal = {.type = J_OBJECT, .props = horizontal_props,
                                         .extra = EXTRA_WARN};

static const struct prop vertical_props[] = {
    {"value", &n_string, 1},
    {"label", &n_string, 0},
    {"color", &n_string, 0},
    {"fill", &(const struct node){.type = J_STRING,
                                   .enums = (const char *const[]){"before", "after", NULL}}, 0},
    {"visible", &n_bool, 0},
    {NULL, NULL, 0},
};
static const struct node n_vertical = {.type = J_OBJECT, .props = vertical_props,
                                       .extra = EXTRA_WARN};

/* An annotation is one object, or a band: an array of two. */
static void check_annotation(struct vctx *v, const cJSON *a, const struct node *one)
{
    if (cJSON_IsArray(a)) {
        validate(v, &(const struct node){.type = J_ARRAY, .has_min = 1, .min = 2, .has_max = 1,
                                         .max = 2, .items = one},
                 a);
    } else {
        validate(v, one, a);
    }
}

static void check_horizontal(struct vctx *v, const cJSON *list)
{
    int i = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, list)
    {
        size_t old = path_push_index(v, i++);
        check_annotation(v, a, &n_horizontal);
        path_pop(v, old);
    }
}

static void check_vertical(struct vctx *v, const cJSON *list)
{
    int i = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, list)
    {
        size_t old = path_push_index(v, i++);
        check_annotation(v, a, &n_vertical);
        path_pop(v, old);
    }
}

static const struct prop annotations_props[] = {
    {"horizontal", &(const struct node){.type = J_ARRAY, .check = check_horizontal}, 0},
    {"vertical", &(const struct node){.type = J_ARRAY, .check = check_vertical}, 0},
    {"alarms", &n_strings, 0},
    {NULL, NULL, 0},
};

static const struct prop axis_props[] = {
    {"min", &n_number, 0},
    {"max", &n_number, 0},
    {"label", &n_string, 0},
    {"showUnits", &n_bool, 0},
    {NULL, NULL, 0},
};
static const struct node n_axis = {.type = J_OBJECT, .props = axis_props, .extra = EXTRA_WARN};

static const struct prop yaxis_props[] = {
    {"left", &n_axis, 0},
    {"right", &n_axis, 0},
    {NULL, NULL, 0},
};

static const struct prop legend_props[] = {
    {"position", &(const struct node){.type = J_STRING,
                                       .enums = (const char *const[]){"right", "bottom",
                                                                      "hidden", NULL}}, 0},
    {NULL, NULL, 0},
};
static const struct node n_legend = {.type = J_OBJECT, .props = legend_props,
                                     .extra = EXTRA_WARN};

/* Whether a metric widget has data: metrics, or an alarm annotation. */
static void check_metric_sources(struct vctx *v, const cJSON *props)
{
    int has_metrics = cJSON_HasObjectItem(props, "metrics");
    const cJSON *ann = cJSON_GetObjectItemCaseSensitive(props, "annotations");
    const cJSON *alarms = cJSON_GetObjectItemCaseSensitive(ann, "alarms");
    int has_alarm = cJSON_IsArray(alarms) && cJSON_GetArraySize(alarms) > 0;
    int has_region = cJSON_HasObjectItem(props, "region");
    if (!has_metrics && !has_alarm) {
        ERR(v, "Should have required property 'metrics'");
        ERR(v, "The metric widget should have specified a region and a data source or an "
               "alarm annotation");
        ERR(v, "Should have required property 'annotations'");
        if (!has_region)
            ERR(v, "Should have required property 'region'");
    } else if (has_metrics && !has_region) {
        ERR(v, "Should have required property 'region'");
    }
}

static const struct prop metric_props[] = {
    {"metrics", &(const struct node){.type = J_ARRAY, .check = check_metrics}, 0},
    {"annotations", &(const struct node){.type = J_OBJECT, .props = annotations_props,
                                         .extra = EXTRA_WARN}, 0},
    {"region", &n_string, 0},
    {"accountId", &n_string, 0},
    {"title", &n_string, 0},
    {"view", &(const struct node){.type = J_STRING,
                                   .enums = (const char *const[]){"timeSeries", "singleValue",
                                                                  "gauge", "bar", "pie",
                                                                  "table", NULL}}, 0},
    {"stacked", &n_bool, 0},
    {"stat", &n_string, 0},
    {"period", &n_positive, 0},
    {"liveData", &n_bool, 0},
    {"legend", &n_legend, 0},
    {"yAxis", &(const struct node){.type = J_OBJECT, .props = yaxis_props,
                                   .extra = EXTRA_WARN}, 0},
    {"setPeriodToTimeRange", &n_bool, 0},
    {"sparkline", &n_bool, 0},
    {"trend", &n_bool, 0},
    {"singleValueFullPrecision", &n_bool, 0},
    {"timezone", &n_string, 0},
    {"start", &n_string, 0},
    {"end", &n_string, 0},
    {"table", &n_free_object, 0},
    {"labels", &n_free_object, 0},
    {NULL, NULL, 0},
};

/* ---- the other widget types -------------------------------------------------------------- */

static const struct prop text_props[] = {
    {"markdown", &n_string, 1},
    {"background", &(const struct node){.type = J_STRING,
                                         .enums = (const char *const[]){"solid", "transparent",
                                                                        NULL}}, 0},
    {NULL, NULL, 0},
};

static const struct prop log_props[] = {
    {"query", &n_string, 1},
    {"region", &n_string, 1},
    {"title", &n_string, 0},
    {"view", &(const struct node){.type = J_STRING,
                                   .enums = (const char *const[]){"table", "timeSeries", "bar",
                                                                  "pie", NULL}}, 0},
    {"stacked", &n_bool, 0},
    {"accountId", &n_string, 0},
    {"queryLanguage", &n_string, 0},
    {NULL, NULL, 0},
};

static const struct prop alarm_props[] = {
    {"alarms", &(const struct node){.type = J_ARRAY, .has_min = 1, .min = 1, .has_max = 1,
                                    .max = 100, .items = &n_string}, 1},
    {"title", &n_string, 0},
    {"sortBy", &(const struct node){.type = J_STRING,
                                     .enums = (const char *const[]){"default",
                                                                    "stateUpdatedTimestamp",
                                                                    "timestamp", NULL}}, 0},
    {"states", &(const struct node){.type = J_ARRAY,
                                     .items = &(const struct node){
                                         .type = J_STRING,
                                         .enums = (const char *const[]){"ALARM",
                                                                        "INSUFFICIENT_DATA",
                                                                        "OK", NULL}}}, 0},
    {NULL, NULL, 0},
};

static const struct prop explorer_metric_props[] = {
    {"metricName", &n_string, 1},
    {"resourceType", &n_string, 0},
    {"stat", &n_string, 0},
    {NULL, NULL, 0},
};

static const struct prop explorer_label_props[] = {
    {"key", &n_string, 1},
    {"value", &n_string, 0},
    {NULL, NULL, 0},
};

static const struct prop widget_options_props[] = {
    {"legend", &n_legend, 0},
    {"rowsPerPage", &n_positive, 0},
    {"stacked", &n_bool, 0},
    {"view", &(const struct node){.type = J_STRING,
                                   .enums = (const char *const[]){"timeSeries", "bar", "pie",
                                                                  NULL}}, 0},
    {"widgetsPerRow", &n_positive, 0},
    {NULL, NULL, 0},
};

static const struct prop explorer_props[] = {
    {"metrics", &(const struct node){.type = J_ARRAY,
                                     .items = &(const struct node){
                                         .type = J_OBJECT, .props = explorer_metric_props,
                                         .extra = EXTRA_WARN}}, 1},
    {"aggregateBy", &(const struct node){.type = J_OBJECT,
                                         .props = (const struct prop[]){{"key", &n_string, 0},
                                                                        {"func", &n_string, 0},
                                                                        {NULL, NULL, 0}},
                                         .extra = EXTRA_WARN}, 0},
    {"labels", &(const struct node){.type = J_ARRAY,
                                    .items = &(const struct node){
                                        .type = J_OBJECT, .props = explorer_label_props,
                                        .extra = EXTRA_WARN}}, 0},
    {"widgetOptions", &(const struct node){.type = J_OBJECT, .props = widget_options_props,
                                           .extra = EXTRA_WARN}, 0},
    {"period", &n_positive, 0},
    {"splitBy", &n_string, 0},
    {"region", &n_string, 0},
    {"title", &n_string, 0},
    {NULL, NULL, 0},
};

static const struct prop custom_props[] = {
    {"endpoint", &n_string, 1},
    {"params", &n_any, 0},
    {"updateOn", &(const struct node){.type = J_OBJECT,
                                      .props = (const struct prop[]){{"refresh", &n_bool, 0},
                                                                     {"resize", &n_bool, 0},
                                                                     {"timeRange", &n_bool, 0},
                                                                     {NULL, NULL, 0}},
                                      .extra = EXTRA_WARN}, 0},
    {"title", &n_string, 0},
    {NULL, NULL, 0},
};

/* Every widget type and the node its properties are checked with. */
static const struct {
    const char *type;
    struct node props;
} widget_types[] = {
    {"metric", {.type = J_OBJECT, .props = metric_props, .extra = EXTRA_WARN,
                .check = check_metric_sources}},
    {"text", {.type = J_OBJECT, .props = text_props, .extra = EXTRA_WARN}},
    {"log", {.type = J_OBJECT, .props = log_props, .extra = EXTRA_WARN}},
    {"alarm", {.type = J_OBJECT, .props = alarm_props, .extra = EXTRA_WARN}},
    {"explorer", {.type = J_OBJECT, .props = explorer_props, .extra = EXTRA_WARN}},
    {"custom", {.type = J_OBJECT, .props = custom_props, .extra = EXTRA_WARN}},
};

#define NTYPES ((int)(sizeof widget_types / sizeof widget_types[0]))

static const char *const type_names[] = {"metric", "text", "log", "alarm", "explorer",
                                         "custom", NULL};

/* ---- widgets, variables, the dashboard --------------------------------------------------- */

/* Checks a widget's properties with its type's node, once the widget itself is known. */
static void check_widget(struct vctx *v, const cJSON *w)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(w, "type");
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(w, "properties");
    if (!cJSON_IsString(type) || !cJSON_IsObject(props))
        return;
    for (int i = 0; i < NTYPES; i++) {
        if (strcmp(widget_types[i].type, type->valuestring) == 0) {
            size_t old = path_push(v, "properties");
            validate(v, &widget_types[i].props, props);
            path_pop(v, old);
            return;
        }
    }
}

static const struct prop widget_props[] = {
    {"type", &(const struct node){.type = J_STRING, .enums = type_names}, 1},
    {"x", &(const struct node){.type = J_INTEGER, .has_min = 1, .min = 0, .has_max = 1,
                               .max = GRID_COLUMNS - 1}, 0},
    {"y", &(const struct node){.type = J_INTEGER, .has_min = 1, .min = 0}, 0},
    {"width", &(const struct node){.type = J_INTEGER, .has_min = 1, .min = 1, .has_max = 1,
                                   .max = GRID_COLUMNS}, 0},
    {"height", &(const struct node){.type = J_INTEGER, .has_min = 1, .min = 1, .has_max = 1,
                                    .max = 1000}, 0},
    /* checked by type in check_widget() */
    {"properties", &(const struct node){.type = J_OBJECT, .extra = EXTRA_ALLOW}, 1},
    {NULL, NULL, 0},
};
static const struct node n_widget = {.type = J_OBJECT, .props = widget_props,
                                     .extra = EXTRA_ERROR, .check = check_widget};

/* A variable: the member its type needs, and for radio/select exactly one of values and
 * populateFrom (AWS's oneOf). */
static void check_variable(struct vctx *v, const cJSON *var)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(var, "type");
    if (cJSON_IsString(type) && strcmp(type->valuestring, "property") == 0 &&
        !cJSON_HasObjectItem(var, "property"))
        ERR(v, "Should have required property 'property'");
    if (cJSON_IsString(type) && strcmp(type->valuestring, "pattern") == 0 &&
        !cJSON_HasObjectItem(var, "pattern"))
        ERR(v, "Should have required property 'pattern'");
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(var, "inputType");
    if (!cJSON_IsString(input) || (strcmp(input->valuestring, "radio") != 0 &&
                                   strcmp(input->valuestring, "select") != 0))
        return;
    int has_values = cJSON_HasObjectItem(var, "values");
    int has_populate = cJSON_HasObjectItem(var, "populateFrom");
    if (!has_values && !has_populate) {
        ERR(v, "Should have required property 'values'");
        ERR(v, "Should have required property 'populateFrom'");
    }
    if (has_values == has_populate)
        ERR(v, "Should match exactly one schema in oneOf");
}

static const struct prop variable_value_props[] = {
    {"value", &n_string, 1},
    {"label", &n_string, 0},
    {NULL, NULL, 0},
};

static const struct prop variable_props[] = {
    {"type", &(const struct node){.type = J_STRING,
                                   .enums = (const char *const[]){"property", "pattern", NULL}},
     1},
    {"property", &n_string, 0},
    {"pattern", &n_string, 0},
    {"inputType", &(const struct node){.type = J_STRING,
                                        .enums = (const char *const[]){"input", "radio",
                                                                       "select", NULL}}, 1},
    {"id", &n_string, 0},
    {"label", &n_string, 0},
    {"defaultValue", &n_string, 0},
    {"visible", &n_bool, 0},
    {"search", &n_string, 0},
    {"populateFrom", &n_string, 0},
    {"values", &(const struct node){.type = J_ARRAY,
                                    .items = &(const struct node){
                                        .type = J_OBJECT, .props = variable_value_props,
                                        .extra = EXTRA_WARN}}, 0},
    {NULL, NULL, 0},
};

static const struct prop dashboard_props[] = {
    {"widgets", &(const struct node){.type = J_ARRAY, .has_max = 1,
                                     .max = DASHBOARD_MAX_WIDGETS, .items = &n_widget}, 1},
    {"variables", &(const struct node){.type = J_ARRAY,
                                       .items = &(const struct node){
                                           .type = J_OBJECT, .props = variable_props,
                                           .extra = EXTRA_WARN, .check = check_variable}}, 0},
    {"start", &n_string, 0},
    {"end", &n_string, 0},
    {"periodOverride", &(const struct node){.type = J_STRING,
                                             .enums = (const char *const[]){"auto", "inherit",
                                                                            NULL}}, 0},
    {NULL, NULL, 0},
};
static const struct node n_dashboard = {.type = J_OBJECT, .props = dashboard_props,
                                        .extra = EXTRA_WARN};

/* ---- the API ----------------------------------------------------------------------------- */

/* Parses body into a new tree if it is a JSON object (and nothing after it), else NULL. */
static cJSON *parse_object(const char *body)
{
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithOpts(body, &end, 1);
    if (doc && !cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    return doc;
}

int dashboard_body_check(const char *body, struct dashboard_check *chk)
{
    cJSON *doc = parse_object(body);
    if (doc == NULL) {
        chk->not_object = 1;
        return -1;
    }
    struct vctx v = {.chk = chk, .plen = 0};
    v.path[0] = '\0';
    validate(&v, &n_dashboard, doc);
    cJSON_Delete(doc);
    return chk->nerrors ? -1 : 0;
}

static void free_msgs(struct dashboard_msg *list, int n)
{
    for (int i = 0; i < n; i++) {
        free(list[i].path);
        free(list[i].message);
    }
    free(list);
}

void dashboard_check_free(struct dashboard_check *chk)
{
    free_msgs(chk->errors, chk->nerrors);
    free_msgs(chk->warnings, chk->nwarnings);
    memset(chk, 0, sizeof *chk);
}

/* Appends s as a JSON string (quoted, escaped as JSON.stringify does) to b. */
static void put_json_string(struct buf *b, const char *s)
{
    cJSON *str = cJSON_CreateString(s);
    char *text = str ? cJSON_PrintUnformatted(str) : NULL;
    buf_puts(b, text ? text : "\"\"");
    cJSON_free(text);
    cJSON_Delete(str);
}

char *dashboard_check_message(const struct dashboard_check *chk)
{
    if (chk->not_object)
        return xstrdup("The field DashboardBody must be a valid JSON object");
    struct buf b;
    buf_init(&b, MESSAGE_MAX);
    buf_printf(&b, "The dashboard body is invalid, there are %d validation errors:\n[",
               chk->nerrors);
    for (int i = 0; i < chk->nerrors; i++) {
        buf_puts(&b, i ? ",\n  {\n    \"dataPath\": " : "\n  {\n    \"dataPath\": ");
        put_json_string(&b, chk->errors[i].path);
        buf_puts(&b, ",\n    \"message\": ");
        put_json_string(&b, chk->errors[i].message);
        buf_puts(&b, "\n  }");
    }
    buf_puts(&b, chk->nerrors ? "\n]" : "]");
    char *s = buf_steal(&b, NULL);
    return s ? s : xstrdup("The dashboard body is invalid");
}

/* ---- the parsed form --------------------------------------------------------------------- */

/* The lowest free row of each grid column, for the "next available position". */
struct grid {
    long top[GRID_COLUMNS];
};

/* The row a widget of width w at column x would start on. */
static long grid_row(const struct grid *g, int x, int w)
{
    long y = 0;
    for (int c = x; c < x + w && c < GRID_COLUMNS; c++)
        y = g->top[c] > y ? g->top[c] : y;
    return y;
}

static void grid_take(struct grid *g, int x, long y, int w, long h)
{
    for (int c = x; c < x + w && c < GRID_COLUMNS; c++) {
        if (y + h > g->top[c])
            g->top[c] = y + h;
    }
}

/* Places one widget: given x and y are kept; otherwise the first place (top-most, then
 * left-most) where it sits on no widget placed before it. */
static void place(struct grid *g, const cJSON *w, cJSON *out)
{
    const cJSON *jx = cJSON_GetObjectItemCaseSensitive(w, "x");
    const cJSON *jy = cJSON_GetObjectItemCaseSensitive(w, "y");
    const cJSON *jw = cJSON_GetObjectItemCaseSensitive(w, "width");
    const cJSON *jh = cJSON_GetObjectItemCaseSensitive(w, "height");
    int width = jw ? (int)jw->valuedouble : DEFAULT_SIZE;
    long height = jh ? (long)jh->valuedouble : DEFAULT_SIZE;
    int x;
    long y;
    if (jx && jy) {
        x = (int)jx->valuedouble;
        y = (long)jy->valuedouble;
    } else if (jx) {
        x = (int)jx->valuedouble;
        y = grid_row(g, x, width);
    } else {
        long want = jy ? (long)jy->valuedouble : -1;
        x = 0;
        y = grid_row(g, 0, width);
        for (int c = 0; c + width <= GRID_COLUMNS; c++) {
            long row = grid_row(g, c, width);
            if (want >= 0 ? row <= want : row < y) {
                x = c;
                y = row;
                if (want >= 0)
                    break;
            }
        }
        if (want >= 0)
            y = want;
    }
    grid_take(g, x, y, width, height);
    cJSON_AddNumberToObject(out, "x", x);
    cJSON_AddNumberToObject(out, "y", (double)y);
    cJSON_AddNumberToObject(out, "width", width);
    cJSON_AddNumberToObject(out, "height", (double)height);
}

#define METRIC_MAX_FIELDS 256

/* The resolved metrics of a metric widget: "." takes the value at the same place in the
 * metric before it (itself resolved), as the console does. */
static cJSON *model_metrics(const cJSON *metrics)
{
    cJSON *out = cJSON_CreateArray();
    const char *prev[METRIC_MAX_FIELDS];
    int nprev = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, metrics)
    {
        int n = cJSON_GetArraySize(row);
        const cJSON *last = cJSON_GetArrayItem(row, n - 1);
        const cJSON *opts = cJSON_IsObject(last) ? last : NULL;
        int nstrings = opts ? n - 1 : n;
        const char *s[METRIC_MAX_FIELDS];
        int ns = 0;
        const cJSON *e = row->child;
        for (int k = 0; k < nstrings && ns < METRIC_MAX_FIELDS; k++, e = e->next) {
            const char *val = e->valuestring;
            if (strcmp(val, ".") == 0 && k < nprev)
                val = prev[k];
            s[ns++] = val;
        }
        cJSON *m = cJSON_CreateObject();
        if (ns == 0) {
            const cJSON *expr = cJSON_GetObjectItemCaseSensitive(opts, "expression");
            cJSON_AddStringToObject(m, "expression", cJSON_IsString(expr) ? expr->valuestring
                                                                          : "");
        } else {
            cJSON_AddStringToObject(m, "namespace", s[0]);
            cJSON_AddStringToObject(m, "metricName", ns > 1 ? s[1] : "");
            cJSON *dims = cJSON_AddArrayToObject(m, "dimensions");
            for (int k = 2; k + 1 < ns; k += 2) {
                cJSON *d = cJSON_CreateObject();
                cJSON_AddStringToObject(d, "name", s[k]);
                cJSON_AddStringToObject(d, "value", s[k + 1]);
                cJSON_AddItemToArray(dims, d);
            }
        }
        cJSON_AddItemToObject(m, "options",
                              opts ? cJSON_Duplicate(opts, 1) : cJSON_CreateObject());
        cJSON_AddItemToArray(out, m);
        if (ns > 0) {
            memcpy(prev, s, (size_t)ns * sizeof *s);
            nprev = ns;
        }
    }
    return out;
}

cJSON *dashboard_body_model(const char *body)
{
    struct dashboard_check chk = {0};
    int rc = dashboard_body_check(body, &chk);
    dashboard_check_free(&chk);
    if (rc)
        return NULL;
    cJSON *doc = parse_object(body);
    if (doc == NULL)
        return NULL;
    cJSON *model = cJSON_CreateObject();
    cJSON *widgets = cJSON_AddArrayToObject(model, "widgets");
    struct grid g = {{0}};
    const cJSON *w;
    cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(doc, "widgets"))
    {
        cJSON *o = cJSON_CreateObject();
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(w, "type");
        const cJSON *props = cJSON_GetObjectItemCaseSensitive(w, "properties");
        cJSON_AddStringToObject(o, "type", type->valuestring);
        place(&g, w, o);
        cJSON_AddItemToObject(o, "properties", cJSON_Duplicate(props, 1));
        const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(props, "metrics");
        if (strcmp(type->valuestring, "metric") == 0)
            cJSON_AddItemToObject(o, "metrics", metrics ? model_metrics(metrics)
                                                        : cJSON_CreateArray());
        cJSON_AddItemToArray(widgets, o);
    }
    const cJSON *vars = cJSON_GetObjectItemCaseSensitive(doc, "variables");
    cJSON_AddItemToObject(model, "variables",
                          vars ? cJSON_Duplicate(vars, 1) : cJSON_CreateArray());
    static const char *const keys[] = {"start", "end", NULL};
    for (int i = 0; keys[i]; i++) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(doc, keys[i]);
        if (t)
            cJSON_AddStringToObject(model, keys[i], t->valuestring);
    }
    const cJSON *po = cJSON_GetObjectItemCaseSensitive(doc, "periodOverride");
    cJSON_AddStringToObject(model, "periodOverride", po ? po->valuestring : "auto");
    cJSON_Delete(doc);
    return model;
}
