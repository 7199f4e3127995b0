/*
 * dashboards.h - CloudWatch dashboards in the store.
 *
 * One table (sim/store/schema.c, the "CloudWatch dashboards" migration):
 *
 *   cw_dashboards  one row per dashboard, PRIMARY KEY (account, name), WITHOUT ROWID so the
 *                  rows of an account are clustered in name order (ListDashboards' order and
 *                  its paging key). body is the DashboardBody exactly as PutDashboard received
 *                  it (GetDashboard returns it byte for byte), size its length in bytes, and
 *                  modified_ms the team's sim time of the last PutDashboard.
 *
 * Dashboards are global per account, as AWS documents ("All dashboards in your account are
 * global, not region-specific"): the rows carry no region, every region of an account sees
 * the same dashboards, and the ARN has an empty region field.
 *
 * The functions only read and write rows; the AWS rules (names, the body's validation) live
 * in sim/services/cloudwatch_dashboards.c and sim/services/dashboard_body.c. Writes run inside
 * the caller's transaction (OP_WRITE handlers are wrapped by the pipeline).
 *
 * Return convention: 0 = done / found, 1 = not found, -1 = SQLite error.
 */
#ifndef DRILLSIM_STORE_DASHBOARDS_H
#define DRILLSIM_STORE_DASHBOARDS_H

#include <stdint.h>

struct store;

/* One stored dashboard. A filled struct owns its strings (store_dashboard_clear). */
struct dashboard_row {
    char *name;
    char *body;
    int64_t size; /* bytes of body */
    int64_t modified_ms;
};

/* Frees the strings of r and zeroes it. */
void store_dashboard_clear(struct dashboard_row *r);

/* Creates the dashboard or replaces its body, size and modification time. Returns 0 or -1. */
int store_dashboard_put(struct store *s, const char *account, const char *name,
                        const char *body, int64_t now_ms);

/* Reads a dashboard into *out (which must be zeroed; the caller clears it). Returns 0, 1 or
 * -1. */
int store_dashboard_get(struct store *s, const char *account, const char *name,
                        struct dashboard_row *out);

/* Deletes a dashboard. Returns 0, 1 (there was none) or -1. */
int store_dashboard_delete(struct store *s, const char *account, const char *name);

/* Called for each listed dashboard; the row's strings live until the callback returns, and
 * its body is NULL (a listing reads only names, sizes and times). */
typedef void (*store_dashboard_cb)(void *arg, const struct dashboard_row *row);

/*
 * Lists the account's dashboards whose names start with prefix (NULL or "" = all) and sort
 * after `after` (NULL = from the start), in name order (bytewise), calling cb for at most
 * limit of them. Sets *more to 1 if further matches exist. Returns 0 or -1.
 */
int store_dashboard_list(struct store *s, const char *account, const char *prefix,
                         const char *after, int limit, store_dashboard_cb cb, void *arg,
                         int *more);

#endif
