/* Tests of sim/engine/clock.c, team.c and the tick loop of engine.c. */
#include "engine/engine.h"
#include "store/store.h"
#include "unit_call.h"

#include <unistd.h>

TEST(engine_clock_parse)
{
    enum clock_mode mode;
    int64_t start;
    T_EQ_INT(clock_parse("realtime", &mode, &start), 0);
    T_EQ_INT(mode, SIMCLOCK_REALTIME);
    T_EQ_INT(clock_parse("manual", &mode, &start), 0);
    T_EQ_INT(mode, SIMCLOCK_MANUAL);
    T_EQ_INT(start, 0);
    T_EQ_INT(clock_parse("manual@2026-01-01T00:00:00Z", &mode, &start), 0);
    T_EQ_INT(start, 1767225600000LL);
    T_EQ_INT(clock_parse("manual@yesterday", &mode, &start), -1);
    T_EQ_INT(clock_parse("fast", &mode, &start), -1);
    /* a manual clock without an instant starts on a whole minute of the wall clock */
    struct simclock c;
    clock_init(&c, SIMCLOCK_MANUAL, 0);
    T_EQ_INT(c.manual_ms % 60000, 0);
    T_ASSERT(clock_wall_ms() - c.manual_ms < 61000);
    clock_init(&c, SIMCLOCK_MANUAL, 1767225600000LL);
    T_EQ_INT(clock_now_ms(&c), 1767225600000LL);
}

static void open_sim(struct sim *sim, const char *path)
{
    memset(sim, 0, sizeof *sim);
    char *cause = NULL;
    T_ASSERT(store_open(path, &sim->store, &cause) == 0);
    sim->opt.seed = 42;
    sim->opt.clock_mode = SIMCLOCK_MANUAL;
    sim->opt.clock_start_ms = 1767225600000LL;
    T_EQ_INT(team_timing_preset("aws", &sim->opt.timing), 0);
}

TEST(engine_team_persists)
{
    char path[] = "/tmp/drillsim-unit-team-XXXXXX";
    int fd = mkstemp(path);
    T_ASSERT(fd >= 0);
    close(fd);
    struct sim sim;
    open_sim(&sim, path);
    struct team *a = team_get(&sim, "111111111111");
    struct team *b = team_get(&sim, "222222222222");
    T_ASSERT(a != b);
    T_ASSERT(team_get(&sim, "111111111111") == a);
    T_EQ_INT(team_now_ms(a), 1767225600000LL);
    /* advancing one team leaves the other alone */
    T_EQ_INT(engine_advance(&sim, a, 90500), 0);
    T_EQ_INT(team_now_ms(a), 1767225690500LL);
    T_EQ_INT(a->last_tick_ms, 1767225690000LL);
    T_EQ_INT(team_now_ms(b), 1767225600000LL);
    /* the generators move with use and are saved with the team */
    char id1[37];
    rng_uuid(&a->ids, id1);
    T_EQ_INT(team_timing_preset("fast", &a->timing), 0);
    T_EQ_INT(team_save(&sim, a), 0);
    struct rng expect = a->ids;
    team_forget_all(&sim);
    store_close(sim.store);
    /* reopen: the team resumes where it was */
    open_sim(&sim, path);
    sim.opt.clock_start_ms = 1; /* not used: the saved clock wins */
    a = team_get(&sim, "111111111111");
    T_EQ_INT(team_now_ms(a), 1767225690500LL);
    T_EQ_INT(a->timing.provisioning_s, 1);
    T_EQ_MEM(a->ids.s, expect.s, sizeof expect.s);
    team_forget_all(&sim);
    store_close(sim.store);
    unlink(path);
    char wal[64];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
}

TEST(engine_advance_rules)
{
    struct sim sim;
    open_sim(&sim, ":memory:");
    struct team *t = team_get(&sim, "000000000000");
    /* less than a second: the clock moves, no tick runs */
    T_EQ_INT(engine_advance(&sim, t, 400), 0);
    T_EQ_INT(t->last_tick_ms, 1767225600000LL);
    T_EQ_INT(engine_advance(&sim, t, 600), 0);
    T_EQ_INT(t->last_tick_ms, 1767225601000LL);
    T_EQ_INT(engine_advance(&sim, t, -1), -1);
    /* a realtime team cannot be advanced */
    sim.opt.clock_mode = SIMCLOCK_REALTIME;
    struct team *r = team_get(&sim, "333333333333");
    T_EQ_INT(r->clock.mode, SIMCLOCK_REALTIME);
    T_EQ_INT(engine_advance(&sim, r, 1000), -1);
    team_forget_all(&sim);
    store_close(sim.store);
}
