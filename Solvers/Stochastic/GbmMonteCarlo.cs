using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Diffrax.Solvers.Stochastic;

/// <summary>Settings of <see cref="GbmMonteCarlo.PriceCall"/> (defaults: the benchmark of bench/reference/gbm_em.c).</summary>
public sealed record GbmMonteCarloOptions
{
    /// <summary>S₀.</summary>
    public double S0 { get; init; } = 100;
    /// <summary>Drift μ (= the risk-free rate used for discounting).</summary>
    public double Mu { get; init; } = 0.05;
    /// <summary>σ.</summary>
    public double Sigma { get; init; } = 0.2;
    /// <summary>Maturity T.</summary>
    public double T { get; init; } = 1;
    /// <summary>Euler–Maruyama steps.</summary>
    public int Steps { get; init; } = 252;
    /// <summary>Paths.</summary>
    public long Paths { get; init; } = 1_000_000;
    /// <summary>Seed of the Philox stream.</summary>
    public ulong Seed { get; init; } = 12345;
    /// <summary>Call strike K.</summary>
    public double Strike { get; init; } = 100;
}

/// <summary>Price, standard error and the number of paths of a Monte Carlo run.</summary>
/// <param name="Price">e^{−μT}·mean(max(S_T − K, 0)).</param>
/// <param name="StdErr">Sample standard deviation of the discounted payoff / √N.</param>
/// <param name="Paths">Number of paths.</param>
public readonly record struct GbmMonteCarloResult(double Price, double StdErr, long Paths);

/// <summary>
/// The GBM Euler–Maruyama path loop on 8-wide lanes for the benchmark: S ← S·(1 + μh + σ√h·Z) over a constant step,
/// with the normals of the <see cref="FixedStepBrownian{T, TX}"/> stream (the layout of bench/reference/gbm_em.c:
/// Philox4x32-10, key = seed, counter (step/4, path low, path high, 0), 32-bit Box–Muller), Philox computed for
/// 8 paths at once in <see cref="Vector512{T}"/> 64-bit slots. Paths run in chunks of 256; payoff sums are added in
/// chunk order, so the result does not depend on the thread count.
/// </summary>
public static class GbmMonteCarlo
{
    private const int Chunk = 256;

    /// <summary>Prices the European call; optionally stores S_T of every path in <paramref name="finalStates"/>.</summary>
    public static GbmMonteCarloResult PriceCall(GbmMonteCarloOptions o, int threads = 0, double[]? finalStates = null)
    {
        if (o.Paths < 1 || o.Steps < 1) throw new ArgumentException("Paths and steps must be at least 1.", nameof(o));
        if (finalStates is not null && finalStates.LongLength < o.Paths) throw new ArgumentException("finalStates is shorter than the number of paths.", nameof(finalStates));
        long chunks = (o.Paths + Chunk - 1) / Chunk;
        var sums = new double[chunks];
        var squares = new double[chunks];
        var po = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.For(0L, chunks, po, c =>
        {
            double s = 0, q = 0;
            long end = Math.Min(o.Paths, (c + 1) * Chunk);
            for (long p = c * Chunk; p < end; p += 8) RunBlock(o, p, end, finalStates, ref s, ref q);
            sums[c] = s;
            squares[c] = q;
        });
        double sum = 0, sq = 0;
        for (long c = 0; c < chunks; c++) { sum += sums[c]; sq += squares[c]; }
        double disc = Math.Exp(-o.Mu * o.T);
        double mean = sum / o.Paths;
        double var = o.Paths > 1 ? (sq - o.Paths * mean * mean) / (o.Paths - 1) : 0;
        return new GbmMonteCarloResult(disc * mean, disc * Math.Sqrt(Math.Max(var, 0) / o.Paths), o.Paths);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlock(GbmMonteCarloOptions o, long first, long end, double[]? finalStates, ref double sum, ref double squares)
    {
        double dt = o.T / o.Steps;
        Vector512<double> a = Vector512.Create(1.0 + o.Mu * dt);
        Vector512<double> b = Vector512.Create(o.Sigma * Math.Sqrt(dt));
        Vector512<double> s = Vector512.Create(o.S0);
        Vector512<ulong> path = Vector512.Create((ulong)first) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        Vector512<ulong> pathLo = path & Vector512.Create(0xFFFFFFFFUL), pathHi = path >>> 32;
        uint k0 = (uint)o.Seed, k1 = (uint)(o.Seed >> 32);
        for (int j = 0; 4 * j < o.Steps; j++)
        {
            Philox8(Vector512.Create((ulong)(uint)j), pathLo, pathHi, Vector512<ulong>.Zero, k0, k1,
                out Vector512<ulong> r0, out Vector512<ulong> r1, out Vector512<ulong> r2, out Vector512<ulong> r3);
            BoxMuller(r0, r1, out Vector512<double> z0, out Vector512<double> z1);
            BoxMuller(r2, r3, out Vector512<double> z2, out Vector512<double> z3);
            int left = o.Steps - 4 * j;
            s = s * Vector512.FusedMultiplyAdd(b, z0, a);
            if (left > 1) s = s * Vector512.FusedMultiplyAdd(b, z1, a);
            if (left > 2) s = s * Vector512.FusedMultiplyAdd(b, z2, a);
            if (left > 3) s = s * Vector512.FusedMultiplyAdd(b, z3, a);
        }
        for (int l = 0; l < 8 && first + l < end; l++)
        {
            double st = s.GetElement(l);
            if (finalStates is not null) finalStates[first + l] = st;
            double pay = Math.Max(st - o.Strike, 0);
            sum += pay;
            squares += pay * pay;
        }
    }

    /// <summary>Philox4x32-10 of 8 counters at once (each 32-bit word in a 64-bit slot).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Philox8(Vector512<ulong> x0, Vector512<ulong> x1, Vector512<ulong> x2, Vector512<ulong> x3, uint k0, uint k1,
        out Vector512<ulong> r0, out Vector512<ulong> r1, out Vector512<ulong> r2, out Vector512<ulong> r3)
    {
        Vector512<ulong> m0 = Vector512.Create(0xD2511F53UL), m1 = Vector512.Create(0xCD9E8D57UL), lo = Vector512.Create(0xFFFFFFFFUL);
        for (int r = 0; r < 10; r++)
        {
            Vector512<ulong> p0 = m0 * x0, p1 = m1 * x2;
            Vector512<ulong> y0 = (p1 >>> 32) ^ x1 ^ Vector512.Create((ulong)k0);
            Vector512<ulong> y2 = (p0 >>> 32) ^ x3 ^ Vector512.Create((ulong)k1);
            x1 = p1 & lo;
            x3 = p0 & lo;
            x0 = y0;
            x2 = y2;
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        r0 = x0; r1 = x1; r2 = x2; r3 = x3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BoxMuller(Vector512<ulong> ra, Vector512<ulong> rb, out Vector512<double> za, out Vector512<double> zb)
    {
        Vector512<double> half = Vector512.Create(0.5), scale = Vector512.Create(1.0 / 4294967296.0);
        Vector512<double> u0 = (Vector512.ConvertToDouble(ra) + half) * scale;
        Vector512<double> u1 = (Vector512.ConvertToDouble(rb) + half) * scale;
        Vector512<double> radius = Vector512.Sqrt(Vector512.Create(-2.0) * Vector512.Log(u0));
        Vector512<double> angle = Vector512.Create(6.283185307179586476925286766559) * u1;
        za = radius * Vector512.Cos(angle);
        zb = radius * Vector512.Sin(angle);
    }
}
