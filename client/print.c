/*
 * print.c - drillctl's output helpers: JSON printing (indented or compact), tolerant member
 * lookups for the text renderings, durations and times, colours and bars.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drillctl.h"
#include "util/timefmt.h"

/* Prints v at indentation level depth (two spaces a level). cJSON's parser bounds the
 * nesting (CJSON_NESTING_LIMIT), so the recursion is bounded too. */
static void print_value(FILE *f, const cJSON *v, int depth)
{
    if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        int obj = cJSON_IsObject(v);
        const cJSON *child = v->child;
        if (child == NULL) {
            fputs(obj ? "{}" : "[]", f);
            return;
        }
        fputc(obj ? '{' : '[', f);
        for (; child; child = child->next) {
            fprintf(f, "\n%*s", (depth + 1) * 2, "");
            if (obj) {
                cJSON *key = cJSON_CreateString(child->string ? child->string : "");
                char *k = cJSON_PrintUnformatted(key);
                fprintf(f, "%s: ", k ? k : "\"\"");
                cJSON_free(k);
                cJSON_Delete(key);
            }
            print_value(f, child, depth + 1);
            if (child->next)
                fputc(',', f);
        }
        fprintf(f, "\n%*s%c", depth * 2, "", obj ? '}' : ']');
        return;
    }
    char *s = cJSON_PrintUnformatted(v);
    fputs(s ? s : "null", f);
    cJSON_free(s);
}

void ctl_print_json(FILE *f, const cJSON *v, int compact)
{
    if (compact) {
        char *s = cJSON_PrintUnformatted(v);
        fputs(s ? s : "null", f);
        cJSON_free(s);
    } else {
        print_value(f, v, 0);
    }
    fputc('\n', f);
}

void ctl_print_resp_json(const struct ctl *ctl, const struct ctl_resp *r)
{
    if (r->json)
        ctl_print_json(stdout, r->json, ctl->out == CTL_OUT_COMPACT);
    else
        fwrite(r->body.p, 1, r->body.len, stdout);
}

const char *ctl_str(const cJSON *o, const char *name, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : dflt;
}

double ctl_num(const cJSON *o, const char *name, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

int ctl_bool(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

void ctl_fmt_seconds(double s, char *out, size_t n)
{
    if (!isfinite(s)) {
        snprintf(out, n, "-");
        return;
    }
    long long t = llround(s);
    const char *sign = t < 0 ? "-" : "";
    if (t < 0)
        t = -t;
    if (t >= 86400)
        snprintf(out, n, "%s%lldd %02lldh %02lldm %02llds", sign, t / 86400, t / 3600 % 24,
                 t / 60 % 60, t % 60);
    else if (t >= 3600)
        snprintf(out, n, "%s%lldh %02lldm %02llds", sign, t / 3600, t / 60 % 60, t % 60);
    else if (t >= 60)
        snprintf(out, n, "%s%lldm %02llds", sign, t / 60, t % 60);
    else
        snprintf(out, n, "%s%llds", sign, t);
}

void ctl_fmt_ms(double ms, char out[40])
{
    timefmt_iso8601(ms / 1000.0, out);
}

const char *ctl_sgr(const struct ctl *ctl, const char *seq)
{
    return ctl->color ? seq : "";
}

const char *ctl_state_color(const char *state)
{
    if (state && strcmp(state, "ALARM") == 0)
        return CTL_RED;
    if (state && strcmp(state, "OK") == 0)
        return CTL_GREEN;
    return CTL_YELLOW;
}

void ctl_bar(struct buf *b, double value, double max, int width)
{
    int fill = 0;
    if (max > 0 && value > 0)
        fill = (int)lround(value / max * width);
    if (fill > width)
        fill = width;
    buf_putc(b, '[');
    for (int i = 0; i < width; i++)
        buf_putc(b, i < fill ? '#' : '.');
    buf_putc(b, ']');
}
