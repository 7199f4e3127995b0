/*
 * console_md.c - the Markdown subset of dashboard text widgets, rendered to safe HTML.
 *
 * Blocks (one line each, blank lines end paragraphs and lists): "# " .. "###### " headings
 * (the text's highest level becomes h3, under the page's h1 and the widget's h2, and the
 * others follow it down to h6, so the outline never skips a level),
 * "- " / "* " items, "1. " items, ``` fences (verbatim, escaped) and paragraphs. Inline:
 * `code`, **bold**, *italic* and _italic_, [text](url). Every byte of input text is escaped;
 * link urls must be http://, https://, mailto: or relative (/, #, ?), else the link is shown
 * as its text alone. To add a construct: a case in md_block() or md_inline() and a line in
 * tests/unit/console/console.c.
 */
#include <ctype.h>
#include <string.h>

#include "console/console_int.h"

void con_esc_n(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        switch (s[i]) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&#39;");
            break;
        default:
            buf_putc(b, s[i]);
        }
    }
}

void con_esc(struct buf *b, const char *s)
{
    if (s)
        con_esc_n(b, s, strlen(s));
}

/* Returns 1 if the link target may be rendered as an href. */
static int url_ok(const char *u, size_t n)
{
    static const char *const ok[] = {"http://", "https://", "mailto:", "/", "#", "?"};
    if (n == 0 || (n >= 2 && u[0] == '/' && u[1] == '/'))
        return 0; /* protocol-relative: another host under the page's scheme */
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        size_t k = strlen(ok[i]);
        if (n >= k && strncmp(u, ok[i], k) == 0)
            return 1;
    }
    return 0;
}

/* Finds the closing delimiter d (length dn) in s[from, n); returns its index or -1. */
static long find(const char *s, size_t from, size_t n, const char *d, size_t dn)
{
    for (size_t i = from; i + dn <= n; i++) {
        if (memcmp(s + i, d, dn) == 0)
            return (long)i;
    }
    return -1;
}

/* Finds the ')' that closes a link url starting at from (parentheses inside the url nest);
 * returns its index or -1. */
static long closing_paren(const char *s, size_t from, size_t n)
{
    int depth = 0;
    for (size_t i = from; i < n; i++) {
        if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && depth-- == 0)
            return (long)i;
    }
    return -1;
}

/* Appends the inline markup of s[0, n). depth bounds the nesting of bold/italic. */
static void md_inline(struct buf *b, const char *s, size_t n, int depth)
{
    size_t i = 0;
    while (i < n) {
        char ch = s[i];
        long end;
        /* snake_case_names stay as they are: '_' opens emphasis only after a non-word byte */
        if (ch == '_' && i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_')) {
            buf_putc(b, ch);
            i++;
            continue;
        }
        if (ch == '`' && (end = find(s, i + 1, n, "`", 1)) > 0) {
            buf_puts(b, "<code>");
            con_esc_n(b, s + i + 1, (size_t)end - i - 1);
            buf_puts(b, "</code>");
            i = (size_t)end + 1;
            continue;
        }
        if (depth < 4 && (ch == '*' || ch == '_') && i + 1 < n && s[i + 1] == ch) {
            char d[2] = {ch, ch};
            end = find(s, i + 2, n, d, 2);
            if (end > (long)i + 2) {
                buf_puts(b, "<strong>");
                md_inline(b, s + i + 2, (size_t)end - i - 2, depth + 1);
                buf_puts(b, "</strong>");
                i = (size_t)end + 2;
                continue;
            }
        }
        if (depth < 4 && (ch == '*' || ch == '_') && i + 1 < n && s[i + 1] != ' ') {
            end = find(s, i + 1, n, &ch, 1);
            if (end > (long)i + 1) {
                buf_puts(b, "<em>");
                md_inline(b, s + i + 1, (size_t)end - i - 1, depth + 1);
                buf_puts(b, "</em>");
                i = (size_t)end + 1;
                continue;
            }
        }
        if (ch == '[') {
            long close = find(s, i + 1, n, "](", 2);
            long paren = close > 0 ? closing_paren(s, (size_t)close + 2, n) : -1;
            if (close > 0 && paren > 0) {
                const char *text = s + i + 1;
                size_t tn = (size_t)close - i - 1;
                const char *url = s + close + 2;
                size_t un = (size_t)(paren - close - 2);
                if (url_ok(url, un)) {
                    buf_puts(b, "<a href=\"");
                    con_esc_n(b, url, un);
                    buf_puts(b, "\">");
                    md_inline(b, text, tn, depth + 1);
                    buf_puts(b, "</a>");
                } else {
                    md_inline(b, text, tn, depth + 1);
                }
                i = (size_t)paren + 1;
                continue;
            }
        }
        con_esc_n(b, s + i, 1);
        i++;
    }
}

enum md_list { MD_NONE, MD_UL, MD_OL };

static void close_block(struct buf *b, int *para, enum md_list *list)
{
    if (*para)
        buf_puts(b, "</p>\n");
    if (*list == MD_UL)
        buf_puts(b, "</ul>\n");
    if (*list == MD_OL)
        buf_puts(b, "</ol>\n");
    *para = 0;
    *list = MD_NONE;
}

/* Length of an ordered-list marker ("12. ") at s, or 0. */
static size_t ol_marker(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 9 && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i > 0 && i + 1 < n && s[i] == '.' && s[i + 1] == ' ')
        return i + 2;
    return 0;
}

/* The length of heading marker "#..# " at t (n bytes, leading spaces skipped), or 0. */
static size_t heading_level(const char *t, size_t n)
{
    size_t k = 0, h = 0;
    while (k < n && t[k] == ' ')
        k++;
    while (k + h < n && h < 7 && t[k + h] == '#')
        h++;
    return h >= 1 && h <= 6 && k + h < n && t[k + h] == ' ' ? h : 0;
}

/* The highest (smallest) heading level of md outside code fences; 1 when it has none. */
static int heading_top(const char *md)
{
    int top = 7, fence = 0;
    for (const char *p = md; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= 3 && strncmp(p, "```", 3) == 0)
            fence = !fence;
        size_t h = fence ? 0 : heading_level(p, n);
        if (h && (int)h < top)
            top = (int)h;
        p = nl ? nl + 1 : p + n;
    }
    return top == 7 ? 1 : top;
}

void con_markdown(struct buf *b, const char *md)
{
    int para = 0, fence = 0;
    enum md_list list = MD_NONE;
    const char *p = md ? md : "";
    int shift = 2 - (heading_top(p) - 1); /* the top level becomes h3 */
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *line = p;
        p = nl ? nl + 1 : p + n;
        if (n && line[n - 1] == '\r')
            n--;
        if (n >= 3 && strncmp(line, "```", 3) == 0) {
            if (fence) {
                buf_puts(b, "</code></pre>\n");
                fence = 0;
            } else {
                close_block(b, &para, &list);
                buf_puts(b, "<pre><code>");
                fence = 1;
            }
            continue;
        }
        if (fence) {
            con_esc_n(b, line, n);
            buf_putc(b, '\n');
            continue;
        }
        size_t k = 0;
        while (k < n && line[k] == ' ')
            k++;
        if (k == n) {
            close_block(b, &para, &list);
            continue;
        }
        const char *t = line + k;
        size_t tn = n - k;
        size_t h = 0;
        while (h < tn && h < 7 && t[h] == '#')
            h++;
        if (h >= 1 && h <= 6 && h < tn && t[h] == ' ') {
            close_block(b, &para, &list);
            int level = (int)h + shift > 6 ? 6 : (int)h + shift;
            buf_printf(b, "<h%d>", level);
            md_inline(b, t + h + 1, tn - h - 1, 0);
            buf_printf(b, "</h%d>\n", level);
            continue;
        }
        size_t om = ol_marker(t, tn);
        enum md_list want = MD_NONE;
        size_t skip = 0;
        if (tn >= 2 && (t[0] == '-' || t[0] == '*') && t[1] == ' ') {
            want = MD_UL;
            skip = 2;
        } else if (om) {
            want = MD_OL;
            skip = om;
        }
        if (want != MD_NONE) {
            if (list != want) {
                close_block(b, &para, &list);
                buf_puts(b, want == MD_UL ? "<ul>\n" : "<ol>\n");
                list = want;
            }
            buf_puts(b, "<li>");
            md_inline(b, t + skip, tn - skip, 0);
            buf_puts(b, "</li>\n");
            continue;
        }
        if (list != MD_NONE)
            close_block(b, &para, &list);
        if (!para) {
            buf_puts(b, "<p>");
            para = 1;
        } else {
            buf_putc(b, '\n');
        }
        md_inline(b, t, tn, 0);
    }
    if (fence)
        buf_puts(b, "</code></pre>\n");
    close_block(b, &para, &list);
}
