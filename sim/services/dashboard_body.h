/*
 * dashboard_body.h - CloudWatch DashboardBody: validation as PutDashboard does it, and the
 * parsed form a renderer (the web console) draws from.
 *
 * A body is checked against the documented structure ("Dashboard Body Structure and
 * Syntax"): a JSON object with a widgets array (0-500 widgets of type metric, text, log,
 * alarm, explorer or custom, placed on a 24-column grid) and optional variables, start, end
 * and periodOverride. AWS checks bodies with a JSON schema and reports each violation as a
 * DashboardValidationMessage {DataPath: a JSON Pointer into the body, Message}; the messages
 * here use AWS's words ("Should have required property 'widgets'", "Should be array",
 * "Invalid metric field type, only \"String\" type is allowed", ...).
 *
 * Two severities:
 *   errors    fail PutDashboard with InvalidParameterInput and dashboard_check_message()'s
 *             text, which lists them as AWS does ("The dashboard body is invalid, there are
 *             N validation errors:\n[ {dataPath, message}, ... ]");
 *   warnings  do not fail the call; they come back in PutDashboard's
 *             DashboardValidationMessages. drillsim warns about members it does not know
 *             inside a widget's properties (AWS keeps adding rendering options, so an unknown
 *             one is more likely new than wrong), with the member's path.
 * A body that is not a JSON object fails with its own message and no list.
 *
 * The parsed form (dashboard_body_model) is a cJSON tree:
 *   { "widgets": [ { "type", "x", "y", "width", "height" (defaults and the "next available
 *                    position" filled in), "properties" (a copy),
 *                    "metrics": [ (metric widgets only; "." repetition resolved)
 *                      { "namespace", "metricName", "dimensions": [{"name","value"}],
 *                        "options": {rendering options} }
 *                      | { "expression", "options" } ] } ],
 *     "variables": [...], "start", "end" (when given), "periodOverride" ("auto" default) }
 *
 * To accept a new member: add it to the property table of its object below (the tables read
 * like the documentation's lists); to add a widget type: a property table, a row in
 * widget_types[], and a unit test in tests/unit/services/dashboards.c.
 */
#ifndef DRILLSIM_DASHBOARD_BODY_H
#define DRILLSIM_DASHBOARD_BODY_H

#include <cjson/cJSON.h>

/* One validation message: where (a JSON Pointer, "" = the body itself) and what. */
struct dashboard_msg {
    char *path;
    char *message;
};

/* The result of checking a body. All strings are owned (dashboard_check_free). */
struct dashboard_check {
    int not_object; /* the body is not a JSON object: nothing else was checked */
    struct dashboard_msg *errors;
    int nerrors;
    struct dashboard_msg *warnings;
    int nwarnings;
};

/* At most this many messages of each severity are kept (a pathological body could otherwise
 * produce a reply several times its own size). */
#define DASHBOARD_MAX_MESSAGES 1000
/* The widgets array may hold at most this many widgets. */
#define DASHBOARD_MAX_WIDGETS 500

/*
 * Checks body (NUL-terminated) and fills *chk, which must be zeroed. Returns 0 if a
 * dashboard with this body may be stored (no errors; there may be warnings), -1 if not.
 * The caller frees *chk with dashboard_check_free() in both cases.
 */
int dashboard_body_check(const char *body, struct dashboard_check *chk);
void dashboard_check_free(struct dashboard_check *chk);

/*
 * AWS's message for a failed check: "The field DashboardBody must be a valid JSON object"
 * for a body that is not an object, else "The dashboard body is invalid, there are N
 * validation errors:" and the errors as an indented JSON array. Returns a new string.
 */
char *dashboard_check_message(const struct dashboard_check *chk);

/*
 * The parsed form of a body (see the file header). Returns a new tree the caller deletes,
 * or NULL if the body does not pass dashboard_body_check().
 */
cJSON *dashboard_body_model(const char *body);

#endif
