/*
 * xml.c - the streaming XML writer (see xml.h for the escaping rules).
 *
 * Escaping copies runs of bytes that need nothing in one append, so plain ASCII text (the
 * common case: names, ARNs, numbers) costs one scan and one memcpy.
 */
#include "protocol/xml.h"

#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/*
 * Returns the length of the valid UTF-8 sequence at s[0..n) and its code point in *cp, or 0
 * when the bytes there are not valid UTF-8 (overlong, surrogate, past U+10FFFF, truncated).
 */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        len = 2;
        v = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        v = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3f);
    }
    if ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
        v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

/*
 * The replacement for one ASCII byte, or NULL when it is written as is. attr selects the
 * attribute-value rules.
 */
static const char *ascii_escape(unsigned char ch, int attr)
{
    switch (ch) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '\r':
        return "&#xD;";
    case '\n':
        return attr ? "&#xA;" : NULL;
    case '\t':
        return attr ? "&#x9;" : NULL;
    case '"':
        return attr ? "&quot;" : NULL;
    case '\'':
        return attr ? "&apos;" : NULL;
    default:
        return ch < 0x20 ? REPLACEMENT : NULL; /* DEL (0x7f) is allowed in XML 1.0 */
    }
}

static int escape(struct buf *b, const char *text, size_t n, int attr)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t run = 0; /* start of the pending run of bytes copied as is */
    size_t i = 0;
    while (i < n) {
        unsigned char ch = s[i];
        const char *rep = NULL;
        size_t step = 1;
        if (ch < 0x80) {
            rep = ascii_escape(ch, attr);
        } else {
            unsigned cp;
            step = utf8_seq(s + i, n - i, &cp);
            if (step == 0) {
                step = 1;
                rep = REPLACEMENT;
            } else if (cp == 0xfffe || cp == 0xffff) {
                rep = REPLACEMENT;
            }
        }
        if (rep == NULL) {
            i += step;
            continue;
        }
        if (i > run && buf_append(b, s + run, i - run))
            return -1;
        if (buf_puts(b, rep))
            return -1;
        i += step;
        run = i;
    }
    if (n > run)
        return buf_append(b, s + run, n - run);
    return 0;
}

int xml_declaration(struct buf *b)
{
    return buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
}

int xml_text(struct buf *b, const char *s, size_t n)
{
    return escape(b, s, n, 0);
}

int xml_attr_text(struct buf *b, const char *s, size_t n)
{
    return escape(b, s, n, 1);
}

int xml_start_tag(struct buf *b, const char *name)
{
    if (buf_putc(b, '<'))
        return -1;
    return buf_puts(b, name);
}

int xml_attr(struct buf *b, const char *name, const char *value)
{
    if (buf_putc(b, ' ') || buf_puts(b, name) || buf_puts(b, "=\""))
        return -1;
    if (xml_attr_text(b, value, strlen(value)))
        return -1;
    return buf_putc(b, '"');
}

int xml_end_tag(struct buf *b)
{
    return buf_putc(b, '>');
}

int xml_open(struct buf *b, const char *name, const char *ns)
{
    if (xml_start_tag(b, name))
        return -1;
    if (ns && xml_attr(b, "xmlns", ns))
        return -1;
    return xml_end_tag(b);
}

int xml_close(struct buf *b, const char *name)
{
    if (buf_puts(b, "</"))
        return -1;
    if (buf_puts(b, name))
        return -1;
    return buf_putc(b, '>');
}

int xml_empty(struct buf *b, const char *name)
{
    if (xml_start_tag(b, name))
        return -1;
    return buf_puts(b, "/>");
}

int xml_element_n(struct buf *b, const char *name, const char *text, size_t n)
{
    if (xml_open(b, name, NULL))
        return -1;
    if (n && xml_text(b, text, n))
        return -1;
    return xml_close(b, name);
}

int xml_element(struct buf *b, const char *name, const char *text)
{
    return xml_element_n(b, name, text, text ? strlen(text) : 0);
}
