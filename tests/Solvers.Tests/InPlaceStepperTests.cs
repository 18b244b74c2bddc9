using System.Runtime.CompilerServices;
using Diffrax.Contracts;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;
using Xunit;

namespace Diffrax.Solvers.Tests;

/// <summary>
/// Ensembles of states with more than four components step in place (<see cref="InPlaceErkStepper{TTab, TModel, T, TY}"/>),
/// single solves through the generated step: both must give the same bits for every tableau shape (FSAL, fused
/// stages, many stages, no error estimate), adaptive with saves inside steps and with constant steps.
/// </summary>
public class InPlaceStepperTests
{
    /// <summary>Lorenz-96 with eight states and forcing F (chaotic for F = 8).</summary>
    public struct Lorenz96x8<T> : IModel<Lorenz96x8<T>, T, Cat<Vec4<T>, Vec4<T>, T>> where T : struct, IScalar<T>
    {
        public T F;
        public static ModelInfo Info { get; } = new("lorenz96x8", ["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"], ["F"], [8.0], [8, 8, 8, 8, 8, 8, 8, 8]);
        public static Lorenz96x8<T> Create<TP>(in TP p) where TP : struct, IParams<T> => new() { F = p.Get(0) };
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly Cat<Vec4<T>, Vec4<T>, T> Vf(T t, in Cat<Vec4<T>, Vec4<T>, T> y)
        {
            Cat<Vec4<T>, Vec4<T>, T> d;
            T x0 = y.A.X, x1 = y.A.Y, x2 = y.A.Z, x3 = y.A.W, x4 = y.B.X, x5 = y.B.Y, x6 = y.B.Z, x7 = y.B.W;
            d.A.X = (x1 - x6) * x7 - x0 + F;
            d.A.Y = (x2 - x7) * x0 - x1 + F;
            d.A.Z = (x3 - x0) * x1 - x2 + F;
            d.A.W = (x4 - x1) * x2 - x3 + F;
            d.B.X = (x5 - x2) * x3 - x4 + F;
            d.B.Y = (x6 - x3) * x4 - x5 + F;
            d.B.Z = (x7 - x4) * x5 - x6 + F;
            d.B.W = (x0 - x5) * x6 - x7 + F;
            return d;
        }
    }

    [Fact]
    public void InPlaceStepper_AppliesAboveFourComponents_Only()
    {
        Assert.True(InPlaceErkStepper<Tsit5, Lorenz96x8<Lane8>, Lane8, Cat<Vec4<Lane8>, Vec4<Lane8>, Lane8>>.Applies);
        Assert.True(InPlaceErkStepper<Tsit5, Lorenz96x8<F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>>.Applies);
        Assert.False(InPlaceErkStepper<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>.Applies);
    }

    [Theory]
    [InlineData("tsit5", true)]
    [InlineData("dopri5", true)]
    [InlineData("dopri8", true)]
    [InlineData("bosh3", true)]
    [InlineData("heun", true)]
    [InlineData("tsit5", false)]
    [InlineData("rk4", false)]
    [InlineData("midpoint", false)]
    [InlineData("euler", false)]
    [InlineData("dopri8", false)]
    public void EnsembleInPlace_MatchesSingleSolves_BitForBit(string solver, bool adaptive)
    {
        switch (solver)
        {
            case "tsit5": Check<Tsit5>(adaptive); break;
            case "dopri5": Check<Dopri5>(adaptive); break;
            case "dopri8": Check<Dopri8>(adaptive); break;
            case "bosh3": Check<Bosh3>(adaptive); break;
            case "heun": Check<Heun>(adaptive); break;
            case "rk4": Check<Rk4>(adaptive); break;
            case "midpoint": Check<Midpoint>(adaptive); break;
            default: Check<Euler>(adaptive); break;
        }
    }

    /// <summary>x₀ crosses 9 (an event the chaotic state reaches within the span).</summary>
    private struct X0Crosses : IEvent<F64, Cat<Vec4<F64>, Vec4<F64>, F64>>
    {
        public static bool Enabled => true;
        public readonly F64 Condition(F64 t, in Cat<Vec4<F64>, Vec4<F64>, F64> y) => y.A.X - new F64(9.0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SingleSolveInPlace_BackwardsAndWithAnEvent_MatchesTheGeneratedStep(bool backward)
    {
        // Backwards in time, an event located on the dense interpolant, saves inside steps: the in-place single solve
        // against the generated step (ErkStepper through SolveWith), bit for bit.
        var field = new Lorenz96x8<F64> { F = new F64(8.0) };
        var term = new OdeTerm<Lorenz96x8<F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>>(field);
        var y0 = new Cat<Vec4<F64>, Vec4<F64>, F64>(new Vec4<F64>(new F64(10), new F64(8), new F64(7), new F64(8)), new Vec4<F64>(new F64(8.5), new F64(8), new F64(8), new F64(8)));
        double t0 = backward ? 3 : 0, t1 = backward ? 0 : 3;
        var stepSize = StepSize.Adaptive(new PidOptions { Rtol = 1e-7, Atol = 1e-9 });
        var saveAt = new SaveAt { Ts = SaveAt.Linspace(backward ? 2.9 : 0.1, backward ? 0.1 : 2.9, 15), T1 = true };
        var ev = new X0Crosses();
        var generated = Diffeq.SolveWith<ErkStepper<Tsit5, OdeTerm<Lorenz96x8<F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>>,
            OdeTerm<Lorenz96x8<F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>, X0Crosses>(
            default, term, t0, t1, null, y0, stepSize, saveAt, Diffeq.DefaultMaxSteps, ev);
        var inPlace = Diffeq.SolveWithEvent(new Tsit5(), field, t0, t1, null, y0, ev, stepSize, saveAt);
        Assert.Equal(ResultCode.EventOccurred, generated.Result);
        Assert.Equal(generated.Result, inPlace.Result);
        Assert.Equal(generated.TFinal, inPlace.TFinal);
        Assert.Equal(generated.Stats.Steps, inPlace.Stats.Steps);
        Assert.Equal(generated.Ts.Length, inPlace.Ts.Length);
        for (int k = 0; k < generated.Ts.Length; k++)
            for (int c = 0; c < 8; c++)
                Assert.Equal(Cat<Vec4<F64>, Vec4<F64>, F64>.Get(generated.Ys[k], c).V, Cat<Vec4<F64>, Vec4<F64>, F64>.Get(inPlace.Ys[k], c).V);
    }

    private static void Check<TTab>(bool adaptive) where TTab : struct, IExplicitRungeKutta
    {
        const int n = 19, d = 8;
        var y0 = new double[n * d];
        var f = new double[n];
        for (int m = 0; m < n; m++)
        {
            f[m] = 7.5 + 0.05 * m;
            for (int c = 0; c < d; c++) y0[m * d + c] = f[m] + (c == m % d ? 0.01 * (1 + m) : 0.0);
        }
        var p = new EnsembleProblem
        {
            Members = n, T0 = 0, T1 = 1.5, Y0 = y0, Params = f,
            Dt0 = adaptive ? null : 0.0037,
            Pid = adaptive ? new PidOptions { Rtol = 1e-6, Atol = 1e-8 } : null,
            SaveAt = new SaveAt { T0 = true, Ts = SaveAt.Linspace(0.1, 1.4, 9), T1 = true },
        };
        var l8 = EnsembleRunner.Run<TTab, Lorenz96x8<Lane8>, Lane8, Cat<Vec4<Lane8>, Vec4<Lane8>, Lane8>>(p, threads: 2);
        var f64 = EnsembleRunner.Run<TTab, Lorenz96x8<F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>>(p, threads: 1);
        for (int m = 0; m < n; m++)
        {
            var ym = new Cat<Vec4<F64>, Vec4<F64>, F64>(
                new Vec4<F64>(new F64(y0[m * d]), new F64(y0[m * d + 1]), new F64(y0[m * d + 2]), new F64(y0[m * d + 3])),
                new Vec4<F64>(new F64(y0[m * d + 4]), new F64(y0[m * d + 5]), new F64(y0[m * d + 6]), new F64(y0[m * d + 7])));
            // The generated step (ErkStepper), as single solves of small states take it.
            var field = new Lorenz96x8<F64> { F = new F64(f[m]) };
            var term = new OdeTerm<Lorenz96x8<F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>>(field);
            var stepSize = adaptive ? StepSize.Adaptive(p.Pid!) : StepSize.Constant;
            var s = Diffeq.SolveWith<ErkStepper<TTab, OdeTerm<Lorenz96x8<F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>>,
                OdeTerm<Lorenz96x8<F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64, Cat<Vec4<F64>, Vec4<F64>, F64>, NoEvent<F64, Cat<Vec4<F64>, Vec4<F64>, F64>>>(
                default, term, p.T0, p.T1, p.Dt0, ym, stepSize, p.SaveAt, p.MaxSteps, default);
            // Single solves of such states step in place too: the same bits, dense output included.
            var single = Diffeq.Solve(new TTab(), field, p.T0, p.T1, p.Dt0, ym, stepSize, p.SaveAt with { Dense = true }, p.MaxSteps);
            Assert.Equal(s.Stats.Steps, single.Stats.Steps);
            for (int k = 0; k < s.Ts.Length; k++)
                for (int c = 0; c < d; c++)
                    Assert.Equal(Cat<Vec4<F64>, Vec4<F64>, F64>.Get(s.Ys[k], c).V, Cat<Vec4<F64>, Vec4<F64>, F64>.Get(single.Ys[k], c).V);
            foreach (var r in new[] { l8, f64 })
            {
                Assert.Equal(s.Result, r.Results[m]);
                Assert.Equal(s.Stats.Steps, r.Steps[m]);
                Assert.Equal(s.Stats.Rejected, r.Rejected[m]);
                Assert.Equal(s.Stats.Nfe, r.Nfe[m]);
                for (int k = 0; k < s.Ts.Length; k++)
                    for (int c = 0; c < d; c++)
                        Assert.Equal(Cat<Vec4<F64>, Vec4<F64>, F64>.Get(s.Ys[k], c).V, r.At(k, m, c));
            }
        }
    }
}
