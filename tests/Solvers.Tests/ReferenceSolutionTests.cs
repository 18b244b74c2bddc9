using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Xunit;
using Xunit.Abstractions;

namespace Diffrax.Solvers.Tests;

/// <summary>
/// Published problems against references computed independently: Lorenz against a Taylor-series integration in
/// 28-digit <see cref="decimal"/> arithmetic, Arenstorf's periodic orbit, and Kepler's invariants.
/// </summary>
public class ReferenceSolutionTests(ITestOutputHelper output)
{
    /// <summary>
    /// Lorenz (σ = 10, ρ = 28, β = 8/3) from (1, 1, 1) to t = 1 by a Taylor series of order 40 with steps of 1/100
    /// in decimal: the Taylor coefficients of a quadratic vector field follow from Cauchy products; each step's
    /// truncation is below 1e-40 and the rounding near 1e-27, so the reference is good to ~1e-24.
    /// </summary>
    private static decimal[] LorenzReference()
    {
        const int order = 40, steps = 100;
        decimal sigma = 10m, rho = 28m, beta = 8m / 3m, h = 1m / steps;
        decimal x = 1, y = 1, z = 1;
        var a = new decimal[order + 1];
        var b = new decimal[order + 1];
        var c = new decimal[order + 1];
        for (int s = 0; s < steps; s++)
        {
            // Scaled coefficients aₖ = x⁽ᵏ⁾(t) hᵏ / k!, so the step is the plain sum.
            a[0] = x; b[0] = y; c[0] = z;
            for (int k = 0; k < order; k++)
            {
                decimal xz = 0, xy = 0;
                for (int i = 0; i <= k; i++) { xz += a[i] * c[k - i]; xy += a[i] * b[k - i]; }
                decimal f = h / (k + 1);
                a[k + 1] = f * sigma * (b[k] - a[k]);
                b[k + 1] = f * (rho * a[k] - xz - b[k]);
                c[k + 1] = f * (xy - beta * c[k]);
            }
            x = 0; y = 0; z = 0;
            for (int k = order; k >= 0; k--) { x += a[k]; y += b[k]; z += c[k]; }
        }
        return [x, y, z];
    }

    private static readonly Lazy<double[]> Lorenz1 = new(() => LorenzReference().Select(v => (double)v).ToArray());

    private double LorenzError<TTab>(double rtol, double atol) where TTab : struct, IExplicitRungeKutta
    {
        var f = new Lorenz<F64>(10.0, 28.0, 8.0 / 3.0);
        var sol = Diffeq.Solve(new TTab(), f, 0.0, 1.0, null, new Vec3<F64>(1.0, 1.0, 1.0),
            StepSize.Adaptive(new PidOptions { Rtol = rtol, Atol = atol }), maxSteps: 100_000);
        Assert.Equal(ResultCode.Successful, sol.Result);
        double err = Num.MaxDiff(sol.YFinal, Lorenz1.Value);
        output.WriteLine($"{TTab.Name} rtol {rtol:E0}: {sol.Stats.Accepted} steps, max error {err:E2} at y = ({string.Join(", ", Lorenz1.Value.Select(v => v.ToString("G10")))})");
        return err;
    }

    [Fact]
    public void LorenzReference_AgreesWithFineConstantStepDopri8()
    {
        decimal[] r = LorenzReference();
        Assert.InRange((double)r[0], -20, 20);
        var sol = Diffeq.Solve(new Dopri8(), new Lorenz<F64>(10.0, 28.0, 8.0 / 3.0), 0.0, 1.0, 1.0 / 4096, new Vec3<F64>(1.0, 1.0, 1.0));
        // An independent double-precision path: constant-step Dopri8 with h = 1/4096 (truncation ≪ 1e-13).
        Assert.True(Num.MaxDiff(sol.YFinal, r.Select(v => (double)v).ToArray()) < 1e-11);
    }

    [Fact] public void Tsit5_OnLorenz_AgreesWithReferenceAtRtol1e10() => Assert.True(LorenzError<Tsit5>(1e-10, 1e-10) < 1e-7);
    [Fact] public void Dopri5_OnLorenz_AgreesWithReferenceAtRtol1e10() => Assert.True(LorenzError<Dopri5>(1e-10, 1e-10) < 1e-7);
    [Fact] public void Dopri8_OnLorenz_AgreesWithReferenceAtRtol1e13() => Assert.True(LorenzError<Dopri8>(1e-13, 1e-13) < 1e-10);

    private double ArenstorfReturnError<TTab>(double rtol, double atol) where TTab : struct, IExplicitRungeKutta
    {
        var info = Arenstorf<F64>.Info;
        var f = Arenstorf<F64>.Create(new ArrayParams<F64>([new F64(info.DefaultParams[0])]));
        double[] y0 = [.. info.DefaultY0];
        var sol = Diffeq.Solve(new TTab(), f, 0.0, Arenstorf<F64>.Period, null, new Vec4<F64>(y0[0], y0[1], y0[2], y0[3]),
            StepSize.Adaptive(new PidOptions { Rtol = rtol, Atol = atol }), maxSteps: 100_000);
        Assert.Equal(ResultCode.Successful, sol.Result);
        double err = Num.MaxDiff(sol.YFinal, y0);
        output.WriteLine($"{TTab.Name} rtol {rtol:E0}: {sol.Stats.Accepted} steps ({sol.Stats.Rejected} rejected), return error {err:E2}");
        return err;
    }

    [Fact] public void Dopri8_OnArenstorfOrbit_ReturnsToStartAfterOnePeriod() => Assert.True(ArenstorfReturnError<Dopri8>(1e-13, 1e-13) < 1e-8);
    [Fact] public void Tsit5_OnArenstorfOrbit_ReturnsToStartAfterOnePeriod() => Assert.True(ArenstorfReturnError<Tsit5>(1e-12, 1e-12) < 1e-8);

    [Fact]
    public void Arenstorf_LooseTolerance_DoesNotReturn()
    {
        // The orbit is sensitive: the check above is meaningful because a loose solve misses the start by far.
        Assert.True(ArenstorfReturnError<Tsit5>(1e-4, 1e-6) > 1e-3);
    }

    private static (double Energy, double AngularMomentum) KeplerInvariants(in Vec4<F64> s)
    {
        double x = s.X.V, y = s.Y.V, vx = s.Z.V, vy = s.W.V;
        return (0.5 * (vx * vx + vy * vy) - 1.0 / Math.Sqrt(x * x + y * y), x * vy - y * vx);
    }

    [Fact]
    public void Kepler_Tsit5AndDopri8_ConserveEnergyAndAngularMomentumOverFivePeriods()
    {
        // Default orbit: a = 1, e = 0.5, μ = 1, so E = −1/2, L = √(1 − e²) = √0.75 and the period is 2π.
        var f = new Kepler<F64> { Mu = 1.0 };
        double[] y0 = [.. Kepler<F64>.Info.DefaultY0];
        var s0 = new Vec4<F64>(y0[0], y0[1], y0[2], y0[3]);
        var (e0, l0) = KeplerInvariants(s0);
        Assert.Equal(-0.5, e0, 1e-15);
        Assert.Equal(Math.Sqrt(0.75), l0, 1e-15);
        foreach (var (name, sol, tol) in new[]
        {
            ("tsit5", Diffeq.Solve(new Tsit5(), f, 0.0, 10 * Math.PI, null, s0, StepSize.Adaptive(new PidOptions { Rtol = 1e-10, Atol = 1e-12 }),
                new SaveAt { Ts = SaveAt.Linspace(0, 10 * Math.PI, 101) }), 1e-8),
            ("dopri8", Diffeq.Solve(new Dopri8(), f, 0.0, 10 * Math.PI, null, s0, StepSize.Adaptive(new PidOptions { Rtol = 1e-12, Atol = 1e-14 }),
                new SaveAt { Ts = SaveAt.Linspace(0, 10 * Math.PI, 101) }), 1e-10),
        })
        {
            Assert.Equal(ResultCode.Successful, sol.Result);
            Assert.Equal(101, sol.Ts.Length);
            double de = 0, dl = 0;
            foreach (var s in sol.Ys)
            {
                var (e, l) = KeplerInvariants(s);
                de = Math.Max(de, Math.Abs(e - e0));
                dl = Math.Max(dl, Math.Abs(l - l0));
            }
            double back = Num.MaxDiff(sol.YFinal, y0);
            output.WriteLine($"{name}: |ΔE| {de:E2}, |ΔL| {dl:E2}, |y(5T) − y0| {back:E2}, {sol.Stats}");
            Assert.True(de < tol, $"{name}: energy drift {de:E2}");
            Assert.True(dl < tol, $"{name}: angular momentum drift {dl:E2}");
            // After five periods the orbit is back at its start.
            Assert.True(back < 1000 * tol, $"{name}: misses the start by {back:E2}");
        }
    }
}
