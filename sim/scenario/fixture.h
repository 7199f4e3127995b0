/*
 * fixture.h - the seed world: fixtures/<name>.json applied through the API handlers.
 *
 * A fixture is a list of steps, each one AWS API call ({"service", "op", "in", "as"}), made
 * with invoke() as the team's account in the chosen region, so what it creates is valid API
 * state with ids from the team's generator and times from its clock. Strings in "in" may use
 * {env}, {account} and {region}, and ${name.path} for a member of the result of an earlier
 * step saved with "as": name (array items by index: ${subnets.Subnets.0.SubnetId}). The
 * string "@dashboard" stands for the fixture's "dashboard" object (with the same
 * substitutions) as JSON text, and "@lb" for the environment's load balancer dimension.
 *
 * All steps run in one transaction: a step that fails undoes the whole fixture, and the error
 * names the step and what AWS answered.
 */
#ifndef DRILLSIM_SCENARIO_FIXTURE_H
#define DRILLSIM_SCENARIO_FIXTURE_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct buf;
struct sim;
struct team;

/* Where fixtures/ and scenarios/ are found: --share DIR, else the source tree drillsim was
 * built from. */
const char *fixture_share_dir(void);
void fixture_set_share_dir(const char *dir);

/* Reads a JSON file share_dir/sub/name.json. Returns the document (caller deletes) or NULL
 * with the reason in err. */
cJSON *fixture_read_json(const char *sub, const char *name, char *err, size_t errlen);

/* If p starts with {env}, {account} or {region}, appends its value to out and returns the
 * placeholder's length; else returns 0. (Shared with the scenario timeline's "api" action.) */
size_t fixture_var(const char *p, const char *env, const char *account, const char *region,
                   struct buf *out);

/* Applies fixture `name` for environment env in region to team's account. Returns 0, or -1
 * with the reason in err (nothing of the fixture is kept then). */
int fixture_apply(struct sim *sim, struct team *team, const char *name, const char *env,
                  const char *region, char *err, size_t errlen);

#endif
