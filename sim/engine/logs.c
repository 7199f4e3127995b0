/*
 * logs.c - the Logs retention sub-step (see logs.h). The rows and the "next expiry" index
 * are sim/store/logs.c's; the API side (PutRetentionPolicy) is sim/services/logs.c.
 */
#include "engine/logs.h"

#include "engine/engine.h"
#include "engine/team.h"
#include "sim.h"
#include "store/logs.h"

int logs_tick(struct tick *t)
{
    return logs_expire(t->sim->store, t->team->account, t->now_ms, NULL) == 0 ? 0 : -1;
}
