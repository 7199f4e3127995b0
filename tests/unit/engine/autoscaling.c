/*
 * Tests of sim/engine/autoscaling.c (scaling decisions, scheduled actions in the tick) and
 * sim/engine/cronexpr.c (at / rate / cron and time zones), against an in-memory store and a
 * fake ECS service standing in for the contract of engine/ecs.h (autoscaling_int.h).
 */
#include "engine/autoscaling.h"
#include "engine/autoscaling_int.h"
#include "engine/cronexpr.h"
#include "engine/engine.h"
#include "engine/team.h"
#include "services/validate.h"
#include "store/autoscaling.h"
#include "store/store.h"
#include "unit_call.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z, a Thursday, in ms */
#define MIN_MS (60LL * 1000)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)
#define RID "service/prod/web"
#define DIM "ecs:service:DesiredCount"

/* ---- cron, rate, at ------------------------------------------------------------------ */

static int64_t next_of(const char *expr, const char *tz, int64_t after)
{
    struct cronexpr e;
    char why[128];
    if (cronexpr_parse(expr, &e, why, sizeof why) != 0)
        t_fail(__FILE__, __LINE__, "%s did not parse: %s", expr, why);
    return cronexpr_next(&e, tz, T0, 0, after);
}

TEST(engine_autoscaling_cron_parse)
{
    static const char *const good[] = {
        "cron(0 9 * * ? *)",          "cron(0/15 * * * ? *)",    "cron(0 18 ? * MON-FRI *)",
        "cron(0 8 1 * ? *)",          "cron(0/5 8-17 ? * MON-FRI *)",
        "cron(30 6 ? * 2 *)",         "cron(0 8 L * ? *)",       "cron(0 8 L-2 * ? *)",
        "cron(0 8 LW * ? *)",         "cron(0 8 15W * ? *)",     "cron(0 8 ? * 6L *)",
        "cron(0 8 ? * 2#1 *)",        "cron(0 0 1 JAN,JUL ? 2026-2030)",
        "cron(30 0 9 * * ? *)",       "rate(1 minute)",          "rate(5 minutes)",
        "rate(2 hours)",              "rate(1 day)",             "at(2026-01-01T00:05:00)",
        "at(2020-12-08T9:36:00)",
    };
    static const char *const bad[] = {
        "cron(0 9 * * * *)",    /* day-of-month and day-of-week both given */
        "cron(0 9 ? * ? *)",    /* both '?' */
        "cron(0 9 * *)",        /* too few fields */
        "cron(0 9 ? * MON-FRI)", /* five fields */
        "cron(60 9 * * ? *)",   "cron(0 25 * * ? *)", "cron(0 9 32 * ? *)",
        "cron(0 9 * 13 ? *)",   "cron(0 9 ? * 8 *)",  "cron(0 9 * * ? 1969)",
        "cron(0 9 * * ? *",     "cron(0 9 ? * 2#6 *)", "cron(a 9 * * ? *)",
        "cron(0 9-7 * * ? *)",  "cron(0/0 9 * * ? *)", "rate(0 minutes)",
        "rate(5 weeks)",        "rate(five minutes)",  "rate(5)",
        "at(2026-02-30T00:00:00)", "at(2026-01-01 00:00:00)", "at(2026-01-01T24:00:00)",
        "every 5 minutes",      "",                    "cron()",
    };
    struct cronexpr e;
    char why[128];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (cronexpr_parse(good[i], &e, why, sizeof why) != 0)
            t_fail(__FILE__, __LINE__, "%s rejected: %s", good[i], why);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (cronexpr_parse(bad[i], &e, why, sizeof why) == 0)
            t_fail(__FILE__, __LINE__, "%s accepted", bad[i]);
        T_ASSERT(why[0] != '\0');
    }
}

TEST(engine_autoscaling_cron_next)
{
    /* every day at 9:00 UTC: later the same day, then the day after */
    T_EQ_INT(next_of("cron(0 9 * * ? *)", NULL, T0), T0 + 9 * HOUR_MS);
    T_EQ_INT(next_of("cron(0 9 * * ? *)", NULL, T0 + 9 * HOUR_MS), T0 + DAY_MS + 9 * HOUR_MS);
    /* strictly after: a fire time is never returned again */
    T_EQ_INT(next_of("cron(0/15 * * * ? *)", NULL, T0), T0 + 15 * MIN_MS);
    T_EQ_INT(next_of("cron(0/15 * * * ? *)", NULL, T0 - 1), T0);
    T_EQ_INT(next_of("cron(0/15 * * * ? *)", NULL, T0 + 15 * MIN_MS + 1), T0 + 30 * MIN_MS);
    /* Friday 2026-01-02 18:00 -> Monday the 5th */
    T_EQ_INT(next_of("cron(0 18 ? * MON-FRI *)", NULL, T0 + DAY_MS + 18 * HOUR_MS),
             T0 + 4 * DAY_MS + 18 * HOUR_MS);
    /* last day of January; last Friday (the 30th); first Monday (the 5th) */
    T_EQ_INT(next_of("cron(0 8 L * ? *)", NULL, T0), T0 + 30 * DAY_MS + 8 * HOUR_MS);
    T_EQ_INT(next_of("cron(0 8 L-2 * ? *)", NULL, T0), T0 + 28 * DAY_MS + 8 * HOUR_MS);
    T_EQ_INT(next_of("cron(0 8 ? * 6L *)", NULL, T0), T0 + 29 * DAY_MS + 8 * HOUR_MS);
    T_EQ_INT(next_of("cron(0 8 ? * 2#1 *)", NULL, T0), T0 + 4 * DAY_MS + 8 * HOUR_MS);
    /* 1W: 2026-02-01 is a Sunday, so the nearest weekday is Monday the 2nd */
    T_EQ_INT(next_of("cron(0 8 1W * ? *)", NULL, T0 + DAY_MS), T0 + 32 * DAY_MS + 8 * HOUR_MS);
    /* LW in January 2026: Saturday the 31st -> Friday the 30th */
    T_EQ_INT(next_of("cron(0 8 LW * ? *)", NULL, T0), T0 + 29 * DAY_MS + 8 * HOUR_MS);
    /* years */
    T_EQ_INT(next_of("cron(0 0 1 1 ? 2027)", NULL, T0), 1798761600000LL);
    T_EQ_INT(next_of("cron(0 0 1 1 ? 2025)", NULL, T0), CRONEXPR_NEVER);
    /* February 30th never comes: the search ends instead of looping */
    T_EQ_INT(next_of("cron(0 0 30 2 ? *)", NULL, T0), CRONEXPR_NEVER);
    /* the seven-field form has seconds */
    T_EQ_INT(next_of("cron(30 0 9 * * ? *)", NULL, T0), T0 + 9 * HOUR_MS + 30000);
    /* rate: from the anchor, every period */
    T_EQ_INT(next_of("rate(5 minutes)", NULL, T0), T0 + 5 * MIN_MS);
    T_EQ_INT(next_of("rate(5 minutes)", NULL, T0 + 5 * MIN_MS), T0 + 10 * MIN_MS);
    T_EQ_INT(next_of("rate(1 hour)", NULL, T0 - DAY_MS), T0 + HOUR_MS);
    struct cronexpr e;
    char why[128];
    T_EQ_INT(cronexpr_parse("rate(5 minutes)", &e, why, sizeof why), 0);
    T_EQ_INT(cronexpr_next(&e, NULL, T0, 1, T0 - 1), T0);
    /* at: once */
    T_EQ_INT(next_of("at(2026-01-01T00:05:00)", NULL, T0), T0 + 5 * MIN_MS);
    T_EQ_INT(next_of("at(2026-01-01T00:05:00)", NULL, T0 + 5 * MIN_MS), CRONEXPR_NEVER);
}

TEST(engine_autoscaling_timezones)
{
    T_EQ_INT(cronexpr_tz_valid("UTC"), 1);
    T_EQ_INT(cronexpr_tz_valid("America/New_York"), 1);
    T_EQ_INT(cronexpr_tz_valid("Etc/GMT+9"), 1);
    T_EQ_INT(cronexpr_tz_valid("Mars/Olympus_Mons"), 0);
    T_EQ_INT(cronexpr_tz_valid("../../etc/passwd"), 0);
    T_EQ_INT(cronexpr_tz_valid("/etc/localtime"), 0);
    T_EQ_INT(cronexpr_tz_valid("America"), 0); /* a directory, not a zone */
    /* 9:00 in New York is 14:00 UTC in winter (EST) and 13:00 UTC in summer (EDT) */
    T_EQ_INT(next_of("cron(0 9 * * ? *)", "America/New_York", T0), T0 + 14 * HOUR_MS);
    int64_t july = 1782864000000LL; /* 2026-07-01T00:00:00Z */
    T_EQ_INT(next_of("cron(0 9 * * ? *)", "America/New_York", july), july + 13 * HOUR_MS);
    /* across the switch to daylight saving time (2026-03-08): 14:00Z, then 13:00Z */
    int64_t mar7 = 1772841600000LL; /* 2026-03-07T00:00:00Z */
    T_EQ_INT(next_of("cron(0 9 * * ? *)", "America/New_York", mar7), mar7 + 14 * HOUR_MS);
    T_EQ_INT(next_of("cron(0 9 * * ? *)", "America/New_York", mar7 + 14 * HOUR_MS),
             mar7 + DAY_MS + 13 * HOUR_MS);
    /* Etc/GMT+9 is nine hours behind UTC (POSIX sign) */
    T_EQ_INT(next_of("cron(0 0 * * ? *)", "Etc/GMT+9", T0), T0 + 9 * HOUR_MS);
    T_EQ_INT(next_of("at(2026-01-01T00:05:00)", "America/New_York", T0),
             T0 + 5 * HOUR_MS + 5 * MIN_MS);
    /* rate ignores the zone; the process's TZ is left as it was */
    T_EQ_INT(next_of("rate(1 hour)", "Asia/Tokyo", T0), T0 + HOUR_MS);
    T_ASSERT(getenv("TZ") == NULL || strcmp(getenv("TZ"), "Asia/Tokyo") != 0);
}

TEST(engine_autoscaling_next_fire)
{
    struct aas_scheduled a = {0};
    a.schedule = "rate(10 minutes)";
    a.created_ms = T0;
    T_EQ_INT(autoscaling_next_fire(&a, T0), T0 + 10 * MIN_MS);
    /* a StartTime ahead is itself a fire time, then the recurrence counts from it */
    a.start_ms = T0 + HOUR_MS;
    T_EQ_INT(autoscaling_next_fire(&a, T0), T0 + HOUR_MS);
    T_EQ_INT(autoscaling_next_fire(&a, T0 + HOUR_MS), T0 + HOUR_MS + 10 * MIN_MS);
    /* EndTime ends it */
    a.end_ms = T0 + HOUR_MS + 15 * MIN_MS;
    T_EQ_INT(autoscaling_next_fire(&a, T0 + HOUR_MS + 10 * MIN_MS), 0);
    /* at() before its StartTime never fires */
    struct aas_scheduled b = {0};
    b.schedule = "at(2026-01-01T00:05:00)";
    T_EQ_INT(autoscaling_next_fire(&b, T0), T0 + 5 * MIN_MS);
    b.start_ms = T0 + HOUR_MS;
    T_EQ_INT(autoscaling_next_fire(&b, T0), 0);
    /* cron in a zone */
    struct aas_scheduled d = {0};
    d.schedule = "cron(0 9 * * ? *)";
    d.timezone = "America/New_York";
    T_EQ_INT(autoscaling_next_fire(&d, T0), T0 + 14 * HOUR_MS);
}

/* ---- a fake ECS service ------------------------------------------------------------------ */

static struct {
    int exists;
    int desired;
    int sets;
} fake;

static int fake_get(struct sim *sim, struct team *team, const char *region, const char *cluster,
                    const char *service, int *desired, int *running)
{
    (void)sim, (void)team, (void)region;
    if (!fake.exists || strcmp(cluster, "prod") != 0 || strcmp(service, "web") != 0)
        return 1;
    *desired = fake.desired;
    *running = fake.desired;
    return 0;
}

static int fake_set(struct sim *sim, struct team *team, const char *region, const char *cluster,
                    const char *service, int desired, int64_t now_ms)
{
    (void)sim, (void)team, (void)region, (void)now_ms;
    if (!fake.exists || strcmp(cluster, "prod") != 0 || strcmp(service, "web") != 0)
        return 1;
    fake.desired = desired;
    fake.sets++;
    return 0;
}

static struct sim asim;
static struct team ateam;

/* Opens a fresh store with the target service/prod/web (min 1, max 6) and desired count 2. */
static void world_open(void)
{
    memset(&asim, 0, sizeof asim);
    memset(&ateam, 0, sizeof ateam);
    char *cause = NULL;
    T_ASSERT(store_open(":memory:", &asim.store, &cause) == 0);
    snprintf(ateam.account, sizeof ateam.account, "111111111111");
    rng_seed(&ateam.ids, 7);
    rng_seed(&ateam.world, 8);
    autoscaling__ecs.get_counts = fake_get;
    autoscaling__ecs.set_desired = fake_set;
    fake.exists = 1;
    fake.desired = 2;
    fake.sets = 0;
    struct aas_scope sc = {asim.store, ateam.account, "us-east-1"};
    struct aas_target t = {
        .ns = "ecs", .resource_id = RID, .dimension = DIM, .min_cap = 1, .max_cap = 6,
        .role_arn = "arn:aws:iam::111111111111:role/x", .created_ms = T0,
        .arn = "arn:aws:application-autoscaling:us-east-1:111111111111:scalable-target/0abc",
        .uuid = "6f1d0c8e-0000-4000-8000-000000000001",
    };
    T_EQ_INT(store_aas_target_put(&sc, &t), 0);
}

static void world_close(void)
{
    store_close(asim.store);
    asim.store = NULL;
}

/* What the activities recorded so far look like. */
struct seen {
    int n;
    char newest_desc[128], newest_cause[256], newest_code[32], newest_reasons[160];
    char second_desc[128], second_cause[256];
};

static int see(void *ctx, const struct aas_activity *a)
{
    struct seen *s = ctx;
    if (s->n == 0) {
        snprintf(s->newest_desc, sizeof s->newest_desc, "%s", a->description);
        snprintf(s->newest_cause, sizeof s->newest_cause, "%s", a->cause);
        snprintf(s->newest_code, sizeof s->newest_code, "%s", a->status_code);
        snprintf(s->newest_reasons, sizeof s->newest_reasons, "%s",
                 a->not_scaled ? a->not_scaled : "");
    } else if (s->n == 1) {
        snprintf(s->second_desc, sizeof s->second_desc, "%s", a->description);
        snprintf(s->second_cause, sizeof s->second_cause, "%s", a->cause);
    }
    s->n++;
    return 0;
}

static struct seen activities(int include_not_scaled)
{
    struct aas_scope sc = {asim.store, ateam.account, "us-east-1"};
    struct seen s;
    memset(&s, 0, sizeof s);
    T_EQ_INT(store_aas_activity_each(&sc, "ecs", NULL, NULL, include_not_scaled, 0, see, &s), 0);
    return s;
}

static struct autoscaling_decision decision(enum autoscaling_adjust adjust, double value)
{
    struct autoscaling_decision d = {
        .region = "us-east-1", .service_namespace = "ecs", .resource_id = RID,
        .scalable_dimension = DIM, .adjust = adjust, .value = value,
        .scale_out_cooldown_s = 300, .scale_in_cooldown_s = 300,
        .policy_name = "cpu75", .alarm_name = "TargetTracking-service/prod/web-AlarmHigh-1",
    };
    return d;
}

/* Applies d at now_ms and checks the outcome and resulting desired count. */
static void apply_expect(struct autoscaling_decision d, int64_t now_ms,
                         enum autoscaling_outcome want, int want_desired, int line)
{
    enum autoscaling_outcome got = 0;
    int cap = -1;
    T_ASSERT(store_begin(asim.store) == 0);
    T_EQ_INT(autoscaling_apply(&asim, &ateam, &d, now_ms, &got, &cap), 0);
    T_ASSERT(store_commit(asim.store) == 0);
    if ((int)got != (int)want || fake.desired != want_desired)
        t_fail(__FILE__, line, "outcome %d desired %d, want %d and %d", (int)got, fake.desired,
               (int)want, want_desired);
}

TEST(engine_autoscaling_apply)
{
    world_open();
    /* scale out to an exact capacity: one Successful activity in AWS's words */
    apply_expect(decision(AUTOSCALING_EXACT, 4), T0, AUTOSCALING_SCALED, 4, __LINE__);
    struct seen s = activities(0);
    T_EQ_INT(s.n, 1);
    T_EQ_STR(s.newest_desc, "Setting desired count to 4.");
    T_EQ_STR(s.newest_cause, "monitor alarm TargetTracking-service/prod/web-AlarmHigh-1 in "
                             "state ALARM triggered policy cpu75");
    T_EQ_STR(s.newest_code, "Successful");
    /* during the scale-out cooldown a change is counted from the capacity before the last
     * scale-out (2 + 2 = 4, no more than that scale-out reached): nothing happens */
    apply_expect(decision(AUTOSCALING_CHANGE, 2), T0 + 60000, AUTOSCALING_COOLDOWN, 4, __LINE__);
    T_EQ_INT(activities(1).n, 1);
    /* a larger one goes ahead, clamped to MaxCapacity 6 */
    apply_expect(decision(AUTOSCALING_EXACT, 9), T0 + 120000, AUTOSCALING_SCALED, 6, __LINE__);
    /* after the cooldown, at the maximum: a not-scaled activity, hidden by default */
    apply_expect(decision(AUTOSCALING_EXACT, 8), T0 + 500000, AUTOSCALING_NOT_SCALED, 6,
                 __LINE__);
    T_EQ_INT(activities(0).n, 2);
    s = activities(1);
    T_EQ_INT(s.n, 3);
    T_EQ_STR(s.newest_desc, "Attempting to scale due to alarm triggered");
    T_EQ_STR(s.newest_code, "Failed");
    T_EQ_STR(s.newest_reasons, "[{\"Code\":\"AlreadyAtMaxCapacity\",\"MaxCapacity\":6}]");
    /* scale in, then the scale-in cooldown holds the next scale-in */
    apply_expect(decision(AUTOSCALING_CHANGE, -2), T0 + 600000, AUTOSCALING_SCALED, 4, __LINE__);
    apply_expect(decision(AUTOSCALING_CHANGE, -1), T0 + 660000, AUTOSCALING_COOLDOWN, 4,
                 __LINE__);
    /* a scale-out during the scale-in cooldown happens at once and ends that cooldown */
    apply_expect(decision(AUTOSCALING_CHANGE, 1), T0 + 700000, AUTOSCALING_SCALED, 5, __LINE__);
    struct autoscaling_decision in = decision(AUTOSCALING_EXACT, 1);
    in.scale_out_cooldown_s = 0;
    apply_expect(in, T0 + 710000, AUTOSCALING_SCALED, 1, __LINE__);
    /* at the minimum */
    in.scale_in_cooldown_s = 0;
    in.value = 0;
    apply_expect(in, T0 + 720000, AUTOSCALING_NOT_SCALED, 1, __LINE__);
    T_EQ_STR(activities(1).newest_reasons,
             "[{\"Code\":\"AlreadyAtMinCapacity\",\"MinCapacity\":1}]");
    world_close();
}

TEST(engine_autoscaling_apply_percent_and_blocks)
{
    world_open();
    fake.desired = 3;
    /* +10% of 3 is 0.3: at least one task */
    apply_expect(decision(AUTOSCALING_PERCENT, 10), T0, AUTOSCALING_SCALED, 4, __LINE__);
    /* +50% of 4 is 2, raised to MinAdjustmentMagnitude 3 (after the cooldown) */
    struct autoscaling_decision d = decision(AUTOSCALING_PERCENT, 50);
    d.min_adjustment_magnitude = 3;
    apply_expect(d, T0 + 400000, AUTOSCALING_SCALED, 6, __LINE__);
    /* -60% of 6 is -3.6: toward zero, -3 */
    apply_expect(decision(AUTOSCALING_PERCENT, -60), T0 + 800000, AUTOSCALING_SCALED, 3,
                 __LINE__);
    /* DisableScaleIn */
    d = decision(AUTOSCALING_EXACT, 1);
    d.disable_scale_in = 1;
    apply_expect(d, T0 + 2 * HOUR_MS, AUTOSCALING_SUSPENDED, 3, __LINE__);
    /* SuspendedState */
    struct aas_scope sc = {asim.store, ateam.account, "us-east-1"};
    struct aas_key k = {"ecs", RID, DIM};
    struct aas_target t = {0};
    T_EQ_INT(store_aas_target_get(&sc, &k, &t), 0);
    t.susp_out = 1;
    T_EQ_INT(store_aas_target_put(&sc, &t), 0);
    store_aas_target_clear(&t);
    apply_expect(decision(AUTOSCALING_EXACT, 5), T0 + 3 * HOUR_MS, AUTOSCALING_SUSPENDED, 3,
                 __LINE__);
    /* the scale-in direction is not suspended */
    apply_expect(decision(AUTOSCALING_EXACT, 2), T0 + 3 * HOUR_MS, AUTOSCALING_SCALED, 2,
                 __LINE__);
    /* no such target; a namespace that does not act */
    d = decision(AUTOSCALING_EXACT, 3);
    d.resource_id = "service/prod/api";
    apply_expect(d, T0 + 4 * HOUR_MS, AUTOSCALING_NO_TARGET, 2, __LINE__);
    struct aas_target dyn = {
        .ns = "dynamodb", .resource_id = "table/orders",
        .dimension = "dynamodb:table:ReadCapacityUnits", .min_cap = 5, .max_cap = 10,
        .role_arn = "r", .created_ms = T0, .arn = "arn:dyn", .uuid = "u",
    };
    T_EQ_INT(store_aas_target_put(&sc, &dyn), 0);
    d.service_namespace = "dynamodb";
    d.resource_id = "table/orders";
    d.scalable_dimension = "dynamodb:table:ReadCapacityUnits";
    apply_expect(d, T0 + 4 * HOUR_MS, AUTOSCALING_UNSUPPORTED, 2, __LINE__);
    /* the service went away: a Failed activity */
    fake.exists = 0;
    int before = activities(0).n;
    apply_expect(decision(AUTOSCALING_EXACT, 4), T0 + 5 * HOUR_MS, AUTOSCALING_FAILED, 2,
                 __LINE__);
    struct seen s = activities(0);
    T_EQ_INT(s.n, before + 1);
    T_EQ_STR(s.newest_code, "Failed");
    world_close();
}

TEST(engine_autoscaling_decision_from_policy)
{
    world_open();
    struct aas_scope sc = {asim.store, ateam.account, "us-east-1"};
    struct aas_policy tt = {
        .ns = "ecs", .resource_id = RID, .dimension = DIM, .name = "cpu75",
        .arn = "arn:p1", .type = "TargetTrackingScaling",
        .config = "{\"TargetValue\":75,\"PredefinedMetricSpecification\":{\"PredefinedMetricType\":"
                  "\"ECSServiceAverageCPUUtilization\"},\"ScaleInCooldown\":120,"
                  "\"DisableScaleIn\":true}",
        .created_ms = T0,
    };
    struct aas_policy step = {
        .ns = "ecs", .resource_id = RID, .dimension = DIM, .name = "step",
        .arn = "arn:p2", .type = "StepScaling",
        .config = "{\"AdjustmentType\":\"PercentChangeInCapacity\",\"Cooldown\":60,"
                  "\"MinAdjustmentMagnitude\":2,\"StepAdjustments\":[{\"ScalingAdjustment\":20}]}",
        .created_ms = T0,
    };
    T_EQ_INT(store_aas_policy_put(&sc, &tt), 0);
    T_EQ_INT(store_aas_policy_put(&sc, &step), 0);
    struct autoscaling_decision d = decision(AUTOSCALING_CHANGE, 0);
    T_EQ_INT(autoscaling_decision_from_policy(&asim, &ateam, "cpu75", &d), 0);
    T_EQ_INT(d.adjust, AUTOSCALING_EXACT);
    T_EQ_INT(d.scale_out_cooldown_s, 300);
    T_EQ_INT(d.scale_in_cooldown_s, 120);
    T_EQ_INT(d.disable_scale_in, 1);
    T_EQ_INT(autoscaling_decision_from_policy(&asim, &ateam, "step", &d), 0);
    T_EQ_INT(d.adjust, AUTOSCALING_PERCENT);
    T_EQ_INT(d.scale_out_cooldown_s, 60);
    T_EQ_INT(d.scale_in_cooldown_s, 60);
    T_EQ_INT(d.min_adjustment_magnitude, 2);
    T_EQ_INT(d.disable_scale_in, 0);
    T_EQ_INT(autoscaling_decision_from_policy(&asim, &ateam, "nope", &d), 1);
    world_close();
}

/* Runs the autoscaling sub-step at now_ms inside a transaction, as engine_tick does. */
static void tick_at(int64_t now_ms)
{
    struct tick tk = {.sim = &asim, .team = &ateam, .now_ms = now_ms};
    T_ASSERT(store_begin(asim.store) == 0);
    T_EQ_INT(autoscaling_tick(&tk), 0);
    T_ASSERT(store_commit(asim.store) == 0);
}

static void put_action(const char *name, const char *schedule, int has_min, int64_t min,
                       int has_max, int64_t max)
{
    struct aas_scope sc = {asim.store, ateam.account, "us-east-1"};
    struct aas_scheduled a = {
        .ns = "ecs", .resource_id = RID, .dimension = DIM, .name = (char *)name,
        .arn = "arn:sched", .schedule = (char *)schedule, .has_min = has_min, .min_cap = min,
        .has_max = has_max, .max_cap = max, .created_ms = T0,
    };
    a.next_fire_ms = autoscaling_next_fire(&a, T0);
    T_EQ_INT(store_aas_sched_put(&sc, &a), 0);
}

static void target_bounds(int64_t *min, int64_t *max)
{
    struct aas_scope sc = {asim.store, ateam.account, "us-east-1"};
    struct aas_key k = {"ecs", RID, DIM};
    struct aas_target t = {0};
    T_EQ_INT(store_aas_target_get(&sc, &k, &t), 0);
    *min = t.min_cap;
    *max = t.max_cap;
    store_aas_target_clear(&t);
}

TEST(engine_autoscaling_tick_scheduled)
{
    world_open();
    put_action("night", "at(2026-01-01T00:05:00)", 0, 0, 1, 1); /* max 1 at 00:05 */
    put_action("morning", "cron(0/10 * * * ? *)", 1, 5, 1, 8);  /* min 5 every 10 min */
    int64_t min, max;
    /* nothing is due before 00:05 */
    for (int64_t t = T0 + 1000; t < T0 + 5 * MIN_MS; t += 1000)
        tick_at(t);
    T_EQ_INT(fake.sets, 0);
    T_EQ_INT(activities(1).n, 0);
    /* 00:05: max 1 -> desired 2 moves to 1, two activities (min/max, then the count) */
    tick_at(T0 + 5 * MIN_MS);
    target_bounds(&min, &max);
    T_EQ_INT(min, 1);
    T_EQ_INT(max, 1);
    T_EQ_INT(fake.desired, 1);
    struct seen s = activities(0);
    T_EQ_INT(s.n, 2);
    T_EQ_STR(s.newest_desc, "Setting desired count to 1.");
    T_EQ_STR(s.newest_cause, "maximum capacity was set to 1");
    T_EQ_STR(s.second_desc, "Setting min capacity to 1 and max capacity to 1");
    T_EQ_STR(s.second_cause, "scheduled action name night was triggered");
    /* the at() action does not fire again */
    tick_at(T0 + 6 * MIN_MS);
    T_EQ_INT(activities(0).n, 2);
    /* 00:10: min 5, max 8 -> desired 5 */
    tick_at(T0 + 10 * MIN_MS);
    target_bounds(&min, &max);
    T_EQ_INT(min, 5);
    T_EQ_INT(max, 8);
    T_EQ_INT(fake.desired, 5);
    s = activities(0);
    T_EQ_INT(s.n, 4);
    T_EQ_STR(s.newest_cause, "minimum capacity was set to 5");
    T_EQ_STR(s.second_desc, "Setting min capacity to 5 and max capacity to 8");
    /* 00:20: fires again; the count is already inside, so only the min/max activity */
    tick_at(T0 + 20 * MIN_MS);
    s = activities(0);
    T_EQ_INT(s.n, 5);
    T_EQ_STR(s.newest_cause, "scheduled action name morning was triggered");
    T_EQ_INT(fake.sets, 2);
    /* a late tick (a realtime catch-up) fires once and moves the next fire past it */
    tick_at(T0 + 55 * MIN_MS + 500);
    T_EQ_INT(activities(0).n, 6);
    tick_at(T0 + 56 * MIN_MS);
    T_EQ_INT(activities(0).n, 6);
    /* ScheduledScalingSuspended: the action is skipped, and moves on */
    struct aas_scope sc = {asim.store, ateam.account, "us-east-1"};
    struct aas_key k = {"ecs", RID, DIM};
    struct aas_target t = {0};
    T_EQ_INT(store_aas_target_get(&sc, &k, &t), 0);
    t.susp_sched = 1;
    T_EQ_INT(store_aas_target_put(&sc, &t), 0);
    store_aas_target_clear(&t);
    tick_at(T0 + 60 * MIN_MS);
    T_EQ_INT(activities(0).n, 6);
    struct aas_scheduled a = {0};
    T_EQ_INT(store_aas_sched_get(&sc, &k, "morning", &a), 0);
    T_EQ_INT(a.next_fire_ms, T0 + 70 * MIN_MS);
    store_aas_sched_clear(&a);
    world_close();
}

/* ---- the handlers (sim/services/autoscaling.c) -------------------------------------------- */

/* Runs op with the JSON input as the pipeline would (validation, then the handler inside a
 * transaction for writes), as account 111111111111 at now_ms. Returns SIM_OK or SIM_ERROR;
 * the caller owns *c (call_free). */
static int aas_run(struct call *c, const char *op, const char *json, int64_t now_ms)
{
    unit_sim.store = asim.store;
    unit_call(c, "application-autoscaling", op, &proto_json);
    snprintf(c->tenant.account, sizeof c->tenant.account, "%s", ateam.account);
    c->team = &ateam;
    c->now_ms = now_ms;
    c->in = cJSON_Parse(json);
    T_ASSERT(c->in != NULL);
    c->op = registry_op(c->svc, op);
    T_ASSERT(c->op != NULL);
    if (validate_input(c) != SIM_OK)
        return SIM_ERROR;
    int write = (c->op->flags & OP_WRITE) != 0;
    if (write)
        T_ASSERT(store_begin(asim.store) == 0);
    int rc = c->op->handler(c);
    if (write) {
        if (rc == SIM_OK)
            T_ASSERT(store_commit(asim.store) == 0);
        else
            store_rollback(asim.store);
    }
    return rc;
}

static void aas_ok(const char *op, const char *json, int64_t now_ms)
{
    struct call c;
    if (aas_run(&c, op, json, now_ms) != SIM_OK)
        t_fail(__FILE__, __LINE__, "%s failed: %s: %s", op, c.err.code,
               c.err.message ? c.err.message : "");
    call_free(&c);
}

/* Expects op to fail with code (and, when message is not NULL, exactly that message). */
static void aas_err(const char *op, const char *json, const char *code, const char *message,
                    int line)
{
    struct call c;
    if (aas_run(&c, op, json, T0) != SIM_ERROR)
        t_fail(__FILE__, line, "%s succeeded", op);
    if (strcmp(c.err.code, code) != 0 || (message && strcmp(c.err.message, message) != 0))
        t_fail(__FILE__, line, "got %s: %s", c.err.code, c.err.message ? c.err.message : "");
    call_free(&c);
}

/* Returns how many activities DescribeScalingActivities lists at now_ms (one page of 50). */
static int listed(int64_t now_ms)
{
    struct call c;
    T_EQ_INT(aas_run(&c, "DescribeScalingActivities", "{\"ServiceNamespace\":\"dynamodb\"}",
                     now_ms),
             SIM_OK);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(c.out, "ScalingActivities"));
    call_free(&c);
    return n;
}

#define DDB_KEY                                                                                \
    "\"ServiceNamespace\":\"dynamodb\",\"ResourceId\":\"table/t\","                            \
    "\"ScalableDimension\":\"dynamodb:table:ReadCapacityUnits\""

TEST(services_autoscaling_handlers)
{
    world_open();
    aas_ok("RegisterScalableTarget", "{" DDB_KEY ",\"MinCapacity\":1,\"MaxCapacity\":4}", T0);
    aas_ok("PutScheduledAction",
           "{" DDB_KEY ",\"ScheduledActionName\":\"a\",\"Schedule\":\"rate(1 day)\","
           "\"ScalableTargetAction\":{\"MaxCapacity\":5}}",
           T0);
    for (int d = 1; d <= 3; d++)
        tick_at(T0 + d * DAY_MS);
    T_EQ_INT(listed(T0 + 3 * DAY_MS), 3);
    /* activities older than six weeks are no longer listed */
    T_EQ_INT(listed(T0 + 43 * DAY_MS), 3);
    T_EQ_INT(listed(T0 + 43 * DAY_MS + 1), 2);
    T_EQ_INT(listed(T0 + 45 * DAY_MS + 1), 0);
    /* tokens that drillsim did not make */
    static const char *const bad_tokens[] = {"x", "aas1.", "aas1.zz", "aas1.3", "aas1.2d31",
                                             "aas1.6100", "aas1.00"};
    for (size_t i = 0; i < sizeof bad_tokens / sizeof bad_tokens[0]; i++) {
        char json[128];
        snprintf(json, sizeof json, "{\"ServiceNamespace\":\"dynamodb\",\"NextToken\":\"%s\"}",
                 bad_tokens[i]);
        aas_err("DescribeScalingActivities", json, "InvalidNextTokenException", NULL, __LINE__);
        aas_err("DescribeScalingPolicies", json, "InvalidNextTokenException", NULL, __LINE__);
    }
    /* errors in AWS's words */
    aas_err("PutScalingPolicy",
            "{\"ServiceNamespace\":\"dynamodb\",\"ResourceId\":\"table/u\",\"ScalableDimension\":"
            "\"dynamodb:table:ReadCapacityUnits\",\"PolicyName\":\"p\"}",
            "ObjectNotFoundException",
            "No scalable target registered for service namespace: dynamodb, resource ID: table/u, "
            "scalable dimension: dynamodb:table:ReadCapacityUnits",
            __LINE__);
    aas_err("RegisterScalableTarget",
            "{\"ServiceNamespace\":\"ecs\",\"ResourceId\":\"service/prod/api\","
            "\"ScalableDimension\":\"ecs:service:DesiredCount\",\"MinCapacity\":1,"
            "\"MaxCapacity\":2}",
            "ValidationException", "ECS service doesn't exist: service/prod/api", __LINE__);
    aas_err("PutScheduledAction",
            "{" DDB_KEY ",\"ScheduledActionName\":\"b\",\"Schedule\":\"rate(1 day)\","
            "\"ScalableTargetAction\":{}}",
            "ValidationException",
            "At least one of minimum capacity and maximum capacity should be provided", __LINE__);
    /* the ECS target's registration moves the fake service's count into the new range */
    aas_ok("RegisterScalableTarget",
           "{\"ServiceNamespace\":\"ecs\",\"ResourceId\":\"" RID "\",\"ScalableDimension\":\"" DIM
           "\",\"MinCapacity\":3,\"MaxCapacity\":6}",
           T0);
    T_EQ_INT(fake.desired, 3);
    /* a decision at the maximum is a not-scaled activity, listed only when asked for */
    struct autoscaling_decision d = decision(AUTOSCALING_EXACT, 9);
    d.scale_out_cooldown_s = 0;
    apply_expect(d, T0, AUTOSCALING_SCALED, 6, __LINE__);
    apply_expect(d, T0 + 1000, AUTOSCALING_NOT_SCALED, 6, __LINE__);
    struct call c;
    T_EQ_INT(aas_run(&c, "DescribeScalingActivities", "{\"ServiceNamespace\":\"ecs\"}", T0 + 2000),
             SIM_OK);
    cJSON *acts = cJSON_GetObjectItem(c.out, "ScalingActivities");
    T_EQ_INT(cJSON_GetArraySize(acts), 2);
    T_ASSERT(cJSON_GetObjectItem(cJSON_GetArrayItem(acts, 0), "NotScaledReasons") == NULL);
    call_free(&c);
    T_EQ_INT(aas_run(&c, "DescribeScalingActivities",
                     "{\"ServiceNamespace\":\"ecs\",\"IncludeNotScaledActivities\":true}",
                     T0 + 2000),
             SIM_OK);
    acts = cJSON_GetObjectItem(c.out, "ScalingActivities");
    T_EQ_INT(cJSON_GetArraySize(acts), 3);
    cJSON *top = cJSON_GetArrayItem(acts, 0);
    T_EQ_STR(cJSON_GetObjectItem(top, "StatusCode")->valuestring, "Failed");
    cJSON *reason = cJSON_GetArrayItem(cJSON_GetObjectItem(top, "NotScaledReasons"), 0);
    T_EQ_STR(cJSON_GetObjectItem(reason, "Code")->valuestring, "AlreadyAtMaxCapacity");
    T_EQ_INT(cJSON_GetObjectItem(reason, "MaxCapacity")->valueint, 6);
    T_ASSERT(cJSON_GetObjectItem(top, "EndTime") == NULL);
    call_free(&c);
    world_close();
}
