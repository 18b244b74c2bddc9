#!/usr/bin/env python3
"""JAX Diffrax reference for bench/GpuBench: the same Lorenz cases, adaptive Tsit5 and Dopri5, on the GPU.

Ensemble: sigma=10, rho=28, beta=8/3; x0_i = 10 + (i % 1000) * 1e-4, y0 = 10, z0 = 25; t in [0, 1].
Sweep: y0 = (1, 1, 1), rho = linspace(0, 50, N), t in [0, 5].
PIDController(rtol=1e-6, atol=1e-8); SaveAt(t1=True); float64. jax.vmap over diffeqsolve,
jit-compiled; the median of >= 5 timed runs after a compile-and-warm-up call. One JSON line per size.

Usage: python3 diffrax_reference.py [members ...] [--reps N] [--cases a,b]   (default 100000 1000000, all cases)
"""
import argparse
import json
import statistics
import time

import jax

jax.config.update("jax_enable_x64", True)
import diffrax  # noqa: E402
import jax.numpy as jnp  # noqa: E402


def lorenz(t, y, args):
    sigma, rho, beta = args
    x, v, z = y[0], y[1], y[2]
    return jnp.stack([sigma * (v - x), x * (rho - z) - v, x * v - beta * z])


def make_solver(solver_name, t1, max_steps):
    term = diffrax.ODETerm(lorenz)
    solver = {"tsit5": diffrax.Tsit5, "dopri5": diffrax.Dopri5}[solver_name]()
    controller = diffrax.PIDController(rtol=1e-6, atol=1e-8)
    saveat = diffrax.SaveAt(t1=True)

    def one(y0, rho):
        args = (10.0, rho, 8.0 / 3.0)
        sol = diffrax.diffeqsolve(term, solver, t0=0.0, t1=t1, dt0=None, y0=y0, args=args,
                                  stepsize_controller=controller, saveat=saveat, max_steps=max_steps,
                                  throw=False)
        return sol.ys[-1], sol.stats["num_steps"], sol.result._value

    return jax.jit(jax.vmap(one))


def initial_states(members):
    i = jnp.arange(members)
    x0 = 10.0 + (i % 1000) * 1e-4
    return jnp.stack([x0, jnp.full(members, 10.0), jnp.full(members, 25.0)], axis=1)


# case -> (solver, t1, y0(members), rho(members)): the ensemble (rho = 28, perturbed x0) and the sweep
# (y0 = (1, 1, 1), rho = linspace(0, 50, N), t in [0, 5]) of bench/GpuBench.
CASES = {
    "tsit5-adaptive": ("tsit5", 1.0, initial_states, lambda n: jnp.full(n, 28.0)),
    "dopri5-adaptive": ("dopri5", 1.0, initial_states, lambda n: jnp.full(n, 28.0)),
    "tsit5-sweep-t5": ("tsit5", 5.0, lambda n: jnp.ones((n, 3)), lambda n: jnp.linspace(0.0, 50.0, n)),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("members", nargs="*", type=float, default=[1e5, 1e6])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--max-steps", type=int, default=100_000)
    ap.add_argument("--cases", default="tsit5-adaptive,dopri5-adaptive,tsit5-sweep-t5")
    a = ap.parse_args()
    reps = max(a.reps, 5)
    device = jax.devices()[0]
    print(json.dumps({"device": str(device), "platform": device.platform, "jax": jax.__version__,
                      "diffrax": getattr(diffrax, "__version__", "unknown")}), flush=True)
    for m, case in [(m, c) for m in a.members for c in a.cases.split(",")]:
        n = int(m)
        solver_name, t1, y0_of, rho_of = CASES[case]
        solve = make_solver(solver_name, t1, a.max_steps)
        y0 = jax.device_put(y0_of(n))
        rho = jax.device_put(rho_of(n))
        t = time.perf_counter()
        ys, steps, res = jax.block_until_ready(solve(y0, rho))
        compile_and_first_s = time.perf_counter() - t
        t = time.perf_counter()
        jax.block_until_ready(solve(y0, rho))
        warmup_s = time.perf_counter() - t
        runs = []
        for _ in range(reps):
            t = time.perf_counter()
            ys, steps, res = jax.block_until_ready(solve(y0, rho))
            runs.append(time.perf_counter() - t)
        median = statistics.median(runs)
        total_steps = int(jnp.sum(steps))
        print(json.dumps({
            "case": "diffrax-" + case, "device": str(device), "members": n,
            "compile_and_first_s": compile_and_first_s, "warmup_s": warmup_s,
            "median_s": median, "runs_s": runs,
            "members_per_s": n / median, "member_steps_per_s": total_steps / median,
            "mean_steps": total_steps / n, "min_steps": int(jnp.min(steps)), "max_steps": int(jnp.max(steps)), "all_successful": bool(jnp.all(res == 0)),
            "member0_final": [float(v) for v in ys[0]],
        }), flush=True)


if __name__ == "__main__":
    main()
