/*
 * logs_insights.c - the Logs Insights API: StartQuery, GetQueryResults, StopQuery,
 * DescribeQueries and GetLogRecord, over the language in sim/insights/ and the events scan of
 * sim/store/logs.h.
 *
 * A query lives in two places. The table logs_queries (sim/store/schema.c) records every
 * query of a team: its parameters, status, and once it ends its results and statistics
 * (kept 7 days of sim time, as AWS keeps them), so completed queries survive a restart. The
 * queries still Scheduled or Running are also in memory (struct lq), with their compiled
 * query, their run and their scan cursor; the runner (logs_insights.h) advances them a slice
 * per loop turn and writes the outcome to the table when they end. After a restart, queries
 * the table shows unfinished are compiled and run again from the start.
 *
 * Limits: 100 concurrent (Scheduled or Running) queries per account, as LimitExceeded-
 * Exception; at most 50 log groups per query.
 *
 * To add an operation: a row in logs.c's op table, a handler here with its declaration in
 * logs_int.h, and a test in tests/e2e/test_insights.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/team.h"
#include "insights/insights.h"
#include "services/logs_insights.h"
#include "services/logs_int.h"
#include "services/params.h"
#include "sim.h"
#include "store/logs.h"
#include "store/store.h"
#include "util/xmalloc.h"

#define LQ_MAX_CONCURRENT 100
#define LQ_MAX_GROUPS 50
#define LQ_KEEP_MS (7LL * 86400 * 1000)

enum lq_status { LQ_SCHEDULED, LQ_RUNNING, LQ_COMPLETE, LQ_FAILED, LQ_CANCELLED };

static const char *const lq_status_names[] = {"Scheduled", "Running", "Complete", "Failed",
                                              "Cancelled"};

struct lq {
    char id[37];
    char account[13];
    char region[32];
    char **groups;
    int ngroups;
    int64_t start_ms, end_ms;
    int64_t create_ms;
    enum lq_status status;
    struct ins_query *q;
    struct ins_run *run;
    struct logs_cursor cursor;
    struct lq *next;
};

static struct {
    struct sim *sim;
    uv_idle_t idle;
    int started;
    int idle_on;
    struct lq *head;
    struct lq *next_run; /* round robin */
} lqs;

static void lq_free(struct lq *q)
{
    for (int i = 0; i < q->ngroups; i++)
        free(q->groups[i]);
    free(q->groups);
    ins_run_free(q->run);
    ins_free(q->q);
    free(q);
}

static void lq_unlink(struct lq *q)
{
    for (struct lq **pp = &lqs.head; *pp; pp = &(*pp)->next) {
        if (*pp == q) {
            *pp = q->next;
            break;
        }
    }
    if (lqs.next_run == q)
        lqs.next_run = q->next;
}

static struct lq *lq_find(const char *account, const char *region, const char *id)
{
    for (struct lq *q = lqs.head; q; q = q->next) {
        if (strcmp(q->id, id) == 0 && strcmp(q->account, account) == 0 &&
            strcmp(q->region, region) == 0)
            return q;
    }
    return NULL;
}

static void kick(void);

/* ---- the table ------------------------------------------------------------------------- */

static int db_set_status(struct store *st, const struct lq *q, const char *results,
                         const struct ins_stats *stats, int64_t end_ms)
{
    sqlite3_stmt *s = store_stmt(st, "UPDATE logs_queries SET status = ?4, results = ?5, "
                                     "statistics = ?6, duration_ms = ?7 - create_ms "
                                     "WHERE account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(s, 1, q->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, q->region, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, q->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, lq_status_names[q->status], -1, SQLITE_STATIC);
    if (results)
        sqlite3_bind_text(s, 5, results, -1, SQLITE_STATIC);
    char *stj = NULL;
    if (stats) {
        stj = xasprintf("{\"recordsMatched\":%.17g,\"recordsScanned\":%.17g,"
                        "\"bytesScanned\":%.17g}",
                        stats->records_matched, stats->records_scanned, stats->bytes_scanned);
        sqlite3_bind_text(s, 6, stj, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int64(s, 7, end_ms);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(s);
    free(stj);
    return rc;
}

/* ---- the runner ------------------------------------------------------------------------ */

static int feed_event(void *ctx, const struct log_event *ev)
{
    return ins_run_feed(ctx, ev);
}

static int64_t team_now(struct sim *sim, const char *account)
{
    struct team *t = team_get(sim, account);
    return t ? team_now_ms(t) : 0;
}

/* Ends q: Complete with its results, or Failed. Frees it. */
static void lq_end(struct sim *sim, struct lq *q, int failed)
{
    struct ins_stats stats;
    ins_run_stats(q->run, &stats);
    char *results = NULL;
    if (!failed) {
        cJSON *rows = ins_run_finish(q->run);
        results = cJSON_PrintUnformatted(rows);
        cJSON_Delete(rows);
    }
    q->status = failed ? LQ_FAILED : LQ_COMPLETE;
    db_set_status(sim->store, q, results, &stats, team_now(sim, q->account));
    cJSON_free(results);
    lq_unlink(q);
    lq_free(q);
}

int logs_insights_run_slice(struct sim *sim, int max)
{
    struct lq *q = lqs.next_run ? lqs.next_run : lqs.head;
    if (q == NULL)
        return 0;
    lqs.next_run = q->next;
    if (q->status == LQ_SCHEDULED) {
        q->status = LQ_RUNNING;
        db_set_status(sim->store, q, NULL, NULL, team_now(sim, q->account));
    }
    int rc = logs_scan(sim->store, q->account, q->region, (const char *const *)q->groups,
                       q->ngroups, q->start_ms, q->end_ms, ins_scan_desc(q->q),
                       ins_prefilter(q->q), &q->cursor, max, feed_event, q->run);
    if (rc < 0) {
        lq_end(sim, q, 1);
    } else {
        /* a finished run (a limit reached) ends the scan early */
        if (rc == 1 || ins_run_done(q->run))
            lq_end(sim, q, 0);
    }
    int n = 0;
    for (struct lq *p = lqs.head; p; p = p->next)
        n++;
    return n;
}

static void on_idle(uv_idle_t *h)
{
    struct sim *sim = h->data;
    if (store_in_transaction(sim->store))
        return;
    if (logs_insights_run_slice(sim, LOGS_INSIGHTS_SLICE) == 0 && lqs.idle_on) {
        uv_idle_stop(&lqs.idle);
        lqs.idle_on = 0;
    }
}

static void kick(void)
{
    if (lqs.started && !lqs.idle_on && lqs.head != NULL) {
        uv_idle_start(&lqs.idle, on_idle);
        lqs.idle_on = 1;
    }
}

/* ---- StartQuery ------------------------------------------------------------------------ */

/* A log group identifier: a name, or an ARN arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*].
 * Returns the name (new string), or NULL when the ARN names another account or region. */
static char *group_from_identifier(const struct call *c, const char *ident)
{
    if (strncmp(ident, "arn:", 4) != 0)
        return xstrdup(ident);
    char part[6][300];
    const char *p = ident;
    for (int i = 0; i < 6; i++) {
        const char *e = strchr(p, ':');
        if (e == NULL)
            return NULL;
        size_t n = (size_t)(e - p);
        if (n >= sizeof part[i])
            return NULL;
        memcpy(part[i], p, n);
        part[i][n] = '\0';
        p = e + 1;
    }
    /* part: arn aws logs REGION ACCOUNT log-group; p: NAME[:*] */
    if (strcmp(part[2], "logs") != 0 || strcmp(part[5], "log-group") != 0 ||
        strcmp(part[3], c->tenant.region) != 0 || strcmp(part[4], c->tenant.account) != 0)
        return NULL;
    size_t n = strlen(p);
    if (n >= 2 && strcmp(p + n - 2, ":*") == 0)
        n -= 2;
    return xstrndup(p, n);
}

static int add_group(struct lq *q, char *name)
{
    for (int i = 0; i < q->ngroups; i++) {
        if (strcmp(q->groups[i], name) == 0) {
            free(name);
            return 0;
        }
    }
    q->groups = xrealloc(q->groups, (size_t)(q->ngroups + 1) * sizeof *q->groups);
    q->groups[q->ngroups++] = name;
    return 0;
}

int logs_op_StartQuery(struct call *c)
{
    struct lq *q = NULL;
    int rc = SIM_ERROR;
    const char *text = param_str(c->in, "queryString");
    const char *lang = param_str(c->in, "queryLanguage");
    if (lang != NULL && strcmp(lang, "CWLI") != 0)
        return call_error(c, "InvalidParameterException",
                          "drillsim runs Logs Insights QL (CWLI) queries only, not %s", lang);
    const char *name = param_str(c->in, "logGroupName");
    const cJSON *names = param(c->in, "logGroupNames");
    const cJSON *idents = param(c->in, "logGroupIdentifiers");
    int given = (name != NULL) + (names != NULL) + (idents != NULL);
    if (given != 1)
        return call_error(c, "InvalidParameterException",
                          "Exactly one of logGroupName, logGroupNames or logGroupIdentifiers "
                          "must be specified");
    int64_t start_s = param_int(c->in, "startTime", 0);
    int64_t end_s = param_int(c->in, "endTime", 0);
    if (end_s < start_s)
        return call_error(c, "InvalidParameterException",
                          "End time should not be before the start time");
    int limit = (int)param_int(c->in, "limit", 0);

    q = xcalloc(1, sizeof *q);
    snprintf(q->account, sizeof q->account, "%s", c->tenant.account);
    snprintf(q->region, sizeof q->region, "%s", c->tenant.region);
    q->start_ms = start_s * 1000;
    q->end_ms = end_s * 1000; /* inclusive, to the millisecond (aws/aws-sdk#280) */
    q->create_ms = c->now_ms;
    if (name != NULL) {
        add_group(q, xstrdup(name));
    } else {
        const cJSON *list = names ? names : idents;
        const cJSON *it;
        if (cJSON_GetArraySize(list) > LQ_MAX_GROUPS) {
            call_error(c, "InvalidParameterException",
                       "A query can name at most %d log groups", LQ_MAX_GROUPS);
            goto out;
        }
        if (cJSON_GetArraySize(list) == 0) {
            call_error(c, "InvalidParameterException", "At least one log group is required");
            goto out;
        }
        cJSON_ArrayForEach(it, list)
        {
            if (!cJSON_IsString(it))
                continue;
            char *g = names ? xstrdup(it->valuestring) : group_from_identifier(c, it->valuestring);
            if (g == NULL) {
                call_error(c, "ResourceNotFoundException", "Log group '%s' does not exist",
                           it->valuestring);
                goto out;
            }
            add_group(q, g);
        }
    }
    for (int i = 0; i < q->ngroups; i++) {
        int ex = logs_group_exists(c->sim->store, q->account, q->region, q->groups[i]);
        if (ex < 0) {
            call_error(c, "ServiceUnavailableException", "The store failed");
            goto out;
        }
        if (ex == 0) {
            call_error(c, "ResourceNotFoundException",
                       "Log group '%s' does not exist for account ID '%s'", q->groups[i],
                       q->account);
            goto out;
        }
    }
    struct ins_error err;
    if (ins_compile(text ? text : "", &q->q, &err) != 0) {
        call_error(c, "MalformedQueryException", "%s", err.message);
        goto out;
    }
    int active = 0;
    for (struct lq *p = lqs.head; p; p = p->next) {
        if (strcmp(p->account, q->account) == 0)
            active++;
    }
    if (active >= LQ_MAX_CONCURRENT) {
        call_error(c, "LimitExceededException",
                   "Account maximum query concurrency limit of [%d] reached.",
                   LQ_MAX_CONCURRENT);
        goto out;
    }
    rng_uuid(&c->team->ids, q->id);
    q->run = ins_run_new(q->q, q->account, c->now_ms, limit);
    q->status = LQ_SCHEDULED;

    struct store *st = c->sim->store;
    /* results are kept 7 days of sim time */
    sqlite3_stmt *s = store_stmt(st, "DELETE FROM logs_queries WHERE account = ?1 AND "
                                     "region = ?2 AND create_ms < ?3 AND status NOT IN "
                                     "('Scheduled', 'Running')");
    sqlite3_bind_text(s, 1, q->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, q->region, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, c->now_ms - LQ_KEEP_MS);
    sqlite3_step(s);
    sqlite3_reset(s);
    cJSON *garr = cJSON_CreateArray();
    for (int i = 0; i < q->ngroups; i++)
        cJSON_AddItemToArray(garr, cJSON_CreateString(q->groups[i]));
    char *gjson = cJSON_PrintUnformatted(garr);
    cJSON_Delete(garr);
    s = store_stmt(st, "INSERT INTO logs_queries (account, region, id, query_string, groups, "
                       "start_ms, end_ms, lim, status, create_ms) VALUES "
                       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'Scheduled', ?9)");
    sqlite3_bind_text(s, 1, q->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, q->region, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, q->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, text ? text : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, gjson, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, q->start_ms);
    sqlite3_bind_int64(s, 7, q->end_ms);
    sqlite3_bind_int(s, 8, limit);
    sqlite3_bind_int64(s, 9, q->create_ms);
    int ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    cJSON_free(gjson);
    if (!ok) {
        call_error(c, "ServiceUnavailableException", "The store failed");
        goto out;
    }
    /* append (queries run round robin in start order) */
    struct lq **pp = &lqs.head;
    while (*pp)
        pp = &(*pp)->next;
    *pp = q;
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "queryId", q->id);
    q = NULL;
    kick();
    rc = SIM_OK;
out:
    if (q != NULL)
        lq_free(q);
    return rc;
}

/* ---- GetQueryResults ------------------------------------------------------------------- */

static void add_stats(cJSON *out, const struct ins_stats *s)
{
    cJSON *st = cJSON_AddObjectToObject(out, "statistics");
    cJSON_AddNumberToObject(st, "recordsMatched", s->records_matched);
    cJSON_AddNumberToObject(st, "recordsScanned", s->records_scanned);
    cJSON_AddNumberToObject(st, "estimatedRecordsSkipped", 0);
    cJSON_AddNumberToObject(st, "bytesScanned", s->bytes_scanned);
    cJSON_AddNumberToObject(st, "estimatedBytesSkipped", 0);
    cJSON_AddNumberToObject(st, "logGroupsScanned", 0);
}

int logs_op_GetQueryResults(struct call *c)
{
    const char *id = param_str(c->in, "queryId");
    struct lq *q = lq_find(c->tenant.account, c->tenant.region, id);
    if (q != NULL) {
        struct ins_stats s;
        ins_run_stats(q->run, &s);
        c->out = cJSON_CreateObject();
        cJSON_AddStringToObject(c->out, "queryLanguage", "CWLI");
        cJSON_AddItemToObject(c->out, "results", cJSON_CreateArray());
        add_stats(c->out, &s);
        cJSON_SetNumberValue(
            cJSON_GetObjectItem(cJSON_GetObjectItem(c->out, "statistics"), "logGroupsScanned"),
            q->ngroups);
        cJSON_AddStringToObject(c->out, "status", lq_status_names[q->status]);
        return SIM_OK;
    }
    sqlite3_stmt *s = store_stmt(c->sim->store,
                                 "SELECT status, results, statistics, json_array_length(groups) "
                                 "FROM logs_queries "
                                 "WHERE account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(s, 1, c->tenant.account, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, c->tenant.region, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return call_error(c, "ResourceNotFoundException", "Query does not exist: %s", id);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "queryLanguage", "CWLI");
    const char *res = (const char *)sqlite3_column_text(s, 1);
    cJSON *rows = res ? cJSON_Parse(res) : NULL;
    cJSON_AddItemToObject(c->out, "results", rows ? rows : cJSON_CreateArray());
    struct ins_stats st = {0, 0, 0};
    const char *sj = (const char *)sqlite3_column_text(s, 2);
    cJSON *sjson = sj ? cJSON_Parse(sj) : NULL;
    if (sjson) {
        st.records_matched = cJSON_GetNumberValue(cJSON_GetObjectItem(sjson, "recordsMatched"));
        st.records_scanned = cJSON_GetNumberValue(cJSON_GetObjectItem(sjson, "recordsScanned"));
        st.bytes_scanned = cJSON_GetNumberValue(cJSON_GetObjectItem(sjson, "bytesScanned"));
        cJSON_Delete(sjson);
    }
    add_stats(c->out, &st);
    cJSON_SetNumberValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(c->out, "statistics"), "logGroupsScanned"),
        sqlite3_column_int(s, 3));
    cJSON_AddStringToObject(c->out, "status", (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    return SIM_OK;
}

/* ---- StopQuery ------------------------------------------------------------------------- */

int logs_op_StopQuery(struct call *c)
{
    const char *id = param_str(c->in, "queryId");
    struct lq *q = lq_find(c->tenant.account, c->tenant.region, id);
    if (q == NULL) {
        sqlite3_stmt *s = store_stmt(c->sim->store, "SELECT status FROM logs_queries WHERE "
                                                    "account = ?1 AND region = ?2 AND id = ?3");
        sqlite3_bind_text(s, 1, c->tenant.account, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, c->tenant.region, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
        int found = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_reset(s);
        if (!found)
            return call_error(c, "ResourceNotFoundException", "Query does not exist: %s", id);
        c->out = cJSON_CreateObject();
        cJSON_AddBoolToObject(c->out, "success", 0);
        return SIM_OK;
    }
    struct ins_stats stats;
    ins_run_stats(q->run, &stats);
    q->status = LQ_CANCELLED;
    if (db_set_status(c->sim->store, q, NULL, &stats, c->now_ms) != 0)
        return call_error(c, "ServiceUnavailableException", "The store failed");
    lq_unlink(q);
    lq_free(q);
    c->out = cJSON_CreateObject();
    cJSON_AddBoolToObject(c->out, "success", 1);
    return SIM_OK;
}

/* ---- DescribeQueries ------------------------------------------------------------------- */

int logs_op_DescribeQueries(struct call *c)
{
    const char *group = param_str(c->in, "logGroupName");
    const char *status = param_str(c->in, "status");
    const char *token = param_str(c->in, "nextToken");
    int max = (int)param_int(c->in, "maxResults", 1000);
    const char *lang = param_str(c->in, "queryLanguage");
    int64_t after_ms = INT64_MAX;
    char after_id[40] = "";
    if (token != NULL) {
        long long ms;
        if (sscanf(token, "q%lld:%36s", &ms, after_id) != 2)
            return call_error(c, "InvalidParameterException", "The nextToken is invalid");
        after_ms = ms;
    }
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, "queries");
    if (lang != NULL && strcmp(lang, "CWLI") != 0)
        return SIM_OK;
    sqlite3_stmt *s = store_stmt(
        c->sim->store,
        "SELECT id, query_string, status, create_ms, json_extract(groups, '$[0]') "
        "FROM logs_queries WHERE account = ?1 AND region = ?2 "
        "AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(groups) WHERE value = ?3)) "
        "AND (?4 IS NULL OR status = ?4) "
        "AND (create_ms < ?5 OR (create_ms = ?5 AND id > ?6)) "
        "ORDER BY create_ms DESC, id LIMIT ?7");
    sqlite3_bind_text(s, 1, c->tenant.account, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, c->tenant.region, -1, SQLITE_STATIC);
    if (group)
        sqlite3_bind_text(s, 3, group, -1, SQLITE_STATIC);
    if (status)
        sqlite3_bind_text(s, 4, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, after_ms);
    sqlite3_bind_text(s, 6, after_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 7, max + 1);
    int n = 0;
    char last_id[40] = "";
    int64_t last_ms = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == max) {
            char tok[80];
            snprintf(tok, sizeof tok, "q%lld:%s", (long long)last_ms, last_id);
            cJSON_AddStringToObject(c->out, "nextToken", tok);
            break;
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "queryLanguage", "CWLI");
        const char *qid = (const char *)sqlite3_column_text(s, 0);
        cJSON_AddStringToObject(o, "queryId", qid);
        cJSON_AddStringToObject(o, "queryString", (const char *)sqlite3_column_text(s, 1));
        cJSON_AddStringToObject(o, "status", (const char *)sqlite3_column_text(s, 2));
        last_ms = sqlite3_column_int64(s, 3);
        cJSON_AddNumberToObject(o, "createTime", (double)last_ms);
        if (sqlite3_column_type(s, 4) != SQLITE_NULL)
            cJSON_AddStringToObject(o, "logGroupName", (const char *)sqlite3_column_text(s, 4));
        snprintf(last_id, sizeof last_id, "%s", qid);
        cJSON_AddItemToArray(list, o);
        n++;
    }
    sqlite3_reset(s);
    return SIM_OK;
}

/* ---- GetLogRecord ---------------------------------------------------------------------- */

struct record_ctx {
    const char *account;
    cJSON *rec;
};

static int record_event(void *ctx, const struct log_event *ev)
{
    struct record_ctx *rc = ctx;
    rc->rec = ins_log_record(rc->account, ev);
    return 0;
}

int logs_op_GetLogRecord(struct call *c)
{
    const char *ptr = param_str(c->in, "logRecordPointer");
    int64_t id;
    if (ptr == NULL || ins_ptr_decode(ptr, &id) != 0)
        return call_error(c, "InvalidParameterException", "The log record pointer is invalid");
    struct record_ctx rc = {c->tenant.account, NULL};
    int r = logs_get_event(c->sim->store, c->tenant.account, c->tenant.region, id,
                           record_event, &rc);
    if (r < 0)
        return call_error(c, "ServiceUnavailableException", "The store failed");
    if (r == 1 || rc.rec == NULL) {
        cJSON_Delete(rc.rec);
        return call_error(c, "ResourceNotFoundException", "The log record does not exist");
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "logRecord", rc.rec);
    return SIM_OK;
}

/* ---- start and stop -------------------------------------------------------------------- */

int logs_insights_start(struct sim *sim, uv_loop_t *loop)
{
    lqs.sim = sim;
    uv_idle_init(loop, &lqs.idle);
    lqs.idle.data = sim;
    lqs.started = 1;
    /* queries a previous run left unfinished start again */
    sqlite3_stmt *s = store_stmt(sim->store,
                                 "SELECT account, region, id, query_string, groups, start_ms, "
                                 "end_ms, lim, create_ms FROM logs_queries "
                                 "WHERE status IN ('Scheduled', 'Running') ORDER BY create_ms");
    while (sqlite3_step(s) == SQLITE_ROW) {
        struct lq *q = xcalloc(1, sizeof *q);
        snprintf(q->account, sizeof q->account, "%s", sqlite3_column_text(s, 0));
        snprintf(q->region, sizeof q->region, "%s", sqlite3_column_text(s, 1));
        snprintf(q->id, sizeof q->id, "%s", sqlite3_column_text(s, 2));
        cJSON *g = cJSON_Parse((const char *)sqlite3_column_text(s, 4));
        const cJSON *it;
        cJSON_ArrayForEach(it, g)
        {
            if (cJSON_IsString(it))
                add_group(q, xstrdup(it->valuestring));
        }
        cJSON_Delete(g);
        q->start_ms = sqlite3_column_int64(s, 5);
        q->end_ms = sqlite3_column_int64(s, 6);
        q->create_ms = sqlite3_column_int64(s, 8);
        struct ins_error err;
        if (ins_compile((const char *)sqlite3_column_text(s, 3), &q->q, &err) != 0) {
            lq_free(q);
            continue;
        }
        q->run = ins_run_new(q->q, q->account, q->create_ms, sqlite3_column_int(s, 7));
        q->status = LQ_SCHEDULED;
        struct lq **pp = &lqs.head;
        while (*pp)
            pp = &(*pp)->next;
        *pp = q;
    }
    sqlite3_reset(s);
    kick();
    return 0;
}

void logs_insights_stop(void)
{
    if (lqs.started) {
        lqs.started = 0;
        if (lqs.idle_on)
            uv_idle_stop(&lqs.idle);
        lqs.idle_on = 0;
        uv_close((uv_handle_t *)&lqs.idle, NULL);
    }
    while (lqs.head) {
        struct lq *q = lqs.head;
        lqs.head = q->next;
        lq_free(q);
    }
    lqs.next_run = NULL;
}
