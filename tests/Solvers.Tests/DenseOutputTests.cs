using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Xunit;
using Xunit.Abstractions;

namespace Diffrax.Solvers.Tests;

/// <summary>
/// <see cref="Solution{TY}.Evaluate"/> and <see cref="Solution{TY}.Derivative"/> between steps. With constant steps
/// h, the error at mid-step points is the global error of the step's start (O(h^p)) plus the local interpolation
/// error (O(h^(q+1)) for an interpolant of order q), so its slope is min(p, q + 1); the local part alone, one step
/// from the exact initial value, scales as h^(min(p, q) + 1). Orders q are the ones proved tree by tree in
/// <see cref="TableauTests"/> (Hermite cubic 3; Dopri5 and Tsit5 5 and Dopri8 7, bootstrapped with extra dense stages).
/// </summary>
public class DenseOutputTests(ITestOutputHelper output)
{
    private const double SlopeTolerance = 0.3;

    private static double MidStepError<TTab>(int n, double t1 = 1.0) where TTab : struct, IExplicitRungeKutta
    {
        var sol = Diffeq.Solve(new TTab(), new LinearField(), 0.0, t1, t1 / n, LinearField.Y0State, saveAt: new SaveAt { Dense = true });
        Assert.Equal(ResultCode.Successful, sol.Result);
        double err = 0;
        // θ = 0.5 alone can flatter an interpolant (Dopri8's order-6 defects nearly cancel there), so take 0.3 and 0.7 too.
        for (int i = 0; i < n; i++)
            foreach (double theta in new[] { 0.3, 0.5, 0.7 })
            {
                double t = (i + theta) * t1 / n;
                err = Math.Max(err, Num.MaxDiff(sol.Evaluate(t), LinearField.Exact(t)));
            }
        return err;
    }

    private void AssertGlobalDenseOrder<TTab>(int nFirst, int count, double expected) where TTab : struct, IExplicitRungeKutta
    {
        var h = new double[count];
        var err = new double[count];
        for (int i = 0; i < count; i++)
        {
            h[i] = 1.0 / (nFirst << i);
            err[i] = MidStepError<TTab>(nFirst << i);
        }
        double slope = Num.LogLogSlope(h, err);
        output.WriteLine($"{TTab.Name}: mid-step dense slope {slope:F3} (expect {expected}); {Num.Show(h, err)}");
        Assert.InRange(slope, expected - SlopeTolerance, expected + SlopeTolerance);
    }

    private void AssertLocalDenseOrder<TTab>(double hFirst, int count) where TTab : struct, IExplicitRungeKutta
    {
        var h = new double[count];
        var err = new double[count];
        for (int i = 0; i < count; i++)
        {
            h[i] = hFirst / (1 << i);
            // One step from the exact y0: the error at θ = 0.3 and 0.7 is the interpolant's local error.
            err[i] = Math.Max(LocalError<TTab>(h[i], 0.3), LocalError<TTab>(h[i], 0.7));
        }
        double slope = Num.LogLogSlope(h, err);
        int expected = Math.Min(TTab.Order, TTab.DenseOrder) + 1;
        output.WriteLine($"{TTab.Name}: local dense slope {slope:F3} (expect {expected}); {Num.Show(h, err)}");
        Assert.InRange(slope, expected - SlopeTolerance, expected + SlopeTolerance);
    }

    private static double LocalError<TTab>(double h, double theta) where TTab : struct, IExplicitRungeKutta
    {
        var sol = Diffeq.Solve(new TTab(), new LinearField(), 0.0, h, h, LinearField.Y0State, saveAt: new SaveAt { Dense = true });
        return Num.MaxDiff(sol.Evaluate(theta * h), LinearField.Exact(theta * h));
    }

    [Fact] public void Euler_DenseOutput_ConvergesAtOrderOne() => AssertGlobalDenseOrder<Euler>(64, 4, 1);
    [Fact] public void Heun_DenseOutput_ConvergesAtOrderTwo() => AssertGlobalDenseOrder<Heun>(32, 4, 2);
    [Fact] public void Midpoint_DenseOutput_ConvergesAtOrderTwo() => AssertGlobalDenseOrder<Midpoint>(32, 4, 2);
    [Fact] public void Ralston_DenseOutput_ConvergesAtOrderTwo() => AssertGlobalDenseOrder<Ralston>(32, 4, 2);
    [Fact] public void Rk4_HermiteDenseOutput_ConvergesAtOrderFour() => AssertGlobalDenseOrder<Rk4>(8, 4, 4);
    [Fact] public void Bosh3_DenseOutput_ConvergesAtOrderThree() => AssertGlobalDenseOrder<Bosh3>(16, 4, 3);
    [Fact] public void Dopri5_DenseOutput_ConvergesAtOrderFive() => AssertGlobalDenseOrder<Dopri5>(8, 4, 5);
    [Fact] public void Tsit5_DenseOutput_ConvergesAtOrderFive() => AssertGlobalDenseOrder<Tsit5>(8, 4, 5);
    [Fact] public void Dopri8_DenseOutput_ConvergesAtOrderEight() => AssertGlobalDenseOrder<Dopri8>(2, 3, 8);

    [Fact] public void Rk4_HermiteInterpolant_HasLocalOrderFour() => AssertLocalDenseOrder<Rk4>(0.2, 4);
    [Fact] public void Dopri5_Interpolant_HasLocalOrderSix() => AssertLocalDenseOrder<Dopri5>(0.2, 4);
    [Fact] public void Tsit5_Interpolant_HasLocalOrderSix() => AssertLocalDenseOrder<Tsit5>(0.2, 4);
    [Fact] public void Dopri8_Interpolant_HasLocalOrderEight() => AssertLocalDenseOrder<Dopri8>(0.8, 4);

    [Fact]
    public void Tsit5AndDopri5_AdaptiveDenseOutput_IsAccurateEverywhere()
    {
        foreach (var (name, sol) in new (string, Solution<Vec4<F64>>)[]
        {
            ("tsit5", Diffeq.Solve(new Tsit5(), new LinearField(), 0.0, 3.0, null, LinearField.Y0State,
                StepSize.Adaptive(new PidOptions { Rtol = 1e-10, Atol = 1e-12 }), new SaveAt { Dense = true })),
            ("dopri5", Diffeq.Solve(new Dopri5(), new LinearField(), 0.0, 3.0, null, LinearField.Y0State,
                StepSize.Adaptive(new PidOptions { Rtol = 1e-10, Atol = 1e-12 }), new SaveAt { Dense = true })),
            ("dopri8", Diffeq.Solve(new Dopri8(), new LinearField(), 0.0, 3.0, null, LinearField.Y0State,
                StepSize.Adaptive(new PidOptions { Rtol = 1e-12, Atol = 1e-14 }), new SaveAt { Dense = true })),
        })
        {
            Assert.Equal(ResultCode.Successful, sol.Result);
            double errY = 0, errD = 0;
            for (int i = 0; i <= 3000; i++)
            {
                double t = 3.0 * i / 3000;
                errY = Math.Max(errY, Num.MaxDiff(sol.Evaluate(t), LinearField.Exact(t)));
                errD = Math.Max(errD, Num.MaxDiff(sol.Derivative(t), LinearField.ExactDerivative(t)));
            }
            output.WriteLine($"{name}: {sol.Stats.Accepted} steps, max |Evaluate − exact| {errY:E2}, max |Derivative − A y| {errD:E2}");
            Assert.True(errY < 1e-8, $"{name}: dense value error {errY:E2}");
            Assert.True(errD < 1e-6, $"{name}: dense derivative error {errD:E2}");
        }
    }

    [Fact]
    public void Derivative_IsTheExactDerivativeOfEvaluate()
    {
        var sol = Diffeq.Solve(new Dopri8(), new LinearField(), 0.0, 1.0, 0.125, LinearField.Y0State, saveAt: new SaveAt { Dense = true });
        foreach (double t in new[] { 0.01, 0.3, 0.55, 0.99 })
        {
            const double d = 1e-5;
            double[] fd = Num.ToArray(sol.Evaluate(t + d)).Zip(Num.ToArray(sol.Evaluate(t - d)), (a, b) => (a - b) / (2 * d)).ToArray();
            Assert.True(Num.MaxDiff(sol.Derivative(t), fd) < 1e-8);
            // And both match the exact derivative of the true solution at this step size.
            Assert.True(Num.MaxDiff(sol.Derivative(t), LinearField.ExactDerivative(t)) < 1e-7);
        }
    }

    [Fact]
    public void Evaluate_AtStepEnds_ReproducesTheSteps()
    {
        var sol = Diffeq.Solve(new Tsit5(), new LinearField(), 0.0, 2.0, null, LinearField.Y0State,
            StepSize.Adaptive(new PidOptions { Rtol = 1e-6, Atol = 1e-8 }), new SaveAt { Steps = true, Dense = true });
        Assert.True(sol.Ts.Length > 5);
        for (int i = 0; i < sol.Ts.Length; i++)
            Assert.True(Num.MaxDiff(sol.Evaluate(sol.Ts[i]), Num.ToArray(sol.Ys[i])) < 1e-14, $"step end {sol.Ts[i]}");
        Assert.Equal(2.0, sol.Ts[^1]);
    }

    [Fact]
    public void Evaluate_OnBackwardSolve_MatchesExactSolution()
    {
        // From y(1) back to 0: the interpolant lives on a decreasing time axis.
        double[] y1 = LinearField.Exact(1.0);
        var sol = Diffeq.Solve(new Tsit5(), new LinearField(), 1.0, 0.0, null, new Vec4<F64>(y1[0], y1[1], y1[2], y1[3]),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-10, Atol = 1e-12 }), new SaveAt { Dense = true });
        Assert.Equal(ResultCode.Successful, sol.Result);
        foreach (double t in new[] { 0.95, 0.5, 0.123, 0.0 })
        {
            Assert.True(Num.MaxDiff(sol.Evaluate(t), LinearField.Exact(t)) < 1e-8, $"t = {t}");
            Assert.True(Num.MaxDiff(sol.Derivative(t), LinearField.ExactDerivative(t)) < 1e-6, $"t = {t}");
        }
    }

    [Fact]
    public void Evaluate_WithoutDense_ThrowsExplaining()
    {
        var sol = Diffeq.Solve(new Tsit5(), new LinearField(), 0.0, 1.0, 0.1, LinearField.Y0State);
        Assert.False(sol.HasDense);
        var ex = Assert.Throws<InvalidOperationException>(() => sol.Evaluate(0.5));
        Assert.Contains("Dense", ex.Message);
    }

    [Fact]
    public void Evaluate_OutsideTheSpan_Throws()
    {
        var sol = Diffeq.Solve(new Tsit5(), new LinearField(), 0.0, 1.0, 0.1, LinearField.Y0State, saveAt: new SaveAt { Dense = true });
        Assert.Throws<ArgumentOutOfRangeException>(() => sol.Evaluate(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => sol.Evaluate(-0.1));
    }
}
