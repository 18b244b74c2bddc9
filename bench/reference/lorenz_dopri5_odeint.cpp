/*
 * lorenz_dopri5_odeint.cpp -- hand-written C++ reference: per-member adaptive
 * Dormand-Prince 5(4) on the Lorenz system with Boost.Odeint, OpenMP over members.
 *
 * System (per member i):
 *   dx/dt = sigma*(y - x),  dy/dt = x*(rho_i - z) - y,  dz/dt = x*y - beta*z
 *   sigma = 10, beta = 8/3.
 *
 * Modes
 *   ensemble : rho_i = 28, t in [0, 1], initial values (identical to lorenz_rk4.c)
 *                x0_i = 10.0 + (double)(i % 1000) * 1e-4,  y0_i = 10.0,  z0_i = 25.0
 *   sweep    : rho_i = 50.0 * i / (N - 1)   (rho_0 = 0 when N == 1),
 *              (x0, y0, z0) = (1, 1, 1), t in [0, 5]
 *
 * Stepper: make_controlled(atol, rtol, runge_kutta_dopri5<std::array<double,3>>()),
 * i.e. Boost's controlled_runge_kutta with its default_error_checker
 * (a_x = 1, a_dxdt = 1) and default_step_adjuster (no max dt). Boost's error
 * norm is the max over components of
 *     |err_k| / (atol + rtol * (|x_k(old)| + dt * |dxdt_k(old)|))
 * A step is rejected when that norm > 1 (dt *= max(0.9*err^(-1/3), 0.2));
 * after an accepted step with err < 0.5, dt *= 0.9*max(err, 5^-5)^(-1/5).
 * Initial dt = 1e-3. The driver loop mirrors boost::numeric::odeint::integrate_adaptive:
 *     while (t_end - t > DBL_EPSILON) {
 *         if ((t + dt) - t_end > DBL_EPSILON) dt = t_end - t;
 *         repeat try_step until it succeeds (count rejections)
 *     }
 * A fresh controlled stepper is built per member (FSAL state is not shared).
 *
 * Usage: lorenz_dopri5_odeint mode N rtol atol repeats [outfile]
 *   mode = ensemble | sweep; rtol/atol default in docs: 1e-6 / 1e-8.
 *   Timed region: the whole ensemble integration (initial values are set inside
 *   the per-member loop; they are a few stores). Median over `repeats` runs.
 *   Output: one JSON line on stdout.
 *   outfile (optional): final states as raw little-endian doubles
 *   x_0, y_0, z_0, x_1, ... (3N doubles).
 */
#include <array>
#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <omp.h>
#include <boost/numeric/odeint.hpp>

namespace odeint = boost::numeric::odeint;
typedef std::array<double, 3> state_t;

static const double SIGMA = 10.0;
static const double BETA = 8.0 / 3.0;
static const double DT0 = 1e-3;
static const int MAX_REJECTS_IN_A_ROW = 500;   // same limit integrate_adaptive uses

struct Lorenz {
    double rho;
    void operator()(const state_t &s, state_t &d, double /*t*/) const {
        d[0] = SIGMA * (s[1] - s[0]);
        d[1] = s[0] * (rho - s[2]) - s[1];
        d[2] = s[0] * s[1] - BETA * s[2];
    }
};

struct Totals { long long accepted = 0, rejected = 0; };

static Totals run_once(bool sweep, long n, double rtol, double atol, double *out)
{
    const double t_end = sweep ? 5.0 : 1.0;
    long long acc = 0, rej = 0;
    bool failed = false;

    #pragma omp parallel for schedule(dynamic, 64) reduction(+ : acc, rej) reduction(|| : failed)
    for (long i = 0; i < n; ++i) {
        Lorenz sys;
        state_t s;
        if (sweep) {
            sys.rho = (n > 1) ? 50.0 * (double)i / (double)(n - 1) : 0.0;
            s = {1.0, 1.0, 1.0};
        } else {
            sys.rho = 28.0;
            s = {10.0 + (double)(i % 1000) * 1e-4, 10.0, 25.0};
        }
        auto stepper = odeint::make_controlled(atol, rtol, odeint::runge_kutta_dopri5<state_t>());
        double t = 0.0, dt = DT0;
        while (t_end - t > DBL_EPSILON) {
            if ((t + dt) - t_end > DBL_EPSILON) dt = t_end - t;
            int rejects_in_a_row = 0;
            for (;;) {
                if (stepper.try_step(sys, s, t, dt) == odeint::success) { ++acc; break; }
                ++rej;
                if (++rejects_in_a_row >= MAX_REJECTS_IN_A_ROW) { failed = true; break; }
            }
            if (rejects_in_a_row >= MAX_REJECTS_IN_A_ROW) break;
        }
        out[3 * i] = s[0]; out[3 * i + 1] = s[1]; out[3 * i + 2] = s[2];
    }
    if (failed) {
        std::fprintf(stderr, "step size control failed (%d rejections in a row)\n", MAX_REJECTS_IN_A_ROW);
        std::exit(4);
    }
    Totals tot; tot.accepted = acc; tot.rejected = rej;
    return tot;
}

int main(int argc, char **argv)
{
    if (argc < 6 || argc > 7) {
        std::fprintf(stderr, "usage: %s ensemble|sweep N rtol atol repeats [outfile]\n", argv[0]);
        return 1;
    }
    const std::string mode = argv[1];
    if (mode != "ensemble" && mode != "sweep") {
        std::fprintf(stderr, "mode must be 'ensemble' or 'sweep'\n");
        return 1;
    }
    const bool sweep = (mode == "sweep");
    const long n = std::atol(argv[2]);
    const double rtol = std::atof(argv[3]);
    const double atol = std::atof(argv[4]);
    const int repeats = std::atoi(argv[5]);
    const char *outfile = (argc == 7) ? argv[6] : nullptr;
    if (n <= 0 || repeats <= 0 || !(rtol >= 0) || !(atol >= 0) || (rtol == 0 && atol == 0)) {
        std::fprintf(stderr, "bad arguments\n");
        return 1;
    }

    std::vector<double> out((size_t)n * 3);
    std::vector<double> times((size_t)repeats);
    #pragma omp parallel
    { /* start the OpenMP thread pool outside the timed region */ }

    Totals tot;
    for (int r = 0; r < repeats; ++r) {
        const double t0 = omp_get_wtime();
        tot = run_once(sweep, n, rtol, atol, out.data());
        times[(size_t)r] = omp_get_wtime() - t0;
    }
    const double tmin = *std::min_element(times.begin(), times.end());
    std::sort(times.begin(), times.end());
    const double tmed = (repeats % 2) ? times[(size_t)repeats / 2]
                                      : 0.5 * (times[(size_t)repeats / 2 - 1] + times[(size_t)repeats / 2]);

    if (outfile) {
        FILE *f = std::fopen(outfile, "wb");
        if (!f) { std::perror(outfile); return 3; }
        if (std::fwrite(out.data(), sizeof(double), out.size(), f) != out.size()) { std::perror(outfile); return 3; }
        std::fclose(f);
    }

    // Dopri5 is FSAL: 1 initial RHS evaluation per member + 6 per attempted step.
    const long long rhs_evals = (long long)n + 6LL * (tot.accepted + tot.rejected);
    std::printf("{\"program\":\"odeint_dopri5\",\"mode\":\"%s\",\"n\":%ld,\"t_end\":%g,"
                "\"rtol\":%.3g,\"atol\":%.3g,\"repeats\":%d,\"threads\":%d,"
                "\"seconds_median\":%.9g,\"seconds_min\":%.9g,"
                "\"accepted_steps\":%lld,\"rejected_steps\":%lld,\"member_steps\":%lld,"
                "\"rhs_evals\":%lld,\"members_per_second\":%.9g,\"member_steps_per_second\":%.9g,"
                "\"x0_final\":%.17g,\"y0_final\":%.17g,\"z0_final\":%.17g}\n",
                mode.c_str(), n, sweep ? 5.0 : 1.0, rtol, atol, repeats, omp_get_max_threads(),
                tmed, tmin, tot.accepted, tot.rejected, tot.accepted, rhs_evals,
                (double)n / tmed, (double)tot.accepted / tmed, out[0], out[1], out[2]);
    return 0;
}
