using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
using Xunit;

namespace Diffrax.Solvers.Tests;

/// <summary>Additive noise g(t) = σ(1 + t): linear in t, so the SRK time-variation term is exact.</summary>
public struct LinearInTimeDiffusion : IDiffusion<F64, Vec1<F64>, Vec1<F64>, Vec1<F64>>
{
    public static NoiseKind Noise => NoiseKind.Scalar | NoiseKind.Additive | NoiseKind.Differentiable;
    public readonly Vec1<F64> Vf(F64 t, in Vec1<F64> y) => new(new F64(0.6) * (F64.One + t));
    public readonly Vec1<F64> Prod(in Vec1<F64> g, in Vec1<F64> dx) => new(g.X * dx.X);
    public readonly Vec1<F64> DerivativeProduct(F64 t, in Vec1<F64> y) => default;
}

/// <summary>Nonlinear drift sin(y) − y/2 + cos(t).</summary>
public struct NonlinearDrift : Terms.IVectorField<F64, Vec1<F64>>
{
    public readonly Vec1<F64> Vf(F64 t, in Vec1<F64> y) => new(F64.Sin(y.X) - new F64(0.5) * y.X + F64.Cos(t));
}

public class SdeTests
{
    private const int Paths = 128;
    private const ulong Seed = 2024;

    private static Solution<Vec1<F64>> Solve<TM, TDrift, TDiff>(TDrift f, TDiff g, long member, double dt, double tol, double y0, StepSize? step = null)
        where TM : struct, ISdeMethod where TDrift : struct, Terms.IVectorField<F64, Vec1<F64>> where TDiff : struct, IDiffusion<F64, Vec1<F64>, Vec1<F64>, Vec1<F64>>
        => Sde.Solve<TM, TDrift, TDiff, VirtualBrownianTree<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
            f, g, new VirtualBrownianTree<F64, Vec1<F64>>(Seed, 0, 1, tol, new F64(member)), 0, 1, dt, new Vec1<F64>(y0), step, null, 1 << 20);

    /// <summary>Mean |y_h(1) − y_ref(1)| over the paths for h = 2^-k, against the same solver at 2^-kRef on the same tree; returns the log-log slope.</summary>
    private static double StrongSlope<TM, TDrift, TDiff>(TDrift f, TDiff g, double y0, int kMin, int kMax, int kRef)
        where TM : struct, ISdeMethod where TDrift : struct, Terms.IVectorField<F64, Vec1<F64>> where TDiff : struct, IDiffusion<F64, Vec1<F64>, Vec1<F64>, Vec1<F64>>
    {
        double tol = Math.Pow(2, -kRef);
        var errs = new double[kMax - kMin + 1];
        for (int m = 0; m < Paths; m++)
        {
            double yRef = Solve<TM, TDrift, TDiff>(f, g, m, Math.Pow(2, -kRef), tol, y0).YFinal.X.V;
            for (int k = kMin; k <= kMax; k++)
                errs[k - kMin] += Math.Abs(Solve<TM, TDrift, TDiff>(f, g, m, Math.Pow(2, -k), tol, y0).YFinal.X.V - yRef) / Paths;
        }
        var xs = Enumerable.Range(kMin, errs.Length).Select(k => -k * Math.Log(2)).ToArray();
        var ys = errs.Select(e => Math.Log(e)).ToArray();
        double mx = xs.Average(), my = ys.Average();
        return xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my)) / xs.Sum(x => (x - mx) * (x - mx));
    }

    private static readonly GbmDrift<F64> GbmF = new() { Mu = new F64(0.8) };
    private static readonly GbmDiffusion<F64> GbmG = new() { Sigma = new F64(0.6) };

    [Fact]
    public void EulerMaruyama_OnGbm_HasStrongOrderOneHalf()
    {
        double slope = StrongSlope<EulerMaruyama, GbmDrift<F64>, GbmDiffusion<F64>>(GbmF, GbmG, 1.0, 3, 7, 12);
        Assert.Equal(0.5, SdeStepper<EulerMaruyama, GbmDrift<F64>, GbmDiffusion<F64>, VirtualBrownianTree<F64, Vec1<F64>>, F64, Vec1<F64>, Vec1<F64>, Vec1<F64>>.Order);
        Assert.InRange(slope, 0.35, 0.7);
    }

    [Fact]
    public void ItoMilstein_OnGbm_HasStrongOrderOne()
        => Assert.InRange(StrongSlope<ItoMilstein, GbmDrift<F64>, GbmDiffusion<F64>>(GbmF, GbmG, 1.0, 3, 7, 11), 0.85, 1.2);

    [Fact]
    public void StratonovichMilstein_OnGbm_HasStrongOrderOne()
        => Assert.InRange(StrongSlope<StratonovichMilstein, GbmDrift<F64>, GbmDiffusion<F64>>(GbmF, GbmG, 1.0, 3, 7, 11), 0.85, 1.2);

    [Fact]
    public void StratonovichHeun_OnScalarNoise_HasStrongOrderOne()
        => Assert.InRange(StrongSlope<StratonovichHeun, GbmDrift<F64>, GbmDiffusion<F64>>(GbmF, GbmG, 1.0, 3, 7, 11), 0.85, 1.2);

    [Fact]
    public void EulerHeun_OnScalarNoise_HasStrongOrderOne()
        => Assert.InRange(StrongSlope<EulerHeun, GbmDrift<F64>, GbmDiffusion<F64>>(GbmF, GbmG, 1.0, 3, 7, 11), 0.85, 1.2);

    [Fact]
    public void ReversibleHeun_OnScalarNoise_HasStrongOrderOne()
        => Assert.InRange(StrongSlope<ReversibleHeun, GbmDrift<F64>, GbmDiffusion<F64>>(GbmF, GbmG, 1.0, 3, 7, 11), 0.85, 1.2);

    [Fact]
    public void Sea_OnAdditiveNoise_HasStrongOrderOne()
        => Assert.InRange(StrongSlope<Sea, NonlinearDrift, LinearInTimeDiffusion>(default, default, 0.5, 2, 6, 11), 0.85, 1.3);

    [Fact]
    public void ShArk_OnAdditiveNoise_HasStrongOrderThreeHalves()
        => Assert.InRange(StrongSlope<ShArk, NonlinearDrift, LinearInTimeDiffusion>(default, default, 0.5, 2, 6, 10), 1.3, 1.8);

    [Fact]
    public void Sra1_OnAdditiveNoise_HasStrongOrderThreeHalves()
        => Assert.InRange(StrongSlope<Sra1, NonlinearDrift, LinearInTimeDiffusion>(default, default, 0.5, 2, 6, 10), 1.3, 1.8);

    [Fact]
    public void EulerMaruyama_OnGbmMean_HasWeakOrderOne()
    {
        // E[S_T] = e^{μT}; the Monte Carlo noise (SE ≈ 0.004) is well below the bias (≥ 0.04; exact EM slope here ≈ 0.92).
        const int n = 16000;
        var f = new GbmDrift<F64> { Mu = F64.One };
        var g = new GbmDiffusion<F64> { Sigma = new F64(0.2) };
        var errs = new List<double>();
        for (int k = 2; k <= 5; k++)
        {
            double dt = Math.Pow(2, -k), sum = 0;
            for (int m = 0; m < n; m++)
                sum += Sde.Solve<EulerMaruyama, GbmDrift<F64>, GbmDiffusion<F64>, FixedStepBrownian<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
                    f, g, new FixedStepBrownian<F64, Vec1<F64>>(Seed, 0, 1, dt, new F64(m)), 0, 1, dt, new Vec1<F64>(1.0)).YFinal.X.V;
            errs.Add(Math.Abs(sum / n - Math.E));
        }
        double slope = Math.Log(errs[0] / errs[^1]) / Math.Log(8);
        Assert.InRange(slope, 0.8, 1.15);
    }

    [Fact]
    public void EulerMaruyama_OnGbm_LogTerminalHasExactMeanAndVariance()
    {
        const int n = 20000;
        double mu = 0.05, sigma = 0.2, dt = 1.0 / 252;
        var f = new GbmDrift<F64> { Mu = new F64(mu) };
        var g = new GbmDiffusion<F64> { Sigma = new F64(sigma) };
        var logs = new double[n];
        for (int m = 0; m < n; m++)
            logs[m] = Math.Log(Sde.Solve<EulerMaruyama, GbmDrift<F64>, GbmDiffusion<F64>, FixedStepBrownian<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
                f, g, new FixedStepBrownian<F64, Vec1<F64>>(Seed, 0, 1, dt, new F64(m)), 0, 1, dt, new Vec1<F64>(100.0)).YFinal.X.V);
        double mean = logs.Average(), var = BrownianTests.Var(logs);
        double exactMean = Math.Log(100) + mu - 0.5 * sigma * sigma, exactVar = sigma * sigma;
        Assert.InRange(mean, exactMean - 4 * sigma / Math.Sqrt(n), exactMean + 4 * sigma / Math.Sqrt(n));
        Assert.InRange(var / exactVar, 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n));
    }

    [Fact]
    public void EuropeanOptions_FromEulerMaruyamaMonteCarlo_MatchHaugWithinThreeStandardErrors()
    {
        var rows = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "black_scholes_haug_reference.csv")).Skip(1)
            .Select(l => l.Split(',')).Select(c => (Type: c[0], K: D(c[1]), S: D(c[2]), Q: D(c[3]), R: D(c[4]), T: D(c[5]), Vol: D(c[6]), Price: D(c[7])))
            .Where(r => r.R == 0.10 && r.Q == 0.10 && r.K == 100 && (r.T, r.Vol) is (0.10, 0.25) or (0.50, 0.35)).ToList();
        Assert.Equal(12, rows.Count);
        foreach (var group in rows.GroupBy(r => (r.T, r.Vol)))
        {
            // GBM is scale-free: simulate the multiplier M = S_T/S₀ once (risk-neutral drift r − q) and price every spot and strike from it.
            const int n = 40000;
            var (t, vol) = group.Key;
            double r0 = group.First().R, q = group.First().Q, dt = t / 25;
            var f = new GbmDrift<F64> { Mu = new F64(r0 - q) };
            var g = new GbmDiffusion<F64> { Sigma = new F64(vol) };
            var mult = new double[n];
            for (int m = 0; m < n; m++)
                mult[m] = Sde.Solve<EulerMaruyama, GbmDrift<F64>, GbmDiffusion<F64>, FixedStepBrownian<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
                    f, g, new FixedStepBrownian<F64, Vec1<F64>>(Seed, 0, t, dt, new F64(m)), 0, t, dt, new Vec1<F64>(1.0)).YFinal.X.V;
            foreach (var row in group)
            {
                double disc = Math.Exp(-row.R * row.T);
                var pay = mult.Select(x => disc * Math.Max(row.Type == "call" ? row.S * x - row.K : row.K - row.S * x, 0)).ToArray();
                double price = pay.Average(), se = Math.Sqrt(BrownianTests.Var(pay) / n);
                Assert.True(Math.Abs(price - row.Price) <= 3 * se + 1e-4, $"{row.Type} S={row.S} T={row.T} vol={row.Vol}: MC {price} ± {se}, Haug {row.Price}");
            }
        }
        static double D(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("heun")]
    [InlineData("reversible_heun")]
    [InlineData("shark")]
    public void AdaptiveSteps_OnTheBrownianTree_ConvergeToTheFineReferenceAsToleranceTightens(string solver)
    {
        double[] loose = new double[32], tight = new double[32];
        long rejected = 0;
        for (int m = 0; m < 32; m++)
        {
            double yRef = Run(solver, m, null, 1.0 / 4096);
            var a = RunSol(solver, m, StepSize.Adaptive(new PidOptions { Rtol = 1e-2, Atol = 1e-2 }));
            var b = RunSol(solver, m, StepSize.Adaptive(new PidOptions { Rtol = 1e-4, Atol = 1e-4 }));
            Assert.Equal(ResultCode.Successful, a.Result);
            Assert.Equal(ResultCode.Successful, b.Result);
            rejected += b.Stats.Rejected;
            loose[m] = Math.Abs(a.YFinal.X.V - yRef);
            tight[m] = Math.Abs(b.YFinal.X.V - yRef);
            // Deterministic: the same member re-solved gives the same bits (rejected steps re-query the same path).
            Assert.Equal(b.YFinal.X.V, RunSol(solver, m, StepSize.Adaptive(new PidOptions { Rtol = 1e-4, Atol = 1e-4 })).YFinal.X.V);
        }
        Assert.True(rejected > 0);
        Assert.True(tight.Average() < 0.3 * loose.Average(), $"{tight.Average()} vs {loose.Average()}");

        static double Run(string s, long m, StepSize? st, double dt) => RunSol(s, m, st, dt).YFinal.X.V;
        static Solution<Vec1<F64>> RunSol(string s, long m, StepSize? st, double dt = 0.1) => s switch
        {
            "heun" => Solve<StratonovichHeun, GbmDrift<F64>, GbmDiffusion<F64>>(GbmF, GbmG, m, dt, 1.0 / 4096, 1.0, st),
            "reversible_heun" => Solve<ReversibleHeun, GbmDrift<F64>, GbmDiffusion<F64>>(GbmF, GbmG, m, dt, 1.0 / 4096, 1.0, st),
            _ => Solve<ShArk, NonlinearDrift, LinearInTimeDiffusion>(default, default, m, dt, 1.0 / 4096, 0.5, st),
        };
    }

    [Fact]
    public void NoiseMismatch_IsAClearErrorBeforeSolving()
    {
        var tree = new VirtualBrownianTree<F64, Vec1<F64>>(1, 0, 1, 1e-3, F64.Zero);
        var ex = Assert.Throws<ArgumentException>(() => Sde.Solve<Sra1, GbmDrift<F64>, GbmDiffusion<F64>, VirtualBrownianTree<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
            GbmF, GbmG, tree, 0, 1, 0.1, new Vec1<F64>(1.0)));
        Assert.Contains("additive", ex.Message);
        var tree2 = new VirtualBrownianTree<F64, Vec2<F64>>(1, 0, 1, 1e-3, F64.Zero);
        var heston = Heston<F64>.Create(new ArrayParams<F64>([.. Heston<F64>.Info.DefaultParams.Select(v => new F64(v))]));
        ex = Assert.Throws<ArgumentException>(() => Sde.Solve<ItoMilstein, HestonDrift<F64>, HestonDiffusion<F64>, VirtualBrownianTree<F64, Vec2<F64>>, Vec2<F64>, Vec2<F64>, Vec4<F64>>(
            heston.Drift, heston.Diffusion, tree2, 0, 1, 0.1, new Vec2<F64>(100.0, 0.04)));
        Assert.Contains("diagonal or scalar", ex.Message);
        Assert.Throws<ArgumentException>(() => Sde.Solve<EulerMaruyama, GbmDrift<F64>, GbmDiffusion<F64>, VirtualBrownianTree<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
            GbmF, GbmG, tree, 0, 2, 0.1, new Vec1<F64>(1.0)));
        Assert.Throws<ArgumentException>(() => Sde.Solve<EulerMaruyama, GbmDrift<F64>, GbmDiffusion<F64>, VirtualBrownianTree<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
            GbmF, GbmG, tree, 0, 1, 0.1, new Vec1<F64>(1.0), StepSize.Adaptive(new PidOptions())));
    }
}
