/*
 * lorenz_rk4.c -- hand-written C reference for the Lorenz-ensemble RK4 benchmark.
 *
 * Problem
 *   dx/dt = sigma*(y - x)
 *   dy/dt = x*(rho - z) - y
 *   dz/dt = x*y - beta*z          sigma = 10, rho = 28, beta = 8/3
 *   t in [0, 1], classic fixed-step RK4, dt = 1e-3, exactly 1000 steps.
 *
 * Initial values (member i = 0 .. N-1), computed in double exactly as written:
 *   x0_i = 10.0 + (double)(i % 1000) * 1e-4
 *   y0_i = 10.0
 *   z0_i = 25.0
 *
 * One RK4 step with h = 1e-3 (X = (x,y,z), f as above):
 *   k1 = f(X)
 *   k2 = f(X + (h/2)*k1)
 *   k3 = f(X + (h/2)*k2)
 *   k4 = f(X + h*k3)
 *   X  = X + (h/6)*(k1 + 2*k2 + 2*k3 + k4)
 * (gcc may contract a*b+c into FMA under -march=native; results can therefore
 *  differ from a non-contracting implementation in the last bits.)
 *
 * Layout: structure of arrays, x[N], y[N], z[N] (64-byte aligned).
 * Parallelism: OpenMP over chunks of CHUNK members; inside a chunk the member
 * loop is an `omp simd` loop so gcc vectorises it (AVX-512 with -march=native).
 * The chunk (3*CHUNK doubles) stays in L1 for all 1000 steps.
 *
 * Usage: lorenz_rk4 N repeats [outfile]
 *   Timing covers only the integration (initialisation is redone, untimed,
 *   before every repeat); the median over `repeats` runs is reported.
 *   Output: one JSON line on stdout.
 *   outfile (optional): final states as raw little-endian doubles
 *   x_0, y_0, z_0, x_1, y_1, z_1, ... (3N doubles).
 */
#define _POSIX_C_SOURCE 200112L   /* posix_memalign */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#define SIGMA 10.0
#define RHO   28.0
#define BETA  (8.0 / 3.0)
#define NSTEPS 1000
#define DT 1e-3
#ifndef CHUNK
#define CHUNK 256
#endif

static void init_state(double *restrict x, double *restrict y, double *restrict z, long n)
{
    #pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) {
        x[i] = 10.0 + (double)(i % 1000) * 1e-4;
        y[i] = 10.0;
        z[i] = 25.0;
    }
}

static void integrate(double *restrict X, double *restrict Y, double *restrict Z, long n)
{
    const double h = DT, h2 = 0.5 * DT, h6 = DT / 6.0;
    const long nchunks = (n + CHUNK - 1) / CHUNK;

    #pragma omp parallel for schedule(static)
    for (long c = 0; c < nchunks; ++c) {
        const long base = c * CHUNK;
        const long len = (n - base < CHUNK) ? (n - base) : CHUNK;
        double *restrict x = X + base;
        double *restrict y = Y + base;
        double *restrict z = Z + base;

        for (int s = 0; s < NSTEPS; ++s) {
            #pragma omp simd aligned(x, y, z : 64)
            for (long i = 0; i < len; ++i) {
                const double x0 = x[i], y0 = y[i], z0 = z[i];

                const double k1x = SIGMA * (y0 - x0);
                const double k1y = x0 * (RHO - z0) - y0;
                const double k1z = x0 * y0 - BETA * z0;

                const double x1 = x0 + h2 * k1x, y1 = y0 + h2 * k1y, z1 = z0 + h2 * k1z;
                const double k2x = SIGMA * (y1 - x1);
                const double k2y = x1 * (RHO - z1) - y1;
                const double k2z = x1 * y1 - BETA * z1;

                const double x2 = x0 + h2 * k2x, y2 = y0 + h2 * k2y, z2 = z0 + h2 * k2z;
                const double k3x = SIGMA * (y2 - x2);
                const double k3y = x2 * (RHO - z2) - y2;
                const double k3z = x2 * y2 - BETA * z2;

                const double x3 = x0 + h * k3x, y3 = y0 + h * k3y, z3 = z0 + h * k3z;
                const double k4x = SIGMA * (y3 - x3);
                const double k4y = x3 * (RHO - z3) - y3;
                const double k4z = x3 * y3 - BETA * z3;

                x[i] = x0 + h6 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
                y[i] = y0 + h6 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y);
                z[i] = z0 + h6 * (k1z + 2.0 * k2z + 2.0 * k3z + k4z);
            }
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return (n % 2) ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void *xalloc(size_t bytes)
{
    void *p = NULL;
    size_t rounded = (bytes + 63) / 64 * 64;
    if (rounded == 0) rounded = 64;
    if (posix_memalign(&p, 64, rounded) != 0) {
        fprintf(stderr, "allocation of %zu bytes failed\n", bytes);
        exit(2);
    }
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s N repeats [outfile]\n", argv[0]);
        return 1;
    }
    const long n = atol(argv[1]);
    const int repeats = atoi(argv[2]);
    const char *outfile = (argc == 4) ? argv[3] : NULL;
    if (n <= 0 || repeats <= 0) {
        fprintf(stderr, "N and repeats must be positive\n");
        return 1;
    }

    double *x = xalloc((size_t)n * sizeof(double));
    double *y = xalloc((size_t)n * sizeof(double));
    double *z = xalloc((size_t)n * sizeof(double));
    double *times = malloc((size_t)repeats * sizeof(double));

    for (int r = 0; r < repeats; ++r) {
        init_state(x, y, z, n);               /* untimed */
        const double t0 = omp_get_wtime();
        integrate(x, y, z, n);
        times[r] = omp_get_wtime() - t0;
    }
    double tmin = times[0];
    for (int r = 1; r < repeats; ++r) if (times[r] < tmin) tmin = times[r];
    const double tmed = median(times, repeats);

    if (outfile) {
        FILE *f = fopen(outfile, "wb");
        if (!f) { perror(outfile); return 3; }
        double buf[3 * 1024];
        for (long i = 0; i < n; i += 1024) {
            const long m = (n - i < 1024) ? (n - i) : 1024;
            for (long k = 0; k < m; ++k) {
                buf[3 * k] = x[i + k]; buf[3 * k + 1] = y[i + k]; buf[3 * k + 2] = z[i + k];
            }
            if (fwrite(buf, sizeof(double), (size_t)(3 * m), f) != (size_t)(3 * m)) {
                perror(outfile); return 3;
            }
        }
        fclose(f);
    }

    printf("{\"program\":\"lorenz_rk4\",\"n\":%ld,\"steps\":%d,\"dt\":%.17g,\"repeats\":%d,"
           "\"threads\":%d,\"seconds_median\":%.9g,\"seconds_min\":%.9g,"
           "\"member_steps_per_second\":%.9g,"
           "\"x0_final\":%.17g,\"y0_final\":%.17g,\"z0_final\":%.17g}\n",
           n, NSTEPS, DT, repeats, omp_get_max_threads(), tmed, tmin,
           (double)n * NSTEPS / tmed, x[0], y[0], z[0]);

    free(x); free(y); free(z); free(times);
    return 0;
}
