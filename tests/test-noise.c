/*
 * test-noise.c - noise.h on data whose answers are known: Spearman's rank correlation, the
 * `loaded` rule at its thresholds, the noise causes picked from per-repetition values, the
 * configuration's summary, and a mark taken on this machine (foreign time never negative).
 */
#include "check.h"
#include "noise.h"

#include <math.h>
#include <string.h>

static void test_spearman(void)
{
    double x[6] = { 1, 2, 3, 4, 5, 6 }, up[6] = { 10, 20, 30, 40, 50, 60 },
           down[6] = { 6, 5, 4, 3, 2, 1 }, flat[6] = { 7, 7, 7, 7, 7, 7 };
    CHECK_NEAR(cb_spearman(x, up, 6), 1, 1e-12);
    CHECK_NEAR(cb_spearman(x, down, 6), -1, 1e-12);
    CHECK(isnan(cb_spearman(x, flat, 6)));       /* constant: no correlation */
    CHECK(isnan(cb_spearman(x, up, 2)));         /* too few pairs */
    /* ties take their mean rank: x ranks 1..4, y ranks 1.5 1.5 3.5 3.5 */
    double a[4] = { 1, 2, 3, 4 }, b[4] = { 5, 5, 9, 9 };
    CHECK_NEAR(cb_spearman(a, b, 4), 2.0 / sqrt(5.0), 1e-12);
    /* NAN pairs are left out */
    double c[5] = { 1, 2, NAN, 3, 4 }, d[5] = { 1, 2, 100, 3, 4 };
    CHECK_NEAR(cb_spearman(c, d, 5), 1, 1e-12);
}

static void test_loaded(void)
{
    CHECK(!cb_noise_loaded(0.19, 1.0));        /* a fifth of a PU is the line */
    CHECK(cb_noise_loaded(0.21, 1.0));
    CHECK(!cb_noise_loaded(0.04, 0.1));        /* 40% of a PU, but under 5 ticks */
    CHECK(cb_noise_loaded(0.05, 0.1));
    CHECK(!cb_noise_loaded(1.0, 0.0));
}

static void test_causes(void)
{
    /* wall rises with the faults and falls with the clock; switches and foreign do not move */
    double wall[6] = { 1.0, 1.2, 1.1, 1.5, 1.3, 1.4 };
    double faults[6] = { 10, 30, 20, 60, 40, 50 }, clock[6] = { 3000, 2800, 2900, 2500, 2700, 2600 };
    double foreign[6] = { 0.1, 0.0, 0.1, 0.0, 0.1, 0.0 }, sw[6] = { 5, 5, 5, 5, 5, 5 };
    const double *cause[CB_NCAUSES] = { 0 };
    cause[CB_CAUSE_FAULTS] = faults;
    cause[CB_CAUSE_FREQ] = clock;
    cause[CB_CAUSE_FOREIGN] = foreign;
    cause[CB_CAUSE_SWITCHES] = sw;
    char buf[96];
    cb_noise_causes(wall, 6, cause, buf, sizeof buf);
    CHECK(strcmp(buf, "clock;faults") == 0);
    /* a clock that rises with the wall time is no cause; four repetitions are too few */
    for (int i = 0; i < 6; i++)
        clock[i] = 1000 * wall[i];
    cause[CB_CAUSE_FAULTS] = NULL;
    cb_noise_causes(wall, 6, cause, buf, sizeof buf);
    CHECK(strcmp(buf, "none") == 0);
    cause[CB_CAUSE_FAULTS] = faults;
    cb_noise_causes(wall, 4, cause, buf, sizeof buf);
    CHECK(strcmp(buf, "none") == 0);
}

static void test_summary(void)
{
    struct cb_noise rep[5];
    double wall[5] = { 1, 1, 1, 1, 1 };
    for (int i = 0; i < 5; i++)
        rep[i] = (struct cb_noise){ .foreign_s = 0.05 * i, .steal_s = 0, .freq_mhz = NAN,
                                    .vcsw = i, .ivcsw = 2, .minflt = 3, .majflt = 0 };
    struct cb_noise_summary s;
    cb_noise_summarize(rep, wall, NULL, 5, 0, &s);
    CHECK_NEAR(s.median.foreign_s, 0.1, 1e-12);
    CHECK_NEAR(s.foreign_pu, 0.1, 1e-12);      /* 0.5 s over 5 s: half the line */
    CHECK(!s.loaded);
    CHECK(isnan(s.median.freq_mhz));            /* never read: stays unknown */
    CHECK_NEAR(s.median.vcsw, 2, 0);
    CHECK(s.causes[0] == '\0');                 /* not noisy: no causes asked */
    rep[4].foreign_s = 1.0;
    cb_noise_summarize(rep, wall, NULL, 5, 1, &s);
    CHECK(s.loaded);                            /* 1.3 s over 5 s */
    CHECK(strcmp(s.causes, "none") == 0);       /* the wall time did not move */
    /* no foreign time recorded at all (older files): unknown, never loaded */
    for (int i = 0; i < 5; i++)
        rep[i].foreign_s = NAN;
    cb_noise_summarize(rep, wall, NULL, 5, 0, &s);
    CHECK(isnan(s.foreign_pu) && !s.loaded);
}

static void test_mark(void)
{
    int pus[1] = { 0 };
    CHECK(cb_noise_watch(pus, 1) == 0);
    struct cb_noise_mark a, b;
    cb_noise_mark(&a);
    volatile double sink = 0;
    for (int i = 0; i < 20000000; i++)
        sink += i;
    cb_noise_mark(&b);
    struct cb_noise nz;
    cb_noise_between(&a, &b, NULL, pus, 1, &nz);
    CHECK(!isnan(nz.foreign_s) && nz.foreign_s >= 0);
    CHECK(nz.steal_s >= 0 && nz.minflt >= 0 && nz.vcsw >= 0);
    /* watching nothing: the foreign time is unknown */
    CHECK(cb_noise_watch(pus, 0) == 0);
    cb_noise_mark(&a);
    cb_noise_mark(&b);
    cb_noise_between(&a, &b, NULL, NULL, 0, &nz);
    CHECK(isnan(nz.foreign_s) && isnan(nz.freq_mhz));
}

int main(void)
{
    test_spearman();
    test_loaded();
    test_causes();
    test_summary();
    test_mark();
    return check_status("test-noise");
}
