/*
 * main.c - drillsim: argv, the store, the HTTP front, the loop, signals and shutdown.
 *
 *   drillsim [--host 127.0.0.1] [--port 4566] [--data PATH|:memory:] [--seed N] [--verbose]
 *            [--scenario NAME | --fixture NAME] [--env ENV] [--app-port N] ...
 *
 * When ready it prints exactly one line on stdout, "drillsim listening on http://HOST:PORT",
 * which scripts wait for (--port 0 picks a free port). SIGINT and SIGTERM stop it cleanly.
 * A scenario (or a bare fixture) is set up before the listening line, its pre-roll simulated,
 * so the first request already sees the drill under way.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "control/journal.h"
#include "engine/engine.h"
#include "engine/sns.h"
#include "engine/world.h"
#include "http/http.h"
#include "scenario/fixture.h"
#include "scenario/scenario.h"
#include "scenario/setup.h"
#include "services/logs_insights.h"
#include "services/service.h"
#include "sim.h"
#include "store/store.h"
#include "store/team_rows.h"
#include "util/xmalloc.h"

static struct http_server *server, *app_server;
static uv_signal_t sig_int, sig_term;

/* --fixture: sets the world up unless the state file already has one running (a restart
 * resumes the drill; --fresh starts over). Returns 0, or -1 after saying why. */
static int start_fixture(struct sim *sim, struct team *team, const char *fixture,
                         const char *env, const char *region, long preroll_min)
{
    if (world_active(sim, team)) {
        printf("drillsim: resuming the world in the state file (--fresh starts over)\n");
        return 0;
    }
    struct world_config cfg;
    char err[1024];
    world_config_default(&cfg, env, region);
    if (setup_world(sim, team, fixture, &cfg, preroll_min * 60000, err, sizeof err) != 0) {
        fprintf(stderr, "drillsim: fixture %s: %s\n", fixture, err);
        return -1;
    }
    return 0;
}

/* --scenario: validates the file, then starts it unless the state file already runs a world
 * (a restart resumes the drill; --fresh starts over). Returns 0, or -1 after saying why. */
static int start_scenario(struct sim *sim, struct team *team, const char *name, const char *env,
                          const char *region, long preroll_min, int64_t seed)
{
    char err[1024];
    cJSON *doc = scenario_load(name, err, sizeof err);
    if (doc == NULL) {
        fprintf(stderr, "drillsim: %s\n", err);
        return -1;
    }
    if (world_active(sim, team)) {
        printf("drillsim: resuming the drill in the state file (--fresh starts over)\n");
        cJSON_Delete(doc);
        return 0;
    }
    struct scenario_start opt = {env, region, preroll_min < 0 ? -1 : preroll_min * 60000, seed};
    int rc = scenario_start(sim, team, doc, &opt, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "drillsim: scenario %s: %s\n", name, err);
    cJSON_Delete(doc);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: drillsim [--host ADDR] [--port N] [--data PATH|:memory:] [--seed N]\n"
            "                [--clock realtime|manual[@ISO8601]] [--timing aws|fast] [--verbose]\n"
            "                [--scenario NAME | --fixture NAME] [--env ENV] [--region R]\n"
            "                [--preroll MIN] [--fresh] [--team ACCOUNT] [--app-port N]\n"
            "  --host ADDR   address to listen on (default 127.0.0.1)\n"
            "  --port N      port (default 4566; 0 picks a free one)\n"
            "  --data PATH   SQLite state file (default $XDG_STATE_HOME/drillsim/drillsim.db);\n"
            "                :memory: for a throwaway run\n"
            "  --seed N      seed of every team's id and world generators (default 1)\n"
            "  --clock MODE  realtime (default) | manual | manual@2026-01-01T00:00:00Z\n"
            "  --timing NAME lifecycle durations of new teams: aws (default) | fast\n"
            "  --max-body N  request body limit in bytes, after decompression (default 8 MiB)\n"
            "  --scenario NAME start scenarios/NAME.json (connection-leak, task-overload, ...)\n"
            "  --fixture NAME  set up fixtures/NAME.json and its world, without a scenario\n"
            "  --env ENV     the environment (default: the scenario's, or dev)\n"
            "  --region R    the fixture's region (default us-east-1)\n"
            "  --preroll MIN minutes of history simulated before now (default: the\n"
            "                scenario's, or 0)\n"
            "  --fresh       start over: empty the state file first\n"
            "  --team ACCOUNT  the account the scenario or fixture goes to (default\n"
            "                000000000000, where any non-numeric access key lands)\n"
            "  --share DIR   where fixtures/ and scenarios/ are (default: the source tree)\n"
            "  --app-port N  the simulated app's /db and /health (default 8080; 0 picks a free\n"
            "                port and prints \"app listening on ...\"; -1 turns it off)\n");
}

/* The default data file: $XDG_STATE_HOME/drillsim/drillsim.db, ~/.local/state/... or ./ */
static char *default_data_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char *dir;
    if (state && state[0])
        dir = xasprintf("%s/drillsim", state);
    else if (home && home[0])
        dir = xasprintf("%s/.local/state/drillsim", home);
    else
        return xstrdup("drillsim.db");
    /* mkdir -p */
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0755);
            *p = '/';
        }
    }
    mkdir(dir, 0755);
    char *path = xasprintf("%s/drillsim.db", dir);
    free(dir);
    return path;
}

static void on_signal(uv_signal_t *s, int signum)
{
    (void)signum;
    uv_signal_stop(&sig_int);
    uv_signal_stop(&sig_term);
    uv_close((uv_handle_t *)&sig_int, NULL);
    uv_close((uv_handle_t *)&sig_term, NULL);
    if (server) {
        http_stop(server);
        server = NULL;
    }
    if (app_server) {
        http_stop(app_server);
        app_server = NULL;
    }
    engine_stop();
    sns_stop();
    logs_insights_stop();
    (void)s;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'h'},    {"port", required_argument, NULL, 'p'},
        {"data", required_argument, NULL, 'd'},    {"seed", required_argument, NULL, 's'},
        {"max-body", required_argument, NULL, 'm'}, {"verbose", no_argument, NULL, 'v'},
        {"clock", required_argument, NULL, 'c'},   {"timing", required_argument, NULL, 't'},
        {"fixture", required_argument, NULL, 'f'}, {"env", required_argument, NULL, 'e'},
        {"region", required_argument, NULL, 'r'},  {"share", required_argument, NULL, 'S'},
        {"fresh", no_argument, NULL, 'F'},         {"preroll", required_argument, NULL, 'P'},
        {"app-port", required_argument, NULL, 'A'}, {"scenario", required_argument, NULL, 'X'},
        {"team", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'H'},          {NULL, 0, NULL, 0},
    };
    struct sim sim;
    memset(&sim, 0, sizeof sim);
    sim.opt.host = "127.0.0.1";
    sim.opt.port = 4566;
    sim.opt.seed = 1;
    sim.opt.max_body = 8u << 20; /* PutLogEvents: 1 MB of messages, JSON-escaped */
    sim.opt.clock_mode = SIMCLOCK_REALTIME;
    team_timing_preset("aws", &sim.opt.timing);
    char *data_owned = NULL;
    const char *fixture = NULL, *env = NULL, *region = NULL, *scenario = NULL;
    int seed_given = 0;
    const char *team_account = DEFAULT_ACCOUNT;
    int fresh = 0;
    int app_port = 8080;
    long preroll_min = -1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        char *end;
        switch (ch) {
        case 'h':
            sim.opt.host = optarg;
            break;
        case 'p':
            sim.opt.port = (int)strtol(optarg, &end, 10);
            if (*end || sim.opt.port < 0 || sim.opt.port > 65535) {
                fprintf(stderr, "drillsim: bad --port %s\n", optarg);
                return 2;
            }
            break;
        case 'd':
            sim.opt.data_path = optarg;
            break;
        case 's':
            seed_given = 1;
            sim.opt.seed = strtoull(optarg, &end, 10);
            if (*end) {
                fprintf(stderr, "drillsim: bad --seed %s\n", optarg);
                return 2;
            }
            break;
        case 'm':
            sim.opt.max_body = strtoull(optarg, &end, 10);
            if (*end || sim.opt.max_body < 1024) {
                fprintf(stderr, "drillsim: bad --max-body %s\n", optarg);
                return 2;
            }
            break;
        case 'v':
            sim.opt.verbose = 1;
            break;
        case 'c':
            if (clock_parse(optarg, &sim.opt.clock_mode, &sim.opt.clock_start_ms) != 0) {
                fprintf(stderr, "drillsim: bad --clock %s (realtime, manual or "
                                "manual@2026-01-01T00:00:00Z)\n", optarg);
                return 2;
            }
            break;
        case 't':
            if (team_timing_preset(optarg, &sim.opt.timing) != 0) {
                fprintf(stderr, "drillsim: bad --timing %s (aws or fast)\n", optarg);
                return 2;
            }
            break;
        case 'f':
            fixture = optarg;
            break;
        case 'X':
            scenario = optarg;
            break;
        case 'T':
            team_account = optarg;
            if (strlen(optarg) != 12 || strspn(optarg, "0123456789") != 12) {
                fprintf(stderr, "drillsim: bad --team %s (a 12-digit account)\n", optarg);
                return 2;
            }
            break;
        case 'e':
            env = optarg;
            break;
        case 'r':
            region = optarg;
            break;
        case 'S':
            fixture_set_share_dir(optarg);
            break;
        case 'F':
            fresh = 1;
            break;
        case 'A':
            app_port = (int)strtol(optarg, &end, 10);
            if (*end || app_port < -1 || app_port > 65535) {
                fprintf(stderr, "drillsim: bad --app-port %s (-1 turns it off)\n", optarg);
                return 2;
            }
            break;
        case 'P':
            preroll_min = strtol(optarg, &end, 10);
            if (*end || preroll_min < 0 || preroll_min > 1440) {
                fprintf(stderr, "drillsim: bad --preroll %s (minutes, 0 to 1440)\n", optarg);
                return 2;
            }
            break;
        case 'H':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    if (sim.opt.data_path == NULL) {
        data_owned = default_data_path();
        sim.opt.data_path = data_owned;
        printf("drillsim data file: %s\n", sim.opt.data_path);
    }
    sim.started_wall_ms = clock_wall_ms();
    rng_seed(&sim.ids, sim.opt.seed);
    registry_init();

    char *cause = NULL;
    if (store_open(sim.opt.data_path, &sim.store, &cause) != 0) {
        fprintf(stderr, "drillsim: %s\n", cause);
        free(cause);
        free(data_owned);
        return 1;
    }
    if (fresh && store_reset(sim.store) != 0) {
        fprintf(stderr, "drillsim: the store could not be reset\n");
        team_forget_all(&sim);
        store_close(sim.store);
        free(data_owned);
        return 1;
    }
    /* every team of the store is back at once: its realtime clock ticks and /_drill/teams
     * lists it before it sends a request */
    char(*known)[13] = xcalloc(TEAM_MAX, 13);
    int nknown = store_team_accounts(sim.store, known, TEAM_MAX);
    for (int i = 0; i < nknown; i++)
        team_get(&sim, known[i]);
    free(known);
    /* the default team exists from the start, with the clock --clock asked for */
    struct team *team = team_get(&sim, DEFAULT_ACCOUNT);
    if (strcmp(team_account, DEFAULT_ACCOUNT) != 0)
        team = team_get(&sim, team_account);
    if (scenario && start_scenario(&sim, team, scenario, env, region, preroll_min,
                                   seed_given ? (int64_t)sim.opt.seed : -1) != 0) {
        team_forget_all(&sim);
        store_close(sim.store);
        free(data_owned);
        return 1;
    }
    if (!scenario && fixture &&
        start_fixture(&sim, team, fixture, env ? env : "dev", region ? region : DEFAULT_REGION,
                      preroll_min < 0 ? 0 : preroll_min) != 0) {
        team_forget_all(&sim);
        store_close(sim.store);
        free(data_owned);
        return 1;
    }
    uv_loop_t *loop = uv_default_loop();
    if (http_start(&sim, loop, &server, &cause) != 0) {
        fprintf(stderr, "drillsim: %s\n", cause);
        free(cause);
        team_forget_all(&sim);
        store_close(sim.store);
        free(data_owned);
        return 1;
    }
    engine_start(&sim, loop);
    journal_start(&sim, loop);
    snprintf(sim.self_url, sizeof sim.self_url, "http://%s:%d",
             strcmp(sim.opt.host, "0.0.0.0") == 0 ? "127.0.0.1" : sim.opt.host, http_port(server));
    logs_insights_start(&sim, loop);
    if (sns_start(&sim, loop) != 0)
        fprintf(stderr, "drillsim: the outbound HTTP client did not start; SNS deliveries wait\n");
    uv_signal_init(loop, &sig_int);
    uv_signal_init(loop, &sig_term);
    uv_signal_start(&sig_int, on_signal, SIGINT);
    uv_signal_start(&sig_term, on_signal, SIGTERM);
    printf("drillsim listening on http://%s:%d\n", sim.opt.host, http_port(server));
    if (app_port >= 0) {
        if (http_start_app(&sim, loop, app_port, &app_server, &cause) != 0) {
            fprintf(stderr, "drillsim: the app's endpoint: %s\n", cause);
            free(cause);
        } else if (app_port == 0) {
            printf("app listening on http://%s:%d\n", sim.opt.host, http_port(app_server));
        }
    }
    fflush(stdout);

    uv_run(loop, UV_RUN_DEFAULT);

    uv_loop_close(loop);
    team_forget_all(&sim);
    store_close(sim.store);
    free(data_owned);
    return 0;
}
