/*
 * secrets.c - Secrets Manager's recovery windows on the clock (see secrets.h).
 */
#include "engine/secrets.h"

#include "engine/engine.h"
#include "engine/team.h"
#include "sim.h"
#include "store/secrets.h"

int secrets_tick(struct tick *t)
{
    return secrets_purge_due(t->sim->store, t->team->account, t->now_ms) == 0 ? 0 : -1;
}
