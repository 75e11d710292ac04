/*
 * check.h - assertions for the unit tests that print both sides and keep going, so one run
 * shows every failure. A test's main returns check_status(): 0 if all held, 1 otherwise.
 */
#ifndef CB_CHECK_H
#define CB_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

static int check_failures, check_count;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        check_count++;                                                                         \
        if (!(cond)) {                                                                         \
            check_failures++;                                                                  \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);           \
        }                                                                                      \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                                     \
    do {                                                                                       \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                       \
        check_count++;                                                                         \
        if (a_ != b_) {                                                                        \
            check_failures++;                                                                  \
            fprintf(stderr, "%s:%d: %s == %s failed: %" PRIu64 " != %" PRIu64 "\n", __FILE__,  \
                    __LINE__, #a, #b, a_, b_);                                                 \
        }                                                                                      \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                  \
    do {                                                                                       \
        double a_ = (a), b_ = (b);                                                             \
        check_count++;                                                                         \
        if (!(fabs(a_ - b_) <= (tol))) {                                                       \
            check_failures++;                                                                  \
            fprintf(stderr, "%s:%d: %s ~ %s failed: %.17g vs %.17g (tolerance %g)\n",         \
                    __FILE__, __LINE__, #a, #b, a_, b_, (double)(tol));                        \
        }                                                                                      \
    } while (0)

static inline int check_status(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif
