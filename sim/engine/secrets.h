/*
 * secrets.h - Secrets Manager on the clock: the end of a deleted secret's recovery window.
 *
 * DeleteSecret schedules a secret for deletion RecoveryWindowInDays (7 to 30) days of sim
 * time ahead; until then RestoreSecret brings it back. Every second of sim time (the
 * {"secrets", 1, secrets_tick} row of engine.c's step table) the team's secrets whose window
 * has ended are deleted for good, as AWS deletes them. The store indexes the deadline
 * (sm_secrets.purge_ms), so an idle tick is one index look-up.
 */
#ifndef DRILLSIM_ENGINE_SECRETS_H
#define DRILLSIM_ENGINE_SECRETS_H

struct tick;

/* The tick sub-step: deletes the team's secrets whose recovery window ended. Returns 0 or
 * -1. */
int secrets_tick(struct tick *t);

#endif
