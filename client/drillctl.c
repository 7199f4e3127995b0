/*
 * drillctl.c - the command line of drillctl, drillsim's control client: global options, the
 * verb's own options, and the dispatch to the verb table in verbs.c.
 *
 *   drillctl [--endpoint URL] [--team ACCOUNT] [--json [--compact]] VERB [ARGS...]
 *
 * Global options may come anywhere on the line. The endpoint defaults to $DRILLSIM_ENDPOINT,
 * then http://127.0.0.1:4566; the team to the account drillsim derives from
 * $AWS_ACCESS_KEY_ID (a 12-digit key is its own account, any other key 000000000000), so a
 * trainee's drillctl talks about the same world as their aws CLI.
 *
 * To add a verb: write `static int verb_<name>(struct ctl *, const struct ctl_args *)` in
 * verbs.c, add a row to ctl_verbs[] (name, usage, help, options), a case to
 * tests/e2e/test_drillctl.py and a line to the README's drillctl table.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "drillctl.h"
#include "util/str.h"
#include "util/xmalloc.h"

int ctl_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("drillctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (drillctl help)\n", stderr);
    va_end(ap);
    return CTL_EXIT_USAGE;
}

int ctl_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int ctl_parse_duration(const char *s, int64_t *out_s)
{
    if (s == NULL || *s == '\0')
        return -1;
    const char *p = s;
    int64_t total = 0;
    for (int parts = 0; *p; parts++) {
        if (parts >= 4 || !isdigit((unsigned char)*p))
            return -1;
        int64_t n = 0;
        for (int digits = 0; isdigit((unsigned char)*p); p++, digits++) {
            if (digits >= 9)
                return -1;
            n = n * 10 + (*p - '0');
        }
        int64_t unit;
        switch (*p) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case '\0':
            /* a bare number is seconds, alone only ("90", not "1h30") */
            if (parts > 0)
                return -1;
            unit = 1;
            p--;
            break;
        default:
            return -1;
        }
        p++;
        total += n * unit;
    }
    *out_s = total;
    return 0;
}

const char *ctl_opt(const struct ctl_args *a, const char *name)
{
    for (int i = 0; i < a->nopts; i++) {
        if (strcmp(a->names[i], name) == 0)
            return a->vals[i];
    }
    return NULL;
}

/* ---- usage ----------------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: drillctl [--endpoint URL] [--team ACCOUNT] [--json [--compact]] VERB [ARGS]\n"
          "\n"
          "verbs:\n",
          f);
    for (const struct ctl_verb *v = ctl_verbs; v->name; v++)
        fprintf(f, "  %s\n      %s\n", v->usage, v->help);
    fputs("\n"
          "global options (anywhere on the line):\n"
          "  --endpoint URL    drillsim's address (default $DRILLSIM_ENDPOINT, else "
          DRILLCTL_DEFAULT_ENDPOINT ")\n"
          "  --team ACCOUNT    the team (12-digit account); default: the account of\n"
          "                    $AWS_ACCESS_KEY_ID as drillsim derives it (12 digits: itself,\n"
          "                    else 000000000000)\n"
          "  --json            print the server's JSON (indented); --compact: on one line\n"
          "  --timeout S       give up on a request after S seconds (default: wait)\n"
          "  --no-color        no ANSI colours (also NO_COLOR=1)\n"
          "\n"
          "exit codes: 0 ok, 1 the server answered an error, 2 usage, 3 cannot connect,\n"
          "            4 report --fail-under: the score is below SCORE\n",
          f);
}

/* ---- argument parsing ------------------------------------------------------------------ */

/* Splits v->opts into a->names and takes[] (1: the option takes a value). Returns 0, or -1
 * when the table row declares too many options. */
static int declare_opts(const struct ctl_verb *v, struct ctl_args *a, int takes[CTL_MAX_OPTS])
{
    const char *p = v->opts ? v->opts : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (a->nopts >= CTL_MAX_OPTS || n == 0 || n >= sizeof a->names[0])
            return -1;
        int t = p[n - 1] == '=';
        memcpy(a->names[a->nopts], p, n - (size_t)t);
        a->names[a->nopts][n - (size_t)t] = '\0';
        takes[a->nopts] = t;
        a->vals[a->nopts] = NULL;
        a->nopts++;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* Finds the declared option that arg ("--name", "--name=value" or "-x") names; sets *inline_val
 * to the text after '=' (or NULL). Returns its index or -1. */
static int find_opt(const struct ctl_args *a, const char *arg, const char **inline_val)
{
    *inline_val = NULL;
    const char *name = arg[1] == '-' ? arg + 2 : arg + 1;
    int is_long = arg[1] == '-';
    const char *eq = strchr(name, '=');
    size_t n = eq ? (size_t)(eq - name) : strlen(name);
    for (int i = 0; i < a->nopts; i++) {
        size_t len = strlen(a->names[i]);
        if ((len == 1) == is_long)
            continue; /* one-letter options are -x, the others --name */
        if (len == n && strncmp(a->names[i], name, n) == 0) {
            *inline_val = eq ? eq + 1 : NULL;
            return i;
        }
    }
    return -1;
}

/* Parses the verb's arguments (argv[0..argc)) into a. Returns 0 or CTL_EXIT_USAGE (after a
 * message). */
static int parse_verb_args(const struct ctl_verb *v, int argc, char **argv, struct ctl_args *a)
{
    int takes[CTL_MAX_OPTS];
    memset(a, 0, sizeof *a);
    if (declare_opts(v, a, takes) != 0)
        return ctl_usage_error("internal: bad option table for %s", v->name);
    int only_pos = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_pos && strcmp(arg, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (!only_pos && arg[0] == '-' && arg[1] != '\0') {
            const char *val;
            int k = find_opt(a, arg, &val);
            if (k < 0)
                return ctl_usage_error("%s: unknown option %s; usage: drillctl %s", v->name,
                                       arg, v->usage);
            if (takes[k] && val == NULL) {
                if (i + 1 >= argc)
                    return ctl_usage_error("%s: %s needs a value; usage: drillctl %s",
                                           v->name, arg, v->usage);
                val = argv[++i];
            } else if (!takes[k] && val) {
                return ctl_usage_error("%s: %s takes no value", v->name, a->names[k]);
            }
            a->vals[k] = takes[k] ? val : "";
            continue;
        }
        if (a->npos >= v->max_pos || a->npos >= CTL_MAX_POS)
            return ctl_usage_error("%s: unexpected argument \"%s\"; usage: drillctl %s",
                                   v->name, arg, v->usage);
        a->pos[a->npos++] = arg;
    }
    if (a->npos < v->min_pos)
        return ctl_usage_error("%s: missing argument; usage: drillctl %s", v->name, v->usage);
    return 0;
}

/* The account drillsim gives an access key: a 12-digit key is its own account, any other
 * key (or none) 000000000000 (sim/http/sigv4.c, sigv4_account). */
static void account_of_key(const char *key, char out[13])
{
    size_t n = key ? strlen(key) : 0;
    int digits = n == 12;
    for (size_t i = 0; digits && i < n; i++)
        digits = isdigit((unsigned char)key[i]);
    str_copy(out, 13, digits ? key : "000000000000");
}

static int is_account(const char *s)
{
    if (strlen(s) != 12)
        return 0;
    for (int i = 0; i < 12; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

/* The value of a global option at argv[*i] ("--name value" or "--name=value"); advances *i
 * past a separate value. Returns NULL (after a message) when the value is missing. */
static const char *global_value(int argc, char **argv, int *i, const char *name)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (arg[n] == '=')
        return arg + n + 1;
    if (*i + 1 >= argc) {
        ctl_usage_error("%s needs a value", name);
        return NULL;
    }
    return argv[++*i];
}

/* Whether arg is the global option name, alone or as name=value. */
static int is_global(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

int main(int argc, char **argv)
{
    struct ctl ctl;
    memset(&ctl, 0, sizeof ctl);
    int rc = CTL_EXIT_USAGE;
    int help = 0, compact = 0, json = 0, no_color = 0;
    const char *endpoint = getenv("DRILLSIM_ENDPOINT");
    const char *team = NULL;
    char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            /* no global options past "--"; before the verb it only ends them, after the verb
             * it also ends the verb's options (the verb's parser sees it) */
            for (i += nrest == 0; i < argc; i++)
                rest[nrest++] = argv[i];
            break;
        }
        if (is_global(arg, "--endpoint")) {
            endpoint = global_value(argc, argv, &i, "--endpoint");
            if (endpoint == NULL)
                goto out;
        } else if (is_global(arg, "--team")) {
            team = global_value(argc, argv, &i, "--team");
            if (team == NULL)
                goto out;
        } else if (is_global(arg, "--timeout")) {
            const char *v = global_value(argc, argv, &i, "--timeout");
            int64_t t;
            if (v == NULL)
                goto out;
            if (ctl_parse_int(v, 0, 86400, &t) != 0) {
                ctl_usage_error("--timeout takes whole seconds from 0 to 86400");
                goto out;
            }
            ctl.timeout_s = (long)t;
        } else if (strcmp(arg, "--json") == 0) {
            json = 1;
        } else if (strcmp(arg, "--compact") == 0) {
            compact = 1;
        } else if (strcmp(arg, "--no-color") == 0) {
            no_color = 1;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            help = 1;
        } else if (strcmp(arg, "--version") == 0) {
            printf("drillctl %s\n", DRILLCTL_VERSION);
            rc = CTL_EXIT_OK;
            goto out;
        } else {
            rest[nrest++] = argv[i];
        }
    }
    if (nrest == 0 || strcmp(rest[0], "help") == 0 || help) {
        usage(help || nrest ? stdout : stderr);
        rc = help || nrest ? CTL_EXIT_OK : CTL_EXIT_USAGE;
        goto out;
    }
    const struct ctl_verb *v = ctl_verbs;
    while (v->name && strcmp(v->name, rest[0]) != 0)
        v++;
    if (v->name == NULL) {
        ctl_usage_error("unknown verb \"%s\"", rest[0]);
        goto out;
    }
    struct ctl_args a;
    rc = parse_verb_args(v, nrest - 1, rest + 1, &a);
    if (rc != CTL_EXIT_OK)
        goto out;

    if (team == NULL) {
        account_of_key(getenv("AWS_ACCESS_KEY_ID"), ctl.team);
    } else if (is_account(team)) {
        str_copy(ctl.team, sizeof ctl.team, team);
    } else {
        rc = ctl_usage_error("--team must be a 12-digit account id, not \"%s\"", team);
        goto out;
    }
    if (endpoint == NULL || *endpoint == '\0')
        endpoint = DRILLCTL_DEFAULT_ENDPOINT;
    if (strncmp(endpoint, "http://", 7) != 0 && strncmp(endpoint, "https://", 8) != 0) {
        rc = ctl_usage_error("the endpoint must be an http:// URL, not \"%s\"", endpoint);
        goto out;
    }
    ctl.endpoint = xstrdup(endpoint);
    for (size_t n = strlen(ctl.endpoint); n > 0 && ctl.endpoint[n - 1] == '/'; n--)
        ctl.endpoint[n - 1] = '\0';
    ctl.out = compact ? CTL_OUT_COMPACT : json ? CTL_OUT_PRETTY : CTL_OUT_TEXT;
    /* colours on a terminal, unless NO_COLOR is set to anything but "" (no-color.org) */
    const char *term = getenv("TERM");
    const char *nc = getenv("NO_COLOR");
    ctl.color = !no_color && !(nc && nc[0]) && isatty(STDOUT_FILENO) &&
                !(term && strcmp(term, "dumb") == 0);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        fprintf(stderr, "drillctl: libcurl could not be initialised\n");
        rc = CTL_EXIT_CONNECT;
        goto out;
    }
    rc = v->run(&ctl, &a);
    ctl_http_cleanup();
    curl_global_cleanup();
out:
    fflush(stdout);
    if (ferror(stdout) && rc == CTL_EXIT_OK) {
        fprintf(stderr, "drillctl: could not write the output\n");
        rc = CTL_EXIT_SERVER;
    }
    free(ctl.endpoint);
    free(rest);
    return rc;
}
