/*
 * lorenz_rk4.cu -- hand-written CUDA reference for the GPU Lorenz RK4 ensemble: the problem and arithmetic of
 * lorenz_rk4.c (sigma = 10, rho = 28, beta = 8/3, t in [0, 1], dt = 1e-3, exactly 1000 steps,
 * x0_i = 10 + (i % 1000) * 1e-4, y0 = 10, z0 = 25), one thread per member, the state in registers, the final
 * state written to device memory (structure of arrays).
 *
 * Timing: the kernel alone (CUDA events), median of `repeats` launches after one warm-up launch (bench/GpuBench times
 * its kernel the same way). nvcc contracts a*b + c into FMA (its default), as ptxas does for our kernels.
 *
 * Usage: lorenz_rk4_cuda [N=1000000] [repeats=5]      Output: one JSON line on stdout.
 * Build: nvcc -O3 -arch=sm_90 -o lorenz_rk4_cuda lorenz_rk4.cu
 */
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <vector>
#include <cuda_runtime.h>

#define SIGMA 10.0
#define RHO   28.0
#define BETA  (8.0 / 3.0)
#define NSTEPS 1000
#define DT 1e-3

#define CHECK(call) do { cudaError_t e_ = (call); if (e_ != cudaSuccess) { \
    fprintf(stderr, "%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(e_)); exit(4); } } while (0)

__global__ void lorenz_rk4_kernel(long n, double *__restrict__ X, double *__restrict__ Y, double *__restrict__ Z)
{
    const long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const double h = DT, h2 = 0.5 * DT, h6 = DT / 6.0;
    double x0 = 10.0 + (double)(i % 1000) * 1e-4, y0 = 10.0, z0 = 25.0;
    for (int s = 0; s < NSTEPS; ++s) {
        const double k1x = SIGMA * (y0 - x0), k1y = x0 * (RHO - z0) - y0, k1z = x0 * y0 - BETA * z0;
        const double x1 = x0 + h2 * k1x, y1 = y0 + h2 * k1y, z1 = z0 + h2 * k1z;
        const double k2x = SIGMA * (y1 - x1), k2y = x1 * (RHO - z1) - y1, k2z = x1 * y1 - BETA * z1;
        const double x2 = x0 + h2 * k2x, y2 = y0 + h2 * k2y, z2 = z0 + h2 * k2z;
        const double k3x = SIGMA * (y2 - x2), k3y = x2 * (RHO - z2) - y2, k3z = x2 * y2 - BETA * z2;
        const double x3 = x0 + h * k3x, y3 = y0 + h * k3y, z3 = z0 + h * k3z;
        const double k4x = SIGMA * (y3 - x3), k4y = x3 * (RHO - z3) - y3, k4z = x3 * y3 - BETA * z3;
        x0 = x0 + h6 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
        y0 = y0 + h6 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y);
        z0 = z0 + h6 * (k1z + 2.0 * k2z + 2.0 * k3z + k4z);
    }
    X[i] = x0;
    Y[i] = y0;
    Z[i] = z0;
}

int main(int argc, char **argv)
{
    const long n = argc > 1 ? atol(argv[1]) : 1000000L;
    const int repeats = argc > 2 ? atoi(argv[2]) : 5;
    if (n < 1 || repeats <= 0) { fprintf(stderr, "N and repeats must be positive\n"); return 1; }
    double *x = nullptr, *y = nullptr, *z = nullptr;
    CHECK(cudaMalloc(&x, (size_t)n * sizeof(double)));
    CHECK(cudaMalloc(&y, (size_t)n * sizeof(double)));
    CHECK(cudaMalloc(&z, (size_t)n * sizeof(double)));
    const int threads = 256;
    const unsigned blocks = (unsigned)((n + threads - 1) / threads);
    cudaEvent_t e0, e1;
    CHECK(cudaEventCreate(&e0));
    CHECK(cudaEventCreate(&e1));
    lorenz_rk4_kernel<<<blocks, threads>>>(n, x, y, z);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
        CHECK(cudaEventRecord(e0));
        lorenz_rk4_kernel<<<blocks, threads>>>(n, x, y, z);
        CHECK(cudaEventRecord(e1));
        CHECK(cudaEventSynchronize(e1));
        float ms = 0;
        CHECK(cudaEventElapsedTime(&ms, e0, e1));
        times.push_back(ms / 1000.0);
    }
    double m0[3];
    CHECK(cudaMemcpy(&m0[0], x, sizeof(double), cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&m0[1], y, sizeof(double), cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&m0[2], z, sizeof(double), cudaMemcpyDeviceToHost));
    std::sort(times.begin(), times.end());
    const double med = times[times.size() / 2];
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    printf("{\"program\":\"lorenz_rk4_cuda\",\"device\":\"%s\",\"n\":%ld,\"steps\":%d,\"repeats\":%d,"
           "\"kernel_median_s\":%.9g,\"kernel_min_s\":%.9g,\"member_steps_per_second\":%.9g,\"members_per_second\":%.9g,"
           "\"member0_final\":[%.17g,%.17g,%.17g]}\n",
           prop.name, n, NSTEPS, repeats, med, times[0], (double)n * NSTEPS / med, n / med, m0[0], m0[1], m0[2]);
    cudaFree(x); cudaFree(y); cudaFree(z);
    return 0;
}
