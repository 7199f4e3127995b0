/*
 * drillctl.h - private to client/: what drillctl's files share.
 *
 * drillctl is a thin client of drillsim's control API (docs/control-api.md): drillctl.c parses
 * the command line and dispatches a verb from its table (verbs.c), each verb makes one control
 * call through http.c (advance makes one per week of sim time) and prints the answer as text
 * (print.c helpers) or as the server's JSON. watch.c draws the live drill in the terminal.
 * All validation and logic stay in the server; the only code shared with sim/ is sim/util/.
 */
#ifndef DRILLCTL_H
#define DRILLCTL_H

#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "util/buf.h"

#define DRILLCTL_VERSION "0.1.0"
#define DRILLCTL_DEFAULT_ENDPOINT "http://127.0.0.1:4566"

/* Exit codes (README, "drillctl"): scripts and CI rely on them. */
enum ctl_exit {
    CTL_EXIT_OK = 0,
    CTL_EXIT_SERVER = 1,  /* the server answered an error (4xx/5xx) or an unreadable answer */
    CTL_EXIT_USAGE = 2,   /* bad command line */
    CTL_EXIT_CONNECT = 3, /* drillsim could not be reached */
    CTL_EXIT_BELOW = 4,   /* report --fail-under: the score is below the bar */
};

/* Output modes. */
enum ctl_output {
    CTL_OUT_TEXT = 0,    /* human-readable */
    CTL_OUT_PRETTY = 1,  /* --json: the server's JSON, indented */
    CTL_OUT_COMPACT = 2, /* --json --compact: the server's JSON on one line */
};

/* The global options, the same for every verb. */
struct ctl {
    char *endpoint;      /* base URL without a trailing slash (owned) */
    char team[13];       /* the 12-digit account every call names with ?team= */
    enum ctl_output out;
    long timeout_s;      /* per request; 0 = none */
    int color;           /* ANSI colours in text output */
};

/* One answer of the server. */
struct ctl_resp {
    long status;          /* HTTP status; 0 when the request failed before an answer */
    struct buf body;      /* the body as received (NUL-terminated) */
    cJSON *json;          /* the body parsed, when it is JSON; else NULL */
    char error[256];      /* why the request failed (transport), or the server's message */
};

/* A verb's parsed arguments: positionals and the values of the options it declares. */
#define CTL_MAX_POS 4
#define CTL_MAX_OPTS 16
struct ctl_args {
    int npos;
    const char *pos[CTL_MAX_POS];
    int nopts;
    char names[CTL_MAX_OPTS][24]; /* option names as declared ("seed", "o") */
    const char *vals[CTL_MAX_OPTS]; /* the value, "" for a flag that is set, NULL when absent */
};

/* A row of the verb table (verbs.c). `opts` lists the options, comma-separated; a trailing
 * '=' means the option takes a value; one-letter names are written -x, others --name. */
struct ctl_verb {
    const char *name;
    const char *usage;
    const char *help;
    const char *opts;
    int min_pos;
    int max_pos;
    int (*run)(struct ctl *ctl, const struct ctl_args *a);
};

extern const struct ctl_verb ctl_verbs[];

/* drillctl.c */
/* The value of option name in a, or NULL when it was not given. */
const char *ctl_opt(const struct ctl_args *a, const char *name);
/* Prints "drillctl: <message>" on stderr and returns CTL_EXIT_USAGE. */
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parses a duration: "90s", "15m", "2h", "1d", sums of them ("1h30m") or plain seconds.
 * Returns 0 and sets *out_s, or -1. */
int ctl_parse_duration(const char *s, int64_t *out_s);
/* Parses a whole number from lo to hi; returns 0 and sets *out, or -1. */
int ctl_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);

/* http.c */
/* Sends one request to ctl->endpoint + path + "?team=TEAM" (+ "&" query, already escaped)
 * with body (a JSON object, or NULL for none) and fills r (the caller frees it with
 * ctl_resp_free). timeout_s overrides ctl->timeout_s when >= 0. Returns CTL_EXIT_OK when an
 * answer of any status arrived, CTL_EXIT_CONNECT when the server could not be reached and
 * CTL_EXIT_SERVER when the answer could not be read (too large, cut); r->error says why. */
int ctl_http(const struct ctl *ctl, const char *method, const char *path, const char *query,
             const cJSON *body, long timeout_s, struct ctl_resp *r);
/* ctl_http plus the common error handling: a 4xx/5xx answer prints "drillctl: Code: message"
 * on stderr (and the error JSON on stdout with --json); a 2xx answer must be a JSON object.
 * Returns CTL_EXIT_OK, CTL_EXIT_SERVER or CTL_EXIT_CONNECT; r is filled in every case. */
int ctl_call(const struct ctl *ctl, const char *method, const char *path, const char *query,
             const cJSON *body, struct ctl_resp *r);
/* ctl_call for answers that may be text (JSON lines, Markdown, HTML). */
int ctl_call_raw(const struct ctl *ctl, const char *method, const char *path, const char *query,
                 const cJSON *body, struct ctl_resp *r);
/* Returns a newly allocated URL-escaped copy of s (for query values). */
char *ctl_escape(const char *s);
void ctl_resp_free(struct ctl_resp *r);
void ctl_http_cleanup(void);

/* print.c */
/* Prints a JSON value: indented by two spaces, or compact; a newline follows. */
void ctl_print_json(FILE *f, const cJSON *v, int compact);
/* Prints the answer in the --json mode chosen (the server's JSON). */
void ctl_print_resp_json(const struct ctl *ctl, const struct ctl_resp *r);
/* Member lookups that tolerate a missing or mistyped member: the string (or dflt), the
 * number (or dflt), 1/0 for true/false (or -1). */
const char *ctl_str(const cJSON *o, const char *name, const char *dflt);
double ctl_num(const cJSON *o, const char *name, double dflt);
int ctl_bool(const cJSON *o, const char *name);
/* Formats a number of seconds as "1d 02h 03m 04s" / "1h 02m 03s" / "2m 05s" / "45s" into out. */
void ctl_fmt_seconds(double s, char *out, size_t n);
/* Formats epoch milliseconds as ISO 8601 into out[40]. */
void ctl_fmt_ms(double ms, char out[40]);
/* ANSI SGR sequences for ctl_sgr. */
#define CTL_RED "\033[1;31m"
#define CTL_GREEN "\033[32m"
#define CTL_YELLOW "\033[33m"
#define CTL_BOLD "\033[1m"
#define CTL_DIM "\033[2m"
#define CTL_RESET "\033[0m"
/* Returns seq (one of the CTL_ colours) when ctl->color is on, else "". */
const char *ctl_sgr(const struct ctl *ctl, const char *seq);
/* The colour an alarm state is shown in (CTL_RED ALARM, CTL_GREEN OK, CTL_YELLOW others). */
const char *ctl_state_color(const char *state);
/* Draws a bar of width cells, filled in proportion to value/max, into b. */
void ctl_bar(struct buf *b, double value, double max, int width);

/* watch.c */
int ctl_watch(struct ctl *ctl, const struct ctl_args *a);

#endif
