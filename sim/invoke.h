/*
 * invoke.h - AWS API calls made from inside drillsim (fixtures, scenario timelines).
 *
 * A fixture is valid API state because it is written by the same handlers a client reaches:
 * invoke() runs the lookup -> validate -> call stages of the pipeline (sim/pipeline.c) on a
 * neutral input document, without HTTP and without a codec, as the team's account in the
 * given region. Ids of what the handler creates come from the team's id generator and instants
 * from its clock, exactly as for a client's call; the call's own request id (which nobody
 * sees) comes from the server's generator, so an internal read (the web console drawing a
 * page) leaves the team's ids as they were: a drill replays the same with or without
 * someone watching.
 *
 * Transactions: outside a transaction the call commits on its own like a client's write;
 * inside one (the engine tick, a fixture being applied as a whole) it runs in a savepoint, so
 * a failed call leaves nothing behind and the caller decides whether the whole commits.
 */
#ifndef DRILLSIM_INVOKE_H
#define DRILLSIM_INVOKE_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct sim;
struct team;

/* What a failed internal call answered. */
struct invoke_error {
    char code[96];
    char message[512];
};

/*
 * Calls operation op of service (the model name: "ecs", "rds", "secretsmanager", ...) with the
 * input document in (borrowed; NULL = {}), as team's account in region. On success returns 0
 * and, when out is not NULL, stores the result document there (the caller deletes it; an
 * operation without output gives an empty object). On failure returns -1 and fills *err
 * (which may be NULL) with the AWS error code and message.
 */
int invoke(struct sim *sim, struct team *team, const char *region, const char *service,
           const char *op, const cJSON *in, cJSON **out, struct invoke_error *err);

#endif
