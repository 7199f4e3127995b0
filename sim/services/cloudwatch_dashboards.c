/*
 * cloudwatch_dashboards.c - CloudWatch dashboards: PutDashboard, GetDashboard,
 * ListDashboards, DeleteDashboards.
 *
 * The handlers are protocol-neutral (awsJson 1.0, awsQuery and RPC v2 CBOR decode into the
 * same input document); the op table rows are in cloudwatch.c. Rows live in cw_dashboards
 * through sim/store/dashboards.c. Dashboards are global per account, as AWS documents: every
 * region of an account sees the same dashboards, and the ARN is
 * arn:aws:cloudwatch::ACCOUNT:dashboard/NAME (no region).
 *
 * PutDashboard, as AWS answers:
 *   - DashboardName: 1-255 of A-Za-z0-9 - _, else InvalidParameterValue "The value for field
 *     DashboardName contains invalid characters. It can only contain alphanumerics, dash (-)
 *     and underscore (_).\n" (the text, trailing newline included, as recorded from AWS in
 *     LocalStack's validated snapshot). Longer than 255: the same code, with a length text
 *     of drillsim's own (AWS's was not found).
 *   - DashboardBody: checked by sim/services/dashboard_body.c. A body that is not a JSON
 *     object, or has errors, fails with InvalidParameterInput (DashboardInvalidInputError,
 *     400) and AWS's message, which lists the errors ({dataPath, message}); the error's
 *     modeled dashboardValidationMessages member is not sent (the codecs send code and
 *     message only). A body with only warnings is stored, and the warnings come back in
 *     DashboardValidationMessages, which is always present (an empty list when clean, as
 *     AWS answers).
 *   - The body is stored verbatim; Size is its length in bytes, LastModified the team's sim
 *     time.
 * GetDashboard: DashboardArn, DashboardBody (as stored), DashboardName. Unknown:
 *   ResourceNotFound (404) "Dashboard NAME does not exist".
 * ListDashboards: DashboardNamePrefix (a plain prefix; no dashboard name holds a character
 *   outside the name set, so an odd prefix simply matches nothing), 1000 entries per page in
 *   name order; NextToken is the hex of the page's last name, so it never repeats and the
 *   last page has none. A token that is not one drillsim made: InvalidParameterValue.
 * DeleteDashboards: up to 100 names; if any does not exist nothing is deleted and the call
 *   fails with ResourceNotFound (404) "The specified dashboard does not exist. [a, b]"
 *   (AWS's documented sentence, then the missing names).
 *
 * To add a dashboard operation: a handler here, declared in cloudwatch_int.h, a row in
 * cloudwatch.c's op table, and cases in tests/e2e/test_dashboards.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/cloudwatch_int.h"
#include "services/dashboard_body.h"
#include "services/params.h"
#include "sim.h"
#include "store/dashboards.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define NAME_MAX_LEN 255
#define LIST_PAGE 1000
#define DELETE_MAX 100

/* Returns 1 if s is a dashboard name's worth of characters: A-Za-z0-9, '-' and '_'. */
static int name_chars_ok(const char *s)
{
    if (*s == '\0')
        return 0;
    for (const char *p = s; *p; p++) {
        char ch = *p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_'))
            return 0;
    }
    return 1;
}

/* Checks a DashboardName. Returns SIM_OK, or SIM_ERROR with the error set on c. */
static int check_name(struct call *c, const char *name)
{
    if (strlen(name) > NAME_MAX_LEN)
        return call_error(c, "InvalidParameterValue",
                          "The value for field DashboardName must be at most %d characters "
                          "long.", NAME_MAX_LEN);
    if (!name_chars_ok(name))
        return call_error(c, "InvalidParameterValue",
                          "The value for field DashboardName contains invalid characters. It can "
                          "only contain alphanumerics, dash (-) and underscore (_).\n");
    return SIM_OK;
}

/* Adds the dashboard's ARN to o under key. */
static void add_arn(struct call *c, cJSON *o, const char *key, const char *name)
{
    char *arn = xasprintf("arn:aws:cloudwatch::%s:dashboard/%s", c->tenant.account, name);
    cJSON_AddStringToObject(o, key, arn);
    free(arn);
}

/* Returns the DashboardValidationMessages list for msgs. */
static cJSON *validation_messages(const struct dashboard_msg *msgs, int n)
{
    cJSON *list = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "DataPath", msgs[i].path);
        cJSON_AddStringToObject(m, "Message", msgs[i].message);
        cJSON_AddItemToArray(list, m);
    }
    return list;
}

int cw_op_PutDashboard(struct call *c)
{
    const char *name = param_str(c->in, "DashboardName");
    const char *body = param_str(c->in, "DashboardBody");
    if (name == NULL) /* required, checked by the model */
        return call_error(c, "MissingParameter", "The parameter DashboardName is required.");
    if (body == NULL)
        return call_error(c, "MissingParameter", "The parameter DashboardBody is required.");
    if (check_name(c, name) != SIM_OK)
        return SIM_ERROR;
    struct dashboard_check chk = {0};
    int rc = SIM_ERROR;
    if (dashboard_body_check(body, &chk) != 0) {
        char *msg = dashboard_check_message(&chk);
        call_error(c, "InvalidParameterInput", "%s", msg);
        free(msg);
        goto out;
    }
    if (store_dashboard_put(c->sim->store, c->tenant.account, name, body, c->now_ms) != 0) {
        call_error(c, "InternalServiceError", "The dashboard could not be stored.");
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "DashboardValidationMessages",
                          validation_messages(chk.warnings, chk.nwarnings));
    rc = SIM_OK;
out:
    dashboard_check_free(&chk);
    return rc;
}

int cw_op_GetDashboard(struct call *c)
{
    const char *name = param_str(c->in, "DashboardName");
    if (name == NULL) /* required, checked by the model */
        return call_error(c, "MissingParameter", "The parameter DashboardName is required.");
    struct dashboard_row row = {0};
    int rc = store_dashboard_get(c->sim->store, c->tenant.account, name, &row);
    if (rc == 1)
        return call_error(c, "ResourceNotFound", "Dashboard %s does not exist", name);
    if (rc != 0)
        return call_error(c, "InternalServiceError", "The dashboard could not be read.");
    c->out = cJSON_CreateObject();
    add_arn(c, c->out, "DashboardArn", row.name);
    cJSON_AddStringToObject(c->out, "DashboardBody", row.body);
    cJSON_AddStringToObject(c->out, "DashboardName", row.name);
    store_dashboard_clear(&row);
    return SIM_OK;
}

/* ---- ListDashboards ---------------------------------------------------------------------- */

struct list_ctx {
    struct call *c;
    cJSON *entries;
    char last[NAME_MAX_LEN + 1];
};

/* Adds one listed dashboard to the output (store_dashboard_list callback). */
static void list_one(void *arg, const struct dashboard_row *row)
{
    struct list_ctx *x = arg;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "DashboardName", row->name);
    add_arn(x->c, e, "DashboardArn", row->name);
    cJSON_AddNumberToObject(e, "LastModified", (double)row->modified_ms / 1000.0);
    cJSON_AddNumberToObject(e, "Size", (double)row->size);
    cJSON_AddItemToArray(x->entries, e);
    snprintf(x->last, sizeof x->last, "%s", row->name);
}

/* Decodes a NextToken (the hex of a dashboard name) into out. Returns 0, or -1 if the token
 * is not one ListDashboards hands out. */
static int token_decode(const char *t, char *out, size_t n)
{
    size_t len = strlen(t);
    if (len == 0 || len % 2 || len / 2 >= n)
        return -1;
    for (size_t i = 0; i < len / 2; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char ch = t[2 * i + (size_t)k];
            int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        out[i] = (char)v;
    }
    out[len / 2] = '\0';
    return name_chars_ok(out) ? 0 : -1;
}

int cw_op_ListDashboards(struct call *c)
{
    const char *prefix = param_str(c->in, "DashboardNamePrefix");
    const char *token = param_str(c->in, "NextToken");
    char after[NAME_MAX_LEN + 1];
    if (token && token_decode(token, after, sizeof after) != 0)
        return call_error(c, "InvalidParameterValue",
                          "The value %s for parameter NextToken is invalid.", token);
    struct list_ctx x = {.c = c};
    c->out = cJSON_CreateObject();
    x.entries = cJSON_AddArrayToObject(c->out, "DashboardEntries");
    int more = 0;
    if (store_dashboard_list(c->sim->store, c->tenant.account, prefix, token ? after : NULL,
                             LIST_PAGE, list_one, &x, &more) != 0)
        return call_error(c, "InternalServiceError", "The dashboards could not be listed.");
    if (more) {
        char next[2 * NAME_MAX_LEN + 1];
        size_t n = 0;
        for (const char *p = x.last; *p && n + 2 < sizeof next; p++, n += 2)
            snprintf(next + n, 3, "%02x", (unsigned char)*p);
        next[n] = '\0';
        cJSON_AddStringToObject(c->out, "NextToken", next);
    }
    return SIM_OK;
}

/* ---- DeleteDashboards -------------------------------------------------------------------- */

int cw_op_DeleteDashboards(struct call *c)
{
    const cJSON *names = param(c->in, "DashboardNames");
    if (!cJSON_IsArray(names)) /* required, checked by the model */
        return call_error(c, "MissingParameter", "The parameter DashboardNames is required.");
    if (cJSON_GetArraySize(names) > DELETE_MAX)
        return call_error(c, "InvalidParameterValue",
                          "The collection DashboardNames must not have a size greater than %d.",
                          DELETE_MAX);
    /* Every name must exist before any is deleted (AWS: "If there is an error during this
     * call, no dashboards are deleted"); a missing name is reported once. */
    struct buf missing;
    buf_init(&missing, 64u << 10);
    int nmissing = 0, rc = SIM_ERROR;
    const cJSON *n;
    cJSON_ArrayForEach(n, names)
    {
        if (!cJSON_IsString(n))
            continue;
        struct dashboard_row row = {0};
        int found = store_dashboard_get(c->sim->store, c->tenant.account, n->valuestring, &row);
        store_dashboard_clear(&row);
        if (found < 0) {
            call_error(c, "InternalServiceError", "The dashboards could not be read.");
            goto out;
        }
        if (found == 1) {
            int seen = 0;
            for (const cJSON *p = names->child; p != n && !seen; p = p->next)
                seen = cJSON_IsString(p) && strcmp(p->valuestring, n->valuestring) == 0;
            if (!seen) {
                buf_printf(&missing, "%s%s", nmissing ? ", " : "", n->valuestring);
                nmissing++;
            }
        }
    }
    if (nmissing) {
        call_error(c, "ResourceNotFound", "The specified dashboard does not exist. [%s]",
                   missing.p);
        goto out;
    }
    cJSON_ArrayForEach(n, names)
    {
        if (cJSON_IsString(n) &&
            store_dashboard_delete(c->sim->store, c->tenant.account, n->valuestring) < 0) {
            call_error(c, "InternalServiceError", "The dashboards could not be deleted.");
            goto out;
        }
    }
    c->out = cJSON_CreateObject();
    rc = SIM_OK;
out:
    buf_free(&missing);
    return rc;
}
