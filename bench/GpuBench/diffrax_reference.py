#!/usr/bin/env python3
"""JAX Diffrax reference for bench/GpuBench: the same Lorenz ensemble, adaptive Tsit5, on the GPU.

sigma=10, rho=28, beta=8/3; x0_i = 10 + (i % 1000) * 1e-4, y0 = 10, z0 = 25; t in [0, 1];
PIDController(rtol=1e-6, atol=1e-8); SaveAt(t1=True); float64. jax.vmap over diffeqsolve,
jit-compiled; the median of >= 5 timed runs after a compile-and-warm-up call. One JSON line per size.

Usage: python3 diffrax_reference.py [members ...] [--reps N]   (default 100000 1000000)
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


def make_solver(max_steps):
    term = diffrax.ODETerm(lorenz)
    solver = diffrax.Tsit5()
    controller = diffrax.PIDController(rtol=1e-6, atol=1e-8)
    saveat = diffrax.SaveAt(t1=True)
    args = (10.0, 28.0, 8.0 / 3.0)

    def one(y0):
        sol = diffrax.diffeqsolve(term, solver, t0=0.0, t1=1.0, dt0=None, y0=y0, args=args,
                                  stepsize_controller=controller, saveat=saveat, max_steps=max_steps,
                                  throw=False)
        return sol.ys[-1], sol.stats["num_steps"], sol.result._value

    return jax.jit(jax.vmap(one))


def initial_states(members):
    i = jnp.arange(members)
    x0 = 10.0 + (i % 1000) * 1e-4
    return jnp.stack([x0, jnp.full(members, 10.0), jnp.full(members, 25.0)], axis=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("members", nargs="*", type=float, default=[1e5, 1e6])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--max-steps", type=int, default=100_000)
    a = ap.parse_args()
    reps = max(a.reps, 5)
    solve = make_solver(a.max_steps)
    device = jax.devices()[0]
    print(json.dumps({"device": str(device), "platform": device.platform, "jax": jax.__version__,
                      "diffrax": getattr(diffrax, "__version__", "unknown")}), flush=True)
    for m in a.members:
        n = int(m)
        y0 = jax.device_put(initial_states(n))
        t = time.perf_counter()
        ys, steps, res = jax.block_until_ready(solve(y0))
        compile_and_first_s = time.perf_counter() - t
        t = time.perf_counter()
        jax.block_until_ready(solve(y0))
        warmup_s = time.perf_counter() - t
        runs = []
        for _ in range(reps):
            t = time.perf_counter()
            ys, steps, res = jax.block_until_ready(solve(y0))
            runs.append(time.perf_counter() - t)
        median = statistics.median(runs)
        total_steps = int(jnp.sum(steps))
        print(json.dumps({
            "case": "diffrax-tsit5-adaptive", "device": str(device), "members": n,
            "compile_and_first_s": compile_and_first_s, "warmup_s": warmup_s,
            "median_s": median, "runs_s": runs,
            "members_per_s": n / median, "member_steps_per_s": total_steps / median,
            "mean_steps": total_steps / n, "all_successful": bool(jnp.all(res == 0)),
            "member0_final": [float(v) for v in ys[0]],
        }), flush=True)


if __name__ == "__main__":
    main()
