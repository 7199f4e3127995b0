/*
 * console.c - unit tests of the web console's pure parts (sim/console/): the Markdown subset
 * (console_md.c) and the scales, ticks and SVG graph (console_svg.c). The pages themselves
 * are tested end to end in tests/e2e/test_console.py.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "console/console_int.h"
#include "t.h"

/* Renders md and compares with want. */
static void md_is(const char *md, const char *want, const char *file, int line)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    con_markdown(&b, md);
    const char *got = b.p ? b.p : "";
    if (strcmp(got, want) != 0)
        t_fail(file, line, "markdown %s:\n    got:  %s\n    want: %s", md, got, want);
    buf_free(&b);
}
#define MD_IS(md, want) md_is(md, want, __FILE__, __LINE__)

TEST(console_markdown)
{
    MD_IS("", "");
    MD_IS("## Golden Path (dev)\nRunbook: x.", "<h3>Golden Path (dev)</h3>\n<p>Runbook: x.</p>\n");
    /* the top level becomes h3, the others follow; a fence's "#" lines are no headings */
    MD_IS("### a\n#### b\n```\n# c\n```", "<h3>a</h3>\n<h4>b</h4>\n<pre><code># c\n</code></pre>\n");
    MD_IS("# a\n###### f\n####### seven", "<h3>a</h3>\n<h6>f</h6>\n<p>####### seven</p>\n");
    MD_IS("one\ntwo\n\nthree", "<p>one\ntwo</p>\n<p>three</p>\n");
    MD_IS("**bold** *it* _it2_ `c*d`",
          "<p><strong>bold</strong> <em>it</em> <em>it2</em> <code>c*d</code></p>\n");
    MD_IS("golden_path_aurora_dev", "<p>golden_path_aurora_dev</p>\n");
    MD_IS("- a\n- **b**\n1. one\n2. two\ntext",
          "<ul>\n<li>a</li>\n<li><strong>b</strong></li>\n</ul>\n<ol>\n<li>one</li>\n"
          "<li>two</li>\n</ol>\n<p>text</p>\n");
    MD_IS("```\n<x> & y\n```", "<pre><code>&lt;x&gt; &amp; y\n</code></pre>\n");
    /* escaping: tags, attributes, entities */
    MD_IS("<script>alert('x')</script> & \"q\"",
          "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>\n");
    /* links: allowed schemes only; the url is escaped */
    MD_IS("[runbook](https://example.com/a?b=1&c=\"2\")",
          "<p><a href=\"https://example.com/a?b=1&amp;c=&quot;2&quot;\">runbook</a></p>\n");
    MD_IS("[x](javascript:alert(1))", "<p>x</p>\n");
    MD_IS("[x](//evil.example/)", "<p>x</p>\n");
    MD_IS("[w](https://en.wikipedia.org/wiki/C_(language)) after",
          "<p><a href=\"https://en.wikipedia.org/wiki/C_(language)\">w</a> after</p>\n");
    MD_IS("[rel](/console/alarms) [m](mailto:a@b)",
          "<p><a href=\"/console/alarms\">rel</a> <a href=\"mailto:a@b\">m</a></p>\n");
    MD_IS("[**b**](#top)", "<p><a href=\"#top\"><strong>b</strong></a></p>\n");
    /* unclosed markup stays text */
    MD_IS("a * b ** c ` d [e](f", "<p>a * b ** c ` d [e](f</p>\n");
    MD_IS("```\nunterminated", "<pre><code>unterminated\n</code></pre>\n");
    MD_IS("line\r\n# h\r\n", "<p>line</p>\n<h3>h</h3>\n");
}

TEST(console_nice_ticks)
{
    struct con_ticks t;
    con_nice_ticks(0, 110, 6, &t);
    T_EQ_DBL(t.step, 20);
    T_EQ_DBL(t.lo, 0);
    T_EQ_DBL(t.hi, 120);
    T_EQ_INT(t.n, 7);
    T_EQ_DBL(t.v[6], 120);
    con_nice_ticks(0.013, 0.087, 5, &t);
    T_EQ_DBL(t.step, 0.02);
    T_EQ_INT(t.n, 6); /* 0 .. 0.1 */
    T_ASSERT(fabs(t.v[5] - 0.1) < 1e-12);
    con_nice_ticks(-35, 35, 5, &t);
    T_EQ_DBL(t.step, 20);
    T_EQ_DBL(t.lo, -40);
    T_EQ_DBL(t.hi, 40);
    T_EQ_DBL(t.v[2], 0);
    /* a flat series and a zero series still get a usable scale */
    con_nice_ticks(42, 42, 5, &t);
    T_ASSERT(t.lo <= 42 && t.hi > 42 && t.n >= 2);
    con_nice_ticks(0, 0, 5, &t);
    T_EQ_DBL(t.lo, 0);
    T_ASSERT(t.hi > 0 && t.n >= 2);
    /* reversed and non-finite bounds */
    con_nice_ticks(10, 0, 5, &t);
    T_EQ_DBL(t.lo, 0);
    T_EQ_DBL(t.hi, 10);
    con_nice_ticks(NAN, INFINITY, 5, &t);
    T_EQ_DBL(t.lo, 0);
    T_ASSERT(t.n >= 2 && t.n <= CON_MAX_TICKS);
    /* huge spans never overflow the tick array */
    con_nice_ticks(0, 1e300, 50, &t);
    T_ASSERT(t.n >= 2 && t.n <= CON_MAX_TICKS);
}

TEST(console_time_ticks)
{
    int64_t tt[16];
    int64_t end = 1767229200000; /* 2026-01-01T01:00:00Z */
    int n = con_time_ticks(end - 3 * 3600000, end, 7, tt);
    T_EQ_INT(n, 7); /* every 30 minutes, 22:00 .. 01:00 */
    T_EQ_INT(tt[0], end - 3 * 3600000);
    T_EQ_INT(tt[1] - tt[0], 1800000);
    T_EQ_INT(tt[6], end);
    n = con_time_ticks(end - 900000 + 30000, end, 7, tt); /* 15 min, unaligned start */
    T_EQ_INT(n, 3); /* 1 and 2 minutes would give 15 and 8: 00:50, 00:55, 01:00 */
    T_EQ_INT(tt[0], end - 600000);
    T_EQ_INT(tt[1] - tt[0], 300000);
    n = con_time_ticks(end - 12 * 3600000, end, 7, tt);
    T_EQ_INT(tt[1] - tt[0], 7200000);
    T_ASSERT(n <= 7);
    T_EQ_INT(con_time_ticks(end, end, 7, tt), 0);
    T_EQ_INT(con_time_ticks(end, end - 1, 7, tt), 0);
}

TEST(console_fmt_value)
{
    char s[32];
    con_fmt_value(97, s, sizeof s);
    T_EQ_STR(s, "97");
    con_fmt_value(0.123456, s, sizeof s);
    T_EQ_STR(s, "0.1235");
    con_fmt_value(25000, s, sizeof s);
    T_EQ_STR(s, "25k");
    con_fmt_value(-3.5e6, s, sizeof s);
    T_EQ_STR(s, "-3.5M");
    con_fmt_value(NAN, s, sizeof s);
    T_EQ_STR(s, "-");
}

TEST(console_svg_graph)
{
    int64_t ts[3] = {1767225600000, 1767225660000, 1767225720000};
    double v[3] = {10, 50, 97.5};
    double w[3] = {1, 2, 3};
    struct con_line lines[2] = {
        {.label = "Conn<s>", .color = "#1f77b4", .id = "AWS/RDS \"C\"", .ts = ts, .v = v, .n = 3},
        {.label = "Other", .color = "#ff7f0e", .id = "o", .right = 1, .ts = ts, .v = w, .n = 3},
    };
    struct con_annot an = {.label = "alarm <80>", .color = "#d62728", .value = 80};
    struct con_graph g = {
        .title = "T & t", .start_ms = ts[0], .end_ms = ts[0] + 3600000, .period_s = 60,
        .stat = "Maximum", .lines = lines, .nlines = 2, .annots = &an, .nannots = 1,
        .left_min = 0, .left_max = 110, .height_units = 6,
    };
    struct buf b;
    buf_init(&b, 1 << 20);
    con_svg_graph(&b, &g);
    const char *s = b.p;
    T_ASSERT(strstr(s, "aria-label=\"T &amp; t\"") != NULL);
    T_ASSERT(strstr(s, "data-period=\"60\" data-stat=\"Maximum\"") != NULL);
    T_ASSERT(strstr(s, "data-metric=\"AWS/RDS &quot;C&quot;\" data-points=\"3\" "
                       "data-last-ts=\"1767225720\" data-last-value=\"97.5\"") != NULL);
    /* x: the first point is on the left edge; y: 110 at the top (12), 0 at the bottom */
    T_ASSERT(strstr(s, "points=\"52.0,195.6 ") != NULL); /* 10 of 110 over 202 px */
    T_ASSERT(strstr(s, "alarm &lt;80&gt; (80)") != NULL);
    T_ASSERT(strstr(s, "data-value=\"80\"") != NULL);
    T_ASSERT(strstr(s, "Conn&lt;s&gt;") != NULL);
    T_ASSERT(strstr(s, "(right axis)") != NULL);
    T_ASSERT(strstr(s, "Conn&lt;s&gt;</span>") == NULL);
    T_ASSERT(strstr(s, "Conn&lt;s&gt; <span class=\"muted\">last 97.5</span>") != NULL);
    T_ASSERT(strstr(s, "<script") == NULL);
    /* an empty series: no last point, marked in the legend */
    buf_reset(&b);
    lines[0].n = 0;
    g.nlines = 1;
    con_svg_graph(&b, &g);
    T_ASSERT(strstr(b.p, "data-points=\"0\" points=\"\"") != NULL);
    T_ASSERT(strstr(b.p, "(no data)") != NULL);
    /* stacked: the second series is drawn on top of the first */
    buf_reset(&b);
    lines[0].n = 3;
    lines[1].right = 0;
    g.nlines = 2;
    g.stacked = 1;
    g.left_max = NAN;
    g.nannots = 0;
    con_svg_graph(&b, &g);
    T_ASSERT(strstr(b.p, "<polygon class=\"area\"") != NULL);
    /* 60 viewBox units per grid column (12 by default): text keeps its size on wide graphs */
    T_ASSERT(strstr(b.p, "viewBox=\"0 0 720 240\"") != NULL);
    buf_reset(&b);
    g.width_units = 24;
    g.stacked = 0;
    con_svg_graph(&b, &g);
    T_ASSERT(strstr(b.p, "viewBox=\"0 0 1440 240\"") != NULL);
    /* an annotation at the top of the axis has its label below the line, inside the plot */
    buf_reset(&b);
    an.value = 110;
    g.left_max = 110;
    g.nannots = 1;
    con_svg_graph(&b, &g);
    T_ASSERT(strstr(b.p, "y1=\"12.0\" x2=\"1424.0\" y2=\"12.0\" data-value=\"110\"") != NULL);
    T_ASSERT(strstr(b.p, "x=\"58.0\" y=\"27.0\">alarm &lt;80&gt; (110)") != NULL);
    /* a band [40, 60], a line with its fill below, a vertical line and a vertical band */
    struct con_annot more[4] = {
        {.label = "band", .color = "#2ca02c", .value = 60, .value2 = 40, .band = 1},
        {.label = "floor", .color = "#d62728", .value = 20, .fill = CON_FILL_BELOW},
        {.label = "deploy", .color = "#5f6b7a", .value = (double)ts[1], .vertical = 1},
        {.label = "window <w>", .color = "#9467bd", .value = (double)(ts[0] + 1800000),
         .value2 = (double)(ts[0] + 2400000), .band = 1, .vertical = 1},
    };
    buf_reset(&b);
    g.annots = more;
    g.nannots = 4;
    con_svg_graph(&b, &g);
    T_ASSERT(strstr(b.p, "class=\"annotation-band\" fill=\"#2ca02c\"") != NULL);
    T_ASSERT(strstr(b.p, "data-from=\"40\" data-to=\"60\"") != NULL);
    T_ASSERT(strstr(b.p, "class=\"annotation-fill\" fill=\"#d62728\"") != NULL);
    T_ASSERT(strstr(b.p, "data-ts=\"1767225660\"") != NULL); /* the vertical line */
    T_ASSERT(strstr(b.p, ">window &lt;w&gt;</text>") != NULL);
    /* one wholly outside the range is not drawn */
    buf_reset(&b);
    more[2].value = (double)(ts[0] - 7200000);
    g.nannots = 3;
    con_svg_graph(&b, &g);
    T_ASSERT(strstr(b.p, "data-ts=") == NULL);
    T_ASSERT(strstr(b.p, ">deploy</text>") == NULL);
    buf_free(&b);
}
