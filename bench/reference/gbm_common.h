/*
 * gbm_common.h -- what the GBM references (gbm_em.c on the CPU, gbm_em.cu on the GPU) share: the problem
 * (mu, sigma, S0, strike, maturity, steps) and its Black-Scholes price, Philox4x32-10 with its known-answer test,
 * and the branch-free ln and sin/cos(2*pi*u) kernels of the Box-Muller transform. One copy, compiled by gcc for the CPU and by nvcc (GBM_HD = __host__ __device__)
 * for the GPU. See gbm_em.c for the stream's layout.
 */
#ifndef GBM_COMMON_H
#define GBM_COMMON_H
#include <math.h>
#include <stdint.h>
#include <string.h>

#define MU     0.05
#define SIGMA  0.2
#define S0     100.0
#define STRIKE 100.0
#define TMAT   1.0
#ifndef NSTEPS
#define NSTEPS 252
#endif

#ifdef __CUDACC__
#define GBM_HD __host__ __device__
#else
#define GBM_HD
#endif

/* ------------------------------------------------------------------ Philox4x32-10 */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u   /* golden ratio */
#define PHILOX_W1 0xBB67AE85u   /* sqrt(3) - 1  */

typedef struct { uint32_t v0, v1, v2, v3; } u32x4;

GBM_HD static inline u32x4 philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                                  uint32_t k0, uint32_t k1)
{
#ifdef __CUDACC__
    #pragma unroll
#else
    #pragma GCC unroll 10
#endif
    for (int round = 0; round < 10; ++round) {
        const uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
        const uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
        const uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        const uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        const uint32_t n0 = hi1 ^ c1 ^ k0;
        const uint32_t n2 = hi0 ^ c3 ^ k1;
        c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
        k0 += PHILOX_W0; k1 += PHILOX_W1;   /* bump after the last round is unused */
    }
    const u32x4 out = {c0, c1, c2, c3};
    return out;
}

static int philox_selftest(void)
{
    /* Random123 tests/kat_vectors, "philox4x32 10": ctr[4] key[2] -> out[4] */
    static const uint32_t kat[3][10] = {
        {0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u,
         0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u},
        {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
         0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu},
        {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u,
         0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u},
    };
    for (int t = 0; t < 3; ++t) {
        const u32x4 o = philox4x32_10(kat[t][0], kat[t][1], kat[t][2], kat[t][3], kat[t][4], kat[t][5]);
        if (o.v0 != kat[t][6] || o.v1 != kat[t][7] || o.v2 != kat[t][8] || o.v3 != kat[t][9]) return 0;
    }
    return 1;
}

/* ------------------------------------------------ branch-free elementary functions */
GBM_HD static inline double u64_as_double(uint64_t b) { double d; memcpy(&d, &b, sizeof d); return d; }
GBM_HD static inline uint64_t double_as_u64(double d) { uint64_t b; memcpy(&b, &d, sizeof b); return b; }

/* Natural log for positive normal x (here x in [2^-33, 1)).
 * x = 2^e * m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(f), f = (m-1)/(m+1),
 * |f| <= 0.1716, atanh series truncated after f^23 (truncation < 1e-20 relative). */
GBM_HD static inline double log_pos(double x)
{
    const uint64_t b = double_as_u64(x);
    double e = (double)(int64_t)(b >> 52) - 1023.0;
    double m = u64_as_double((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    const int big = m > 1.4142135623730951;
    m = big ? 0.5 * m : m;
    e = big ? e + 1.0 : e;
    const double f = (m - 1.0) / (m + 1.0);
    const double f2 = f * f;
    double p = 1.0 / 23.0;
    p = p * f2 + 1.0 / 21.0;
    p = p * f2 + 1.0 / 19.0;
    p = p * f2 + 1.0 / 17.0;
    p = p * f2 + 1.0 / 15.0;
    p = p * f2 + 1.0 / 13.0;
    p = p * f2 + 1.0 / 11.0;
    p = p * f2 + 1.0 / 9.0;
    p = p * f2 + 1.0 / 7.0;
    p = p * f2 + 1.0 / 5.0;
    p = p * f2 + 1.0 / 3.0;
    const double lnm = 2.0 * f + 2.0 * f * f2 * p;
    /* ln 2 split so that e*LN2_HI is exact for |e| < 2^11 */
    const double LN2_HI = 6.93147180369123816490e-01;
    const double LN2_LO = 1.90821492927058770002e-10;
    return e * LN2_HI + (e * LN2_LO + lnm);
}

/* cos(2*pi*u) and sin(2*pi*u) for u in [0, 1].
 * q = round(4u), r = u - q/4 in [-1/8, 1/8] (exact), t = 2*pi*r in [-pi/4, pi/4];
 * Taylor polynomials to t^17 (sin) and t^16 (cos), then quadrant rotation by q. */
typedef struct { double c, s; } cos_sin;

GBM_HD static inline cos_sin sincos_2pi(double u)
{
    const int qi = (int)(4.0 * u + 0.5);          /* = round(4u); argument >= 0 */
    const double q = (double)qi;
    const double r = u - 0.25 * q;
    const double TWO_PI_HI = 6.28318530717958623200e+00;
    const double TWO_PI_LO = 2.44929359829470635445e-16;
    const double t = r * TWO_PI_HI + r * TWO_PI_LO;
    const double t2 = t * t;

    double ps = 1.0 / 355687428096000.0;          /* 1/17! */
    ps = ps * t2 - 1.0 / 1307674368000.0;         /* 1/15! */
    ps = ps * t2 + 1.0 / 6227020800.0;            /* 1/13! */
    ps = ps * t2 - 1.0 / 39916800.0;              /* 1/11! */
    ps = ps * t2 + 1.0 / 362880.0;                /* 1/9!  */
    ps = ps * t2 - 1.0 / 5040.0;                  /* 1/7!  */
    ps = ps * t2 + 1.0 / 120.0;                   /* 1/5!  */
    ps = ps * t2 - 1.0 / 6.0;                     /* 1/3!  */
    const double s = t + t * t2 * ps;

    double pc = 1.0 / 20922789888000.0;           /* 1/16! */
    pc = pc * t2 - 1.0 / 87178291200.0;           /* 1/14! */
    pc = pc * t2 + 1.0 / 479001600.0;             /* 1/12! */
    pc = pc * t2 - 1.0 / 3628800.0;               /* 1/10! */
    pc = pc * t2 + 1.0 / 40320.0;                 /* 1/8!  */
    pc = pc * t2 - 1.0 / 720.0;                   /* 1/6!  */
    pc = pc * t2 + 1.0 / 24.0;                    /* 1/4!  */
    pc = pc * t2 - 0.5;                           /* 1/2!  */
    const double c = 1.0 + t2 * pc;

    /* angle = q*pi/2 + t:  q mod 4 = 0: ( c, s)  1: (-s, c)  2: (-c,-s)  3: ( s,-c) */
    const int k = qi & 3;
    const double cc = (k & 1) ? s : c;
    const double ss = (k & 1) ? c : s;
    cos_sin out;
    out.c = (k == 1 || k == 2) ? -cc : cc;
    out.s = (k >= 2) ? -ss : ss;
    return out;
}

/* Black-Scholes price of the European call (host only). */
static double bs_call(double s0, double k, double r, double sigma, double t)
{
    const double sq = sigma * sqrt(t);
    const double d1 = (log(s0 / k) + (r + 0.5 * sigma * sigma) * t) / sq;
    const double d2 = d1 - sq;
    const double N1 = 0.5 * erfc(-d1 / sqrt(2.0));
    const double N2 = 0.5 * erfc(-d2 / sqrt(2.0));
    return s0 * N1 - k * exp(-r * t) * N2;
}

#endif /* GBM_COMMON_H */
