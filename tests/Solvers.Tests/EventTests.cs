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

/// <summary>Terminating events: the solve stops at the root of the event function, located on the dense interpolant.</summary>
public class EventTests(ITestOutputHelper output)
{
    /// <summary>g = x (the first component).</summary>
    private struct FirstComponentZero : IEvent<F64, Vec2<F64>>
    {
        public static bool Enabled => true;
        public readonly F64 Condition(F64 t, in Vec2<F64> y) => y.X;
    }

    /// <summary>A ball falling from height 10 under g = 9.81: x' = v, v' = −g.</summary>
    private struct FallingBall : IVectorField<F64, Vec2<F64>>
    {
        public readonly Vec2<F64> Vf(F64 t, in Vec2<F64> y) => new(y.Y, new F64(-9.81));
    }

    [Fact]
    public void HarmonicOscillator_EventAtFirstZero_IsAtHalfPi()
    {
        var f = new HarmonicOscillator<F64> { Omega = 1.0 };
        var sol = Diffeq.SolveWithEvent(new Tsit5(), f, 0.0, 10.0, null, new Vec2<F64>(1.0, 0.0), new FirstComponentZero(),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-12, Atol = 1e-14 }));
        output.WriteLine($"event at {sol.EventTime:R}, error {sol.TFinal - Math.PI / 2:E2}, {sol.Stats}");
        Assert.Equal(ResultCode.EventOccurred, sol.Result);
        Assert.NotNull(sol.EventTime);
        Assert.Equal(Math.PI / 2, sol.TFinal, 1e-10);
        Assert.Equal(0.0, sol.YFinal.X.V, 1e-10);
        Assert.Equal(-1.0, sol.YFinal.Y.V, 1e-10);
    }

    [Fact]
    public void EventSolve_SavesTheEventStateWhereT1WouldBeSaved()
    {
        var f = new HarmonicOscillator<F64> { Omega = 1.0 };
        var sol = Diffeq.SolveWithEvent(new Tsit5(), f, 0.0, 10.0, null, new Vec2<F64>(1.0, 0.0), new FirstComponentZero(),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-10, Atol = 1e-12 }), new SaveAt { T0 = true, Ts = [0.5, 1.0, 3.0] });
        Assert.Equal(ResultCode.EventOccurred, sol.Result);
        Assert.Equal([0.0, 0.5, 1.0, sol.TFinal], sol.Ts);
        Assert.Equal(sol.YFinal.Y.V, sol.Ys[^1].Y.V);
        Assert.Equal(Math.PI / 2, sol.Ts[^1], 1e-9);
    }

    [Fact]
    public void HarmonicOscillator_WithFrequency_EventWithDopri8AndConstantRk4()
    {
        // ω = 3: x = cos 3t, first zero at π/6.
        var f = new HarmonicOscillator<F64> { Omega = 3.0 };
        var d8 = Diffeq.SolveWithEvent(new Dopri8(), f, 0.0, 5.0, null, new Vec2<F64>(1.0, 0.0), new FirstComponentZero(),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-12, Atol = 1e-14 }));
        Assert.Equal(ResultCode.EventOccurred, d8.Result);
        Assert.Equal(Math.PI / 6, d8.TFinal, 1e-10);
        // Constant steps: the event is located on Rk4's cubic Hermite interpolant (local error O(h⁴)).
        var rk4 = Diffeq.SolveWithEvent(new Rk4(), f, 0.0, 5.0, 0.01, new Vec2<F64>(1.0, 0.0), new FirstComponentZero());
        Assert.Equal(ResultCode.EventOccurred, rk4.Result);
        Assert.Equal(Math.PI / 6, rk4.TFinal, 1e-7);
    }

    [Fact]
    public void FallingBall_HitsGroundAtExactTime()
    {
        var sol = Diffeq.SolveWithEvent(new Tsit5(), new FallingBall(), 0.0, 100.0, null, new Vec2<F64>(10.0, 0.0), new FirstComponentZero(),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-10, Atol = 1e-12 }));
        double tHit = Math.Sqrt(2 * 10.0 / 9.81);
        output.WriteLine($"hit at {sol.TFinal:R} (exact {tHit:R}), {sol.Stats}");
        Assert.Equal(ResultCode.EventOccurred, sol.Result);
        Assert.Equal(tHit, sol.TFinal, 1e-12);
        Assert.Equal(0.0, sol.YFinal.X.V, 1e-11);
        Assert.Equal(-9.81 * tHit, sol.YFinal.Y.V, 1e-10);
    }

    [Fact]
    public void Event_BackwardInTime_IsFoundToo()
    {
        // x = cos t integrated from t = 3 back towards 0: the first zero met is π/2.
        var f = new HarmonicOscillator<F64> { Omega = 1.0 };
        var sol = Diffeq.SolveWithEvent(new Tsit5(), f, 3.0, 0.0, null, new Vec2<F64>(Math.Cos(3.0), -Math.Sin(3.0)), new FirstComponentZero(),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-12, Atol = 1e-14 }));
        Assert.Equal(ResultCode.EventOccurred, sol.Result);
        Assert.Equal(Math.PI / 2, sol.TFinal, 1e-10);
    }

    [Fact]
    public void NoSignChange_SolvesToT1()
    {
        var sol = Diffeq.SolveWithEvent(new Tsit5(), new FallingBall(), 0.0, 1.0, null, new Vec2<F64>(10.0, 0.0), new FirstComponentZero(),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-8, Atol = 1e-10 }));
        Assert.Equal(ResultCode.Successful, sol.Result);
        Assert.Null(sol.EventTime);
        Assert.Equal(1.0, sol.TFinal);
        Assert.Equal(10.0 - 9.81 / 2, sol.YFinal.X.V, 1e-10);
    }

    [Fact]
    public void SavesAfterTheEvent_AreNotMade()
    {
        var sol = Diffeq.SolveWithEvent(new Tsit5(), new FallingBall(), 0.0, 100.0, null, new Vec2<F64>(10.0, 0.0), new FirstComponentZero(),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-10, Atol = 1e-12 }), new SaveAt { Ts = [0.5, 1.0, 2.0, 50.0], T1 = false });
        Assert.Equal([0.5, 1.0], sol.Ts);
        Assert.Equal(10.0 - 9.81 / 8, sol.Ys[0].X.V, 1e-10);
    }
}
