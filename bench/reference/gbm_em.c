/*
 * gbm_em.c -- hand-written C reference for the GBM Euler-Maruyama Monte Carlo benchmark.
 *
 * Model (risk-neutral; drift mu = r = 0.05):
 *   dS = mu*S dt + sigma*S dW,  mu = 0.05, sigma = 0.2, S0 = 100, T = 1, 252 steps.
 *   Euler-Maruyama, dt = T/252:  S <- S * (1 + mu*dt + sigma*sqrt(dt)*Z_s)
 *   European call K = 100, price = exp(-r*T) * mean(max(S_T - K, 0)), r = 0.05.
 *   stderr = sample standard deviation of the discounted payoff / sqrt(N).
 *   bs_price = Black-Scholes closed form for the same inputs (about 10.4506).
 *
 * Random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11), written here
 * from the published description, checked against the Random123 known-answer
 * vectors at start-up (program exits with status 5 on mismatch).
 *   key     = (k0, k1) = (seed & 0xffffffff, seed >> 32)
 *   counter = (c0, c1, c2, c3) = (j, path & 0xffffffff, path >> 32, 0)
 *   where j = s / 4 is the block index of time step s (s = 0..251, so j = 0..62).
 *   Block output (r0, r1, r2, r3), u_k = (r_k + 0.5) * 2^-32  (in (0,1), never 0 or 1).
 *   Box-Muller on pairs:
 *     R_a = sqrt(-2 ln u0), th_a = 2*pi*u1:  Z_{4j}   = R_a cos th_a,  Z_{4j+1} = R_a sin th_a
 *     R_b = sqrt(-2 ln u2), th_b = 2*pi*u3:  Z_{4j+2} = R_b cos th_b,  Z_{4j+3} = R_b sin th_b
 *   ln, sin and cos are small branch-free polynomial kernels in this file
 *   (a few ulp, IEEE arithmetic, no -ffast-math) so that gcc vectorises the whole
 *   per-path loop under `omp simd`; they are not bit-identical to libm.
 *
 * Layout / parallelism: the path states live in an SoA array S[N]. Paths are processed
 * in chunks of CHUNK (a power of two); chunks are distributed over threads (OpenMP
 * static). For each block of 4 steps, an `omp simd` loop over the chunk's paths draws
 * one Philox block per path, turns it into 4 normals and applies 4 EM steps
 * (vectorised with AVX-512 under -march=native; the chunk stays in L1).
 * Payoff sums are accumulated per chunk and added in chunk order, so the price is
 * independent of the thread count.
 *
 * Usage: gbm_em [N=1000000] [repeats=5] [seed=12345] [outfile]
 *   Timing: the whole simulation incl. payoff reduction, median over repeats.
 *   outfile (optional): S_T of every path, raw little-endian doubles (N doubles).
 *   Output: one JSON line on stdout.
 *
 * Build: gcc -O3 -march=native -fopenmp -fno-math-errno gbm_em.c -lm
 *   (-fno-math-errno only drops errno updates of sqrt; it does not change results.
 *    No -ffast-math: all arithmetic is IEEE double.)
 */
#define _POSIX_C_SOURCE 200112L   /* posix_memalign */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#ifndef CHUNK
#define CHUNK 256
#endif
#if (CHUNK & (CHUNK - 1)) != 0
#error "CHUNK must be a power of two"
#endif
#if !defined(__NO_MATH_ERRNO__)
#warning "build with -fno-math-errno: with errno-setting sqrt gcc cannot vectorise the path loop (about 10x slower); results are identical"
#endif

#include "gbm_common.h"   /* the problem, Black-Scholes, Philox4x32-10, ln and sin/cos kernels (shared with gbm_em.cu) */

/* ------------------------------------------------------------------ simulation */
static void simulate(long n, uint64_t seed, double *restrict S,
                     double *restrict chunk_sum, double *restrict chunk_sum2)
{
    const double dt = TMAT / NSTEPS;
    const double a = 1.0 + MU * dt;
    const double b = SIGMA * sqrt(dt);
    const double disc = exp(-MU * TMAT);
    const uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    const double INV32 = 1.0 / 4294967296.0;
    const long nchunks = (n + CHUNK - 1) / CHUNK;
    const int nblocks = (NSTEPS + 3) / 4;

    #pragma omp parallel for schedule(static)
    for (long c = 0; c < nchunks; ++c) {
        const long base = c * CHUNK;
        const int len = (int)((n - base < CHUNK) ? (n - base) : CHUNK);
        const uint32_t path_lo0 = (uint32_t)(uint64_t)base, path_hi = (uint32_t)((uint64_t)base >> 32);
        double *restrict s = S + base;      /* this chunk's states (stays in L1/L2) */

        #pragma omp simd
        for (int l = 0; l < len; ++l) s[l] = S0;

        for (int j = 0; j < nblocks; ++j) {
            const int left = NSTEPS - 4 * j;    /* steps still to take, >= 1 */
            #pragma omp simd
            for (int l = 0; l < len; ++l) {
                /* a chunk never straddles a multiple of 2^32 (CHUNK is a power of two) */
                const u32x4 r = philox4x32_10((uint32_t)j, path_lo0 + (uint32_t)l, path_hi,
                                              0u, k0, k1);
                const double u0 = ((double)r.v0 + 0.5) * INV32;
                const double u1 = ((double)r.v1 + 0.5) * INV32;
                const double u2 = ((double)r.v2 + 0.5) * INV32;
                const double u3 = ((double)r.v3 + 0.5) * INV32;
                const double ra = sqrt(-2.0 * log_pos(u0));
                const double rb = sqrt(-2.0 * log_pos(u2));
                const cos_sin pa = sincos_2pi(u1), pb = sincos_2pi(u3);
                const double ca = pa.c, sa = pa.s, cb = pb.c, sb = pb.s;
                double x = s[l];
                const double f1 = a + b * (ra * sa), f2 = a + b * (rb * cb), f3 = a + b * (rb * sb);
                x *= a + b * (ra * ca);
                x *= (left > 1) ? f1 : 1.0;     /* only the last block can be partial */
                x *= (left > 2) ? f2 : 1.0;
                x *= (left > 3) ? f3 : 1.0;
                s[l] = x;
            }
        }

        double sum = 0.0, sum2 = 0.0;
        #pragma omp simd reduction(+ : sum, sum2)
        for (int l = 0; l < len; ++l) {
            const double pay = disc * (s[l] > STRIKE ? s[l] - STRIKE : 0.0);
            sum += pay;
            sum2 += pay * pay;
        }
        chunk_sum[c] = sum;
        chunk_sum2[c] = sum2;
    }
}

static int cmp_double(const void *pa, const void *pb)
{
    const double x = *(const double *)pa, y = *(const double *)pb;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc > 5) {
        fprintf(stderr, "usage: %s [N=1000000] [repeats=5] [seed=12345] [outfile]\n", argv[0]);
        return 1;
    }
    const long n = (argc > 1) ? atol(argv[1]) : 1000000L;
    const int repeats = (argc > 2) ? atoi(argv[2]) : 5;
    const uint64_t seed = (argc > 3) ? strtoull(argv[3], NULL, 0) : 12345ULL;
    const char *outfile = (argc > 4) ? argv[4] : NULL;
    if (n < 2 || repeats <= 0) {
        fprintf(stderr, "N must be >= 2 and repeats positive\n");
        return 1;
    }
    if (!philox_selftest()) {
        fprintf(stderr, "Philox4x32-10 known-answer test FAILED\n");
        return 5;
    }

    const long nchunks = (n + CHUNK - 1) / CHUNK;
    double *S = NULL;
    if (posix_memalign((void **)&S, 64, (size_t)n * sizeof(double)) != 0) {
        fprintf(stderr, "allocation failed\n");
        return 2;
    }
    double *cs = malloc((size_t)nchunks * sizeof(double));
    double *cs2 = malloc((size_t)nchunks * sizeof(double));
    double *times = malloc((size_t)repeats * sizeof(double));
    memset(S, 0, (size_t)n * sizeof(double));   /* touch pages before timing */

    #pragma omp parallel
    { /* start the thread pool outside the timed region */ }

    double price = 0.0, se = 0.0;
    for (int r = 0; r < repeats; ++r) {
        const double t0 = omp_get_wtime();
        simulate(n, seed, S, cs, cs2);
        double sum = 0.0, sum2 = 0.0;
        for (long c = 0; c < nchunks; ++c) { sum += cs[c]; sum2 += cs2[c]; }
        times[r] = omp_get_wtime() - t0;
        price = sum / (double)n;
        const double var = (sum2 - (double)n * price * price) / (double)(n - 1);
        se = sqrt(var > 0.0 ? var : 0.0) / sqrt((double)n);
    }
    double tmin = times[0];
    for (int r = 1; r < repeats; ++r) if (times[r] < tmin) tmin = times[r];
    qsort(times, (size_t)repeats, sizeof(double), cmp_double);
    const double tmed = (repeats % 2) ? times[repeats / 2]
                                      : 0.5 * (times[repeats / 2 - 1] + times[repeats / 2]);
    const double bs = bs_call(S0, STRIKE, MU, SIGMA, TMAT);

    if (outfile) {
        FILE *f = fopen(outfile, "wb");
        if (!f) { perror(outfile); return 3; }
        if (fwrite(S, sizeof(double), (size_t)n, f) != (size_t)n) { perror(outfile); return 3; }
        fclose(f);
    }

    printf("{\"program\":\"gbm_em\",\"n\":%ld,\"steps\":%d,\"seed\":%llu,\"repeats\":%d,\"threads\":%d,"
           "\"seconds_median\":%.9g,\"seconds_min\":%.9g,\"path_steps_per_second\":%.9g,"
           "\"price\":%.10g,\"stderr\":%.6g,\"bs_price\":%.10g,\"z_score\":%.4g}\n",
           n, NSTEPS, (unsigned long long)seed, repeats, omp_get_max_threads(),
           tmed, tmin, (double)n * NSTEPS / tmed, price, se, bs, (price - bs) / se);

    free(S); free(cs); free(cs2); free(times);
    return 0;
}
