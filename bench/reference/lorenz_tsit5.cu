/*
 * lorenz_tsit5.cu -- hand-written CUDA reference for the GPU adaptive Tsit5 Lorenz ensembles (bench/GpuBench's cases
 * tsit5-adaptive and tsit5-sweep-t5): one thread per member, the state in registers, Tsitouras 5(4) with FSAL, the
 * embedded error estimate and an I controller, the final state and the step count of every member written to device
 * memory (structure of arrays). The algorithm is the library's adaptive solve, so the step counts are the same (see
 * below for the one exception):
 *
 *   error       err = h * sum_j e_j k_j (Tsit5's embedded estimate), scaled per component by
 *               atol + rtol * max(|y0|, |y1|) (y0, y1: the state at the start and the end of the step); the step is
 *               accepted when the mean of the squared scaled errors (the square of Diffrax's RMS norm) is <= 1.
 *   controller  the I controller with PidOptions' defaults (pcoeff = dcoeff = 0, icoeff = 1): the next step is
 *               h * clamp(0.9 * norm^(-1/5), 0.2, 10) after an accepted step and h * clamp(0.9 * norm^(-1/5), 0.2, 1)
 *               after a rejected one (norm^(-1/5) taken as (norm^2)^(-1/10)); a non-finite norm rejects with 0.2.
 *               rtol = 1e-6, atol = 1e-8, no dtmin/dtmax.
 *   first step  Hairer-Wanner's starting step (Hairer, Norsett & Wanner I, II.4) on the RMS norm with scale
 *               atol + rtol*|y0|: d0 = |y0|, d1 = |f0|, h0 = 0.01 d0/d1 (1e-6 if d0 or d1 < 1e-5), one Euler step to
 *               f1, d2 = |f1 - f0|/h0, h1 = (0.01/max(d1, d2))^(1/5) (max(1e-6, 1e-3 h0) if that max <= 1e-15),
 *               h = min(100 h0, h1).
 *   end         a step never passes t1: h is clipped to t1 - t (a remainder within 1e-9 relative of h is taken whole),
 *               the step that reaches t1 lands on it exactly, and the next h comes from the clipped one.
 *   steps       counted as the library counts them: every attempted step, accepted or rejected; at most 100000.
 *
 * Problems: lorenz -- sigma = 10, rho = 28, beta = 8/3, t in [0, 1], x0_i = 10 + (i % 1000) * 1e-4, y0 = 10, z0 = 25
 * (lorenz_rk4's ensemble); sweep -- y0 = (1, 1, 1), rho_i = 50 i / (N - 1) (0 when N = 1), t in [0, 5].
 *
 * The one deliberate difference from the library: the powers (controller and starting step) come from pow (CUDA's math
 * library), the library's from a polynomial approximation (relative error < 2.5e-7), so step sizes differ by up to that
 * much. Host check (-DHOST_CHECK, no FMA) against the library's CPU runner: every member's step count equal at N = 1000
 * (both problems); sweep: 1 member of 1e5 and 2 of 1e6 differ (a step near the accept threshold), none with the
 * library's polynomial in place of pow; member 0's final state within 3e-14 (lorenz) and 1.6e-12 (sweep) relative.
 *
 * Timing: the kernel alone (CUDA events), median of `repeats` launches after one warm-up launch (bench/GpuBench times
 * its kernel the same way). nvcc contracts a*b + c into FMA (its default), as ptxas does for our kernels.
 *
 * Usage: lorenz_tsit5_cuda PROBLEM N repeats   (PROBLEM: lorenz | sweep)      Output: one JSON line on stdout; steps are
 * attempted steps per member, `failed` counts members that did not reach t1 (their steps still count).
 * Build: nvcc -O3 -arch=sm_90 -o lorenz_tsit5_cuda lorenz_tsit5.cu
 * Host check (no GPU): g++ -O2 -x c++ -DHOST_CHECK -o lorenz_tsit5_host lorenz_tsit5.cu runs the same per-member solve
 * in a plain loop and prints the same JSON (timing from the host clock); an optional 4th argument names a text file
 * that gets "i steps x y z" per member.
 */
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <vector>
#ifdef HOST_CHECK
#include <chrono>
#define __global__
#define __device__
#define __host__
#else
#include <cuda_runtime.h>
#define CHECK(call) do { cudaError_t e_ = (call); if (e_ != cudaSuccess) { \
    fprintf(stderr, "%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(e_)); exit(4); } } while (0)
#endif

#define SIGMA 10.0
#define BETA  (8.0 / 3.0)
#define RTOL 1e-6
#define ATOL 1e-8
#define SAFETY 0.9
#define FACTORMIN 0.2
#define FACTORMAX 10.0
#define MAX_STEPS 100000

// Tsitouras (2011) 5(4): a_ij, b_j (= a_7j, FSAL) and the error weights e_j (b_j - bhat_j; e_7 = -1/66).
#define A21 0.161
#define A31 (-0.008480655492356989)
#define A32 0.335480655492357
#define A41 2.8971530571054935
#define A42 (-6.359448489975075)
#define A43 4.3622954328695815
#define A51 5.325864828439257
#define A52 (-11.748883564062828)
#define A53 7.4955393428898365
#define A54 (-0.09249506636175525)
#define A61 5.86145544294642
#define A62 (-12.92096931784711)
#define A63 8.159367898576159
#define A64 (-0.071584973281401)
#define A65 (-0.028269050394068383)
#define B1 0.09646076681806523
#define B2 0.01
#define B3 0.4798896504144996
#define B4 1.379008574103742
#define B5 (-3.290069515436081)
#define B6 2.324710524099774
#define E1 0.0017800110522257773
#define E2 0.0008164344596567463
#define E3 (-0.007880878010261994)
#define E4 0.1447110071732629
#define E5 (-0.5823571654525552)
#define E6 0.45808210592918686
#define E7 (-0.015151515151515152)

// The Lorenz field (autonomous: the stages need no times).
__host__ __device__ static inline void lorenz(double rho, double x, double y, double z, double &dx, double &dy, double &dz)
{
    dx = SIGMA * (y - x);
    dy = x * (rho - z) - y;
    dz = x * y - BETA * z;
}

__host__ __device__ static inline double sq(double v) { return v * v; }
__host__ __device__ static inline bool is_finite(double v) { return v - v == 0.0; }

// Solves one member from (x, y, z) at t0 to t1 in place; returns the attempted steps, negated if the member failed
// (a non-finite error that no smaller step cures, or MAX_STEPS reached before t1).
__host__ __device__ static int tsit5_lorenz(double rho, double t0, double t1, double &x, double &y, double &z)
{
    double fx, fy, fz;
    lorenz(rho, x, y, z, fx, fy, fz);

    // Starting step.
    double h;
    {
        const double sx = ATOL + RTOL * fabs(x), sy = ATOL + RTOL * fabs(y), sz = ATOL + RTOL * fabs(z);
        const double d0 = sqrt((sq(x / sx) + sq(y / sy) + sq(z / sz)) / 3.0);
        const double d1 = sqrt((sq(fx / sx) + sq(fy / sy) + sq(fz / sz)) / 3.0);
        double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
        if (!is_finite(h0)) h0 = 1e-6;
        double gx, gy, gz;
        lorenz(rho, x + h0 * fx, y + h0 * fy, z + h0 * fz, gx, gy, gz);
        const double d2 = sqrt((sq((gx - fx) / sx) + sq((gy - fy) / sy) + sq((gz - fz) / sz)) / 3.0) / h0;
        const double dm = fmax(d1, d2);
        const double h1 = dm <= 1e-15 ? fmax(1e-6, h0 * 1e-3) : pow(0.01 / dm, 1.0 / 5.0);
        h = fmin(100.0 * h0, h1);
        if (!is_finite(h)) h = 1e-6;
    }

    double t = t0;
    int steps = 0;
    while (true) {
        const double remaining = t1 - t;
        double hs = fmin(h, remaining);
        if (h < remaining && remaining <= h * (1.0 + 1e-9)) hs = remaining;
        const bool last = remaining <= hs;

        // Stage k1 is the field at the end of the last accepted step (FSAL).
        const double k1x = fx, k1y = fy, k1z = fz;
        double k2x, k2y, k2z, k3x, k3y, k3z, k4x, k4y, k4z, k5x, k5y, k5z, k6x, k6y, k6z, k7x, k7y, k7z;
        double sx, sy, sz;
        sx = x + hs * (A21 * k1x);
        sy = y + hs * (A21 * k1y);
        sz = z + hs * (A21 * k1z);
        lorenz(rho, sx, sy, sz, k2x, k2y, k2z);
        sx = x + hs * (A31 * k1x + A32 * k2x);
        sy = y + hs * (A31 * k1y + A32 * k2y);
        sz = z + hs * (A31 * k1z + A32 * k2z);
        lorenz(rho, sx, sy, sz, k3x, k3y, k3z);
        sx = x + hs * (A41 * k1x + A42 * k2x + A43 * k3x);
        sy = y + hs * (A41 * k1y + A42 * k2y + A43 * k3y);
        sz = z + hs * (A41 * k1z + A42 * k2z + A43 * k3z);
        lorenz(rho, sx, sy, sz, k4x, k4y, k4z);
        sx = x + hs * (A51 * k1x + A52 * k2x + A53 * k3x + A54 * k4x);
        sy = y + hs * (A51 * k1y + A52 * k2y + A53 * k3y + A54 * k4y);
        sz = z + hs * (A51 * k1z + A52 * k2z + A53 * k3z + A54 * k4z);
        lorenz(rho, sx, sy, sz, k5x, k5y, k5z);
        sx = x + hs * (A61 * k1x + A62 * k2x + A63 * k3x + A64 * k4x + A65 * k5x);
        sy = y + hs * (A61 * k1y + A62 * k2y + A63 * k3y + A64 * k4y + A65 * k5y);
        sz = z + hs * (A61 * k1z + A62 * k2z + A63 * k3z + A64 * k4z + A65 * k5z);
        lorenz(rho, sx, sy, sz, k6x, k6y, k6z);
        const double x1 = x + hs * (B1 * k1x + B2 * k2x + B3 * k3x + B4 * k4x + B5 * k5x + B6 * k6x);
        const double y1 = y + hs * (B1 * k1y + B2 * k2y + B3 * k3y + B4 * k4y + B5 * k5y + B6 * k6y);
        const double z1 = z + hs * (B1 * k1z + B2 * k2z + B3 * k3z + B4 * k4z + B5 * k5z + B6 * k6z);
        lorenz(rho, x1, y1, z1, k7x, k7y, k7z);
        const double ex = hs * (E1 * k1x + E2 * k2x + E3 * k3x + E4 * k4x + E5 * k5x + E6 * k6x + E7 * k7x);
        const double ey = hs * (E1 * k1y + E2 * k2y + E3 * k3y + E4 * k4y + E5 * k5y + E6 * k6y + E7 * k7y);
        const double ez = hs * (E1 * k1z + E2 * k2z + E3 * k3z + E4 * k4z + E5 * k5z + E6 * k6z + E7 * k7z);

        // The square of the RMS norm, and the I controller on it.
        const double msq = (sq(ex / (ATOL + RTOL * fmax(fabs(x), fabs(x1))))
                          + sq(ey / (ATOL + RTOL * fmax(fabs(y), fabs(y1))))
                          + sq(ez / (ATOL + RTOL * fmax(fabs(z), fabs(z1))))) / 3.0;
        const bool accept = msq <= 1.0;
        double factor = FACTORMIN;
        if (is_finite(msq)) factor = fmin(fmax(SAFETY * pow(fmax(msq, 1e-300), -0.1), FACTORMIN), accept ? FACTORMAX : 1.0);
        ++steps;
        if (accept) {
            t = last ? t1 : t + hs;
            x = x1; y = y1; z = z1;
            fx = k7x; fy = k7y; fz = k7z;
            if (last) return steps;
        }
        h = hs * factor;
        if (!is_finite(msq) && t + h == t) return -steps;
        if (steps >= MAX_STEPS) return -steps;
    }
}

// Member i of problem `sweep` (0: lorenz, 1: sweep) of n members: its initial state, rho and span.
__host__ __device__ static void member_start(int sweep, long i, long n, double &x, double &y, double &z, double &rho, double &t1)
{
    if (sweep) {
        x = 1.0; y = 1.0; z = 1.0;
        rho = n == 1 ? 0.0 : 50.0 * (double)i / (double)(n - 1);
        t1 = 5.0;
    } else {
        x = 10.0 + (double)(i % 1000) * 1e-4; y = 10.0; z = 25.0;
        rho = 28.0;
        t1 = 1.0;
    }
}

__global__ void lorenz_tsit5_kernel(int sweep, long n, double *__restrict__ X, double *__restrict__ Y, double *__restrict__ Z,
                                    int *__restrict__ S)
{
#ifdef HOST_CHECK
    for (long i = 0; i < n; ++i) {
#else
    const long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    {
#endif
        double x, y, z, rho, t1;
        member_start(sweep, i, n, x, y, z, rho, t1);
        S[i] = tsit5_lorenz(rho, 0.0, t1, x, y, z);
        X[i] = x;
        Y[i] = y;
        Z[i] = z;
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s lorenz|sweep N repeats\n", argv[0]); return 1; }
    const char *problem = argv[1];
    const int sweep = strcmp(problem, "sweep") == 0;
    if (!sweep && strcmp(problem, "lorenz") != 0) { fprintf(stderr, "PROBLEM must be lorenz or sweep\n"); return 1; }
    const long n = atol(argv[2]);
    const int repeats = atoi(argv[3]);
    if (n < 1 || n > 2000000000L || repeats <= 0) { fprintf(stderr, "N (at most 2e9) and repeats must be positive\n"); return 1; }
    std::vector<double> times;
    std::vector<int> steps((size_t)n);
    double m0[3];
#ifdef HOST_CHECK
    std::vector<double> x((size_t)n), y((size_t)n), z((size_t)n);
    lorenz_tsit5_kernel(sweep, n, x.data(), y.data(), z.data(), steps.data());
    for (int r = 0; r < repeats; ++r) {
        const auto c0 = std::chrono::steady_clock::now();
        lorenz_tsit5_kernel(sweep, n, x.data(), y.data(), z.data(), steps.data());
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count());
    }
    m0[0] = x[0]; m0[1] = y[0]; m0[2] = z[0];
    const char *device = "host (HOST_CHECK)";
    const char *program = "lorenz_tsit5_host";
    if (argc > 4) {
        FILE *f = fopen(argv[4], "w");
        if (!f) { fprintf(stderr, "cannot write %s\n", argv[4]); return 1; }
        for (long i = 0; i < n; ++i) fprintf(f, "%ld %d %.17g %.17g %.17g\n", i, steps[i], x[i], y[i], z[i]);
        fclose(f);
    }
#else
    double *x = nullptr, *y = nullptr, *z = nullptr;
    int *s = nullptr;
    CHECK(cudaMalloc(&x, (size_t)n * sizeof(double)));
    CHECK(cudaMalloc(&y, (size_t)n * sizeof(double)));
    CHECK(cudaMalloc(&z, (size_t)n * sizeof(double)));
    CHECK(cudaMalloc(&s, (size_t)n * sizeof(int)));
    const int threads = 256;
    const unsigned blocks = (unsigned)((n + threads - 1) / threads);
    cudaEvent_t e0, e1;
    CHECK(cudaEventCreate(&e0));
    CHECK(cudaEventCreate(&e1));
    lorenz_tsit5_kernel<<<blocks, threads>>>(sweep, n, x, y, z, s);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    for (int r = 0; r < repeats; ++r) {
        CHECK(cudaEventRecord(e0));
        lorenz_tsit5_kernel<<<blocks, threads>>>(sweep, n, x, y, z, s);
        CHECK(cudaEventRecord(e1));
        CHECK(cudaEventSynchronize(e1));
        CHECK(cudaGetLastError());
        float ms = 0;
        CHECK(cudaEventElapsedTime(&ms, e0, e1));
        times.push_back(ms / 1000.0);
    }
    CHECK(cudaMemcpy(steps.data(), s, (size_t)n * sizeof(int), cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&m0[0], x, sizeof(double), cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&m0[1], y, sizeof(double), cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&m0[2], z, sizeof(double), cudaMemcpyDeviceToHost));
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    const char *device = prop.name;
    const char *program = "lorenz_tsit5_cuda";
    cudaFree(x); cudaFree(y); cudaFree(z); cudaFree(s);
#endif
    // Steps of failed members are stored negated: counted by their magnitude, and as failed.
    long long total = 0, failed = 0;
    int smin = 0, smax = 0;
    for (long i = 0; i < n; ++i) {
        const int v = steps[i] < 0 ? -steps[i] : steps[i];
        if (steps[i] < 0) ++failed;
        total += v;
        if (i == 0 || v < smin) smin = v;
        if (i == 0 || v > smax) smax = v;
    }
    std::sort(times.begin(), times.end());
    const double med = times[times.size() / 2];
    printf("{\"program\":\"%s\",\"device\":\"%s\",\"n\":%ld,\"problem\":\"%s\",\"t_end\":%g,\"rtol\":%g,\"atol\":%g,\"repeats\":%d,"
           "\"kernel_median_s\":%.9g,\"kernel_min_s\":%.9g,\"members_per_second\":%.9g,\"member_steps_per_second\":%.9g,"
           "\"mean_steps\":%.9g,\"min_steps\":%d,\"max_steps\":%d,\"failed\":%lld,\"member0_final\":[%.17g,%.17g,%.17g]}\n",
           program, device, n, problem, sweep ? 5.0 : 1.0, RTOL, ATOL, repeats, med, times[0], n / med, (double)total / med,
           (double)total / n, smin, smax, failed, m0[0], m0[1], m0[2]);
    return 0;
}
