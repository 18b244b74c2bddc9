using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Xunit;

namespace Diffrax.Solvers.Tests;

/// <summary>Bad inputs are clear <see cref="ArgumentException"/>s naming the field, raised before any work.</summary>
public class ValidationTests
{
    /// <summary>Fails the test if the solver ever evaluates it: validation must come first.</summary>
    private struct MustNotRun : Terms.IVectorField<F64, Vec4<F64>>
    {
        public readonly Vec4<F64> Vf(F64 t, in Vec4<F64> y) => throw new InvalidOperationException("vector field evaluated before validation");
    }

    private static ArgumentException Rejects(Func<object> solve, string param, string inMessage)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(solve);
        Assert.Equal(param, ex.ParamName);
        Assert.Contains(inMessage, ex.Message);
        return ex;
    }

    private static readonly Vec4<F64> Y0 = LinearField.Y0State;

    [Fact]
    public void Dt0PointingAwayFromT1_IsRejectedNamingDt0()
    {
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, -0.1, Y0), "dt0", "points away from t1");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 1.0, 0.0, 0.1, Y0), "dt0", "points away from t1");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, 0.0, Y0), "dt0", "non-zero");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, double.NaN, Y0), "dt0", "finite");
    }

    [Fact]
    public void NegativeOrNonFiniteTolerances_AreRejectedNamingTheTolerance()
    {
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, null, Y0, StepSize.Adaptive(new PidOptions { Rtol = -1e-6 })), "rtol", "rtol");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, null, Y0, StepSize.Adaptive(new PidOptions { Atol = -1e-9 })), "atol", "atol");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, null, Y0, StepSize.Adaptive(new PidOptions { Rtol = double.NaN })), "rtol", "rtol");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, null, Y0, StepSize.Adaptive(new PidOptions { Rtol = 0, Atol = 0 })), "rtol/atol", "tolerance");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, null, Y0, StepSize.Adaptive(new PidOptions { DtMin = 1, DtMax = 0.5 })), "dtmax", "dtmax");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, null, Y0, StepSize.Adaptive(new PidOptions { JumpTs = [double.NaN] })), "jump_ts", "jump_ts");
    }

    [Fact]
    public void EmptySpanWithConstantSteps_IsRejectedNamingT1()
        => Rejects(() => Diffeq.Solve(new Rk4(), new MustNotRun(), 1.0, 1.0, 0.1, Y0), "t1", "t0 == t1");

    [Fact]
    public void ConstantStepsWithoutDt0_AreRejectedNamingDt0()
        => Rejects(() => Diffeq.Solve(new Rk4(), new MustNotRun(), 0.0, 1.0, null, Y0), "dt0", "dt0");

    [Fact]
    public void AdaptiveStepsWithoutErrorEstimate_AreRejectedNamingTheSolver()
    {
        var ex = Rejects(() => Diffeq.Solve(new Euler(), new MustNotRun(), 0.0, 1.0, 0.1, Y0, StepSize.Adaptive(new PidOptions())), "stepsize", "no embedded error estimate");
        Assert.Contains("euler", ex.Message);
        ex = Rejects(() => Diffeq.Solve(new Rk4(), new MustNotRun(), 0.0, 1.0, 0.1, Y0, StepSize.Adaptive(new PidOptions())), "stepsize", "no embedded error estimate");
        Assert.Contains("rk4", ex.Message);
    }

    [Fact]
    public void NonFiniteInitialState_IsRejectedNamingTheComponent()
    {
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, 0.1, new Vec4<F64>(1, 2, double.NaN, 4)), "y0", "y0[2]");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, 0.1, new Vec4<F64>(double.PositiveInfinity, 2, 3, 4)), "y0", "y0[0]");
    }

    [Fact]
    public void SaveTimesOutsideTheSpan_AreRejectedNamingSaveAtTs()
    {
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, 0.1, Y0, saveAt: new SaveAt { Ts = [0.5, 1.5] }), "saveat.ts", "1.5");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 1.0, 0.0, -0.1, Y0, saveAt: new SaveAt { Ts = [-0.2] }), "saveat.ts", "-0.2");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, 0.1, Y0, saveAt: new SaveAt { Ts = [double.NaN] }), "saveat.ts", "NaN");
    }

    [Fact]
    public void MaxStepsBelowOne_IsRejectedNamingMaxSteps()
    {
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, 0.1, Y0, maxSteps: 0), "maxSteps", "max_steps");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, 1.0, 0.1, Y0, maxSteps: -5), "maxSteps", "max_steps");
    }

    [Fact]
    public void NonFiniteTimes_AreRejectedNamingThem()
    {
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), double.NaN, 1.0, 0.1, Y0), "t0", "t0");
        Rejects(() => Diffeq.Solve(new Tsit5(), new MustNotRun(), 0.0, double.PositiveInfinity, 0.1, Y0), "t1", "t1");
    }

    [Fact]
    public void AdaptiveWithEmptySpan_ReturnsTheInitialState()
    {
        var sol = Diffeq.Solve(new Tsit5(), new LinearField(), 1.0, 1.0, null, Y0, StepSize.Adaptive(new PidOptions()));
        Assert.Equal(Contracts.ResultCode.Successful, sol.Result);
        Assert.Equal(0.0, Num.MaxDiff(sol.YFinal, LinearField.Y0));
    }
}
