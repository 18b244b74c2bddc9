/*
 * gbm_em.cu -- hand-written CUDA reference for the GBM Euler-Maruyama Monte Carlo on the GPU: the model, stream
 * and arithmetic of gbm_em.c (same Philox4x32-10 counters, same ln and sin/cos kernels from gbm_common.h, one Philox
 * block per 4 steps), one thread per path, S_T written to device memory.
 *
 * Timing: the kernel alone (CUDA events), median of `repeats` launches after one warm-up launch; the payoff
 * reduction runs on the host afterwards, outside the timing (as bench/GpuBench times only its kernel).
 *
 * Usage: gbm_em_cuda [N=1000000] [repeats=5] [seed=12345]      Output: one JSON line on stdout.
 * Build: nvcc -O3 -arch=sm_90 -o gbm_em_cuda gbm_em.cu
 */
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <vector>
#include <cuda_runtime.h>
#include "gbm_common.h"


#define CHECK(call) do { cudaError_t e_ = (call); if (e_ != cudaSuccess) { \
    fprintf(stderr, "%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(e_)); exit(4); } } while (0)

__global__ void gbm_em_kernel(long n, uint32_t k0, uint32_t k1, double a, double b, double *__restrict__ out)
{
    const long p = (long)blockIdx.x * blockDim.x + threadIdx.x;
    if (p >= n) return;
    const double INV32 = 1.0 / 4294967296.0;
    const uint32_t lo = (uint32_t)(uint64_t)p, hi = (uint32_t)((uint64_t)p >> 32);
    double x = S0;
    for (int j = 0; j < (NSTEPS + 3) / 4; ++j) {
        const int left = NSTEPS - 4 * j;
        const u32x4 r = philox4x32_10((uint32_t)j, lo, hi, 0u, k0, k1);
        const double u0 = ((double)r.v0 + 0.5) * INV32, u1 = ((double)r.v1 + 0.5) * INV32;
        const double u2 = ((double)r.v2 + 0.5) * INV32, u3 = ((double)r.v3 + 0.5) * INV32;
        const double ra = sqrt(-2.0 * log_pos(u0)), rb = sqrt(-2.0 * log_pos(u2));
        const cos_sin pa = sincos_2pi(u1), pb = sincos_2pi(u3);
        x *= a + b * (ra * pa.c);
        if (left > 1) x *= a + b * (ra * pa.s);
        if (left > 2) x *= a + b * (rb * pb.c);
        if (left > 3) x *= a + b * (rb * pb.s);
    }
    out[p] = x;
}

int main(int argc, char **argv)
{
    const long n = argc > 1 ? atol(argv[1]) : 1000000L;
    const int repeats = argc > 2 ? atoi(argv[2]) : 5;
    const uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 12345ULL;
    if (n < 2 || repeats <= 0) { fprintf(stderr, "N must be >= 2 and repeats positive\n"); return 1; }
    if (!philox_selftest()) { fprintf(stderr, "Philox4x32-10 known-answer test FAILED\n"); return 5; }
    const double dt = TMAT / NSTEPS, a = 1.0 + MU * dt, b = SIGMA * sqrt(dt);
    double *d = nullptr;
    CHECK(cudaMalloc(&d, (size_t)n * sizeof(double)));
    const int threads = 256;
    const unsigned blocks = (unsigned)((n + threads - 1) / threads);
    cudaEvent_t e0, e1;
    CHECK(cudaEventCreate(&e0));
    CHECK(cudaEventCreate(&e1));
    gbm_em_kernel<<<blocks, threads>>>(n, (uint32_t)seed, (uint32_t)(seed >> 32), a, b, d);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
        CHECK(cudaEventRecord(e0));
        gbm_em_kernel<<<blocks, threads>>>(n, (uint32_t)seed, (uint32_t)(seed >> 32), a, b, d);
        CHECK(cudaEventRecord(e1));
        CHECK(cudaEventSynchronize(e1));
        float ms = 0;
        CHECK(cudaEventElapsedTime(&ms, e0, e1));
        times.push_back(ms / 1000.0);
    }
    std::vector<double> s((size_t)n);
    CHECK(cudaMemcpy(s.data(), d, (size_t)n * sizeof(double), cudaMemcpyDeviceToHost));
    const double disc = exp(-MU * TMAT);
    double sum = 0, sum2 = 0;
    for (long i = 0; i < n; ++i) { const double pay = disc * (s[i] > STRIKE ? s[i] - STRIKE : 0.0); sum += pay; sum2 += pay * pay; }
    const double price = sum / n, se = sqrt(std::max(0.0, (sum2 - n * price * price) / (n - 1))) / sqrt((double)n);
    std::sort(times.begin(), times.end());
    const double med = times[times.size() / 2];
    const double bs = bs_call(S0, STRIKE, MU, SIGMA, TMAT);
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    printf("{\"program\":\"gbm_em_cuda\",\"device\":\"%s\",\"n\":%ld,\"steps\":%d,\"seed\":%llu,\"repeats\":%d,"
           "\"kernel_median_s\":%.9g,\"kernel_min_s\":%.9g,\"path_steps_per_second\":%.9g,\"paths_per_second\":%.9g,"
           "\"price\":%.10g,\"stderr\":%.6g,\"bs_price\":%.10g,\"z_score\":%.4g,\"s_t_path0\":%.17g}\n",
           prop.name, n, NSTEPS, (unsigned long long)seed, repeats, med, times[0], (double)n * NSTEPS / med, n / med,
           price, se, bs, (price - bs) / se, s[0]);
    cudaFree(d);
    return 0;
}
