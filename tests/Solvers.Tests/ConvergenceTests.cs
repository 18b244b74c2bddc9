using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;
using Xunit;
using Xunit.Abstractions;

namespace Diffrax.Solvers.Tests;

/// <summary>
/// Convergence orders measured as log-log slopes (Diffrax's test_integrate style): the global error at t = 1 of
/// y' = A y (non-normal 4×4 A, exact solution exp(A t) y0) against constant step sizes 1/n, n doubling; the same on
/// a nonlinear problem with a closed-form solution; and the order of each embedded error estimate, ‖err‖ of one
/// step ∝ h^(ErrorOrder+1), on a nonlinear non-autonomous problem. Step ranges start in the asymptotic regime and
/// stop well above the round-off floor (errors ≥ ~1e-13). The order conditions themselves are checked exactly,
/// tree by tree, in <see cref="TableauTests"/>.
/// </summary>
public class ConvergenceTests(ITestOutputHelper output)
{
    private const double SlopeTolerance = 0.25;

    private double GlobalOrder<TTab>(int nFirst, int count) where TTab : struct, IExplicitRungeKutta
    {
        var h = new double[count];
        var err = new double[count];
        double[] exact = LinearField.Exact(1.0);
        for (int i = 0; i < count; i++)
        {
            int n = nFirst << i;
            h[i] = 1.0 / n;
            var sol = Diffeq.Solve(new TTab(), new LinearField(), 0.0, 1.0, h[i], LinearField.Y0State);
            Assert.Equal(ResultCode.Successful, sol.Result);
            Assert.Equal(n, sol.Stats.Steps);
            err[i] = Num.MaxDiff(sol.YFinal, exact);
        }
        double slope = Num.LogLogSlope(h, err);
        output.WriteLine($"{TTab.Name}: global slope {slope:F3} (declared {TTab.Order}); {Num.Show(h, err)}");
        return slope;
    }

    private void AssertGlobalOrder<TTab>(int nFirst, int count) where TTab : struct, IExplicitRungeKutta
    {
        double slope = GlobalOrder<TTab>(nFirst, count);
        Assert.InRange(slope, TTab.Order - SlopeTolerance, TTab.Order + SlopeTolerance);
    }

    [Fact] public void Euler_OnLinearSystem_ConvergesAtOrderOne() => AssertGlobalOrder<Euler>(64, 5);
    [Fact] public void Heun_OnLinearSystem_ConvergesAtOrderTwo() => AssertGlobalOrder<Heun>(32, 5);
    [Fact] public void Midpoint_OnLinearSystem_ConvergesAtOrderTwo() => AssertGlobalOrder<Midpoint>(32, 5);
    [Fact] public void Ralston_OnLinearSystem_ConvergesAtOrderTwo() => AssertGlobalOrder<Ralston>(32, 5);
    [Fact] public void Rk4_OnLinearSystem_ConvergesAtOrderFour() => AssertGlobalOrder<Rk4>(8, 5);
    [Fact] public void Bosh3_OnLinearSystem_ConvergesAtOrderThree() => AssertGlobalOrder<Bosh3>(16, 5);
    [Fact] public void Dopri5_OnLinearSystem_ConvergesAtOrderFive() => AssertGlobalOrder<Dopri5>(8, 4);
    // Tsit5's stability polynomial misses e^z at z^6 by only 3%, so the h^6 term keeps the pairwise slopes above 5
    // (5.5, 5.4, 5.2, 5.15 from n = 4) until round-off; n = 16 … 64 is the asymptotic window.
    [Fact] public void Tsit5_OnLinearSystem_ConvergesAtOrderFive() => AssertGlobalOrder<Tsit5>(16, 3);

    /// <summary>
    /// Dopri8's stability polynomial matches e^z to 0.13% in the z^9 coefficient, so on a linear problem the
    /// h^8 error term only dominates below h·|λ| ≈ 0.01, where the error is far below round-off: in double
    /// precision a linear problem shows slope ≈ 9. It must be at least 8; the order 8 itself is measured on the
    /// nonlinear problem below.
    /// </summary>
    [Fact]
    public void Dopri8_OnLinearSystem_ConvergesAtLeastAtOrderEight()
    {
        double slope = GlobalOrder<Dopri8>(1, 3);
        Assert.InRange(slope, Dopri8.Order - SlopeTolerance, Dopri8.Order + 1 + 2 * SlopeTolerance);
    }

    /// <summary>y1' = 1 + y1², y2' = −y1·y2 with y(0) = (0, 1): exactly (tan t, cos t).</summary>
    private struct TanCosField : IVectorField<F64, Vec2<F64>>
    {
        public readonly Vec2<F64> Vf(F64 t, in Vec2<F64> y) => new(1 + y.X.V * y.X.V, -y.X.V * y.Y.V);
    }

    private void AssertNonlinearGlobalOrder<TTab>(int nFirst, int count) where TTab : struct, IExplicitRungeKutta
    {
        var h = new double[count];
        var err = new double[count];
        double[] exact = [Math.Tan(1.0), Math.Cos(1.0)];
        for (int i = 0; i < count; i++)
        {
            int n = nFirst << i;
            h[i] = 1.0 / n;
            var sol = Diffeq.Solve(new TTab(), new TanCosField(), 0.0, 1.0, h[i], new Vec2<F64>(0.0, 1.0));
            Assert.Equal(ResultCode.Successful, sol.Result);
            err[i] = Num.MaxDiff(sol.YFinal, exact);
        }
        double slope = Num.LogLogSlope(h, err);
        output.WriteLine($"{TTab.Name}: nonlinear global slope {slope:F3} (declared {TTab.Order}); {Num.Show(h, err)}");
        Assert.InRange(slope, TTab.Order - SlopeTolerance, TTab.Order + SlopeTolerance);
    }

    [Fact] public void Euler_OnNonlinearProblem_ConvergesAtOrderOne() => AssertNonlinearGlobalOrder<Euler>(128, 4);
    [Fact] public void Heun_OnNonlinearProblem_ConvergesAtOrderTwo() => AssertNonlinearGlobalOrder<Heun>(32, 4);
    [Fact] public void Midpoint_OnNonlinearProblem_ConvergesAtOrderTwo() => AssertNonlinearGlobalOrder<Midpoint>(32, 4);
    [Fact] public void Ralston_OnNonlinearProblem_ConvergesAtOrderTwo() => AssertNonlinearGlobalOrder<Ralston>(32, 4);
    [Fact] public void Rk4_OnNonlinearProblem_ConvergesAtOrderFour() => AssertNonlinearGlobalOrder<Rk4>(16, 4);
    [Fact] public void Bosh3_OnNonlinearProblem_ConvergesAtOrderThree() => AssertNonlinearGlobalOrder<Bosh3>(16, 4);
    [Fact] public void Dopri8_OnNonlinearProblem_ConvergesAtOrderEight() => AssertNonlinearGlobalOrder<Dopri8>(4, 3);

    /// <summary>y1' = −y1² + t, y2' = y1·y2 − t²: nonlinear and non-autonomous.</summary>
    private struct NonlinearField : IVectorField<F64, Vec2<F64>>
    {
        public readonly Vec2<F64> Vf(F64 t, in Vec2<F64> y) => new(-y.X.V * y.X.V + t.V, y.X.V * y.Y.V - t.V * t.V);
    }

    private static double OneStep<TTab>(double h, out double localError, out double localErrorEstimate) where TTab : struct, IExplicitRungeKutta
    {
        var term = new OdeTerm<NonlinearField, F64, Vec2<F64>>(default);
        var y0 = new Vec2<F64>(0.7, -0.4);
        var t0 = new F64(0.3);
        var k = default(RkStages<Vec2<F64>>);
        TTab.Step<OdeTerm<NonlinearField, F64, Vec2<F64>>, F64, Vec2<F64>, F64, Vec2<F64>>(
            term, t0, new F64(h), y0, term.Vf(t0, y0), true, true, ref k, out Vec2<F64> y1, out Vec2<F64> err, out _);
        // Reference for the local error: the same point reached with 64 Dopri8 substeps (error ≪ 1e-17 here).
        var yr = y0;
        var kr = default(RkStages<Vec2<F64>>);
        double hs = h / 64;
        for (int i = 0; i < 64; i++)
        {
            var ti = new F64(t0.V + i * hs);
            Dopri8.Step<OdeTerm<NonlinearField, F64, Vec2<F64>>, F64, Vec2<F64>, F64, Vec2<F64>>(
                term, ti, new F64(hs), yr, term.Vf(ti, yr), false, true, ref kr, out yr, out _, out _);
        }
        localError = Num.MaxDiff(y1, Num.ToArray(yr));
        localErrorEstimate = Math.Max(Math.Abs(err.X.V), Math.Abs(err.Y.V));
        return localError;
    }

    private void AssertEstimateOrder<TTab>(double hFirst, int count) where TTab : struct, IExplicitRungeKutta
    {
        var h = new double[count];
        var est = new double[count];
        var loc = new double[count];
        for (int i = 0; i < count; i++)
        {
            h[i] = hFirst / (1 << i);
            OneStep<TTab>(h[i], out loc[i], out est[i]);
        }
        double estSlope = Num.LogLogSlope(h, est);
        output.WriteLine($"{TTab.Name}: estimate slope {estSlope:F3} (expect {TTab.ErrorOrder + 1}); {Num.Show(h, est)}");
        output.WriteLine($"{TTab.Name}: local error (not asserted) {Num.Show(h, loc)}");
        Assert.InRange(estSlope, TTab.ErrorOrder + 1 - SlopeTolerance, TTab.ErrorOrder + 1 + SlopeTolerance);
    }

    [Fact] public void Heun_ErrorEstimate_ScalesAsStepSquared() => AssertEstimateOrder<Heun>(0.1, 5);
    [Fact] public void Midpoint_ErrorEstimate_ScalesAsStepSquared() => AssertEstimateOrder<Midpoint>(0.1, 5);
    [Fact] public void Ralston_ErrorEstimate_ScalesAsStepSquared() => AssertEstimateOrder<Ralston>(0.1, 5);
    [Fact] public void Bosh3_ErrorEstimate_ScalesAsStepCubed() => AssertEstimateOrder<Bosh3>(0.1, 5);
    [Fact] public void Dopri5_ErrorEstimate_ScalesAsStepToTheFifth() => AssertEstimateOrder<Dopri5>(0.1, 5);
    [Fact] public void Tsit5_ErrorEstimate_ScalesAsStepToTheFifth() => AssertEstimateOrder<Tsit5>(0.1, 5);
    [Fact] public void Dopri8_ErrorEstimate_ScalesAsStepToTheEighth() => AssertEstimateOrder<Dopri8>(0.4, 4);

    [Fact]
    public void SolversWithoutEstimate_ReportZeroError()
    {
        var term = new OdeTerm<NonlinearField, F64, Vec2<F64>>(default);
        var y0 = new Vec2<F64>(0.7, -0.4);
        var k = default(RkStages<Vec2<F64>>);
        Rk4.Step<OdeTerm<NonlinearField, F64, Vec2<F64>>, F64, Vec2<F64>, F64, Vec2<F64>>(
            term, new F64(0), new F64(0.1), y0, term.Vf(new F64(0), y0), true, true, ref k, out _, out Vec2<F64> err, out _);
        Assert.Equal(0.0, err.X.V);
        Assert.Equal(0.0, err.Y.V);
        OneStep<Euler>(0.1, out double le1, out _);
        OneStep<Euler>(0.05, out double le2, out _);
        // Euler's local error is O(h²) as well, as a sanity check of the reference used above.
        Assert.InRange(Math.Log2(le1 / le2), 1.75, 2.25);
        OneStep<Rk4>(0.1, out double r1, out _);
        OneStep<Rk4>(0.05, out double r2, out _);
        Assert.InRange(Math.Log2(r1 / r2), 4.75, 5.25);
    }
}
