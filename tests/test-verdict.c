/*
 * test-verdict.c - the bootstrap at a chosen level (verdict.h): at alpha = 0.05 it is
 * cb_boot_ratio's interval exactly (the same draws), a smaller alpha (a Bonferroni-corrected
 * level) widens the interval around the same ratio, and bad arguments are refused.
 */
#include "check.h"
#include "stats.h"
#include "verdict.h"

#include <errno.h>

int main(void)
{
    double x[10] = { 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 };
    double y[10] = { 5.0, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7, 5.8, 5.9 };
    double r, lo, hi, r2, lo2, hi2, r3, lo3, hi3;
    CHECK(cb_boot_ratio(x, 10, y, 10, 2000, 42, &r, &lo, &hi) == 0);
    CHECK(cb_boot_ratio_level(x, 10, y, 10, 2000, 42, 0.05, &r2, &lo2, &hi2) == 0);
    CHECK_NEAR(r2, r, 0);
    CHECK_NEAR(lo2, lo, 0);
    CHECK_NEAR(hi2, hi, 0);
    /* m = 50 comparisons: level 0.999, wider, the ratio unchanged */
    CHECK(cb_boot_ratio_level(x, 10, y, 10, 2000, 42, 0.05 / 50, &r3, &lo3, &hi3) == 0);
    CHECK_NEAR(r3, r, 0);
    CHECK(lo3 <= lo && hi3 >= hi && (lo3 < lo || hi3 > hi));
    /* the extremes of any resample bound it still */
    CHECK(lo3 >= 10 / 5.9 && hi3 <= 19 / 5.0);
    CHECK(cb_boot_ratio_level(x, 0, y, 10, 2000, 42, 0.05, &r, &lo, &hi) == -EINVAL);
    CHECK(cb_boot_ratio_level(x, 10, y, 10, 0, 42, 0.05, &r, &lo, &hi) == -EINVAL);
    CHECK(cb_boot_ratio_level(x, 10, y, 10, 2000, 42, 0, &r, &lo, &hi) == -EINVAL);
    CHECK(cb_boot_ratio_level(x, 10, y, 10, 2000, 42, 1, &r, &lo, &hi) == -EINVAL);
    return check_status("test-verdict");
}
