/*
 * chaos.h - the chaos_rules table: each team's API chaos rules (sim/control/chaos.c decides
 * what they do to a request; this file only reads and writes their rows).
 *
 * Table (sim/store/schema.c, the chaos migration), one row per rule, keyed (account, id):
 *   id             1, 2, ... per team (the highest id + 1 when a rule is added);
 *   source         "api" (POST /_drill/chaos), "localstack" (the LocalStack Chaos API format),
 *                  "effects" (LocalStack's latency effect) or "scenario" (a timeline action);
 *   service, operation, region   what a request must match; "" matches anything;
 *   probability    0..1, drawn per matching call past `after_n` (1 = every call);
 *   after_n        this many matching calls pass before the rule may fire;
 *   times_n        the rule fires at most this many times (-1 = without end), then is spent;
 *   error_code     the AWS error answered ("" = none: a latency-only rule);
 *   error_status   its HTTP status (0 = the model's or SIM_ERR_MAP's);
 *   error_message  its message ("" = a default);
 *   latency_ms     the reply is held this long (0 = none);
 *   matched, fired, draws   counters: calls that matched, calls the rule failed or delayed,
 *                  probability draws made (the draw index of the team's chaos generator);
 *   created_ms     the team's sim time when the rule was added;
 *   doc            for "localstack" rules, the rule as LocalStack's API answers it (JSON).
 *
 * Return convention: 0 = done, 1 = not found, -1 = SQLite error.
 */
#ifndef DRILLSIM_STORE_CHAOS_H
#define DRILLSIM_STORE_CHAOS_H

#include <stdint.h>

struct store;

/* A team has at most this many rules, so the per-request scan stays short. */
#define CHAOS_RULES_MAX 64

struct chaos_rule {
    int64_t id;
    char source[16];
    char service[48];
    char operation[96];
    char region[32];
    double probability;
    int64_t after;
    int64_t times; /* -1 = without end */
    char code[96];
    int status;
    char message[256];
    int64_t latency_ms;
    int64_t matched;
    int64_t fired;
    int64_t draws;
    int64_t created_ms;
    char *doc; /* owned; NULL unless source is "localstack" */
};

/* Reads every rule of account, by id, into *out (caller frees with chaos_rules_free) and their
 * number into *n. source NULL reads every source. Returns 0 or -1. */
int chaos_rules_list(struct store *st, const char *account, const char *source,
                     struct chaos_rule **out, int *n);
void chaos_rules_free(struct chaos_rule *rules, int n);
/* Inserts r for account with the next id (written into r->id). Returns 0, 1 when the team
 * already has CHAOS_RULES_MAX rules, or -1. */
int chaos_rule_insert(struct store *st, const char *account, struct chaos_rule *r);
/* Writes the counters (matched, fired, draws) of rule r->id of account. Returns 0 or -1. */
int chaos_rule_save_counters(struct store *st, const char *account, const struct chaos_rule *r);
/* Deletes rule id of account (id < 0: every rule; source not NULL: only that source's).
 * Returns the number of rows deleted, or -1. */
int chaos_rules_delete(struct store *st, const char *account, int64_t id, const char *source);

#endif
