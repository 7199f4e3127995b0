/*
 * watch.c - `drillctl watch`: the live drill in the terminal, redrawn every --interval seconds.
 *
 * A frame comes from two control calls: GET /_drill/teams (the team's clock, scenario,
 * connections and max, tasks, 5xx and requests of the last minute, alarm states: the same
 * numbers `status --all` prints) and GET /_drill/world (each task's connections). It is drawn
 * with plain ANSI sequences, no curses: on a terminal, watch switches to the alternate screen,
 * hides the cursor and puts the keyboard in non-canonical mode so `q` quits without Enter;
 * Ctrl-C, SIGTERM and SIGHUP quit too, and every exit path restores the terminal. `--once`
 * prints one frame and exits with the frame's status (0, or 1/3 when drillsim answered an
 * error or could not be reached). To show more: add a line in draw_frame().
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "drillctl.h"

/* Each request of a frame gives up after this long, so a hung server never freezes the UI. */
#define WATCH_REQUEST_TIMEOUT_S 5
#define WATCH_MAX_FRAME ((size_t)1 << 20)

static volatile sig_atomic_t watch_stop;
static volatile sig_atomic_t watch_resized;

static void on_signal(int sig)
{
    if (sig == SIGWINCH)
        watch_resized = 1;
    else
        watch_stop = 1;
}

/* The terminal's size (100 x 40 when it is not a terminal). */
static void term_size(int *cols, int *rows)
{
    struct winsize ws;
    *cols = 100;
    *rows = 40;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
    }
}

/* The entry of team in a /_drill/teams answer, or NULL. */
static const cJSON *find_team(const cJSON *teams, const char *team)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(teams, "teams"))
    {
        if (strcmp(ctl_str(t, "team", ""), team) == 0)
            return t;
    }
    return NULL;
}

/* Fetches one answer for a frame; returns CTL_EXIT_OK with r->json an object, or an exit code
 * with a one-line reason in r->error. Never prints (the screen is ours). */
static int fetch(const struct ctl *ctl, const char *path, struct ctl_resp *r)
{
    int rc = ctl_http(ctl, "GET", path, NULL, NULL, WATCH_REQUEST_TIMEOUT_S, r);
    if (rc != CTL_EXIT_OK)
        return rc;
    if (r->status >= 400 || !cJSON_IsObject(r->json)) {
        const char *code = ctl_str(r->json, "error", NULL);
        snprintf(r->error, sizeof r->error, "%s%s%s (HTTP %ld from %s)", code ? code : "",
                 code ? ": " : "", ctl_str(r->json, "message", "an unreadable answer"), r->status,
                 path);
        return CTL_EXIT_SERVER;
    }
    return CTL_EXIT_OK;
}

/* Appends the frame's lines for the team entry t and the world w (NULL without one). */
static void draw_team(const struct ctl *ctl, struct buf *f, const cJSON *t, const cJSON *w,
                      int cols)
{
    const cJSON *clock = cJSON_GetObjectItemCaseSensitive(t, "clock");
    const char *scen = ctl_str(t, "scenario", NULL);
    buf_printf(f, "scenario     %s%s%s", ctl_sgr(ctl, CTL_BOLD), scen ? scen : "(none)",
               ctl_sgr(ctl, CTL_RESET));
    if (scen)
        buf_printf(f, " (%s)", ctl_bool(t, "running") == 1 ? "running" : "stopped");
    const char *env = ctl_str(t, "env", NULL);
    if (env)
        buf_printf(f, ", env %s", env);
    buf_printf(f, "\nclock        %s%s%s (%s%s)\n", ctl_sgr(ctl, CTL_BOLD),
               ctl_str(clock, "now", "?"), ctl_sgr(ctl, CTL_RESET), ctl_str(clock, "mode", "?"),
               ctl_bool(clock, "paused") == 1 ? ", paused" : "");

    double conns = ctl_num(t, "connections", NAN), max = ctl_num(t, "maxConnections", NAN);
    if (isfinite(conns) && isfinite(max)) {
        int width = cols - 13 - 22;
        width = width < 10 ? 10 : width > 50 ? 50 : width;
        double pct = max > 0 ? conns / max * 100.0 : 0;
        const char *col = pct >= 90 ? CTL_RED : pct >= 80 ? CTL_YELLOW : CTL_GREEN;
        buf_puts(f, "connections  ");
        buf_puts(f, ctl_sgr(ctl, col));
        ctl_bar(f, conns, max, width);
        buf_puts(f, ctl_sgr(ctl, CTL_RESET));
        buf_printf(f, " %.0f/%.0f (%.0f%%)\n", conns, max, pct);
    } else {
        buf_puts(f, "connections  - (no world: start a scenario)\n");
    }

    double e = ctl_num(t, "fiveXxLastMinute", NAN), q = ctl_num(t, "requestsLastMinute", NAN);
    if (isfinite(e) && isfinite(q)) {
        double rate = q > 0 ? e / q * 100.0 : 0;
        buf_printf(f, "5xx          %s%.2f%%%s (%.0f of %.0f requests in the last minute)\n",
                   ctl_sgr(ctl, rate >= 1 ? CTL_RED : CTL_GREEN), rate, ctl_sgr(ctl, CTL_RESET),
                   e, q);
    } else {
        buf_puts(f, "5xx          -\n");
    }

    buf_puts(f, "alarms      ");
    const cJSON *alarms = cJSON_GetObjectItemCaseSensitive(t, "alarms");
    int any = 0;
    for (const cJSON *al = alarms ? alarms->child : NULL; al; al = al->next) {
        const char *s = cJSON_IsString(al) ? al->valuestring : "?";
        buf_printf(f, "%s %s %s%s%s\n", any ? "            " : "", al->string,
                   ctl_sgr(ctl, ctl_state_color(s)), s, ctl_sgr(ctl, CTL_RESET));
        any = 1;
    }
    if (!any)
        buf_puts(f, " -\n");

    double ntasks = ctl_num(t, "tasks", NAN);
    if (isfinite(ntasks))
        buf_printf(f, "tasks        %.0f\n", ntasks);
    else
        buf_puts(f, "tasks        -\n");
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(w, "tasks");
    if (cJSON_GetArraySize(tasks) > 0) {
        buf_printf(f, "  %-32s  %5s  %6s  %5s  %6s\n", "TASK", "OPEN", "LEAKED", "RPS", "CPU");
        const cJSON *task;
        cJSON_ArrayForEach(task, tasks)
        {
            buf_printf(f, "  %-32s  %5.0f  %6.0f  %5.0f  %5.1f%%%s\n",
                       ctl_str(task, "taskId", "?"), ctl_num(task, "open", 0),
                       ctl_num(task, "leaked", 0), ctl_num(task, "rps", 0),
                       ctl_num(task, "cpu", 0), ctl_bool(task, "serving") == 0 ? "  starting"
                                                                              : "");
        }
    }
}

/* Builds one frame into f. Returns CTL_EXIT_OK, or the exit code of the failed call (the frame
 * then says what failed). In --json mode the frame is the team's entry of /_drill/teams. */
static int draw_frame(const struct ctl *ctl, struct buf *f, double interval)
{
    struct ctl_resp teams, world;
    int cols, rows;
    term_size(&cols, &rows);
    int rc = fetch(ctl, "/_drill/teams", &teams);
    int wrc = rc == CTL_EXIT_OK ? fetch(ctl, "/_drill/world", &world) : CTL_EXIT_SERVER;
    if (rc != CTL_EXIT_OK)
        memset(&world, 0, sizeof world);
    const cJSON *t = rc == CTL_EXIT_OK ? find_team(teams.json, ctl->team) : NULL;

    if (ctl->out != CTL_OUT_TEXT) {
        char *text = NULL;
        size_t len = 0;
        FILE *mem = t ? open_memstream(&text, &len) : NULL;
        if (mem) {
            ctl_print_json(mem, t, ctl->out == CTL_OUT_COMPACT);
            fclose(mem);
            buf_append(f, text, len);
        }
        free(text);
    } else {
        buf_printf(f, "%sdrillctl watch%s  team %s  %s", ctl_sgr(ctl, CTL_BOLD),
                   ctl_sgr(ctl, CTL_RESET), ctl->team, ctl->endpoint);
        if (interval > 0)
            buf_printf(f, "  (every %gs; q quits)", interval);
        buf_putc(f, '\n');
        if (rc != CTL_EXIT_OK)
            buf_printf(f, "\n%s%s%s\n", ctl_sgr(ctl, CTL_RED), teams.error,
                       ctl_sgr(ctl, CTL_RESET));
        else if (t == NULL)
            buf_printf(f, "\nteam %s is not known to this drillsim\n", ctl->team);
        else
            draw_team(ctl, f, t, wrc == CTL_EXIT_OK ? world.json : NULL, cols);
    }
    if (rc == CTL_EXIT_OK && t == NULL) {
        snprintf(teams.error, sizeof teams.error, "team %s is not known to this drillsim",
                 ctl->team);
        rc = CTL_EXIT_SERVER;
    }
    if (rc != CTL_EXIT_OK && interval <= 0)
        fprintf(stderr, "drillctl: %s\n", teams.error);
    ctl_resp_free(&teams);
    ctl_resp_free(&world);
    return rc;
}

/* Writes the frame over the previous one: home, each line cut to the width and cleared to its
 * end, no more lines than the screen has (so it never scrolls), the rest of the screen cleared.
 * ANSI sequences take no columns. */
static void paint(const struct buf *f)
{
    int cols, rows;
    term_size(&cols, &rows);
    fputs("\033[H", stdout);
    const char *p = f->p ? f->p : "";
    for (int line = 0; *p && line < rows - 1; line++) {
        int col = 0;
        while (*p && *p != '\n') {
            if (*p == '\033') {
                /* CSI: ESC [ parameters final-byte; copied whole, zero width */
                const char *q = p + 1;
                if (*q == '[')
                    q++;
                while (*q && (*q < '@' || *q > '~'))
                    q++;
                if (*q)
                    q++;
                fwrite(p, 1, (size_t)(q - p), stdout);
                p = q;
                continue;
            }
            if (col < cols)
                fputc(*p, stdout);
            col++;
            p++;
        }
        fputs("\033[0m\033[K\n", stdout);
        if (*p == '\n')
            p++;
    }
    fputs("\033[J", stdout);
    fflush(stdout);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits up to seconds for a key, a signal or a resize. Returns 1 when the user asked to quit. */
static int wait_key(double seconds, int keyboard)
{
    double until = mono_s() + seconds;
    while (!watch_stop && !watch_resized) {
        double left = until - mono_s();
        if (left <= 0)
            return 0;
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        int n = poll(&pfd, keyboard ? 1 : 0, (int)ceil(left * 1000.0));
        if (n < 0 && errno != EINTR)
            return 1;
        if (n > 0 && (pfd.revents & (POLLIN | POLLHUP))) {
            char keys[32];
            ssize_t got = read(STDIN_FILENO, keys, sizeof keys);
            if (got <= 0)
                return 1; /* the terminal went away */
            for (ssize_t i = 0; i < got; i++) {
                if (keys[i] == 'q' || keys[i] == 'Q' || keys[i] == 3)
                    return 1;
            }
        }
    }
    return watch_stop;
}

int ctl_watch(struct ctl *ctl, const struct ctl_args *a)
{
    double interval = 2.0;
    const char *iv = ctl_opt(a, "interval");
    if (iv) {
        char *end;
        interval = strtod(iv, &end);
        if (*iv == '\0' || *end || !(interval >= 0.2 && interval <= 3600))
            return ctl_usage_error("watch: --interval takes seconds from 0.2 to 3600");
    }
    struct buf frame;
    buf_init(&frame, WATCH_MAX_FRAME);
    if (ctl_opt(a, "once")) {
        int rc = draw_frame(ctl, &frame, 0);
        if (frame.len)
            fwrite(frame.p, 1, frame.len, stdout);
        buf_free(&frame);
        return rc;
    }

    int tty_out = isatty(STDOUT_FILENO);
    int keyboard = isatty(STDIN_FILENO);
    struct termios saved;
    int restore_tty = 0;
    if (keyboard && tcgetattr(STDIN_FILENO, &saved) == 0) {
        struct termios raw = saved;
        /* keys arrive one by one, unechoed; ISIG stays on, so Ctrl-C still raises SIGINT */
        raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        restore_tty = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    struct sigaction sa, old_int, old_term, old_hup, old_winch;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: poll() wakes up */
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    sigaction(SIGWINCH, &sa, &old_winch);
    if (tty_out) {
        fputs("\033[?1049h\033[?25l\033[H\033[2J", stdout); /* alternate screen, no cursor */
        fflush(stdout);
    }

    while (!watch_stop) {
        watch_resized = 0;
        buf_reset(&frame);
        draw_frame(ctl, &frame, interval);
        if (tty_out) {
            paint(&frame);
        } else {
            fwrite(frame.p ? frame.p : "", 1, frame.len, stdout);
            putchar('\n');
            fflush(stdout);
        }
        if (wait_key(interval, keyboard))
            break;
    }

    if (tty_out) {
        fputs("\033[?25h\033[?1049l", stdout); /* cursor back, main screen back */
        fflush(stdout);
    }
    if (restore_tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    sigaction(SIGWINCH, &old_winch, NULL);
    buf_free(&frame);
    return CTL_EXIT_OK;
}
