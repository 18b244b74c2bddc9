using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;
using Xunit;
using Xunit.Abstractions;

namespace Diffrax.Solvers.Tests;

/// <summary>
/// Step-size control in the one integrate loop: PID tolerances, dtmin, force-dtmin, max_steps, step and jump
/// times, non-finite vector fields, backward integration, and the step statistics.
/// </summary>
public class ControllerTests(ITestOutputHelper output)
{
    private static StepSize Pid(double rtol, double atol, double dtmin = 0, bool force = false,
        IReadOnlyList<double>? stepTs = null, IReadOnlyList<double>? jumpTs = null)
        => StepSize.Adaptive(new PidOptions
        {
            Rtol = rtol, Atol = atol, DtMin = dtmin, ForceDtMin = force, StepTs = stepTs ?? [], JumpTs = jumpTs ?? [],
        });

    [Fact]
    public void StepCount_FallsMonotonicallyAsTolerancesLoosen()
    {
        long previousSteps = long.MaxValue;
        double previousError = 0;
        double[] exact = LinearField.Exact(5.0);
        for (int e = 9; e >= 3; e--)
        {
            double rtol = Math.Pow(10, -e);
            var sol = Diffeq.Solve(new Tsit5(), new LinearField(), 0.0, 5.0, null, LinearField.Y0State, Pid(rtol, rtol * 1e-2));
            Assert.Equal(ResultCode.Successful, sol.Result);
            double err = Num.MaxDiff(sol.YFinal, exact);
            output.WriteLine($"rtol 1e-{e}: {sol.Stats.Steps} steps ({sol.Stats.Rejected} rejected), error {err:E2}");
            Assert.True(sol.Stats.Steps < previousSteps, $"rtol 1e-{e} took {sol.Stats.Steps} steps, not fewer than {previousSteps}");
            Assert.True(err > previousError, $"rtol 1e-{e} gave error {err:E2}, not more than {previousError:E2}");
            // The tolerance means something: the global error stays within a modest multiple of it.
            Assert.True(err < 100 * rtol, $"rtol 1e-{e}: error {err:E2}");
            previousSteps = sol.Stats.Steps;
            previousError = err;
        }
    }

    /// <summary>A forced oscillator x' = v, v' = −x + cos(3t), with a third component that stays 0 (c' = 0).</summary>
    private struct ForcedWithIdleComponent : IVectorField<F64, Vec3<F64>>
    {
        public readonly Vec3<F64> Vf(F64 t, in Vec3<F64> y) => new(y.Y, -y.X.V + Math.Cos(3 * t.V), 0.0);
    }

    [Fact]
    public void MaxNorm_IsTheLargestComponent_NotTheRms()
    {
        // One active component and one that stays exactly 0 (its error, derivative and value are 0): the squared RMS
        // is q/2 and the squared max is q, so the max norm at (rtol, atol) is the RMS norm at (rtol, atol)/√2, for the
        // error estimate and the automatic first step alike — the same steps, and the same solution up to rounding.
        var y0 = new Vec2<F64>(1.0, 0.0);
        var field = new OneActiveComponent();
        var max = Diffeq.Solve(new Tsit5(), field, 0.0, 10.0, null, y0,
            StepSize.Adaptive(new PidOptions { Rtol = 1e-6, Atol = 1e-8, Norm = ErrorNorm.Max }));
        var rmsScaled = Diffeq.Solve(new Tsit5(), field, 0.0, 10.0, null, y0,
            StepSize.Adaptive(new PidOptions { Rtol = 1e-6 / Math.Sqrt(2), Atol = 1e-8 / Math.Sqrt(2) }));
        var rms = Diffeq.Solve(new Tsit5(), field, 0.0, 10.0, null, y0, StepSize.Adaptive(new PidOptions { Rtol = 1e-6, Atol = 1e-8 }));
        output.WriteLine($"max: {max.Stats}; rms at tol/√2: {rmsScaled.Stats}; rms: {rms.Stats}");
        Assert.Equal(ResultCode.Successful, max.Result);
        Assert.Equal(rmsScaled.Stats.Steps, max.Stats.Steps);
        Assert.Equal(rmsScaled.Stats.Rejected, max.Stats.Rejected);
        Assert.Equal(rmsScaled.YFinal.X.V, max.YFinal.X.V, 1e-12);
        // The RMS norm at the same tolerances reads the error as √2 smaller and takes fewer steps.
        Assert.True(rms.Stats.Steps < max.Stats.Steps, $"rms {rms.Stats.Steps} steps, max {max.Stats.Steps}");

        // Components with different errors: the max norm (≥ the RMS) is stricter at the same tolerances.
        var y3 = new Vec3<F64>(1.0, 0.0, 0.0);
        var m3 = Diffeq.Solve(new Tsit5(), new ForcedWithIdleComponent(), 0.0, 10.0, null, y3,
            StepSize.Adaptive(new PidOptions { Rtol = 1e-6, Atol = 1e-8, Norm = ErrorNorm.Max }));
        var r3 = Diffeq.Solve(new Tsit5(), new ForcedWithIdleComponent(), 0.0, 10.0, null, y3,
            StepSize.Adaptive(new PidOptions { Rtol = 1e-6, Atol = 1e-8 }));
        Assert.True(r3.Stats.Steps < m3.Stats.Steps, $"rms {r3.Stats.Steps} steps, max {m3.Stats.Steps}");
        Assert.Equal(0.0, m3.YFinal.Z.V);
    }

    /// <summary>x' = −x + sin(t) (exact: (3/2)e^−t + (sin t − cos t)/2 from x(0) = 1), with a second component that stays 0.</summary>
    private struct OneActiveComponent : IVectorField<F64, Vec2<F64>>
    {
        public readonly Vec2<F64> Vf(F64 t, in Vec2<F64> y) => new(-y.X.V + Math.Sin(t.V), 0.0);
    }

    /// <summary>y' = y² with y(0) = 1: y = 1/(1 − t), which blows up at t = 1.</summary>
    private struct BlowUp : IVectorField<F64, Vec1<F64>>
    {
        public readonly Vec1<F64> Vf(F64 t, in Vec1<F64> y) => new(y.X * y.X);
    }

    [Fact]
    public void DtMin_OnBlowUp_EndsWithDtMinReachedBeforeTheSingularity()
    {
        var sol = Diffeq.Solve(new Tsit5(), new BlowUp(), 0.0, 2.0, null, new Vec1<F64>(1.0), Pid(1e-6, 1e-6, dtmin: 1e-5));
        output.WriteLine($"{sol.Result} at t = {sol.TFinal}, y = {sol.YFinal.X.V:E3}, {sol.Stats}");
        Assert.Equal(ResultCode.DtMinReached, sol.Result);
        Assert.InRange(sol.TFinal, 0.99, 1.0);
        // What was computed up to the failure is accurate: 1/y = 1 − t (to the tolerance, as a time error).
        Assert.Equal(1.0 - sol.TFinal, 1.0 / sol.YFinal.X.V, 1e-5);
    }

    [Fact]
    public void NoDtMin_OnBlowUp_FailsAsAResultWithoutHangingOrThrowing()
    {
        // Without dtmin the steps shrink with y ~ 1/(1 − t) until the step budget runs out (or y overflows).
        var sol = Diffeq.Solve(new Tsit5(), new BlowUp(), 0.0, 2.0, null, new Vec1<F64>(1.0), Pid(1e-6, 1e-6), maxSteps: 20_000);
        output.WriteLine($"{sol.Result} at t = {sol.TFinal}, y = {sol.YFinal.X.V:E3}, {sol.Stats}");
        Assert.True(sol.Result is ResultCode.MaxStepsReached or ResultCode.NonFinite, sol.Result.ToString());
        Assert.True(sol.TFinal < 1.0 + 1e-5);
        Assert.True(sol.YFinal.X.V > 1e8);
    }

    [Fact]
    public void DtMax_BoundsEveryStepIncludingTheFirst()
    {
        foreach (double? dt0 in new double?[] { null, 0.5 })
        {
            var sol = Diffeq.Solve(new Tsit5(), new LinearField(), 0.0, 1.0, dt0, LinearField.Y0State,
                StepSize.Adaptive(new PidOptions { Rtol = 1e-3, Atol = 1e-6, DtMax = 0.05 }), new SaveAt { Steps = true, T1 = false });
            Assert.Equal(ResultCode.Successful, sol.Result);
            double prev = 0;
            foreach (double t in sol.Ts) { Assert.True(t - prev <= 0.05 + 1e-15, $"dt0 {dt0}: step {t - prev} at {t}"); prev = t; }
            Assert.Equal(20, sol.Stats.Accepted);
        }
    }

    [Fact]
    public void DtMin_BoundsTheFirstStepToo()
    {
        // The automatic first step here is ~1e-7; with dtmin 0.01 and force-dtmin it must be 0.01.
        var sol = Diffeq.Solve(new Heun(), new LinearField(), 0.0, 1.0, null, LinearField.Y0State, Pid(1e-13, 1e-13, dtmin: 0.01, force: true),
            new SaveAt { Steps = true, T1 = false });
        Assert.Equal(0.01, sol.Ts[0], 1e-15);
    }

    [Fact]
    public void MaxSteps_EndsWithMaxStepsReachedAfterExactlyThatManySteps()
    {
        var sol = Diffeq.Solve(new Tsit5(), new LinearField(), 0.0, 100.0, null, LinearField.Y0State, Pid(1e-8, 1e-10), maxSteps: 10);
        Assert.Equal(ResultCode.MaxStepsReached, sol.Result);
        Assert.Equal(10, sol.Stats.Steps);
        Assert.True(sol.TFinal > 0 && sol.TFinal < 100);
        double[] exact = LinearField.Exact(sol.TFinal);
        Assert.True(Num.MaxDiff(sol.YFinal, exact) < 1e-7);

        var constant = Diffeq.Solve(new Rk4(), new LinearField(), 0.0, 1.0, 0.01, LinearField.Y0State, maxSteps: 7);
        Assert.Equal(ResultCode.MaxStepsReached, constant.Result);
        Assert.Equal(7, constant.Stats.Steps);
        Assert.Equal(0.07, constant.TFinal, 1e-12);
    }

    [Fact]
    public void ForceDtMin_StepsOnWhereTheToleranceCannotBeMet()
    {
        // Heun with rtol 1e-13 cannot meet the tolerance with steps of 0.01.
        var failing = Diffeq.Solve(new Heun(), new LinearField(), 0.0, 1.0, null, LinearField.Y0State, Pid(1e-13, 1e-13, dtmin: 0.01));
        Assert.Equal(ResultCode.DtMinReached, failing.Result);

        var forced = Diffeq.Solve(new Heun(), new LinearField(), 0.0, 1.0, null, LinearField.Y0State, Pid(1e-13, 1e-13, dtmin: 0.01, force: true),
            new SaveAt { Steps = true, T1 = false });
        output.WriteLine($"forced: {forced.Result}, {forced.Stats}");
        Assert.Equal(ResultCode.Successful, forced.Result);
        Assert.Equal(1.0, forced.TFinal);
        // Every accepted step but the clipped last one is at least dtmin long.
        double prev = 0;
        for (int i = 0; i < forced.Ts.Length - 1; i++) { Assert.True(forced.Ts[i] - prev >= 0.01 - 1e-15); prev = forced.Ts[i]; }
        Assert.InRange(forced.Stats.Accepted, 99, 101);
        // And the result is what dtmin-sized Heun steps give (second order: about 1e-5 here).
        Assert.True(Num.MaxDiff(forced.YFinal, LinearField.Exact(1.0)) < 1e-4);
    }

    /// <summary>y' = y before t = 0.3, y' = −y after: exactly e^t, then e^0.3 · e^−(t−0.3).</summary>
    private struct Kinked : IVectorField<F64, Vec1<F64>>
    {
        public readonly Vec1<F64> Vf(F64 t, in Vec1<F64> y) => new(t.V < 0.3 ? y.X.V : -y.X.V);
    }

    private static double KinkedExact(double t) => t < 0.3 ? Math.Exp(t) : Math.Exp(0.3) * Math.Exp(-(t - 0.3));

    [Fact]
    public void JumpTs_AreHitExactlyAndMakeDiscontinuitiesCheap()
    {
        var with = Diffeq.Solve(new Tsit5(), new Kinked(), 0.0, 1.0, null, new Vec1<F64>(1.0), Pid(1e-8, 1e-10, jumpTs: [0.3]),
            new SaveAt { Steps = true });
        var without = Diffeq.Solve(new Tsit5(), new Kinked(), 0.0, 1.0, null, new Vec1<F64>(1.0), Pid(1e-8, 1e-10),
            new SaveAt { Steps = true });
        output.WriteLine($"with jump_ts: {with.Stats}, error {Math.Abs(with.YFinal.X.V - KinkedExact(1)):E2}");
        output.WriteLine($"without:      {without.Stats}, error {Math.Abs(without.YFinal.X.V - KinkedExact(1)):E2}");
        Assert.Equal(ResultCode.Successful, with.Result);
        Assert.Contains(0.3, with.Ts);
        Assert.True(with.Stats.Rejected <= 1, $"{with.Stats.Rejected} rejections with jump_ts");
        Assert.True(without.Stats.Rejected >= with.Stats.Rejected + 3, $"{without.Stats.Rejected} rejections without jump_ts");
        Assert.True(without.Stats.Steps > with.Stats.Steps);
        Assert.True(Math.Abs(with.YFinal.X.V - KinkedExact(1.0)) < 1e-8);
        // Saved step ends are on the exact solution on both sides of the jump.
        for (int i = 0; i < with.Ts.Length; i++) Assert.Equal(KinkedExact(with.Ts[i]), with.Ys[i].X.V, 1e-8);
    }

    [Fact]
    public void StepTs_AreLandedOnExactly()
    {
        double[] stepTs = [0.1, 1.0 / 3, 0.7, Math.E / 10, 2.0 / 3, 0.9];
        var sol = Diffeq.Solve(new Tsit5(), new LinearField(), 0.0, 1.0, null, LinearField.Y0State, Pid(1e-6, 1e-8, stepTs: stepTs),
            new SaveAt { Steps = true, T1 = false });
        Assert.Equal(ResultCode.Successful, sol.Result);
        foreach (double t in stepTs) Assert.Contains(t, sol.Ts);
        for (int i = 1; i < sol.Ts.Length; i++) Assert.True(sol.Ts[i] > sol.Ts[i - 1]);
        Assert.True(Num.MaxDiff(sol.YFinal, LinearField.Exact(1.0)) < 1e-6);

        // Backwards too: the times are in t, the loop works in τ = −t.
        double[] y1 = LinearField.Exact(1.0);
        var back = Diffeq.Solve(new Tsit5(), new LinearField(), 1.0, 0.0, null, new Vec4<F64>(y1[0], y1[1], y1[2], y1[3]),
            Pid(1e-6, 1e-8, stepTs: stepTs), new SaveAt { Steps = true, T1 = false });
        Assert.Equal(ResultCode.Successful, back.Result);
        foreach (double t in stepTs) Assert.Contains(t, back.Ts);
        for (int i = 1; i < back.Ts.Length; i++) Assert.True(back.Ts[i] < back.Ts[i - 1]);
        Assert.True(Num.MaxDiff(back.YFinal, LinearField.Y0) < 1e-5);
    }

    /// <summary>A vector field that is NaN from t = 0.5 on.</summary>
    private struct NanAfterHalf : IVectorField<F64, Vec1<F64>>
    {
        public readonly Vec1<F64> Vf(F64 t, in Vec1<F64> y) => new(t.V >= 0.5 ? double.NaN : -y.X.V);
    }

    /// <summary>A vector field that is NaN everywhere.</summary>
    private struct NanEverywhere : IVectorField<F64, Vec1<F64>>
    {
        public readonly Vec1<F64> Vf(F64 t, in Vec1<F64> y) => new(double.NaN);
    }

    [Fact]
    public void NanFromVectorField_InConstantMode_EndsWithNonFinite()
    {
        // Rk4's last stage of the step from 0.4 reaches t = 0.5.
        var sol = Diffeq.Solve(new Rk4(), new NanAfterHalf(), 0.0, 1.0, 0.1, new Vec1<F64>(1.0), maxSteps: 1_000_000);
        Assert.Equal(ResultCode.NonFinite, sol.Result);
        Assert.Equal(5, sol.Stats.Steps);
        Assert.True(sol.TFinal <= 0.5);
        var all = Diffeq.Solve(new Tsit5(), new NanEverywhere(), 0.0, 1.0, 0.1, new Vec1<F64>(1.0));
        Assert.Equal(ResultCode.NonFinite, all.Result);
        Assert.Equal(1, all.Stats.Steps);
    }

    [Fact]
    public void NanFromVectorField_InAdaptiveMode_EndsWithNonFiniteWithoutHanging()
    {
        foreach (var sol in new[]
        {
            Diffeq.Solve(new Tsit5(), new NanAfterHalf(), 0.0, 1.0, null, new Vec1<F64>(1.0), Pid(1e-6, 1e-8), maxSteps: 1_000_000),
            Diffeq.Solve(new Heun(), new NanAfterHalf(), 0.0, 1.0, null, new Vec1<F64>(1.0), Pid(1e-6, 1e-8), maxSteps: 1_000_000),
            Diffeq.Solve(new Tsit5(), new NanEverywhere(), 0.0, 1.0, null, new Vec1<F64>(1.0), Pid(1e-6, 1e-8), maxSteps: 1_000_000),
        })
        {
            output.WriteLine($"{sol.Result} at {sol.TFinal}: {sol.Stats}");
            Assert.Equal(ResultCode.NonFinite, sol.Result);
            Assert.True(sol.Stats.Steps < 5000, $"{sol.Stats.Steps} steps");
            Assert.True(sol.TFinal <= 0.5);
            Assert.True(double.IsFinite(sol.YFinal.X.V));
        }
        // With dtmin the same ends at dtmin instead.
        var withMin = Diffeq.Solve(new Tsit5(), new NanAfterHalf(), 0.0, 1.0, null, new Vec1<F64>(1.0), Pid(1e-6, 1e-8, dtmin: 1e-6));
        Assert.True(withMin.Result is ResultCode.DtMinReached or ResultCode.NonFinite, withMin.Result.ToString());
    }

    /// <summary>y' = −y.</summary>
    private struct Decay : IVectorField<F64, Vec1<F64>>
    {
        public readonly Vec1<F64> Vf(F64 t, in Vec1<F64> y) => new(-y.X.V);
    }

    [Fact]
    public void BackwardDecay_MatchesExactSolution()
    {
        // From y(2) = e^−2 back to t = 0, where y = 1; adaptive and constant (negative dt0).
        var adaptive = Diffeq.Solve(new Dopri5(), new Decay(), 2.0, 0.0, null, new Vec1<F64>(Math.Exp(-2)), Pid(1e-10, 1e-12),
            new SaveAt { Ts = [1.5, 1.0, 0.25], T1 = true });
        Assert.Equal(ResultCode.Successful, adaptive.Result);
        Assert.Equal(0.0, adaptive.TFinal);
        Assert.Equal(1.0, adaptive.YFinal.X.V, 1e-9);
        Assert.Equal([1.5, 1.0, 0.25, 0.0], adaptive.Ts);
        for (int i = 0; i < adaptive.Ts.Length; i++) Assert.Equal(Math.Exp(-adaptive.Ts[i]), adaptive.Ys[i].X.V, 1e-9);

        var constant = Diffeq.Solve(new Rk4(), new Decay(), 2.0, 0.0, -0.01, new Vec1<F64>(Math.Exp(-2)));
        Assert.Equal(ResultCode.Successful, constant.Result);
        Assert.Equal(200, constant.Stats.Steps);
        Assert.Equal(1.0, constant.YFinal.X.V, 1e-9);
    }

    [Fact]
    public void ForwardThenBackward_ReturnsToInitialValue()
    {
        var fwd = Diffeq.Solve(new Tsit5(), new LinearField(), 0.0, 2.0, null, LinearField.Y0State, Pid(1e-11, 1e-13));
        var back = Diffeq.Solve(new Tsit5(), new LinearField(), 2.0, 0.0, null, fwd.YFinal, Pid(1e-11, 1e-13));
        Assert.Equal(ResultCode.Successful, back.Result);
        Assert.True(Num.MaxDiff(back.YFinal, LinearField.Y0) < 1e-8, $"{Num.MaxDiff(back.YFinal, LinearField.Y0):E2}");
        // Forward and backward take comparable work.
        Assert.InRange(back.Stats.Accepted, fwd.Stats.Accepted / 2, fwd.Stats.Accepted * 2);
    }

    /// <summary>y' = −y, counting its evaluations.</summary>
    private struct CountingDecay : IVectorField<F64, Vec1<F64>>
    {
        [ThreadStatic] public static long Calls;
        public readonly Vec1<F64> Vf(F64 t, in Vec1<F64> y) { Calls++; return new(-y.X.V); }
    }

    private static void AssertNfeCounted<TTab>(StepSize stepSize, double? dt0) where TTab : struct, IExplicitRungeKutta
    {
        CountingDecay.Calls = 0;
        var sol = Diffeq.Solve(new TTab(), new CountingDecay(), 0.0, 3.0, dt0, new Vec1<F64>(1.0), stepSize);
        Assert.Equal(ResultCode.Successful, sol.Result);
        Assert.True(sol.Stats.Steps > 3);
        Assert.Equal(sol.Stats.Accepted + sol.Stats.Rejected, sol.Stats.Steps);
        Assert.Equal(CountingDecay.Calls, sol.Stats.Nfe);
    }

    /// <summary>An event that never happens (z stays above −1): the loop then checks it on every step, without runs.</summary>
    private struct NeverEvent : IEvent<F64, Vec3<F64>>
    {
        public static bool Enabled => true;
        public readonly F64 Condition(F64 t, in Vec3<F64> y) => new(y.Z.V + 1);
    }

    [Theory]
    [InlineData(false, 0.0, 2.0)]
    [InlineData(true, 0.0, 2.0)]
    [InlineData(false, 0.6, 0.0)]
    [InlineData(true, 0.6, 0.0)]
    public void ConstantStepRuns_OfASingleSolve_AreBitForBitTheLoopsSteps(bool fsal, double t0, double t1)
    {
        // A single solve with constant steps takes runs of plain steps between saves (Integrator.Run); an enabled
        // event (one that never fires) turns the runs off, so the loop takes each step itself. Same bits and statistics.
        var field = new Models.Lorenz<F64> { Sigma = new(10), Rho = new(28), Beta = new(8.0 / 3) };
        var y0 = new Vec3<F64>(1, 2, 20);
        double dt = 0.0013 * Math.Sign(t1 - t0);
        var saveAt = new SaveAt { Ts = t1 > t0 ? [0.37, 1.0, 1.61] : [0.45, 0.2] };
        var withRuns = fsal
            ? Diffeq.Solve(new Tsit5(), field, t0, t1, dt, y0, StepSize.Constant, saveAt, maxSteps: 100_000)
            : Diffeq.Solve(new Rk4(), field, t0, t1, dt, y0, StepSize.Constant, saveAt, maxSteps: 100_000);
        var stepByStep = fsal
            ? Diffeq.SolveWithEvent(new Tsit5(), field, t0, t1, dt, y0, new NeverEvent(), StepSize.Constant, saveAt, maxSteps: 100_000)
            : Diffeq.SolveWithEvent(new Rk4(), field, t0, t1, dt, y0, new NeverEvent(), StepSize.Constant, saveAt, maxSteps: 100_000);
        Assert.Equal(ResultCode.Successful, withRuns.Result);
        Assert.Equal(ResultCode.Successful, stepByStep.Result);
        Assert.Equal(stepByStep.Stats.Steps, withRuns.Stats.Steps);
        Assert.Equal(stepByStep.Stats.Nfe, withRuns.Stats.Nfe);
        Assert.Equal(stepByStep.TFinal, withRuns.TFinal);
        Assert.Equal(Bits(stepByStep.YFinal), Bits(withRuns.YFinal));
        Assert.Equal(stepByStep.Ts, withRuns.Ts);
        for (int i = 0; i < withRuns.Ts.Length; i++) Assert.Equal(Bits(stepByStep.Ys[i]), Bits(withRuns.Ys[i]));
        Assert.Equal(saveAt.Ts.Count + 1, withRuns.Ts.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConstantSteps_EndingASliverPastTheLastFullStep_TakeTheEndInOneStep(bool stepByStep)
    {
        // dt = 0.1 on [0, 1]: after nine accumulated steps τ = 0.8999999999999999, so 1 − τ = 0.10000000000000009 is
        // a few ulps more than dt. The tenth step goes to t1 (no eleventh step of 1e-16), in runs and in the loop.
        var field = new Models.Lorenz<F64> { Sigma = new(10), Rho = new(28), Beta = new(8.0 / 3) };
        var y0 = new Vec3<F64>(1, 2, 20);
        var saveAt = new SaveAt { T1 = true };
        var sol = stepByStep
            ? Diffeq.SolveWithEvent(new Rk4(), field, 0.0, 1.0, 0.1, y0, new NeverEvent(), StepSize.Constant, saveAt, maxSteps: 100)
            : Diffeq.Solve(new Rk4(), field, 0.0, 1.0, 0.1, y0, StepSize.Constant, saveAt, maxSteps: 100);
        Assert.Equal(ResultCode.Successful, sol.Result);
        Assert.Equal(10, sol.Stats.Steps);
        Assert.Equal(1.0, sol.TFinal);
    }

    private static long[] Bits(Vec3<F64> y) => [BitConverter.DoubleToInt64Bits(y.X.V), BitConverter.DoubleToInt64Bits(y.Y.V), BitConverter.DoubleToInt64Bits(y.Z.V)];

    [Fact]
    public void Statistics_CountEveryVectorFieldEvaluation()
    {
        AssertNfeCounted<Tsit5>(Pid(1e-8, 1e-10), null);
        AssertNfeCounted<Dopri8>(Pid(1e-8, 1e-10), null);
        AssertNfeCounted<Bosh3>(Pid(1e-6, 1e-8), null);
        AssertNfeCounted<Heun>(Pid(1e-4, 1e-6), null);
        AssertNfeCounted<Rk4>(StepSize.Constant, 0.1);
        AssertNfeCounted<Euler>(StepSize.Constant, 0.1);
        AssertNfeCounted<Tsit5>(StepSize.Constant, 0.1);
    }
}
