/*
 * test-stats.c - the statistics on data whose answers are known.
 */
#include "check.h"
#include "stats.h"

#include <errno.h>

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

/* The CI of the median from a sorted sample, for every n (bench-stats prints it as
 * compare-engines did, also for n <= 5, where it is [min, max]). */
static void test_ci_sorted(void)
{
    double x[20], lo, hi;
    for (int i = 0; i < 20; i++)
        x[i] = 100 + i;
    cb_median_ci_sorted(x, 20, &lo, &hi);
    CHECK_NEAR(lo, 104, 0); /* ranks 5 and 16, as test_ci_ranks */
    CHECK_NEAR(hi, 115, 0);
    cb_median_ci_sorted(x, 3, &lo, &hi);
    CHECK_NEAR(lo, 100, 0);
    CHECK_NEAR(hi, 102, 0);
    cb_median_ci_sorted(x, 1, &lo, &hi);
    CHECK_NEAR(lo, 100, 0);
    CHECK_NEAR(hi, 100, 0);
    cb_median_ci_sorted(x, 0, &lo, &hi);
    CHECK(isnan(lo) && isnan(hi));
    struct cb_summary s;
    cb_summarize(x, 20, &s); /* the same interval as the summary's */
    CHECK_NEAR(s.ci_low, 104, 0);
    CHECK_NEAR(s.ci_high, 115, 0);
}

static void test_overlap(void)
{
    CHECK(cb_intervals_overlap(1, 2, 2, 3));   /* touching counts */
    CHECK(cb_intervals_overlap(2, 3, 1, 2));
    CHECK(cb_intervals_overlap(1, 4, 2, 3));   /* one inside the other */
    CHECK(cb_intervals_overlap(2, 3, 1, 4));
    CHECK(!cb_intervals_overlap(1, 2, 2.001, 3));
    CHECK(!cb_intervals_overlap(2.001, 3, 1, 2));
    CHECK(cb_intervals_overlap(5, 5, 5, 5));
}

static void test_bootstrap(void)
{
    /* a resample draws from x only, and the same key and base draw the same */
    double x[3] = { 1, 2, 3 }, scratch[3];
    double m1 = cb_resample_median(x, 3, 99, 0, scratch), m2 = cb_resample_median(x, 3, 99, 0, scratch);
    CHECK(m1 == m2);
    CHECK(m1 == 1 || m1 == 2 || m1 == 3); /* odd n: the median is a sample */
    double one = 7;
    CHECK_NEAR(cb_resample_median(&one, 1, 5, 123, scratch), 7, 0);

    /* a constant sample: every resample has the same median */
    double c[9] = { 4, 4, 4, 4, 4, 4, 4, 4, 4 }, m, lo, hi;
    CHECK(cb_boot_median(c, 9, 500, 1, &m, &lo, &hi) == 0);
    CHECK_NEAR(m, 4, 0);
    CHECK_NEAR(lo, 4, 0);
    CHECK_NEAR(hi, 4, 0);

    /* 1..101: median 51; its bootstrap interval is about the order-statistics one (ranks
     * 41 and 62 here), and it holds the median */
    double u[101];
    for (int i = 0; i < 101; i++)
        u[i] = 101 - i; /* not sorted: the input is not modified */
    CHECK(cb_boot_median(u, 101, 2000, 42, &m, &lo, &hi) == 0);
    CHECK_NEAR(m, 51, 0);
    CHECK(lo >= 41 && lo <= m && m <= hi && hi <= 62);
    CHECK_NEAR(u[0], 101, 0);
    /* the same key, the same interval; another key, another one */
    double m2b, lo2, hi2;
    CHECK(cb_boot_median(u, 101, 2000, 42, &m2b, &lo2, &hi2) == 0);
    CHECK(lo2 == lo && hi2 == hi);
    int differs = 0;
    for (uint64_t key = 1; key < 10; key++) {
        CHECK(cb_boot_median(u, 101, 200, key, &m2b, &lo2, &hi2) == 0);
        differs |= lo2 != lo || hi2 != hi;
    }
    CHECK(differs);

    CHECK(cb_boot_median(u, 0, 100, 1, &m, &lo, &hi) == -EINVAL);
    CHECK(cb_boot_median(u, 10, 0, 1, &m, &lo, &hi) == -EINVAL);

    /* the ratio of two samples whose medians are 2 and 1, each constant: exactly 2 */
    double two[8] = { 2, 2, 2, 2, 2, 2, 2, 2 }, ones[6] = { 1, 1, 1, 1, 1, 1 }, r;
    CHECK(cb_boot_ratio(two, 8, ones, 6, 300, 3, &r, &lo, &hi) == 0);
    CHECK_NEAR(r, 2, 0);
    CHECK_NEAR(lo, 2, 0);
    CHECK_NEAR(hi, 2, 0);
}

int main(void)
{
    test_known();
    test_ci_ranks();
    test_outliers();
    test_edges();
    test_ci_sorted();
    test_overlap();
    test_bootstrap();
    return check_status("test-stats");
}
