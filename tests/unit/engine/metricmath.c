/*
 * Tests of sim/engine/metricmath*.c. Most cases are data: metricmath_cases.txt beside this
 * file, in jq's three-line style (see its header for the format), each hand-computed from
 * the CloudWatch User Guide's definitions. The TESTs below cover what a line cannot say:
 * the parser's limits, mm_refs/mm_calls, the callbacks (lookup errors, SEARCH arguments,
 * malformed values), labels and ids of results, and mm_eval_result.
 */
#include "engine/metricmath.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

#define BASE_MS 1767225600000LL /* 2026-01-01T00:00:00Z, a Thursday */
#define MAX_BINDINGS 16
#define MAX_POINTS 64

struct binding {
    char id[32];
    char label[32];
    int period_s;
    int n;
    int64_t ts[MAX_POINTS];
    double v[MAX_POINTS];
};

struct tenv {
    struct binding b[MAX_BINDINGS];
    int nb;
    int64_t start_ms;
    int period_s;
    int npoints; /* grid length: end = start + npoints * period */
    /* what the callbacks saw */
    char search_expr[128];
    char search_stat[32];
    int search_period;
    char metrics_filter[32];
    int metrics_calls;
};

static void binding_copy(const struct binding *b, struct mm_series *s)
{
    memset(s, 0, sizeof *s);
    s->id = strdup(b->id);
    s->label = b->label[0] ? strdup(b->label) : NULL;
    s->period_s = b->period_s;
    s->n = b->n;
    s->ts = malloc((size_t)(b->n ? b->n : 1) * sizeof *s->ts);
    s->v = malloc((size_t)(b->n ? b->n : 1) * sizeof *s->v);
    memcpy(s->ts, b->ts, (size_t)b->n * sizeof *s->ts);
    memcpy(s->v, b->v, (size_t)b->n * sizeof *s->v);
}

/* lookup: the bindings; "broken" fails (-1), anything else is unknown (1). */
static int t_lookup(void *ctx, const char *id, struct mm_value *out)
{
    struct tenv *te = ctx;
    if (strcmp(id, "broken") == 0)
        return -1;
    for (int i = 0; i < te->nb; i++) {
        if (strcmp(te->b[i].id, id) == 0) {
            out->kind = MM_SERIES;
            out->nseries = 1;
            out->series = calloc(1, sizeof *out->series);
            binding_copy(&te->b[i], &out->series[0]);
            return 0;
        }
    }
    return 1;
}

/* METRICS(): every binding whose id contains filter, in order. */
static int t_metrics(void *ctx, const char *filter, struct mm_value *out)
{
    struct tenv *te = ctx;
    te->metrics_calls++;
    snprintf(te->metrics_filter, sizeof te->metrics_filter, "%s", filter ? filter : "(null)");
    out->kind = MM_ARRAY;
    out->series = calloc(MAX_BINDINGS, sizeof *out->series);
    for (int i = 0; i < te->nb; i++) {
        if (filter == NULL || strstr(te->b[i].id, filter) != NULL)
            binding_copy(&te->b[i], &out->series[out->nseries++]);
    }
    return 0;
}

/* SEARCH(): the bindings whose id starts with "s"; an expression "fail" fails. */
static int t_search(void *ctx, const char *expr, const char *stat, int period_s,
                    struct mm_value *out, char **error)
{
    struct tenv *te = ctx;
    snprintf(te->search_expr, sizeof te->search_expr, "%s", expr);
    snprintf(te->search_stat, sizeof te->search_stat, "%s", stat);
    te->search_period = period_s;
    if (strcmp(expr, "fail") == 0) {
        *error = strdup("Invalid SEARCH expression");
        return -1;
    }
    out->kind = MM_ARRAY;
    out->series = calloc(MAX_BINDINGS, sizeof *out->series);
    for (int i = 0; i < te->nb; i++) {
        if (te->b[i].id[0] == 's')
            binding_copy(&te->b[i], &out->series[out->nseries++]);
    }
    return 0;
}

static void tenv_init(struct tenv *te)
{
    memset(te, 0, sizeof *te);
    te->start_ms = BASE_MS;
    te->period_s = 60;
}

static struct mm_env tenv_env(struct tenv *te)
{
    struct mm_env env = {
        .ctx = te,
        .lookup = t_lookup,
        .metrics = t_metrics,
        .search = t_search,
        .start_ms = te->start_ms,
        .end_ms = te->start_ms + (int64_t)te->npoints * te->period_s * 1000,
        .period_s = te->period_s,
    };
    return env;
}

/*
 * Parses "1,2,-,4" (values on a grid of step_s from start; "-" = no point) into n/ts/v.
 * Returns the number of grid slots, or -1.
 */
static int parse_values(const char *s, int64_t start, int step_s, int *n, int64_t *ts,
                        double *v)
{
    *n = 0;
    if (*s == '\0')
        return 0;
    int slot = 0;
    for (;;) {
        if (slot >= MAX_POINTS)
            return -1;
        if (*s == '-' && (s[1] == ',' || s[1] == '\0')) {
            s++;
        } else {
            char *end;
            double d = strtod(s, &end);
            if (end == s)
                return -1;
            ts[*n] = start + (int64_t)slot * step_s * 1000;
            v[*n] = d;
            (*n)++;
            s = end;
        }
        slot++;
        if (*s == '\0')
            return slot;
        if (*s != ',')
            return -1;
        s++;
    }
}

/* Parses a case's input line into te. Returns 0 or -1. */
static int parse_inputs(char *line, struct tenv *te)
{
    int longest = 0;
    int npoints = -1;
    for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " ")) {
        if (strcmp(tok, "-") == 0)
            continue;
        if (strncmp(tok, "@period=", 8) == 0) {
            te->period_s = atoi(tok + 8);
            continue;
        }
        if (strncmp(tok, "@start=", 7) == 0) {
            te->start_ms = strtoll(tok + 7, NULL, 10) * 1000;
            continue;
        }
        if (strncmp(tok, "@n=", 3) == 0) {
            npoints = atoi(tok + 3);
            continue;
        }
        char *eq = strchr(tok, '=');
        if (eq == NULL || te->nb == MAX_BINDINGS)
            return -1;
        *eq = '\0';
        struct binding *b = &te->b[te->nb++];
        char *at = strchr(tok, '@');
        if (at != NULL) {
            *at = '\0';
            b->period_s = atoi(at + 1);
        }
        char *colon = strchr(tok, ':');
        if (colon != NULL) {
            *colon = '\0';
            snprintf(b->label, sizeof b->label, "%s", colon + 1);
        }
        snprintf(b->id, sizeof b->id, "%s", tok);
        int step = b->period_s ? b->period_s : te->period_s;
        int slots = parse_values(eq + 1, te->start_ms, step, &b->n, b->ts, b->v);
        if (slots < 0)
            return -1;
        int64_t span = (int64_t)slots * step / te->period_s;
        longest = span > longest ? (int)span : longest;
    }
    te->npoints = npoints >= 0 ? npoints : longest;
    return 0;
}

/* Appends the values of s as "1,2,-,4" on te's grid. */
static void format_series(const struct tenv *te, const struct mm_series *s, char *buf,
                          size_t cap)
{
    size_t len = strlen(buf);
    int64_t step = (int64_t)te->period_s * 1000;
    int slot = 0;
    for (int i = 0; i < s->n; i++) {
        int64_t off = s->ts[i] - te->start_ms;
        if (off < 0 || off % step != 0) {
            len += (size_t)snprintf(buf + len, cap - len, "%soff-grid@%lld",
                                    i ? "," : "", (long long)s->ts[i]);
            continue;
        }
        int want = (int)(off / step);
        while (slot < want) {
            len += (size_t)snprintf(buf + len, cap - len, "%s-", slot ? "," : "");
            slot++;
        }
        len += (size_t)snprintf(buf + len, cap - len, "%s%.12g", slot ? "," : "", s->v[i]);
        slot++;
        if (len >= cap)
            return;
    }
    if (s->n == 0)
        snprintf(buf + len, cap - len, "-");
}

/* Renders a result in the case file's expected-line syntax. */
static void format_value(const struct tenv *te, const struct mm_value *v, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (v->kind == MM_SCALAR) {
        snprintf(buf, cap, "S %.12g", v->scalar);
    } else if (v->kind == MM_SERIES) {
        snprintf(buf, cap, "TS ");
        format_series(te, &v->series[0], buf, cap);
    } else {
        snprintf(buf, cap, "TS[]");
        for (int k = 0; k < v->nseries; k++) {
            size_t len = strlen(buf);
            snprintf(buf + len, cap - len, " %s=", v->series[k].id ? v->series[k].id : "_");
            format_series(te, &v->series[k], buf, cap);
        }
    }
    if (v->dropped) {
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, " dropped=%ld", v->dropped);
    }
}

/*
 * Compares a rendered result with the expected text: the same words, numbers equal to
 * 1e-9 relative. Returns 1 if they match.
 */
static int same_text(const char *got, const char *want)
{
    while (*got || *want) {
        if (isdigit((unsigned char)*want) || ((*want == '-' || *want == '.') &&
                                              isdigit((unsigned char)want[1]))) {
            char *ge;
            char *we;
            double g = strtod(got, &ge);
            double w = strtod(want, &we);
            if (ge == got)
                return 0;
            double tol = 1e-9 * (fabs(w) > 1 ? fabs(w) : 1);
            if (fabs(g - w) > tol)
                return 0;
            got = ge;
            want = we;
            continue;
        }
        if (*got != *want)
            return 0;
        got++;
        want++;
    }
    return 1;
}

/* Runs one case. Returns NULL if it passes, else a description (caller frees). */
static char *run_case(const char *expr, const char *inputs, const char *expected)
{
    struct tenv te;
    tenv_init(&te);
    char *in = strdup(inputs);
    char *msg = NULL;
    if (parse_inputs(in, &te) != 0) {
        free(in);
        return strdup("bad input line");
    }
    free(in);
    struct mm_env env = tenv_env(&te);
    struct mm_expr *e = NULL;
    char *err = NULL;
    char got[4096];
    struct mm_value v = {0};
    if (mm_parse(expr, &e, &err) != 0 || mm_eval(e, &env, &v, &err) != 0) {
        snprintf(got, sizeof got, "ERROR %s", err);
    } else {
        format_value(&te, &v, got, sizeof got);
    }
    const char *want = expected;
    int ok = strncmp(want, "ERROR ", 6) == 0 ? strcmp(got, want) == 0 : same_text(got, want);
    if (!ok) {
        size_t cap = strlen(got) + strlen(want) + 64;
        msg = malloc(cap);
        snprintf(msg, cap, "\n    got:  %s\n    want: %s", got, want);
    }
    free(err);
    mm_value_clear(&v);
    mm_free(e);
    return msg;
}

static char *case_file_path(void)
{
    const char *here = __FILE__;
    const char *slash = strrchr(here, '/');
    size_t dir = slash ? (size_t)(slash - here + 1) : 0;
    char *path = malloc(dir + 32);
    memcpy(path, here, dir);
    strcpy(path + dir, "metricmath_cases.txt");
    return path;
}

TEST(engine_metricmath_cases)
{
    char *path = case_file_path();
    FILE *f = fopen(path, "r");
    if (f == NULL)
        t_fail(__FILE__, __LINE__, "cannot open %s", path);
    char lines[3][4096];
    int have = 0;
    int lineno = 0;
    int first_line = 0;
    int cases = 0;
    int failed = 0;
    char buf[4096];
    for (;;) {
        char *r = fgets(buf, sizeof buf, f);
        if (r != NULL) {
            lineno++;
            buf[strcspn(buf, "\n")] = '\0';
            if (buf[0] == '#')
                continue;
        }
        if (r == NULL || buf[0] == '\0') {
            if (have == 3) {
                cases++;
                char *msg = run_case(lines[0], lines[1], lines[2]);
                if (msg != NULL) {
                    fprintf(stderr, "  %s:%d: %s%s\n", path, first_line, lines[0], msg);
                    free(msg);
                    failed++;
                }
            } else if (have != 0) {
                fprintf(stderr, "  %s:%d: a case needs 3 lines, has %d\n", path, first_line,
                        have);
                failed++;
            }
            have = 0;
            if (r == NULL)
                break;
            continue;
        }
        if (have == 3) {
            fprintf(stderr, "  %s:%d: more than 3 lines in a case\n", path, lineno);
            failed++;
            continue;
        }
        if (have == 0)
            first_line = lineno;
        snprintf(lines[have++], sizeof lines[0], "%s", buf);
    }
    fclose(f);
    free(path);
    fprintf(stderr, "  %d cases, %d failed\n", cases, failed);
    T_EQ_INT(failed, 0);
    T_ASSERT(cases >= 60);
}

/* Parses text, expecting failure with exactly message want. */
static void expect_parse_error(const char *text, const char *want, int line)
{
    struct mm_expr *e = NULL;
    char *err = NULL;
    if (mm_parse(text, &e, &err) == 0) {
        mm_free(e);
        t_fail(__FILE__, line, "\"%s\" parsed", text);
    }
    if (strcmp(err, want) != 0)
        t_fail(__FILE__, line, "\"%s\": got \"%s\", want \"%s\"", text, err, want);
    free(err);
}

static void expect_parse_ok(const char *text, int line)
{
    struct mm_expr *e = NULL;
    char *err = NULL;
    if (mm_parse(text, &e, &err) != 0)
        t_fail(__FILE__, line, "\"%s\" did not parse: %s", text, err);
    mm_free(e);
}

TEST(engine_metricmath_parse_limits)
{
    /* nesting: MM_MAX_DEPTH levels are accepted, one more is not */
    char deep[512];
    size_t o = 0;
    for (int i = 0; i < MM_MAX_DEPTH; i++)
        deep[o++] = '(';
    deep[o++] = '1';
    for (int i = 0; i < MM_MAX_DEPTH; i++)
        deep[o++] = ')';
    deep[o] = '\0';
    expect_parse_ok(deep, __LINE__);
    char deeper[520];
    snprintf(deeper, sizeof deeper, "(%s)", deep);
    expect_parse_error(deeper, "The expression is nested more than 64 levels deep", __LINE__);
    /* calls and unary minus nest too */
    char calls[1024] = "";
    for (int i = 0; i < MM_MAX_DEPTH + 1; i++)
        strcat(calls, "ABS(");
    strcat(calls, "m1");
    for (int i = 0; i < MM_MAX_DEPTH + 1; i++)
        strcat(calls, ")");
    expect_parse_error(calls, "The expression is nested more than 64 levels deep", __LINE__);
    char minus[128];
    memset(minus, '-', MM_MAX_DEPTH + 1);
    strcpy(minus + MM_MAX_DEPTH + 1, "1");
    expect_parse_error(minus, "The expression is nested more than 64 levels deep", __LINE__);
    memset(minus, '-', MM_MAX_DEPTH);
    strcpy(minus + MM_MAX_DEPTH, "1");
    expect_parse_ok(minus, __LINE__);
    /* length: MM_MAX_EXPRESSION characters are accepted (a long sum), one more is not */
    char *longx = malloc(MM_MAX_EXPRESSION + 2);
    size_t n = 0;
    longx[n++] = '1';
    while (n + 2 <= MM_MAX_EXPRESSION) {
        longx[n++] = '+';
        longx[n++] = '1';
    }
    while (n < MM_MAX_EXPRESSION)
        longx[n++] = ' ';
    longx[n] = '\0';
    T_EQ_INT(strlen(longx), MM_MAX_EXPRESSION);
    expect_parse_ok(longx, __LINE__);
    /* and it evaluates: 1024 ones */
    struct mm_expr *e = NULL;
    char *err = NULL;
    struct mm_env env = {.period_s = 60};
    struct mm_value v;
    T_EQ_INT(mm_parse(longx, &e, &err), 0);
    T_EQ_INT(mm_eval(e, &env, &v, &err), 0);
    T_EQ_INT(v.kind, MM_SCALAR);
    T_EQ_DBL(v.scalar, 1024);
    mm_free(e);
    longx[n++] = ' ';
    longx[n] = '\0';
    expect_parse_error(longx, "The expression is longer than 2048 characters", __LINE__);
    free(longx);
}

TEST(engine_metricmath_parse_errors)
{
    static const struct {
        const char *text;
        const char *err;
    } bad[] = {
        {"", "Invalid syntax"},
        {"   ", "Invalid syntax"},
        {"m1 +", "Invalid syntax"},
        {"m1 m2", "Invalid syntax"},
        {"(m1", "Invalid syntax"},
        {"m1)", "Invalid syntax"},
        {"[m1, m2", "Invalid syntax"},
        {"[]", "Invalid syntax"},
        {"m1 = m2", "Invalid syntax"},
        {"m1 & m2", "Invalid syntax"},
        {"m1 | m2", "Invalid syntax"},
        {"!m1", "Invalid syntax"},
        {"M1 + 1", "Invalid syntax"},
        {"_m1", "Invalid syntax"},
        {"1.2.3", "Invalid syntax"},
        {"5m1", "Invalid syntax"},
        {"1e", "Invalid syntax"},
        {"0x10", "Invalid syntax"},
        {"+5", "Invalid syntax"},
        {"m1 # 2", "Invalid syntax"},
        {"METRICS(\"abc)", "Invalid syntax"},
        {"'abc'", "Invalid syntax"},
        {"ABS", "Invalid syntax"},
        {"ABS(m1,)", "Invalid number of arguments for ABS"},
        {"IF(m1,)", "Invalid syntax"},
        {"ABS m1", "Invalid syntax"},
        {"m1(2)", "Invalid syntax"},
        {"abs(m1)", "Invalid syntax"},
        {"FOO(m1)", "Unknown function: FOO"},
        {"SQRT(m1)", "Unknown function: SQRT"},
        {"ABS()", "Invalid number of arguments for ABS"},
        {"ABS(m1, m2)", "Invalid number of arguments for ABS"},
        {"IF(m1)", "Invalid number of arguments for IF"},
        {"IF(m1, 1, 2, 3)", "Invalid number of arguments for IF"},
        {"FILL(m1)", "Invalid number of arguments for FILL"},
        {"SORT(METRICS(), AVG)", "Invalid number of arguments for SORT"},
        {"METRICS(\"a\", \"b\")", "Invalid number of arguments for METRICS"},
        {"METRICS(m1)", "Invalid argument for METRICS: argument 1 must be a string"},
        {"SEARCH(m1, 'Average')", "Invalid argument for SEARCH: argument 1 must be a string"},
        {"PERIOD(m1 * 2)", "Invalid argument for PERIOD: argument 1 must be the Id of a metric"},
        {"PERIOD(60)", "Invalid argument for PERIOD: argument 1 must be the Id of a metric"},
        {"SORT(METRICS(), MEDIAN, ASC)",
         "Invalid argument for SORT: argument 2 must be one of AVG, MIN, MAX, SUM"},
        {"SORT(METRICS(), AVG(m1), ASC)",
         "Invalid argument for SORT: argument 2 must be one of AVG, MIN, MAX, SUM"},
        {"SORT(METRICS(), AVG, UP)", "Invalid argument for SORT: argument 3 must be ASC or DESC"},
        {"FILL(m1, NEAREST)", "Invalid syntax"},
        {"m1 + REPEAT", "Invalid syntax"},
        {"ANOMALY_DETECTION_BAND(m1, 2)",
         "Unsupported function: ANOMALY_DETECTION_BAND (drillsim does not train anomaly "
         "detection models)"},
        {"INSIGHT_RULE_METRIC('rule', 'Sum')",
         "Unsupported function: INSIGHT_RULE_METRIC (drillsim does not simulate Contributor "
         "Insights rules)"},
        {"m1 / SERVICE_QUOTA(m1) * 100",
         "Unsupported function: SERVICE_QUOTA (drillsim does not simulate Service Quotas)"},
        {"LAMBDA('fn', 'arg')",
         "Unsupported function: LAMBDA (drillsim does not call Lambda data sources)"},
        {"DB_PERF_INSIGHTS('RDS', 'db-1', 'db.load.avg')",
         "Unsupported function: DB_PERF_INSIGHTS (drillsim does not simulate Performance "
         "Insights)"},
        {"SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\")",
         "Metrics Insights queries (SELECT ...) are not supported by drillsim"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_parse_error(bad[i].text, bad[i].err, __LINE__);

    static const char *const good[] = {
        "m1", "e1-MIN(e1)", "errors/requests*100", "1e-36", ".5*m1", "2.5E3", "m1_x2",
        "SUM([m1, m2])", "SUM(100/[m1, m2])", "AVG([m1,m2]/m3)", "METRICS()*100", "-5*m1",
        "SUM(-[m1, m2])", "m1 > 15 AND m2 > 15", "m1 > 15 && m2 > 15 || NOT m1",
        "IF(m1<400, m1)", "FILL(METRICS(), LINEAR)", "FILL(m1, REPEAT)", "FILL(m1, MIN(m1))",
        "SORT(METRICS(), SUM, DESC, 10)", "SORT( METRICS() , MAX , ASC )",
        "SLICE(SORT(METRICS(), AVG, ASC), 5)", "SUM(METRICS(\"errors\"))",
        "SUM([METRICS('4xx'), METRICS('5xx')])", "PERIOD(m1)/60",
        "SEARCH('{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\"', 'Average', 300)",
        "SEARCH(' {AWS/EC2} \\'quoted\\' ', 'Sum')", "\tm1\n+\r\nm2 ",
        "IF((DAY(m1)<6 AND (HOUR(m1)>=9 AND HOUR(m1)<17)),m1)", "CONCAT([m1], METRICS())",
        "select", /* an id, not a Metrics Insights query */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        expect_parse_ok(good[i], __LINE__);
}

static void free_ids(char **ids, int n)
{
    for (int i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

TEST(engine_metricmath_refs)
{
    struct mm_expr *e = NULL;
    char *err = NULL;
    char **ids = NULL;
    T_EQ_INT(mm_parse("IF(m1 > e2, m1 * PERIOD(m3), errors) + m1 - SUM(METRICS(\"m9\"))", &e,
                      &err),
             0);
    int n = mm_refs(e, &ids);
    T_EQ_INT(n, 4);
    T_EQ_STR(ids[0], "m1");
    T_EQ_STR(ids[1], "e2");
    T_EQ_STR(ids[2], "m3");
    T_EQ_STR(ids[3], "errors");
    free_ids(ids, n);
    T_EQ_INT(mm_calls(e, "METRICS"), 1);
    T_EQ_INT(mm_calls(e, "SEARCH"), 0);
    T_EQ_INT(mm_calls(e, "PERIOD"), 1);
    mm_free(e);

    T_EQ_INT(mm_parse("SEARCH('{AWS/EC2} m1', 'Average', 300)", &e, &err), 0);
    T_EQ_INT(mm_refs(e, &ids), 0); /* the string's m1 is not an id */
    T_ASSERT(ids == NULL);
    T_EQ_INT(mm_calls(e, "SEARCH"), 1);
    mm_free(e);
}

/* Parses and evaluates text against te. Returns mm_eval's result; *err on failure. */
static int eval_text(struct tenv *te, const char *text, struct mm_value *v, char **err)
{
    struct mm_expr *e = NULL;
    *err = NULL;
    if (mm_parse(text, &e, err) != 0)
        return -2;
    struct mm_env env = tenv_env(te);
    int rc = mm_eval(e, &env, v, err);
    mm_free(e);
    return rc;
}

static void set_inputs(struct tenv *te, const char *inputs)
{
    tenv_init(te);
    char *in = strdup(inputs);
    T_EQ_INT(parse_inputs(in, te), 0);
    free(in);
}

TEST(engine_metricmath_callbacks)
{
    struct tenv te;
    struct mm_value v;
    char *err;

    set_inputs(&te, "m1=1,2 s1=5,6 s2=7,-");
    /* SEARCH passes its arguments through, escapes resolved; the period defaults */
    T_EQ_INT(eval_text(&te, "SEARCH('{AWS/EC2,InstanceId} MetricName=\"CPU\" \\'x\\'', "
                            "'Maximum', 300)", &v, &err), 0);
    T_EQ_STR(te.search_expr, "{AWS/EC2,InstanceId} MetricName=\"CPU\" 'x'");
    T_EQ_STR(te.search_stat, "Maximum");
    T_EQ_INT(te.search_period, 300);
    T_EQ_INT(v.kind, MM_ARRAY);
    T_EQ_INT(v.nseries, 2);
    T_EQ_STR(v.series[0].id, "s1");
    mm_value_clear(&v);
    T_EQ_INT(eval_text(&te, "SEARCH(\"x\", \"Sum\")", &v, &err), 0);
    T_EQ_INT(te.search_period, 60);
    mm_value_clear(&v);
    T_EQ_INT(eval_text(&te, "SEARCH('fail', 'Sum')", &v, &err), -1);
    T_EQ_STR(err, "Invalid SEARCH expression");
    free(err);
    T_EQ_INT(eval_text(&te, "SEARCH('x', 'Sum', 0)", &v, &err), -1);
    T_EQ_STR(err, "Invalid argument for SEARCH: argument 3 must be a whole number from 1 to "
                  "2147483647");
    free(err);
    /* without a search callback (alarms) SEARCH is an error */
    {
        struct mm_expr *e = NULL;
        T_EQ_INT(mm_parse("SEARCH('x', 'Sum')", &e, &err), 0);
        struct mm_env env = tenv_env(&te);
        env.search = NULL;
        T_EQ_INT(mm_eval(e, &env, &v, &err), -1);
        T_EQ_STR(err, "SEARCH expressions are not supported here");
        free(err);
        env.metrics = NULL;
        mm_free(e);
        T_EQ_INT(mm_parse("METRICS()", &e, &err), 0);
        T_EQ_INT(mm_eval(e, &env, &v, &err), -1);
        T_EQ_STR(err, "METRICS() is not available here");
        free(err);
        mm_free(e);
    }
    /* METRICS passes its filter */
    T_EQ_INT(eval_text(&te, "METRICS('s')", &v, &err), 0);
    T_EQ_STR(te.metrics_filter, "s");
    T_EQ_INT(v.nseries, 2);
    mm_value_clear(&v);
    T_EQ_INT(eval_text(&te, "METRICS()", &v, &err), 0);
    T_EQ_STR(te.metrics_filter, "(null)");
    T_EQ_INT(v.nseries, 3);
    mm_value_clear(&v);
    /* lookup: unknown and failing ids */
    T_EQ_INT(eval_text(&te, "m1 + m7", &v, &err), -1);
    T_EQ_STR(err, "Unknown identifier: m7");
    free(err);
    T_EQ_INT(eval_text(&te, "ABS(broken)", &v, &err), -1);
    T_EQ_STR(err, "The value of broken could not be computed");
    free(err);
    /* mm_eval_result: a scalar is not a final result */
    {
        struct mm_expr *e = NULL;
        struct mm_env env = tenv_env(&te);
        T_EQ_INT(mm_parse("AVG(m1)", &e, &err), 0);
        T_EQ_INT(mm_eval_result(e, &env, &v, &err), -1);
        T_EQ_STR(err, "The final result of a math expression must be a single time series or "
                      "an array of time series, not a scalar");
        free(err);
        mm_free(e);
        T_EQ_INT(mm_parse("m1 - AVG(m1)", &e, &err), 0);
        T_EQ_INT(mm_eval_result(e, &env, &v, &err), 0);
        T_EQ_INT(v.kind, MM_SERIES);
        T_EQ_INT(v.series[0].n, 2);
        T_EQ_DBL(v.series[0].v[0], -0.5);
        mm_value_clear(&v);
        mm_free(e);
    }
}

/* A lookup that returns unsorted, duplicated and NAN points, or a malformed value. */
static int messy_lookup(void *ctx, const char *id, struct mm_value *out)
{
    (void)ctx;
    out->kind = MM_SERIES;
    out->nseries = 1;
    out->series = calloc(1, sizeof *out->series);
    struct mm_series *s = &out->series[0];
    if (strcmp(id, "bad") == 0) {
        s->n = 3; /* and no arrays */
        return 0;
    }
    if (strcmp(id, "twoseries") == 0) {
        out->nseries = 2;
        out->series = realloc(out->series, 2 * sizeof *out->series);
        memset(&out->series[1], 0, sizeof out->series[1]);
        return 0;
    }
    static const int64_t ts[] = {BASE_MS + 120000, BASE_MS, BASE_MS + 60000, BASE_MS,
                                 BASE_MS + 180000};
    static const double v[] = {3, 1, NAN, 10, 4};
    s->n = 5;
    s->ts = malloc(sizeof ts);
    s->v = malloc(sizeof v);
    memcpy(s->ts, ts, sizeof ts);
    memcpy(s->v, v, sizeof v);
    return 0;
}

TEST(engine_metricmath_normalizes_inputs)
{
    struct mm_env env = {.lookup = messy_lookup, .start_ms = BASE_MS,
                         .end_ms = BASE_MS + 240000, .period_s = 60};
    struct mm_expr *e = NULL;
    char *err = NULL;
    struct mm_value v;
    /* sorted, the later of two points at one time kept, NAN dropped */
    T_EQ_INT(mm_parse("m1 * 1", &e, &err), 0);
    T_EQ_INT(mm_eval(e, &env, &v, &err), 0);
    T_EQ_INT(v.series[0].n, 3);
    T_EQ_INT(v.series[0].ts[0], BASE_MS);
    T_EQ_DBL(v.series[0].v[0], 10);
    T_EQ_INT(v.series[0].ts[1], BASE_MS + 120000);
    T_EQ_DBL(v.series[0].v[1], 3);
    T_EQ_DBL(v.series[0].v[2], 4);
    T_EQ_INT(v.dropped, 0);
    mm_value_clear(&v);
    mm_free(e);
    T_EQ_INT(mm_parse("bad + 1", &e, &err), 0);
    T_EQ_INT(mm_eval(e, &env, &v, &err), -1);
    T_EQ_STR(err, "Internal error: bad returned a malformed value");
    free(err);
    mm_free(e);
    T_EQ_INT(mm_parse("twoseries + 1", &e, &err), 0);
    T_EQ_INT(mm_eval(e, &env, &v, &err), -1);
    T_EQ_STR(err, "Internal error: twoseries returned a malformed value");
    free(err);
    mm_free(e);
    /* no lookup at all: every id is unknown */
    env.lookup = NULL;
    T_EQ_INT(mm_parse("m1", &e, &err), 0);
    T_EQ_INT(mm_eval(e, &env, &v, &err), -1);
    T_EQ_STR(err, "Unknown identifier: m1");
    free(err);
    mm_free(e);
}

TEST(engine_metricmath_labels)
{
    struct tenv te;
    struct mm_value v;
    char *err;
    set_inputs(&te, "m1:Errors=1,2 m2:Faults=3,4 m3=5,6");
    /* an array keeps each series' id and label through element-wise math */
    T_EQ_INT(eval_text(&te, "FILL(METRICS(), 0) * 2 - m3", &v, &err), 0);
    T_EQ_INT(v.kind, MM_ARRAY);
    T_EQ_INT(v.nseries, 3);
    T_EQ_STR(v.series[0].id, "m1");
    T_EQ_STR(v.series[0].label, "Errors");
    T_EQ_STR(v.series[1].label, "Faults");
    T_ASSERT(v.series[2].label == NULL);
    T_EQ_DBL(v.series[1].v[1], 2 * 4 - 6);
    mm_value_clear(&v);
    /* and through SORT, SLICE, FIRST */
    T_EQ_INT(eval_text(&te, "FIRST(SLICE(SORT(METRICS(), MAX, DESC), 1))", &v, &err), 0);
    T_EQ_INT(v.kind, MM_SERIES);
    T_EQ_STR(v.series[0].id, "m2");
    T_EQ_STR(v.series[0].label, "Faults");
    mm_value_clear(&v);
    /* periods travel with the series */
    set_inputs(&te, "m1@300=1,2 m2=1");
    T_EQ_INT(eval_text(&te, "PERIOD(m1) + PERIOD(m2)", &v, &err), 0);
    T_EQ_DBL(v.scalar, 360);
    mm_value_clear(&v);
    T_EQ_INT(eval_text(&te, "m1 * 2", &v, &err), 0);
    T_EQ_INT(v.series[0].period_s, 300);
    mm_value_clear(&v);
}
