using Diffrax.Contracts;
using Diffrax.Contracts.Jobs;
using Diffrax.Coordinator.Jobs;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Xunit;

namespace Diffrax.Coordinator.Tests;

public class JobPlannerTests
{
    private static JobPlan PlanText(string yaml, int? batchSize = null)
    {
        var spec = JobLoader.Parse(yaml, "job.yaml");
        return JobPlanner.Plan(spec, JobModels.TryGetInfo(spec)!, batchSize);
    }

    private const string Lorenz = """
        model:
          builtin: lorenz
        t0: 0
        t1: 1
        dt0: 0.01
        solver: rk4

        """;

    private static string Ensemble(int members, string vary, ulong seed = 1) => Lorenz + $"seed: {seed}\nensemble:\n  members: {members}\n  vary:\n" + vary;

    private static void AssertBatchesCoverEveryMemberOnce(JobPlan plan)
    {
        var seen = new int[plan.Members];
        for (int b = 0; b < plan.Batches.Count; b++)
        {
            var batch = plan.Batches[b];
            Assert.Equal(b, batch.Index);
            Assert.InRange(batch.Count, 1, plan.BatchSize);
            for (int m = batch.Start; m < batch.Start + batch.Count; m++) seen[m]++;
        }
        Assert.All(seen, n => Assert.Equal(1, n));
    }

    [Theory]
    [MemberData(nameof(JobLoaderTests.Examples), MemberType = typeof(JobLoaderTests))]
    public void EveryExample_Plans(string file)
    {
        var spec = JobLoader.Load(Path.Combine(JobLoaderTests.ExamplesDir, file));
        var info = JobModels.TryGetInfo(spec);
        Assert.NotNull(info);
        var plan = JobPlanner.Plan(spec, info);
        int expected = file switch
        {
            "lorenz_ensemble.yaml" => 10000, "parameter_sweep.yaml" => 20, "equations_vanderpol.yaml" => 64,
            "sde_gbm.yaml" => 100000, "sde_heston.yaml" => 20000, "cde_eurostoxx.yaml" => 4, _ => 1,
        };
        Assert.Equal(expected, plan.Members);
        Assert.Equal((long)plan.Members * plan.StateNames.Count, plan.Y0.LongLength);
        Assert.Equal((long)plan.Members * plan.ParamNames.Count, plan.Params.LongLength);
        Assert.Equal((long)plan.Members * plan.VariedColumns.Count, plan.VariedValues.LongLength);
        AssertBatchesCoverEveryMemberOnce(plan);
        var problem = plan.ToEnsembleProblem(plan.Batches[^1]);
        EnsembleRunner.Validate(problem, plan.StateNames.Count, plan.ParamNames.Count);
    }

    [Fact]
    public void SingleJob_IsOneMemberWithDefaultsAndOverrides()
    {
        var plan = PlanText(Lorenz.Replace("builtin: lorenz", "builtin: lorenz\n  params: {rho: 24}") + "y0: {x: 2, y: 3, z: 4}");
        Assert.Equal(1, plan.Members);
        Assert.Equal(["x", "y", "z"], plan.StateNames);
        Assert.Equal(["sigma", "rho", "beta"], plan.ParamNames);
        Assert.Equal([2.0, 3.0, 4.0], plan.Y0);
        Assert.Equal([10.0, 24.0, 8.0 / 3.0], plan.Params);
        Assert.Empty(plan.VariedColumns);
        Assert.Equal(new JobBatch(0, 0, 1), Assert.Single(plan.Batches));
    }

    [Fact]
    public void MissingY0_TakesTheModelsDefault()
    {
        var plan = PlanText(Lorenz.Replace("lorenz", "kepler"));
        Assert.Equal(Kepler<F64>.Info.DefaultY0, plan.Y0);
    }

    [Fact]
    public void EnsembleLinspace_SpansStartToStopOverTheMembers()
    {
        var plan = PlanText(Ensemble(11, "    params.rho: {linspace: [20, 30]}\n"));
        Assert.Equal(["params_rho"], plan.VariedColumns);
        Assert.Equal(["params.rho"], plan.VariedKeys);
        for (int m = 0; m < 11; m++)
        {
            Assert.Equal(20 + m, plan.VariedValue(m, 0), 12);
            Assert.Equal(plan.VariedValue(m, 0), plan.Params[m * 3 + 1]);
            Assert.Equal(10.0, plan.Params[m * 3]);
        }
        Assert.Equal(30.0, plan.Params[10 * 3 + 1]);
    }

    [Fact]
    public void EnsembleLogspace_HasAConstantRatio()
    {
        var plan = PlanText(Ensemble(5, "    params.sigma: {logspace: [1, 10000]}\n"));
        var v = Enumerable.Range(0, 5).Select(m => plan.VariedValue(m, 0)).ToArray();
        Assert.Equal(1.0, v[0]);
        Assert.Equal(10000.0, v[4]);
        for (int i = 1; i < 5; i++) Assert.Equal(10.0, v[i] / v[i - 1], 10);
    }

    [Fact]
    public void EnsembleList_GivesEachMemberItsValue()
    {
        var plan = PlanText(Ensemble(3, "    y0.z: [5, 6, 7]\n"));
        Assert.Equal([1, 1, 5, 1, 1, 6, 1, 1, 7], plan.Y0);
        Assert.Equal([5.0, 6.0, 7.0], plan.VariedValues);
    }

    [Fact]
    public void ProductSweep_HasEveryCombinationOnce_LastAxisFastest()
    {
        var plan = PlanText(Lorenz + "sweep:\n  vary:\n    params.rho: {linspace: [20, 30, 3]}\n    params.sigma: [8, 10]\n    y0.x: [0.5, 1.5]");
        Assert.Equal(12, plan.Members);
        Assert.Equal(["params_rho", "params_sigma", "y0_x"], plan.VariedColumns);
        Assert.Equal([20.0, 8.0, 0.5], plan.VariedValues[..3]);
        Assert.Equal([20.0, 8.0, 1.5], plan.VariedValues[3..6]);
        Assert.Equal([20.0, 10.0, 0.5], plan.VariedValues[6..9]);
        var combos = Enumerable.Range(0, 12).Select(m => (plan.VariedValue(m, 0), plan.VariedValue(m, 1), plan.VariedValue(m, 2))).ToHashSet();
        Assert.Equal(12, combos.Count);
        for (int m = 0; m < 12; m++)
        {
            Assert.Equal(plan.VariedValue(m, 0), plan.Params[m * 3 + 1]);
            Assert.Equal(plan.VariedValue(m, 1), plan.Params[m * 3]);
            Assert.Equal(plan.VariedValue(m, 2), plan.Y0[m * 3]);
        }
    }

    [Fact]
    public void ZipSweep_TakesAxesTogether()
    {
        var plan = PlanText(Lorenz + "sweep:\n  mode: zip\n  vary:\n    params.rho: [20, 25, 30]\n    params.beta: {linspace: {start: 1, stop: 3, num: 3}}");
        Assert.Equal(3, plan.Members);
        Assert.Equal([20.0, 1.0, 25.0, 2.0, 30.0, 3.0], plan.VariedValues);
    }

    [Fact]
    public void RandomDraws_AreReproducible_AndIndependentOfBatchSizeAndMemberCount()
    {
        const string vary = "    y0.x: {normal: {mean: 1, std: 0.1}}\n    params.rho: {uniform: {low: 20, high: 30}}\n";
        var a = PlanText(Ensemble(1000, vary), batchSize: 7);
        var b = PlanText(Ensemble(1000, vary), batchSize: 4096);
        Assert.Equal(a.Y0, b.Y0);
        Assert.Equal(a.Params, b.Params);
        Assert.Equal(a.VariedValues, b.VariedValues);

        // Member i's draw depends on (seed, axis, i) only: a smaller ensemble is a prefix of a larger one.
        var small = PlanText(Ensemble(100, vary));
        Assert.Equal(small.VariedValues, a.VariedValues[..200]);

        // Batches carry exactly their members' inputs.
        var batch = a.Batches[3];
        var problem = a.ToEnsembleProblem(batch);
        Assert.Equal(a.Y0[(batch.Start * 3)..((batch.Start + batch.Count) * 3)], problem.Y0);
        Assert.Equal(a.Params[(batch.Start * 3)..((batch.Start + batch.Count) * 3)], problem.Params);

        // Another seed gives other draws; another axis key gives an independent stream.
        var other = PlanText(Ensemble(1000, vary, seed: 2));
        Assert.NotEqual(a.VariedValues, other.VariedValues);
        var onlyRho = PlanText(Ensemble(1000, "    params.rho: {uniform: {low: 20, high: 30}}\n"));
        Assert.Equal(Enumerable.Range(0, 1000).Select(m => a.VariedValue(m, 1)), Enumerable.Range(0, 1000).Select(m => onlyRho.VariedValue(m, 0)));
    }

    [Fact]
    public void RandomDraws_HaveTheRequestedDistributions()
    {
        const int n = 20000;
        var plan = PlanText(Ensemble(n, """
                y0.x: {normal: {mean: 2, std: 0.5}}
                y0.y: {uniform: {low: -1, high: 3}}
                y0.z: {lognormal: {mu: 0.1, sigma: 0.3}}

            """));
        double[] Col(int k) => Enumerable.Range(0, n).Select(m => plan.VariedValue(m, k)).ToArray();
        static (double Mean, double Sd) Stats(double[] x)
        {
            double mean = x.Average();
            return (mean, Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1)));
        }
        double se = 1 / Math.Sqrt(n);
        var normal = Stats(Col(0));
        Assert.InRange(normal.Mean, 2 - 5 * 0.5 * se, 2 + 5 * 0.5 * se);
        Assert.InRange(normal.Sd, 0.5 * (1 - 5 * se), 0.5 * (1 + 5 * se));
        var uniform = Col(1);
        Assert.All(uniform, u => Assert.InRange(u, -1, 3));
        double uSd = 4 / Math.Sqrt(12);
        Assert.InRange(uniform.Average(), 1 - 5 * uSd * se, 1 + 5 * uSd * se);
        var logs = Stats(Col(2).Select(x => Math.Log(x)).ToArray());
        Assert.InRange(logs.Mean, 0.1 - 5 * 0.3 * se, 0.1 + 5 * 0.3 * se);
        Assert.InRange(logs.Sd, 0.3 * (1 - 5 * se), 0.3 * (1 + 5 * se));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(1000)]
    public void Batches_CoverEveryMemberExactlyOnce(int batchSize)
    {
        var plan = PlanText(Ensemble(100, "    params.rho: {linspace: [20, 30]}\n"), batchSize);
        Assert.Equal((100 + batchSize - 1) / batchSize, plan.Batches.Count);
        AssertBatchesCoverEveryMemberOnce(plan);
    }

    [Fact]
    public void BatchSize_ComesFromTheJobWhenTheCallerGivesNone()
    {
        var plan = PlanText(Ensemble(10, "    params.rho: {linspace: [20, 30]}\n") + "batch_size: 4\n");
        Assert.Equal([4, 4, 2], plan.Batches.Select(b => b.Count));
    }

    [Fact]
    public void PlannedSweep_SolvedByTheEnsembleRunner_MatchesTheExactSolution()
    {
        // x'' = -ω²x, x(0) = 1, v(0) = 0: x(t) = cos(ωt). Each member must get its own ω from the plan.
        var plan = PlanText("""
            model: {builtin: harmonic_oscillator}
            y0: [1, 0]
            t0: 0
            t1: 2
            solver: tsit5
            stepsize: {controller: pid, rtol: 1e-10, atol: 1e-12}
            sweep:
              vary:
                params.omega: {linspace: [0.5, 3, 6]}
            """, batchSize: 4);
        foreach (var batch in plan.Batches)
        {
            var result = EnsembleRunner.Run<Tsit5, HarmonicOscillator<F64>, F64, Vec2<F64>>(plan.ToEnsembleProblem(batch), threads: 1);
            for (int i = 0; i < batch.Count; i++)
            {
                double omega = plan.VariedValue(batch.Start + i, 0);
                Assert.Equal(ResultCode.Successful, result.Results[i]);
                Assert.Equal(Math.Cos(omega * 2), result.Final[0][i], 1e-8);
            }
        }
    }

    [Fact]
    public void PidOptions_TakeTheLibraryDefaultsForUnsetOptions()
    {
        var plan = PlanText(Lorenz.Replace("rk4", "dopri5") + "stepsize: {controller: pid, rtol: 1e-7, dtmax: 0.1, jump_ts: [0.5]}");
        var pid = plan.PidOptions!;
        var d = new PidOptions();
        Assert.Equal((1e-7, d.Atol, 0.1, d.Safety, d.FactorMax), (pid.Rtol, pid.Atol, pid.DtMax, pid.Safety, pid.FactorMax));
        Assert.Equal([0.5], pid.JumpTs);
        Assert.Null(PlanText(Lorenz).PidOptions);
        Assert.Equal(Diffeq.DefaultMaxSteps, PlanText(Lorenz).ToEnsembleProblem(new JobBatch(0, 0, 1)).MaxSteps);
    }

    [Fact]
    public void PluginJob_IsCheckedAgainstTheModelInfoGivenToThePlanner()
    {
        string dll = typeof(JobPlannerTests).Assembly.Location;
        var spec = JobLoader.Parse($"""
            model: {'{'}type: "Plugins.Pendulum, Plugins", assembly: "{dll}", params: {'{'}g: 9.81, l: 2{'}'}{'}'}
            y0: [0.1]
            t0: 0
            t1: 1
            dt0: 0.01
            solver: rk4
            ensemble: {'{'}members: 3, vary: {'{'}params.m: [1, 2, 3]{'}'}{'}'}
            """, "job.yaml");
        var info = new ModelInfo("pendulum", ["theta", "omega"], ["g", "l"], [9.81, 1.0], [0.0, 0.0]);
        var ex = Assert.Throws<JobValidationException>(() => JobPlanner.Plan(spec, info));
        Assert.Equal(["y0", "ensemble.vary.params.m"], ex.Errors.Select(e => e.Field));
        Assert.Equal("y0 has 1 value but model 'pendulum' has 2 states (theta, omega); expected one value per state", ex.Errors[0].Message);
        Assert.Equal("unknown parameter 'm' of model 'pendulum'; parameters: g, l", ex.Errors[1].Message);
        var m = Assert.Single(ex.Errors, e => e.Field == "ensemble.vary.params.m");
        Assert.Equal((7, 31), (m.Line, m.Column));
    }

    [Fact]
    public void OutputDir_FillsNameAndDate()
    {
        var spec = JobLoader.Load(Path.Combine(JobLoaderTests.ExamplesDir, "parameter_sweep.yaml"));
        Assert.Equal("results/lv_sweep/2025-03-07", JobPlanner.ResolveOutputDir(spec, new DateTimeOffset(2025, 3, 7, 23, 30, 0, TimeSpan.Zero)));
    }
}
