using Diffrax.Contracts;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Xunit;

namespace Diffrax.Solvers.Tests;

public class EnsembleTests
{
    private static EnsembleProblem LorenzSweep(int n, double t1 = 1.0, double rtol = 1e-6, double atol = 1e-8, ErrorNorm norm = ErrorNorm.Rms)
    {
        var y0 = new double[n * 3];
        var ps = new double[n * 3];
        for (int i = 0; i < n; i++)
        {
            y0[3 * i] = 1 + 0.37 * (i % 7); y0[3 * i + 1] = 1 - 0.11 * (i % 5); y0[3 * i + 2] = 1 + 0.05 * i;
            ps[3 * i] = 10; ps[3 * i + 1] = 50.0 * i / Math.Max(1, n - 1); ps[3 * i + 2] = 8.0 / 3.0;
        }
        return new EnsembleProblem
        {
            Members = n, T0 = 0, T1 = t1, Y0 = y0, Params = ps,
            Pid = new PidOptions { Rtol = rtol, Atol = atol, Norm = norm },
            SaveAt = new SaveAt { T0 = true, Ts = SaveAt.Linspace(0.1, 0.9, 5), T1 = true },
        };
    }

    private static Solution<Vec3<F64>> Single(EnsembleProblem p, int m) =>
        Diffeq.Solve(new Tsit5(), new Lorenz<F64>(p.Params[3 * m], p.Params[3 * m + 1], p.Params[3 * m + 2]), p.T0, p.T1, p.Dt0,
            new Vec3<F64>(p.Y0[3 * m], p.Y0[3 * m + 1], p.Y0[3 * m + 2]), StepSize.Adaptive(p.Pid!), p.SaveAt, p.MaxSteps);

    [Fact]
    public void ScalarEnsemble_MatchesSingleSolves_BitForBit()
    {
        var p = LorenzSweep(23);
        var r = EnsembleRunner.Run<Tsit5, Lorenz<F64>, F64, Vec3<F64>>(p, threads: 2);
        for (int m = 0; m < p.Members; m++)
        {
            var s = Single(p, m);
            Assert.Equal(s.Result, r.Results[m]);
            Assert.Equal(s.Stats.Accepted, r.Accepted[m]);
            Assert.Equal(s.Stats.Rejected, r.Rejected[m]);
            Assert.Equal(s.Stats.Nfe, r.Nfe[m]);
            Assert.Equal(s.YFinal.X.V, r.Final[0][m]);
            Assert.Equal(s.YFinal.Z.V, r.Final[2][m]);
            for (int k = 0; k < s.Ts.Length; k++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(Vec3<F64>.Get(s.Ys[k], c).V, r.At(k, m, c));
        }
    }

    [Fact]
    public void MaxNormEnsemble_OnLanes_MatchesSingleSolves_BitForBit_AndIsStricterThanRms()
    {
        var rmsProblem = LorenzSweep(29);
        var p = LorenzSweep(29, norm: ErrorNorm.Max);
        var r = EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, threads: 2);
        var rms = EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(rmsProblem, threads: 2);
        for (int m = 0; m < p.Members; m++)
        {
            var s = Single(p, m);
            Assert.Equal(s.Result, r.Results[m]);
            Assert.Equal(s.Stats.Accepted, r.Accepted[m]);
            Assert.Equal(s.Stats.Rejected, r.Rejected[m]);
            Assert.Equal(s.YFinal.X.V, r.Final[0][m]);
            Assert.Equal(s.YFinal.Y.V, r.Final[1][m]);
            for (int k = 0; k < s.Ts.Length; k++) Assert.Equal(s.Ys[k].Z.V, r.At(k, m, 2));
        }
        Assert.True(r.Steps.Sum() > rms.Steps.Sum(), $"max norm {r.Steps.Sum()} steps, rms {rms.Steps.Sum()}");
        Assert.True(r.Steps.Zip(rms.Steps).All(z => z.First >= z.Second - 1), "the max norm took fewer steps than the RMS for some member");
    }

    [Fact]
    public void Lane8AndLane16_AgreeWithScalar_BitForBit_WithDifferentStepSequences()
    {
        var p = LorenzSweep(101);
        var scalar = EnsembleRunner.Run<Tsit5, Lorenz<F64>, F64, Vec3<F64>>(p, threads: 1);
        var l8 = EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, threads: 2);
        var l16 = EnsembleRunner.Run<Tsit5, Lorenz<Lane16>, Lane16, Vec3<Lane16>>(p, threads: 2);
        Assert.True(scalar.Accepted.Distinct().Count() > 5, "members should take different numbers of steps");
        foreach (var r in new[] { l8, l16 })
        {
            Assert.Equal(scalar.Accepted, r.Accepted);
            Assert.Equal(scalar.Rejected, r.Rejected);
            Assert.Equal(scalar.Results, r.Results);
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(scalar.Final[c], r.Final[c]);
                Assert.Equal(scalar.Saved[c], r.Saved[c]);
            }
        }
    }

    [Fact]
    public void Ensemble_DoesNotDependOnThreadCount()
    {
        var p = LorenzSweep(64);
        var a = EnsembleRunner.Run<Dopri5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, threads: 1);
        var b = EnsembleRunner.Run<Dopri5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, threads: 2);
        Assert.Equal(a.Final[1], b.Final[1]);
        Assert.Equal(a.Nfe, b.Nfe);
    }

    [Fact]
    public void ConstantStepRk4Ensemble_MatchesSingleSolve()
    {
        var p = LorenzSweep(17);
        p = new EnsembleProblem { Members = p.Members, T0 = 0, T1 = 1, Dt0 = 1e-3, Y0 = p.Y0, Params = p.Params };
        var r = EnsembleRunner.Run<Rk4, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, threads: 2);
        for (int m = 0; m < p.Members; m++)
        {
            var s = Diffeq.Solve(new Rk4(), new Lorenz<F64>(p.Params[3 * m], p.Params[3 * m + 1], p.Params[3 * m + 2]), 0, 1, 1e-3,
                new Vec3<F64>(p.Y0[3 * m], p.Y0[3 * m + 1], p.Y0[3 * m + 2]));
            Assert.Equal(1000, r.Accepted[m]);
            Assert.Equal(s.YFinal.Y.V, r.Final[1][m]);
        }
    }

    // The adaptive loop stores a step's stages only when a save falls strictly inside the step (IExplicitRungeKutta.Step,
    // wantStages): saves between steps must still come from this step's interpolant, never from stale stages. Harmonic
    // oscillators x'' = -ω²x with x(0) = 1, v(0) = 0 (x = cos ωt), each member its own ω and so its own steps; 40 saves
    // inside the span, most of them strictly inside a step. Stale or missing stages are off by O(h·ω) ≈ 0.1 here.
    [Theory]
    [InlineData("f64")]
    [InlineData("lane8")]
    [InlineData("lane16")]
    public void AdaptiveEnsemble_SavesInsideSteps_FollowTheExactSolution(string lanes)
    {
        const int n = 37;
        var y0 = new double[2 * n];
        var omega = new double[n];
        for (int i = 0; i < n; i++) { y0[2 * i] = 1; omega[i] = 0.5 + 0.03 * i; }
        var p = new EnsembleProblem
        {
            Members = n, T0 = 0, T1 = 4, Y0 = y0, Params = omega,
            Pid = new PidOptions { Rtol = 1e-6, Atol = 1e-8 },
            SaveAt = new SaveAt { Ts = SaveAt.Linspace(0.05, 3.95, 40), T1 = true },
        };
        var r = lanes switch
        {
            "f64" => EnsembleRunner.Run<Tsit5, HarmonicOscillator<F64>, F64, Vec2<F64>>(p, threads: 2),
            "lane8" => EnsembleRunner.Run<Tsit5, HarmonicOscillator<Lane8>, Lane8, Vec2<Lane8>>(p, threads: 2),
            _ => EnsembleRunner.Run<Tsit5, HarmonicOscillator<Lane16>, Lane16, Vec2<Lane16>>(p, threads: 2),
        };
        double worst = 0;
        for (int m = 0; m < n; m++)
        {
            Assert.Equal(ResultCode.Successful, r.Results[m]);
            Assert.True(r.Steps[m] < 40, $"member {m} took {r.Steps[m]} steps: most saves must fall inside steps for this test to mean anything");
            for (int k = 0; k < r.Ts.Length; k++)
            {
                double t = r.Ts[k];
                worst = Math.Max(worst, Math.Abs(r.At(k, m, 0) - Math.Cos(omega[m] * t)));
                worst = Math.Max(worst, Math.Abs(r.At(k, m, 1) + omega[m] * Math.Sin(omega[m] * t)));
            }
        }
        Assert.True(worst < 1e-4, $"largest deviation from the exact solution at the saves: {worst:E2}");
    }

    private static void ConstantRunsMatchSingleSolves<TTab, T>(int members, double dt, int maxSteps, bool blowUp, bool backward = false)
        where TTab : struct, IExplicitRungeKutta
        where T : struct, IScalar<T>
    {
        double t0 = backward ? 1 : 0, t1 = backward ? 0 : 1;
        var p0 = LorenzSweep(members);
        double[] y0 = (double[])p0.Y0.Clone();
        if (blowUp) { y0[3 * 5] = 1e154; y0[3 * 5 + 1] = 1e154; y0[3 * 5 + 2] = -1e154; }
        var p = new EnsembleProblem
        {
            Members = members, T0 = t0, T1 = t1, Dt0 = backward ? -dt : dt, Y0 = y0, Params = p0.Params, MaxSteps = maxSteps,
            SaveAt = new SaveAt { T0 = true, Ts = SaveAt.Linspace(0.1, 0.9, 5), T1 = true },
        };
        var r = EnsembleRunner.Run<TTab, Lorenz<T>, T, Vec3<T>>(p, threads: 2);
        for (int m = 0; m < members; m++)
        {
            var s = Diffeq.Solve(new TTab(), new Lorenz<F64>(p.Params[3 * m], p.Params[3 * m + 1], p.Params[3 * m + 2]), t0, t1, p.Dt0,
                new Vec3<F64>(y0[3 * m], y0[3 * m + 1], y0[3 * m + 2]), StepSize.Constant, p.SaveAt, maxSteps);
            Assert.Equal(s.Result, r.Results[m]);
            Assert.Equal(s.Stats.Steps, r.Steps[m]);
            Assert.Equal(s.Stats.Nfe, r.Nfe[m]);
            Assert.Equal(s.TFinal, r.TFinal[m]);
            for (int c = 0; c < 3; c++) Assert.Equal(Vec3<F64>.Get(s.YFinal, c).V, r.Final[c][m]);
            for (int k = 0; k < s.Ts.Length; k++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(Vec3<F64>.Get(s.Ys[k], c).V, r.At(k, m, c));
        }
        if (blowUp) Assert.Equal(ResultCode.NonFinite, r.Results[5]);
    }

    // Constant-step ensembles go through Integrator.RunGroups, which advances lane groups through runs of plain steps;
    // every saved value, final state, result code and count must still be those of the one-step-at-a-time loop.
    [Fact] public void ConstantStepRuns_Rk4_MatchSingleSolves_BitForBit() => ConstantRunsMatchSingleSolves<Rk4, Lane8>(37, 0.0037, 100_000, false);
    [Fact] public void ConstantStepRuns_Tsit5Fsal_MatchSingleSolves_BitForBit() => ConstantRunsMatchSingleSolves<Tsit5, Lane8>(37, 0.0037, 100_000, false);
    [Fact] public void ConstantStepRuns_Lane16AndScalar_MatchSingleSolves_BitForBit()
    {
        ConstantRunsMatchSingleSolves<Rk4, Lane16>(41, 0.0037, 100_000, false);
        ConstantRunsMatchSingleSolves<Dopri8, F64>(11, 0.01, 100_000, false);
    }
    [Fact] public void ConstantStepRuns_StopAtMaxSteps_LikeSingleSolves() => ConstantRunsMatchSingleSolves<Rk4, Lane8>(19, 0.001, 250, false);
    [Fact] public void ConstantStepRuns_ANonFiniteMember_EndsAtTheSameStep() => ConstantRunsMatchSingleSolves<Rk4, Lane8>(19, 0.0037, 100_000, true);
    [Fact] public void ConstantStepRuns_BackwardsInTime_MatchSingleSolves_BitForBit() => ConstantRunsMatchSingleSolves<Rk4, Lane8>(23, 0.0037, 100_000, false, backward: true);

    /// <summary>y' = −k·y, counting its evaluations (one member per call on F64 lanes).</summary>
    private struct CountingDecayModel : IModel<CountingDecayModel, F64, Vec1<F64>>
    {
        [ThreadStatic] public static long Calls;
        public F64 K;
        public static ModelInfo Info { get; } = new("counting_decay", ["y"], ["k"], [1.0], [1.0]);
        public static CountingDecayModel Create<TP>(in TP p) where TP : struct, IParams<F64> => new() { K = p.Get(0) };
        public readonly Vec1<F64> Vf(F64 t, in Vec1<F64> y) { Calls++; return new(-(K.V * y.X.V)); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConstantStepRuns_CountEveryVectorFieldEvaluation(bool ensemble)
    {
        // Runs of plain steps (lane groups in ensembles, one state in single solves and GPU kernels) between saves: the
        // statistics still count every call of the field (a run that evaluated its start again would count one short).
        var p = new EnsembleProblem
        {
            Members = 5, T0 = 0, T1 = 2, Dt0 = 0.01, Y0 = [1, 2, 3, 4, 5], Params = [0.5, 1, 1.5, 2, 2.5],
            SaveAt = new SaveAt { Ts = [0.5, 1.0, 1.5], T1 = true },
        };
        CountingDecayModel.Calls = 0;
        long nfe;
        if (ensemble)
        {
            var r = EnsembleRunner.Run<Rk4, CountingDecayModel, F64, Vec1<F64>>(p, threads: 1);
            Assert.All(r.Steps, st => Assert.Equal(200, st));
            nfe = r.Nfe.Sum(v => (long)v);
        }
        else
        {
            nfe = 0;
            for (int m = 0; m < p.Members; m++)
            {
                var sol = Diffeq.Solve(new Rk4(), new CountingDecayModel { K = new(p.Params[m]) }, 0.0, 2.0, 0.01, new Vec1<F64>(p.Y0[m]), StepSize.Constant,
                    saveAt: p.SaveAt);
                Assert.Equal(200, sol.Stats.Steps);
                nfe += sol.Stats.Nfe;
            }
        }
        Assert.Equal(CountingDecayModel.Calls, nfe);
    }

    [Fact]
    public void Ensemble_RecordsFailuresPerMember_WithoutStoppingOthers()
    {
        var p = LorenzSweep(16);
        var q = new EnsembleProblem { Members = p.Members, T0 = 0, T1 = 1, Y0 = p.Y0, Params = p.Params, Pid = p.Pid, MaxSteps = 60 };
        var r = EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(q, threads: 2);
        Assert.Contains(ResultCode.MaxStepsReached, r.Results);
        Assert.Contains(ResultCode.Successful, r.Results);
        for (int m = 0; m < q.Members; m++)
            Assert.Equal(r.Results[m] == ResultCode.MaxStepsReached, r.Steps[m] == 60);
    }

    [Fact]
    public void PreallocatedResult_IsReusedAndReset_AndAShapeMismatchIsRefused()
    {
        var p = LorenzSweep(21);
        var fresh = EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, threads: 2);
        var into = new EnsembleResult(p.Members, 3, fresh.Ts);
        foreach (double[] c in into.Saved) Array.Fill(c, 123.0);   // stale values from an earlier solve
        // Stop every member early: the saves it never reaches must read NaN, not the stale values.
        var q = new EnsembleProblem { Members = p.Members, T0 = p.T0, T1 = p.T1, Y0 = p.Y0, Params = p.Params, Pid = p.Pid, SaveAt = p.SaveAt, MaxSteps = 5 };
        var same = EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(q, into, threads: 2);
        Assert.Same(into, same);
        Assert.DoesNotContain(123.0, into.Saved[0]);
        Assert.Contains(double.NaN, into.Saved[0]);
        EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, into, threads: 2);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(fresh.Final[c], into.Final[c]);
            Assert.Equal(fresh.Saved[c], into.Saved[c]);
        }
        Assert.Equal(fresh.Nfe, into.Nfe);
        var wrong = new EnsembleResult(p.Members + 1, 3, fresh.Ts);
        var ex = Assert.Throws<ArgumentException>(() => EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, wrong, threads: 2));
        Assert.Equal("into", ex.ParamName);
    }

    [Fact]
    public void InvalidEnsemble_IsRefusedBeforeWork_NamingTheField()
    {
        var p = LorenzSweep(4);
        var bad = new EnsembleProblem { Members = 4, T0 = 0, T1 = 1, Y0 = p.Y0[..6], Params = p.Params, Pid = p.Pid };
        var ex = Assert.Throws<ArgumentException>(() => EnsembleRunner.Run<Tsit5, Lorenz<F64>, F64, Vec3<F64>>(bad));
        Assert.Contains("y0", ex.Message);
    }
}

/// <summary>
/// The integrate loop takes the adaptive steps that end strictly inside the span, before the next save, as runs
/// (<c>Integrator.AdaptiveRun</c>); a controller with step or jump times never does. A step time at t1 clips nothing
/// (every solve ends there anyway), so the same problem with <c>step_ts = [t1]</c> takes every step in the loop: both
/// must agree bit for bit, through rejections, saves inside steps, dtmin failures, the step budget and a non-finite
/// state, on every lane width.
/// </summary>
public class AdaptiveRunTests
{
    private static EnsembleProblem Problem(int n, PidOptions pid, int maxSteps, double t1)
    {
        var y0 = new double[n * 3];
        var ps = new double[n * 3];
        for (int i = 0; i < n; i++)
        {
            y0[3 * i] = 1 + 0.37 * (i % 7); y0[3 * i + 1] = 1 - 0.11 * (i % 5); y0[3 * i + 2] = 1 + 0.05 * i;
            ps[3 * i] = 10; ps[3 * i + 1] = 50.0 * i / (n - 1); ps[3 * i + 2] = 8.0 / 3.0;
        }
        // Two members blow up: x·y overflows within the first steps and the state stops being finite.
        y0[3 * 5] = 1e154; y0[3 * 5 + 1] = 1e154;
        y0[3 * 17] = -1e154; y0[3 * 17 + 1] = 1e154;
        return new EnsembleProblem
        {
            Members = n, T0 = 0, T1 = t1, Y0 = y0, Params = ps, Pid = pid, MaxSteps = maxSteps,
            SaveAt = new SaveAt { T0 = true, Ts = SaveAt.Linspace(0.1 * t1, 0.9 * t1, 7), T1 = true },
        };
    }

    /// <summary>Result codes, step statistics, final states and saves equal bit for bit.</summary>
    private static void AssertSameBits(EnsembleResult expected, EnsembleResult actual)
    {
        Assert.Equal(expected.Results, actual.Results);
        Assert.Equal(expected.Steps, actual.Steps);
        Assert.Equal(expected.Rejected, actual.Rejected);
        Assert.Equal(expected.Nfe, actual.Nfe);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(expected.Final[c], actual.Final[c]);
            Assert.Equal(expected.Saved[c], actual.Saved[c]);
        }
    }

    private static EnsembleResult Solve(string lanes, EnsembleProblem p) => lanes switch
    {
        "f64" => EnsembleRunner.Run<Tsit5, Lorenz<F64>, F64, Vec3<F64>>(p, threads: 2),
        "lane8" => EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, threads: 2),
        _ => EnsembleRunner.Run<Dopri5, Lorenz<Lane16>, Lane16, Vec3<Lane16>>(p, threads: 2),
    };

    /// <summary>
    /// One lane group per thread (single runs) and two (paired runs) give the same bits. Other tests may run while the
    /// setting is changed; their results do not depend on it either.
    /// </summary>
    [Fact]
    public void PairedRuns_EqualSingleGroupRuns_BitForBit()
    {
        var p = Problem(61, new PidOptions { Rtol = 1e-7, Atol = 1e-9, DtMin = 5e-3 }, 170, 3);
        int before = EnsembleRunner.AdaptiveLaneGroups;
        try
        {
            EnsembleRunner.AdaptiveLaneGroups = 1;
            var one = Solve("lane8", p);
            EnsembleRunner.AdaptiveLaneGroups = 2;
            var two = Solve("lane8", p);
            Assert.True(one.Rejected.Sum() > 10 && one.Results.Distinct().Count() >= 3, "the problem should reach the runs' exits");
            AssertSameBits(one, two);
        }
        finally { EnsembleRunner.AdaptiveLaneGroups = before; }
    }

    [Theory]
    [InlineData("f64", "rms")]
    [InlineData("lane8", "rms")]
    [InlineData("lane8", "max")]
    [InlineData("lane16", "rms")]
    [InlineData("lane8", "pid")]
    public void AdaptiveRuns_TakeTheLoopsSteps_BitForBit(string lanes, string controller)
    {
        const int n = 45;
        const double t1 = 3;
        var pid = new PidOptions { Rtol = 1e-7, Atol = 1e-9, DtMin = 5e-3, Norm = controller == "max" ? ErrorNorm.Max : ErrorNorm.Rms };
        if (controller == "pid") pid = pid with { Pcoeff = 0.2, Icoeff = 0.4, Dcoeff = 0.1 };
        var runs = Problem(n, pid, 170, t1);
        var loop = Problem(n, pid with { StepTs = [t1] }, 170, t1);
        var a = Solve(lanes, runs);
        var b = Solve(lanes, loop);
        // Every path the runs must hand back to the loop is taken.
        Assert.Contains(ResultCode.Successful, a.Results);
        Assert.Contains(ResultCode.DtMinReached, a.Results);
        Assert.Contains(ResultCode.MaxStepsReached, a.Results);
        Assert.Contains(ResultCode.NonFinite, a.Results);
        Assert.True(a.Rejected.Sum() > 10, $"only {a.Rejected.Sum()} rejected steps");
        AssertSameBits(b, a);
        Assert.Equal(b.Accepted, a.Accepted);
        Assert.Equal(b.TFinal, a.TFinal);
    }
}
