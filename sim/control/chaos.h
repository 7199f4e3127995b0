/*
 * chaos.h - API chaos rules: request-level faults on top of the world's own.
 *
 * A rule (stored per team, sim/store/chaos.h) matches AWS API requests by service (the model
 * name: "ecs", "cloudwatch", ...), operation and region; past its first `after` matching calls
 * it fires on a call with its probability, at most `times` times. Firing answers an AWS error
 * in the request's own protocol (throttling shaped so every client retries it, see
 * docs/aws-wire-protocols.md section 7) and/or holds the reply for latencyMs (the connection
 * is suspended by sim/http/http.c; nothing sleeps).
 *
 * Probability draws come from the team's chaos generator: draw n of rule r is a hash of
 * (team seed, r, n), so a run is reproducible from the seed and chaos never moves the team's
 * ids or world generators.
 *
 * Rules come from the control API (POST /_drill/chaos, LocalStack's /_localstack/chaos/faults
 * and /effects, served by the route table in sim/control/chaos.c) and from scenario timelines
 * (the "chaos" action, chaos_add_rule).
 */
#ifndef DRILLSIM_CONTROL_CHAOS_H
#define DRILLSIM_CONTROL_CHAOS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct call;
struct chaos_rule;
struct sim;
struct team;

/* Longest added latency of a rule, in milliseconds. */
#define CHAOS_LATENCY_MAX_MS 300000

/*
 * The pipeline's chaos stage (after lookup: the service and operation are known). Applies
 * the team's rules to the call: sets c->delay_ms for a latency rule; records the rule's AWS
 * error and returns SIM_ERROR for an error rule (the request ends there). Returns SIM_OK
 * otherwise.
 */
int chaos_apply(struct call *c);

/* Parses a RULE of the control API (docs/control-api.md) into *r (source "api", counters 0).
 * Returns 0, or -1 with the reason in err. */
int chaos_rule_parse(const cJSON *j, struct chaos_rule *r, char *err, size_t errlen);

/* Adds a RULE (the control API's format) to team's rules with the given source ("scenario").
 * Runs inside the caller's transaction if one is open. Returns the new rule's id, or -1 with
 * the reason in err. */
int64_t chaos_add_rule(struct sim *sim, struct team *team, const cJSON *rule, const char *source,
                       char *err, size_t errlen);

/* Whether the rule's service, operation and region (empty = any; compared without case)
 * match a call's. Returns 1 or 0. */
int chaos_rule_matches(const struct chaos_rule *r, const char *service, const char *operation,
                       const char *region);

/* Counts one matching call on r and decides it: returns 1 when the rule fires on it, 0 when
 * the call passes (within `after`, a probability draw missed, or the rule is spent). Moves
 * r->matched, r->fired and r->draws. */
int chaos_rule_step(struct chaos_rule *r, uint64_t seed);

/* Draw n of rule id under seed: a uniform double in [0, 1). */
double chaos_draw(uint64_t seed, int64_t id, int64_t n);

/* The RULE JSON of r (docs/control-api.md), with its counters. Caller deletes. */
cJSON *chaos_rule_json(const struct chaos_rule *r);

#endif
