/*
 * console_util.c - small pieces every console page uses: reading the output documents of
 * internal API calls, table cells, link arguments, and calling a handler through invoke().
 */
#include "console/console_int.h"

#include <stdio.h>

#include <cjson/cJSON.h>

#include "invoke.h"
#include "sim.h"

const char *con_str(const cJSON *o, const char *name)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
    return s ? s : "";
}

void con_td(struct buf *b, const char *text)
{
    buf_puts(b, "<td>");
    con_esc(b, text);
    buf_puts(b, "</td>");
}

void con_url_encode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        unsigned char ch = *p;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            buf_putc(b, (char)ch);
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            buf_append(b, e, 3);
        }
    }
}

cJSON *con_invoke(struct call *c, const char *service, const char *op, cJSON *in,
                  struct invoke_error *err)
{
    cJSON *out = NULL;
    int rc = invoke(c->sim, c->team, c->tenant.region, service, op, in, &out, err);
    cJSON_Delete(in);
    return rc == 0 ? out : NULL;
}

void con_call_failed(struct buf *b, const char *what, const struct invoke_error *err)
{
    buf_puts(b, "<p role=\"alert\">");
    con_esc(b, what);
    buf_puts(b, " failed: ");
    con_esc(b, err->code);
    buf_puts(b, " ");
    con_esc(b, err->message);
    buf_puts(b, "</p>\n");
}
