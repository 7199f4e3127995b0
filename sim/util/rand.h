/*
 * rand.h - a small seeded generator (xoshiro256**, seeded through splitmix64).
 *
 * Every random draw in drillsim comes from a struct rng that was seeded from --seed, so a run
 * with a manual clock is a pure function of (seed, requests). Separate generators are kept for
 * ids and for the world, so that reads and retries never change what the world does.
 */
#ifndef DRILLSIM_RAND_H
#define DRILLSIM_RAND_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform double in [0, 1). */
double rng_double(struct rng *r);
/* Writes a version-4 UUID ("c0ffee00-0000-4000-8000-000000000001" form) and a NUL. */
void rng_uuid(struct rng *r, char out[37]);
/* A standard normal draw (Box-Muller; two uniform draws per call). */
double rng_normal(struct rng *r);
/* A Poisson draw of mean lambda >= 0 (exact below 30, a rounded normal above). */
int64_t rng_poisson(struct rng *r, double lambda);
/* A binomial draw: successes in n trials of probability p (exact for small n, a rounded and
 * clamped normal or Poisson approximation for large n). */
int64_t rng_binomial(struct rng *r, int64_t n, double p);

#endif
