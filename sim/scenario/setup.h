/*
 * setup.h - bringing a team's world up at its current sim time.
 *
 * The fixture is applied in the past (the pre-roll plus up to 30 minutes for it to settle:
 * the Aurora instances take minutes to create under the aws timing), the engine runs on a
 * manual clock until the cluster is available and the service runs its tasks, the world
 * model starts, and the engine runs up to the team's present, so that at "now" the world has
 * preroll of history: metrics on the dashboard and log lines for the runbook's queries. A
 * realtime team then goes back to the wall clock; a manual team is at its start instant.
 * Nothing is ever written ahead of the sim clock.
 */
#ifndef DRILLSIM_SCENARIO_SETUP_H
#define DRILLSIM_SCENARIO_SETUP_H

#include <stddef.h>
#include <stdint.h>

struct sim;
struct team;
struct world_config;

/* Applies fixture for cfg's environment and region to team and starts its world with
 * preroll_ms of history. Returns 0, or -1 with the reason in err. */
int setup_world(struct sim *sim, struct team *team, const char *fixture,
                const struct world_config *cfg, int64_t preroll_ms, char *err, size_t errlen);

#endif
