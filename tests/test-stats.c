/*
 * test-stats.c - the statistics on data whose answers are known.
 */
#include "check.h"
#include "stats.h"

static void test_known(void)
{
    /* 1..10: median 5.5, mean 5.5, sample sd sqrt(55/6), CI ranks 1 and 10 */
    double x[10] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
    struct cb_summary s;
    CHECK(cb_summarize(x, 10, &s) == 0);
    CHECK_NEAR(s.median, 5.5, 1e-12);
    CHECK_NEAR(s.mean, 5.5, 1e-12);
    CHECK_NEAR(s.min, 1, 0);
    CHECK_NEAR(s.max, 10, 0);
    CHECK_NEAR(s.stddev, sqrt(55.0 / 6.0), 1e-12);
    CHECK_NEAR(s.cv, sqrt(55.0 / 6.0) / 5.5, 1e-12);
    CHECK(s.ci_valid);
    CHECK_NEAR(s.ci_low, 1, 0);
    CHECK_NEAR(s.ci_high, 10, 0);
    CHECK_EQ_U64(s.outliers, 0);
    CHECK_NEAR(x[0], 10, 0); /* input untouched */

    /* odd count: median is the middle element */
    double y[5] = { 3, 1, 2, 5, 4 };
    CHECK(cb_summarize(y, 5, &s) == 0);
    CHECK_NEAR(s.median, 3, 0);
    CHECK(!s.ci_valid); /* n <= 5: no order-statistics CI */
    CHECK(isnan(s.ci_low));
}

static void test_ci_ranks(void)
{
    size_t lo, hi;
    /* (n - 1.96 sqrt n)/2 and 1 + (n + 1.96 sqrt n)/2 */
    cb_median_ci_ranks(20, &lo, &hi);
    CHECK_EQ_U64(lo, 5);  /* floor((20 - 8.765)/2) = floor(5.617) */
    CHECK_EQ_U64(hi, 16); /* ceil(1 + 14.383) = ceil(15.383) */
    cb_median_ci_ranks(100, &lo, &hi);
    CHECK_EQ_U64(lo, 40); /* floor(40.2) */
    CHECK_EQ_U64(hi, 61); /* ceil(60.8) */
    cb_median_ci_ranks(6, &lo, &hi);
    CHECK_EQ_U64(lo, 1);
    CHECK_EQ_U64(hi, 6);

    double x[20];
    for (int i = 0; i < 20; i++)
        x[i] = 100 + i;
    struct cb_summary s;
    cb_summarize(x, 20, &s);
    CHECK_NEAR(s.ci_low, 104, 0);
    CHECK_NEAR(s.ci_high, 115, 0);
    CHECK(s.ci_low <= s.median && s.median <= s.ci_high);
}

static void test_outliers(void)
{
    /* Q1 = 2.25, Q3 = 5.75 (type 7), fences -3 and 11: only 100 is out */
    double x[8] = { 1, 2, 3, 4, 5, 6, 7, 100 };
    struct cb_summary s;
    cb_summarize(x, 8, &s);
    CHECK_EQ_U64(s.outliers, 1);
    CHECK_NEAR(s.median, 4.5, 1e-12);
    double q[4] = { 1, 2, 3, 4 };
    CHECK_NEAR(cb_quantile_sorted(q, 4, 0.25), 1.75, 1e-12);
    CHECK_NEAR(cb_quantile_sorted(q, 4, 0.5), 2.5, 1e-12);
    CHECK_NEAR(cb_median(q, 4), 2.5, 1e-12);
}

static void test_edges(void)
{
    struct cb_summary s;
    CHECK(cb_summarize(NULL, 0, &s) < 0);
    double one = 2.5;
    CHECK(cb_summarize(&one, 1, &s) == 0);
    CHECK_NEAR(s.median, 2.5, 0);
    CHECK_NEAR(s.stddev, 0, 0);
    double same[7] = { 1, 1, 1, 1, 1, 1, 1 };
    cb_summarize(same, 7, &s);
    CHECK_NEAR(s.cv, 0, 0);
    CHECK_EQ_U64(s.outliers, 0);
}

int main(void)
{
    test_known();
    test_ci_ranks();
    test_outliers();
    test_edges();
    return check_status("test-stats");
}
