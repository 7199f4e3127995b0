/*
 * scenario.h - incident scenarios: scenarios/<name>.json loaded, validated, started, and their
 * timelines run on the sim clock.
 *
 * A scenario file (documented in the README, "Scenario files") names its fixture and
 * environment, a seed, a pre-roll, the model's traffic and app settings (engine/world.h), a
 * timeline of actions at offsets from the start ("-40m" happens during the pre-roll, "+5m"
 * five minutes into the drill), objectives (steady-state checks) and scoring. The whole file
 * is validated before anything is applied: an error names the JSON path and the reason
 * ("$.timeline[2].at: \"5x\" is not a duration such as \"90s\", \"-15m\" or \"2h\""), and
 * drillsim does not start half-loaded.
 *
 * Timeline actions ("do"):
 *   set_failure_mode {value}             ssm:PutParameter /golden/failure_mode
 *   traffic_surge {factor, for}           the traffic is multiplied for a while
 *   slow_queries {factor, for}            queries take longer for a while
 *   failover                              rds:FailoverDBCluster
 *   reboot_writer                         rds:RebootDBInstance of the writer
 *   set_db_parameter {name, value}        rds:ModifyDBParameterGroup (pending-reboot)
 *   scale {desired}                       ecs:UpdateService desiredCount
 *   deploy {environment: {NAME: value}}   a new task definition revision with these
 *                                         environment variables, rolled out by UpdateService
 *   api {service, op, in}                 any API call (strings take {env}, {account},
 *                                         {region})
 *   chaos {rule}                          an API chaos rule (docs/control-api.md RULE) added
 *                                         to the team's rules (sim/control/chaos.h)
 * Actions run inside the engine tick of their instant (the "scenario" step runs first), as the
 * team's account, through the API handlers, so they look like what a person or a pipeline
 * did. A failed action is recorded in the scenario's status and the drill goes on.
 */
#ifndef DRILLSIM_SCENARIO_SCENARIO_H
#define DRILLSIM_SCENARIO_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct sim;
struct team;
struct tick;

/* Parses a duration: an optional sign, then one or more <number><unit> (s, m, h, d), e.g.
 * "90s", "-40m", "+1h30m". Returns 0 and sets *ms, or -1. */
int scenario_duration(const char *s, int64_t *ms);

/* Validates a scenario document. Returns 0, or -1 with "$.path: reason" in err. */
int scenario_validate(const cJSON *doc, char *err, size_t errlen);

/* Loads scenarios/<name>.json and validates it. Returns the document (caller deletes) or
 * NULL with the reason in err. */
cJSON *scenario_load(const char *name, char *err, size_t errlen);

/* Options of a start that override the file's. */
struct scenario_start {
    const char *env;     /* NULL = the file's */
    const char *region;  /* NULL = us-east-1 */
    int64_t preroll_ms;  /* -1 = the file's */
    int64_t seed;        /* -1 = the file's (or the team's when the file has none) */
};

/*
 * Starts scenario doc (validated) on team at its current sim time: reseeds the team's
 * generators when a seed is set, records the timeline, applies the fixture in the past and
 * runs the pre-roll (scenario/setup.h), firing the timeline's negative offsets on the way.
 * Returns 0, or -1 with the reason in err.
 */
int scenario_start(struct sim *sim, struct team *team, const cJSON *doc,
                   const struct scenario_start *opt, char *err, size_t errlen);

/* The tick sub-step: runs the timeline actions that are due. Returns 0 or -1. */
int scenario_tick(struct tick *t);

/* Stops team's scenario: its timeline and its world stop (the resources stay; the status
 * keeps the timeline for the report). Returns 0, 1 when none, or -1. */
int scenario_stop(struct sim *sim, struct team *team);
/* Returns 1 when team runs a scenario that was not stopped. */
int scenario_running(struct sim *sim, struct team *team);

/* The running scenario of team as a new object (name, start, timeline with what ran), or
 * NULL when none. */
cJSON *scenario_status(struct sim *sim, struct team *team);

/* Lists the scenario files as a new array of {name, summary} (invalid files included, with
 * their error). */
cJSON *scenario_list(void);

#endif
