/*
 * rng.h - a counter-based pseudo-random generator.
 *
 * Number i of a stream is a pure function of (key, i): no state is carried from one number
 * to the next, so any worker can produce any slice of the stream and every split of the
 * index space sees exactly the same numbers. The mixer is the SplitMix64 finaliser applied
 * to a Weyl sequence, which passes BigCrush for this use.
 */
#ifndef CB_RNG_H
#define CB_RNG_H

#include <stdint.h>

static inline uint64_t cb_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* The key of stream `stream` for a user seed: distinct kernels and matrices use
 * distinct streams of the same seed. */
static inline uint64_t cb_rng_key(uint64_t seed, uint64_t stream)
{
    return cb_mix64(seed ^ cb_mix64(stream + UINT64_C(0x632be59bd9b4e019)));
}

/* Number i of the stream with this key, uniform over 64-bit integers. */
static inline uint64_t cb_rng_u64(uint64_t key, uint64_t i)
{
    return cb_mix64(key + (i + 1) * UINT64_C(0x9e3779b97f4a7c15));
}

/* The top 53 bits: u / 2^53 is uniform in [0, 1) and exactly representable. */
static inline uint64_t cb_rng_u53(uint64_t key, uint64_t i)
{
    return cb_rng_u64(key, i) >> 11;
}

#endif
