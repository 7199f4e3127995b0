/*
 * rand.c - xoshiro256** seeded via splitmix64 (see rand.h).
 */
#include "util/rand.h"

#include <math.h>
#include <stdio.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rng_double(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

void rng_uuid(struct rng *r, char out[37])
{
    uint64_t a = rng_next(r), b = rng_next(r);
    a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
    b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
    snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xffff), (unsigned)(b >> 48),
             (unsigned long long)(b & 0xffffffffffffULL));
}

double rng_normal(struct rng *r)
{
    double u1 = rng_double(r), u2 = rng_double(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

int64_t rng_poisson(struct rng *r, double lambda)
{
    if (!(lambda > 0))
        return 0;
    if (lambda >= 30) {
        double x = floor(lambda + sqrt(lambda) * rng_normal(r) + 0.5);
        return x < 0 ? 0 : (int64_t)x;
    }
    /* Knuth: multiply uniforms until the product falls below e^-lambda (bounded: the
     * expected count is lambda + 1 < 31, and 1000 draws end it whatever happens) */
    double limit = exp(-lambda), prod = 1.0;
    int64_t k = 0;
    for (int i = 0; i < 1000; i++) {
        prod *= rng_double(r);
        if (prod <= limit)
            break;
        k++;
    }
    return k;
}

int64_t rng_binomial(struct rng *r, int64_t n, double p)
{
    if (n <= 0 || !(p > 0))
        return 0;
    if (p >= 1)
        return n;
    if (n <= 64) {
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++)
            k += rng_double(r) < p;
        return k;
    }
    double mean = (double)n * p;
    double x;
    if (mean < 30)
        x = (double)rng_poisson(r, mean);
    else
        x = floor(mean + sqrt(mean * (1 - p)) * rng_normal(r) + 0.5);
    if (x < 0)
        x = 0;
    if (x > (double)n)
        x = (double)n;
    return (int64_t)x;
}
