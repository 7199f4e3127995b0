/* alarms_int.h - private to sim/engine/alarms*.c: what the evaluator, the texts and the
 * target tracking files share. */
#ifndef DRILLSIM_ENGINE_ALARMS_INT_H
#define DRILLSIM_ENGINE_ALARMS_INT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/buf.h"

struct sim;
struct team;

/* The largest text a reason, reason data, history item or notification may grow to. */
#define ALARMS__TEXT_MAX (1u << 20)

/* JSON writing with exact number formats (cJSON prints 80.0 as 80; AWS prints 80.0). */
void alarms__json_str(struct buf *b, const char *s);
/* A number as AWS's JSON has it (Java's Double.toString), or null when not finite. */
void alarms__json_num(struct buf *b, double v);
/* Writes a cJSON value: whole numbers as integers (Period: 300), others in Java's form. */
void alarms__json_value(struct buf *b, const cJSON *v);

/* "Friday 04 August, 2023 12:54:46 UTC", as composite reasons and e-mails print times. */
void alarms__long_time(int64_t ms, char out[64]);

/*
 * Runs one Application Auto Scaling policy action of alarm `name` (its region `region`):
 * policy_arn is the action; values are the evaluated datapoints, newest first (none when the
 * state was set by SetAlarmState without data); threshold is the alarm's. Returns 0 with
 * *error NULL on success, 0 with *error set (owned) when the action failed as AWS would
 * report it, or -1 on a store error.
 */
int alarms__scaling_action(struct sim *sim, struct team *team, const char *region,
                           const char *name, const char *policy_arn, const double *values,
                           int nvalues, double threshold, int64_t now_ms, char **error);

#endif
