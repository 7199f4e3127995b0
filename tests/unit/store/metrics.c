/* Tests of sim/store/metrics.c: the canonical dimension key and the unit codes. */
#include "store/metrics.h"
#include "t.h"

TEST(store_metrics_dims_key)
{
    struct metrics_dim dims[3] = {{"Service", "web"}, {"Az", "a b"}, {"Cluster", "prod"}};
    metrics_dims_sort(dims, 3);
    struct buf b;
    buf_init(&b, 1024);
    T_EQ_INT(metrics_dims_key(dims, 3, &b), 0);
    T_EQ_STR(b.p, "Az\x1f" "a b\x1e" "Cluster\x1f" "prod\x1e" "Service\x1f" "web\x1e");
    struct metrics_dim back[3];
    T_EQ_INT(metrics_dims_parse(b.p, back, 3), 3);
    T_EQ_STR(back[0].name, "Az");
    T_EQ_STR(back[0].value, "a b");
    T_EQ_STR(back[2].name, "Service");
    T_EQ_STR(back[2].value, "web");
    buf_free(&b);
    char empty[] = "";
    T_EQ_INT(metrics_dims_parse(empty, back, 3), 0);
    char truncated[] = "A\x1f" "1";
    T_EQ_INT(metrics_dims_parse(truncated, back, 3), -1);
    char too_many[] = "A\x1f" "1\x1e" "B\x1f" "2\x1e";
    T_EQ_INT(metrics_dims_parse(too_many, back, 1), -1);
    /* A bounded buffer that is too small fails instead of truncating silently. */
    struct buf small;
    buf_init(&small, 8);
    T_EQ_INT(metrics_dims_key(dims, 3, &small), -1);
    buf_free(&small);
}

TEST(store_metrics_units)
{
    T_EQ_INT(metrics_unit_find("None"), METRICS_UNIT_NONE);
    T_EQ_INT(METRICS_UNIT_NONE, 0);
    T_EQ_INT(metrics_unit_find("Count/Second"), METRICS_UNIT_COUNT_SECOND);
    T_EQ_INT(metrics_unit_find("count"), -1);
    T_EQ_STR(metrics_unit_name(METRICS_UNIT_MILLISECONDS), "Milliseconds");
    T_ASSERT(metrics_unit_name(METRICS_UNIT__COUNT) == NULL);
    T_ASSERT(metrics_unit_name(-1) == NULL);
    T_EQ_INT(METRICS_UNIT__COUNT, 27);
}
