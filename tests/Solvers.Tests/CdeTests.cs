using Diffrax.Contracts;
using Diffrax.Solvers.Controls;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;
using Xunit;

namespace Diffrax.Solvers.Tests;

/// <summary>The harmonic oscillator's field driven by a one-channel control: dy = f(y) dX.</summary>
public struct OscillatorControlled : IControlledField<F64, Vec2<F64>, Vec1<F64>, Vec2<F64>>
{
    public readonly Vec2<F64> Vf(F64 t, in Vec2<F64> y) => new(y.Y, -y.X);
    public readonly Vec2<F64> Prod(in Vec2<F64> g, in Vec1<F64> dx) => Vec2<F64>.Scale(dx.X, g);
}

public class CdeTests
{
    private static readonly double[] IrregularTs = [0, 0.3, 0.35, 1.1, 1.7, 2.0, 2.9, 3.0];

    private static Solution<Vec2<F64>> SolveCde<TPath>(TPath path) where TPath : struct, IPath<F64, Vec1<F64>>
        => Diffeq.Solve<Tsit5, ControlTerm<OscillatorControlled, TPath, F64, Vec2<F64>, Vec1<F64>, Vec2<F64>>, Vec2<F64>, Vec1<F64>, Vec2<F64>, NoEvent<F64, Vec2<F64>>>(
            new(default, path), 0, 3, null, new Vec2<F64>(1.0, 0.0),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-9, Atol = 1e-11, StepTs = IrregularTs }), null, 100000, default);

    [Fact]
    public void Cde_WhoseControlIsTime_ReproducesTheOdeSolution()
    {
        var samples = ControlSamples.Create(IrregularTs, IrregularTs.Select(t => new[] { t }).ToArray());
        var ode = Diffeq.Solve(new Tsit5(), new HarmonicOscillator<F64> { Omega = 1.0 }, 0, 3, null, new Vec2<F64>(1.0, 0.0),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-9, Atol = 1e-11 }));
        foreach (var sol in new[] { SolveCde(new LinearInterpolationPath<Vec1<F64>>(samples)), SolveCde(new CubicHermitePath<Vec1<F64>>(samples)) })
        {
            Assert.Equal(ResultCode.Successful, sol.Result);
            Assert.Equal(Math.Cos(3), sol.YFinal.X.V, 1e-7);
            Assert.Equal(ode.YFinal.X.V, sol.YFinal.X.V, 1e-7);
            Assert.Equal(ode.YFinal.Y.V, sol.YFinal.Y.V, 1e-7);
        }
    }

    [Fact]
    public void CubicHermitePath_ReproducesACubicsSamples_AndIsContinuouslyDifferentiable()
    {
        static double Cubic(double t) => 0.5 * t * t * t - 2 * t * t + t - 3;
        var samples = ControlSamples.Create(IrregularTs, IrregularTs.Select(t => new[] { Cubic(t) }).ToArray());
        var path = new CubicHermitePath<Vec1<F64>>(samples);
        for (int i = 0; i < IrregularTs.Length; i++)
        {
            Assert.Equal(Cubic(IrregularTs[i]), path.Evaluate(IrregularTs[i]).X.V, 1e-12);
            if (i > 0)
            {
                Assert.Equal(Cubic(IrregularTs[i]) - Cubic(IrregularTs[i - 1]), path.Increment(new F64(IrregularTs[i - 1]), new F64(IrregularTs[i])).X.V, 1e-12);
                // Backward Hermite: the slope arriving at a knot is that interval's secant, and it continues out of the knot.
                double secant = (Cubic(IrregularTs[i]) - Cubic(IrregularTs[i - 1])) / (IrregularTs[i] - IrregularTs[i - 1]);
                Assert.Equal(secant, path.Derivative(IrregularTs[i] - 1e-9).X.V, 1e-6);
                if (i < IrregularTs.Length - 1) Assert.Equal(secant, path.Derivative(IrregularTs[i] + 1e-9).X.V, 1e-6);
            }
        }
        // Derivative agrees with the path's own difference quotient inside an interval.
        double tm = 1.4, e = 1e-6;
        Assert.Equal((path.Evaluate(tm + e).X.V - path.Evaluate(tm - e).X.V) / (2 * e), path.Derivative(tm).X.V, 1e-5);
    }

    [Fact]
    public void ControlPaths_FillNaNGaps_AndStillDriveASolve()
    {
        double nan = double.NaN;
        double[] ts = [0, 1, 2, 3, 4, 5];
        double[][] xs = [[nan, 10], [2, nan], [nan, nan], [8, 40], [nan, 50], [nan, nan]];
        var lin = ControlSamples.Create(ts, xs);
        Assert.Equal([2, 2, 5, 8, 8, 8], lin.Xs.Select(r => r[0]).ToArray());
        Assert.Equal([10, 20, 30, 40, 50, 50], lin.Xs.Select(r => r[1]).ToArray());
        var ff = ControlSamples.Create(ts, xs, forwardFill: true);
        Assert.Equal([2, 2, 2, 8, 8, 8], ff.Xs.Select(r => r[0]).ToArray());
        var rect = new RectilinearPath<Vec2<F64>>(ff);
        Assert.Equal(2.0, rect.Evaluate(2.9).X.V);
        Assert.Equal(6.0, rect.Increment(new F64(2.5), new F64(3.0)).X.V);
        var linPath = new LinearInterpolationPath<Vec2<F64>>(lin);
        Assert.Equal(3.5, linPath.Evaluate(1.5).X.V, 1e-12);
        Assert.Equal(10.0, linPath.Derivative(1.5).Y.V, 1e-12);

        var timeSamples = ControlSamples.Create(ts, [[0.0], [nan], [2.0], [nan], [nan], [5.0]]);
        var sol = Diffeq.Solve<Tsit5, ControlTerm<OscillatorControlled, LinearInterpolationPath<Vec1<F64>>, F64, Vec2<F64>, Vec1<F64>, Vec2<F64>>, Vec2<F64>, Vec1<F64>, Vec2<F64>, NoEvent<F64, Vec2<F64>>>(
            new(default, new LinearInterpolationPath<Vec1<F64>>(timeSamples)), 0, 5, null, new Vec2<F64>(1.0, 0.0),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-9, Atol = 1e-11 }), null, 100000, default);
        Assert.Equal(ResultCode.Successful, sol.Result);
        Assert.Equal(Math.Cos(5), sol.YFinal.X.V, 1e-7);
        Assert.Throws<ArgumentException>(() => ControlSamples.Create(ts, [[nan], [nan], [nan], [nan], [nan], [nan]]));
        Assert.Throws<ArgumentException>(() => ControlSamples.Create([0, 1, 1], [[0.0], [1.0], [2.0]]));
    }
}
