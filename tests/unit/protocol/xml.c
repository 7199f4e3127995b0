/* Tests of sim/protocol/xml.c: escaping and the element helpers. */
#include "protocol/xml.h"
#include "t.h"

#define FFFD "\xef\xbf\xbd"

/* Escapes s as text (attr = 0) or as an attribute value (attr = 1) into a new string. */
static char *esc(const char *s, size_t n, int attr)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    T_EQ_INT(attr ? xml_attr_text(&b, s, n) : xml_text(&b, s, n), 0);
    return buf_steal(&b, NULL);
}

TEST(protocol_xml_escape_text)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"plain ARN arn:aws:iam::1:root", "plain ARN arn:aws:iam::1:root"},
        {"a&b<c>d", "a&amp;b&lt;c&gt;d"},
        {"]]>", "]]&gt;"},
        {"{\"k\": 'v'}", "{\"k\": 'v'}"}, /* quotes need no escaping in text */
        {"tab\tlf\nend", "tab\tlf\nend"},
        {"cr\r\n", "cr&#xD;\n"}, /* a literal CR would be read back as LF */
        {"bell\x07!", "bell" FFFD "!"},
        {"\x1f\x7f", FFFD "\x7f"},                       /* DEL is legal XML 1.0 */
        {"\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", /* UTF-8 passes through */
         "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
        {"bad\xff", "bad" FFFD},
        {"cut\xc3", "cut" FFFD},
        {"\xc0\xaf", FFFD FFFD},                 /* overlong "/" */
        {"\xed\xa0\x80", FFFD FFFD FFFD},        /* a surrogate */
        {"x\xef\xbf\xbey\xef\xbf\xbf", "x" FFFD "y" FFFD}, /* U+FFFE, U+FFFF */
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = esc(cases[i].in, strlen(cases[i].in), 0);
        T_EQ_STR(got, cases[i].want);
        free(got);
    }
    /* NUL bytes in the middle (length-delimited input) are replaced, not truncating. */
    char *got = esc("a\0b", 3, 0);
    T_EQ_STR(got, "a" FFFD "b");
    free(got);
}

TEST(protocol_xml_escape_attr)
{
    char *got = esc("say \"hi\" & 'bye'\t<x>\n\r", strlen("say \"hi\" & 'bye'\t<x>\n\r"), 1);
    T_EQ_STR(got, "say &quot;hi&quot; &amp; &apos;bye&apos;&#x9;&lt;x&gt;&#xA;&#xD;");
    free(got);
}

TEST(protocol_xml_elements)
{
    struct buf b;
    buf_init(&b, 4096);
    T_EQ_INT(xml_declaration(&b), 0);
    T_EQ_INT(xml_open(&b, "R", "https://ns.example/?a=1&b=\"2\""), 0);
    T_EQ_INT(xml_element(&b, "A", "x<y"), 0);
    T_EQ_INT(xml_element(&b, "Nil", NULL), 0);
    T_EQ_INT(xml_element_n(&b, "Part", "abcdef", 3), 0);
    T_EQ_INT(xml_empty(&b, "E"), 0);
    T_EQ_INT(xml_start_tag(&b, "T"), 0);
    T_EQ_INT(xml_attr(&b, "id", "1\"2"), 0);
    T_EQ_INT(xml_end_tag(&b), 0);
    T_EQ_INT(xml_close(&b, "T"), 0);
    T_EQ_INT(xml_open(&b, "NoNs", NULL), 0);
    T_EQ_INT(xml_close(&b, "NoNs"), 0);
    T_EQ_INT(xml_close(&b, "R"), 0);
    T_EQ_STR(b.p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                  "<R xmlns=\"https://ns.example/?a=1&amp;b=&quot;2&quot;\">"
                  "<A>x&lt;y</A><Nil></Nil><Part>abc</Part><E/><T id=\"1&quot;2\"></T>"
                  "<NoNs></NoNs></R>");
    T_ASSERT(!b.overflow);
    buf_free(&b);
}

TEST(protocol_xml_bounded)
{
    struct buf b;
    buf_init(&b, 16);
    T_EQ_INT(xml_element(&b, "A", "12345"), 0); /* <A>12345</A> = 12 bytes */
    T_EQ_INT(xml_element(&b, "B", "x"), -1);
    T_ASSERT(b.overflow);
    T_ASSERT(b.len <= 16);
    /* Escaping that would cross the limit fails too, mid-run. */
    buf_reset(&b);
    T_EQ_INT(xml_text(&b, "&&&&", 4), -1);
    T_ASSERT(b.overflow);
    buf_free(&b);
}
