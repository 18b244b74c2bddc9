using Diffrax.Contracts.Jobs;
using Diffrax.Coordinator.Jobs;
using Xunit;

namespace Diffrax.Coordinator.Tests;

public class JobLoaderTests
{
    internal static string ExamplesDir => Path.Combine(AppContext.BaseDirectory, "examples");

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    private const string Lorenz = """
        model:
          builtin: lorenz
        t0: 0
        t1: 1
        dt0: 0.01
        solver: rk4
        """;

    private static JobValidationException Invalid(string yaml, string file = "job.yaml")
        => Assert.Throws<JobValidationException>(() => JobLoader.Parse(yaml, file));

    /// <summary>Asserts that exactly one error sits at line:column with the given field and a message containing every fragment.</summary>
    private static JobError AssertError(JobValidationException ex, int line, int column, string field, params string[] fragments)
    {
        var e = Assert.Single(ex.Errors, e => e.Field == field);
        Assert.Equal("job.yaml", e.File);
        Assert.Equal((line, column), (e.Line, e.Column));
        foreach (var f in fragments) Assert.Contains(f, e.Message, StringComparison.Ordinal);
        Assert.Contains($"job.yaml:{line}:{column}: {field}: ", ex.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void Examples_AreAllPresent()
    {
        var names = Examples().Cast<object[]>().Select(r => (string)r[0]).ToArray();
        Assert.Equal(["cde_eurostoxx.yaml", "equations_vanderpol.yaml", "lorenz_ensemble.yaml", "ode_lorenz.yaml", "parameter_sweep.yaml", "sde_gbm.yaml", "sde_heston.yaml"], names);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void EveryExample_Loads(string file)
    {
        var spec = JobLoader.Load(Path.Combine(ExamplesDir, file));
        Assert.Equal(Path.Combine(ExamplesDir, file), spec.SourceFile);
        Assert.Equal(64, spec.SpecHash.Length);
        var expectedKind = file switch { "sde_gbm.yaml" or "sde_heston.yaml" => ProblemKind.Sde, "cde_eurostoxx.yaml" => ProblemKind.Cde, _ => ProblemKind.Ode };
        Assert.Equal(expectedKind, spec.Kind);
    }

    [Fact]
    public void OdeLorenzExample_ReadsEveryField()
    {
        var spec = JobLoader.Load(Path.Combine(ExamplesDir, "ode_lorenz.yaml"));
        Assert.Equal("ode_lorenz", spec.Name);
        var model = Assert.IsType<BuiltinModelSpec>(spec.Model);
        Assert.Equal("lorenz", model.Name);
        Assert.Equal([("sigma", 10.0), ("rho", 28.0), ("beta", 2.6666666666666665)], model.Params.Select(p => (p.Name, p.Value)));
        Assert.True(spec.Y0!.ByName);
        Assert.Equal([("x", 1.0), ("y", 1.0), ("z", 1.0)], spec.Y0.Values.Select(v => (v.Name, v.Value)));
        Assert.Equal((0.0, 20.0, (double?)null), (spec.T0, spec.T1, spec.Dt0));
        Assert.Equal("tsit5", spec.Solver);
        Assert.Equal(ControllerKind.Pid, spec.StepSize.Controller);
        Assert.Equal((1e-8, 1e-10), (spec.StepSize.Rtol!.Value, spec.StepSize.Atol!.Value));
        Assert.Null(spec.StepSize.DtMax);
        Assert.True(spec.SaveAt.T0);
        Assert.True(spec.SaveAt.T1);
        Assert.Equal(1001, spec.SaveAt.Ts.Count);
        Assert.Equal((0.0, 0.02, 20.0), (spec.SaveAt.Ts[0], spec.SaveAt.Ts[1], spec.SaveAt.Ts[^1]));
        Assert.Equal(100000, spec.MaxSteps);
        Assert.Equal("results/{name}", spec.Output.Dir);
        Assert.Null(spec.Ensemble);
        Assert.Null(spec.Sweep);
    }

    [Fact]
    public void EquationsExample_CarriesExpressionsWithTheirFilePositions()
    {
        var spec = JobLoader.Load(Path.Combine(ExamplesDir, "equations_vanderpol.yaml"));
        var eq = Assert.IsType<EquationsModelSpec>(spec.Model);
        Assert.Equal(["x", "v"], eq.States);
        Assert.Equal([("mu", 5.0)], eq.Params.Select(p => (p.Name, p.Value)));
        var aux = Assert.Single(eq.Aux);
        Assert.Equal(("damping", "mu * (1 - x^2)"), (aux.Name, aux.Expression.Text));
        var lines = File.ReadAllLines(Path.Combine(ExamplesDir, "equations_vanderpol.yaml"));
        foreach (var e in eq.Aux.Concat(eq.Drift))
            Assert.Equal(e.Expression.Text, lines[e.Expression.Line - 1][(e.Expression.Column - 1)..]);
        Assert.Equal(["x", "v"], eq.Drift.Select(d => d.Name));
    }

    [Fact]
    public void SdeExample_HasADiagonalDiffusion()
    {
        var spec = JobLoader.Load(Path.Combine(ExamplesDir, "sde_gbm.yaml"));
        var eq = Assert.IsType<EquationsModelSpec>(spec.Model);
        var diag = Assert.IsType<DiagonalNoiseSpec>(eq.Diffusion);
        Assert.Equal(("S", "sigma * S"), (diag.Entries[0].Name, diag.Entries[0].Expression.Text));
        Assert.Equal("euler_maruyama", spec.Solver);
        Assert.Equal(7UL, spec.Seed);
    }

    [Fact]
    public void CdeExample_ResolvesTheCsvNextToTheJobFile()
    {
        var spec = JobLoader.Load(Path.Combine(ExamplesDir, "cde_eurostoxx.yaml"));
        var c = spec.Control!;
        Assert.Equal(Path.Combine(ExamplesDir, "data", "eustockmarkets.csv"), c.CsvPath);
        Assert.Equal(("time_year", "cubic_hermite"), (c.TimeColumn, c.Interpolation));
        Assert.Equal(["DAX"], c.Columns);
        var row = Assert.Single(((EquationsModelSpec)spec.Model).ControlField!);
        Assert.Equal(("v", "beta / 1000"), (row.State, Assert.Single(row.Entries).Text));
    }

    [Fact]
    public void MatrixDiffusion_ReadsNamedNoiseRowsAsListsOrMaps()
    {
        var spec = JobLoader.Parse("""
            model:
              state: [x, y]
              params: {s: 0.1}
              drift: {x: -x, y: -y}
              diffusion:
                noise: [w1, w2, w3]
                x: [s, 0, s*x]
                y: {w2: s*y}
            y0: [1, 2]
            t0: 0
            t1: 1
            dt0: 0.01
            solver: euler_maruyama
            """, "job.yaml");
        var m = Assert.IsType<MatrixNoiseSpec>(((EquationsModelSpec)spec.Model).Diffusion);
        Assert.Equal(["w1", "w2", "w3"], m.NoiseNames);
        Assert.Equal(["s", "0", "s*x"], m.Rows[0].Entries.Select(e => e.Text));
        Assert.Equal(["0", "s*y", "0"], m.Rows[1].Entries.Select(e => e.Text));
        Assert.Equal(ProblemKind.Sde, spec.Kind);
    }

    [Fact]
    public void UnknownTopLevelField_NamesItsPositionAndTheKnownFields()
    {
        var ex = Invalid(Lorenz + "\ntolerance: 1e-6");
        AssertError(ex, 7, 1, "tolerance", "unknown field 'tolerance'", "known fields: name, model, y0, t0, t1, dt0, solver, stepsize");
    }

    [Fact]
    public void UnknownNestedField_IsReportedWithItsDottedPath()
    {
        var ex = Invalid(Lorenz.Replace("rk4", "tsit5") + "\nstepsize:\n  controller: pid\n  rtoll: 1e-6");
        AssertError(ex, 9, 3, "stepsize.rtoll", "unknown field 'rtoll'", "known fields: controller, rtol, atol");
    }

    [Fact]
    public void WrongType_SaysWhatWasExpectedAndWhatWasFound()
    {
        var ex = Invalid(Lorenz.Replace("t1: 1", "t1: ten"));
        AssertError(ex, 4, 5, "t1", "expected a number, got 'ten'");
    }

    [Fact]
    public void MissingRequiredField_IsNamed()
    {
        var ex = Invalid(Lorenz.Replace("solver: rk4", ""));
        AssertError(ex, 1, 1, "solver", "missing required field 'solver'");
    }

    [Fact]
    public void StateWithoutDrift_IsReported()
    {
        var ex = Invalid("""
            model:
              state: [x, v]
              drift:
                x: v
            y0: [1, 0]
            t0: 0
            t1: 1
            dt0: 0.1
            solver: rk4
            """);
        AssertError(ex, 4, 5, "model.drift", "state 'v' has no drift");
    }

    [Fact]
    public void DriftForAnUnknownState_ListsTheStates()
    {
        var ex = Invalid("""
            model:
              state: [x]
              drift: {x: -x, q: 1}
            y0: [1]
            t0: 0
            t1: 1
            dt0: 0.1
            solver: rk4
            """);
        AssertError(ex, 3, 18, "model.drift.q", "'q' is not a state; states: x");
    }

    [Fact]
    public void NegativeTolerance_IsRejectedAtTheValue()
    {
        var ex = Invalid(Lorenz.Replace("rk4", "dopri5") + "\nstepsize: {controller: pid, rtol: -1e-6, atol: 1e-9}");
        AssertError(ex, 7, 35, "stepsize.rtol", "rtol = -1E-06 is invalid", "expected a tolerance ≥ 0");
    }

    [Fact]
    public void ErrorNorm_IsReadAndReachesTheController_AndAnUnknownOneIsRefusedAtItsValue()
    {
        var spec = JobLoader.Parse(Lorenz.Replace("rk4", "dopri5") + "\nstepsize: {controller: pid, rtol: 1e-6, norm: max}", "job.yaml");
        Assert.Equal(ErrorNormKind.Max, spec.StepSize.Norm);
        Assert.Equal(Diffrax.Solvers.Integrate.ErrorNorm.Max, Diffrax.GpuNode.Node.BatchSolver.Pid(spec.StepSize)!.Norm);
        var rms = JobLoader.Parse(Lorenz.Replace("rk4", "dopri5") + "\nstepsize: {controller: pid, norm: rms}", "job.yaml");
        Assert.Equal(Diffrax.Solvers.Integrate.ErrorNorm.Rms, Diffrax.GpuNode.Node.BatchSolver.Pid(rms.StepSize)!.Norm);
        var unset = JobLoader.Parse(Lorenz.Replace("rk4", "dopri5") + "\nstepsize: pid", "job.yaml");
        Assert.Equal(Diffrax.Solvers.Integrate.ErrorNorm.Rms, Diffrax.GpuNode.Node.BatchSolver.Pid(unset.StepSize)!.Norm);
        var ex = Invalid(Lorenz.Replace("rk4", "dopri5") + "\nstepsize: {controller: pid, norm: l2}");
        AssertError(ex, 7, 35, "stepsize.norm", "unknown error norm 'l2'", "expected rms or max");
    }

    [Fact]
    public void InvalidPidOptions_AreEachReported()
    {
        var ex = Invalid(Lorenz.Replace("rk4", "dopri5") + "\nstepsize: {controller: pid, safety: 1.5, factormax: 0.5, dtmin: 0.1, dtmax: 0.01}");
        AssertError(ex, 7, 37, "stepsize.safety", "expected a factor in (0, 1]");
        AssertError(ex, 7, 53, "stepsize.factormax", "expected a factor ≥ 1");
        AssertError(ex, 7, 77, "stepsize.dtmax", "below dtmin", "expected dtmax ≥ dtmin");
    }

    [Fact]
    public void UnknownSolver_ListsTheKnownOnes()
    {
        var ex = Invalid(Lorenz.Replace("rk4", "rk45"));
        AssertError(ex, 6, 9, "solver", "unknown solver 'rk45'", "tsit5, dopri5, dopri8, bosh3, rk4, euler, heun, midpoint, ralston");
    }

    [Fact]
    public void SdeSolverOnAnOde_AndOdeSolverOnAnSde_AreRejected()
    {
        var ode = Invalid(Lorenz.Replace("rk4", "euler_maruyama"));
        AssertError(ode, 6, 9, "solver", "'euler_maruyama' is an SDE solver but the model has no diffusion");
        var sde = Invalid("""
            model: {state: [s], params: {m: 0.1}, drift: {s: m*s}, diffusion: {s: 0.2*s}}
            y0: [1]
            t0: 0
            t1: 1
            dt0: 0.1
            solver: tsit5
            """);
        AssertError(sde, 6, 9, "solver", "'tsit5' is an ODE solver but the model has a diffusion", "euler_maruyama, heun, euler_heun");
    }

    [Fact]
    public void PidWithoutAnErrorEstimate_IsRejected()
    {
        var ex = Invalid(Lorenz + "\nstepsize: pid");
        AssertError(ex, 7, 11, "stepsize.controller", "solver 'rk4' has no error estimate");
    }

    [Fact]
    public void ConstantStepWithoutDt0_IsRejected()
    {
        var ex = Invalid(Lorenz.Replace("dt0: 0.01\n", ""));
        AssertError(ex, 1, 1, "dt0", "a constant step size needs dt0");
    }

    [Fact]
    public void Y0OfTheWrongLength_NamesTheStates()
    {
        var ex = Invalid(Lorenz + "\ny0: [1, 2]");
        AssertError(ex, 7, 5, "y0", "y0 has 2 values but model 'lorenz' has 3 states (x, y, z)");
    }

    [Fact]
    public void Y0ByName_ReportsUnknownAndMissingStates()
    {
        var ex = Invalid(Lorenz + "\ny0: {x: 1, y: 2, w: 3}");
        AssertError(ex, 7, 18, "y0.w", "unknown state 'w' of model 'lorenz'; states: x, y, z");
        Assert.Contains(ex.Errors, e => e.Field == "y0" && e.Message.Contains("no value for state 'z'", StringComparison.Ordinal));
    }

    [Fact]
    public void EmptyTimeSpan_IsRejected()
    {
        var ex = Invalid(Lorenz.Replace("t1: 1", "t1: 0"));
        AssertError(ex, 4, 5, "t1", "t1 equals t0", "expected t1 ≠ t0");
    }

    [Fact]
    public void Dt0PointingAwayFromT1_IsRejected()
    {
        var ex = Invalid(Lorenz.Replace("dt0: 0.01", "dt0: -0.01"));
        AssertError(ex, 5, 6, "dt0", "dt0 = -0.01 points away from t1", "needs dt0 > 0");
        var back = JobLoader.Parse(Lorenz.Replace("t1: 1", "t1: -1").Replace("dt0: 0.01", "dt0: -0.01"), "job.yaml");
        Assert.Equal(-1.0, back.T1);
    }

    [Fact]
    public void UnknownBuiltinModel_ListsTheBuiltins()
    {
        var ex = Invalid(Lorenz.Replace("builtin: lorenz", "builtin: lorentz"));
        AssertError(ex, 2, 12, "model.builtin", "unknown built-in model 'lorentz'", "lorenz, lotka_volterra, van_der_pol, harmonic_oscillator, kepler, arenstorf");
    }

    [Fact]
    public void UnknownModelParameter_ListsTheParameters()
    {
        var ex = Invalid(Lorenz.Replace("builtin: lorenz", "builtin: lorenz\n  params: {rh0: 20}"));
        AssertError(ex, 3, 12, "model.params.rh0", "unknown parameter 'rh0' of model 'lorenz'; parameters: sigma, rho, beta");
    }

    [Fact]
    public void EnsembleOfAnUnknownParameterOrState_IsRejected()
    {
        var ex = Invalid(Lorenz + """

            ensemble:
              members: 10
              vary:
                params.rh0: {linspace: [20, 30]}
                y0.w: {normal: {mean: 1, std: 0.1}}
                t1: [1, 2]
            """);
        AssertError(ex, 10, 5, "ensemble.vary.params.rh0", "unknown parameter 'rh0' of model 'lorenz'; parameters: sigma, rho, beta");
        AssertError(ex, 11, 5, "ensemble.vary.y0.w", "unknown state 'w' of model 'lorenz'; states: x, y, z");
        AssertError(ex, 12, 5, "ensemble.vary.t1", "cannot vary 't1'; expected y0.<state> or params.<parameter>");
    }

    [Fact]
    public void SweepOfAnUnknownParameter_IsRejected()
    {
        var ex = Invalid(Lorenz + "\nsweep:\n  vary:\n    params.gamma: [1, 2]");
        AssertError(ex, 9, 5, "sweep.vary.params.gamma", "unknown parameter 'gamma'");
    }

    [Fact]
    public void InvalidRanges_AreRejected()
    {
        var ex = Invalid(Lorenz + """

            ensemble:
              members: 4
              vary:
                params.rho: {logspace: [0, 30]}
                params.sigma: {uniform: {low: 2, high: 1}}
                params.beta: [1, 2, 3]
                y0.x: {normal: {mean: 0, std: -1}}
            """);
        AssertError(ex, 10, 28, "ensemble.vary.params.rho.logspace", "invalid range", "expected start > 0 and stop > 0");
        AssertError(ex, 11, 29, "ensemble.vary.params.sigma.uniform", "invalid range", "expected low < high");
        AssertError(ex, 12, 18, "ensemble.vary.params.beta", "3 values given but the ensemble has 4 members");
        AssertError(ex, 13, 20, "ensemble.vary.y0.x.normal", "std = -1 is negative");
    }

    [Fact]
    public void SweepAxes_NeedACountAndNoRandomDraws_AndZipNeedsEqualLengths()
    {
        var ex = Invalid(Lorenz + "\nsweep:\n  vary:\n    params.rho: {linspace: [20, 30]}\n    params.sigma: {normal: {mean: 10, std: 1}}");
        AssertError(ex, 9, 28, "sweep.vary.params.rho.linspace", "needs the number of values");
        AssertError(ex, 10, 20, "sweep.vary.params.sigma.normal", "random draws belong in an ensemble");
        var zip = Invalid(Lorenz + "\nsweep:\n  mode: zip\n  vary:\n    params.rho: [1, 2, 3]\n    params.sigma: [1, 2]");
        AssertError(zip, 10, 5, "sweep.vary", "zip needs axes of equal length", "params.rho: 3, params.sigma: 2");
    }

    [Fact]
    public void EnsembleAndSweepTogether_AreRejected()
    {
        var ex = Invalid(Lorenz + "\nensemble: {members: 2}\nsweep: {vary: {params.rho: [1, 2]}}");
        AssertError(ex, 8, 8, "sweep", "an ensemble or a sweep, not both");
    }

    [Fact]
    public void SaveTimeOutsideTheSpan_IsRejected()
    {
        var ex = Invalid(Lorenz + "\nsaveat: {ts: [0.5, 2.0]}");
        AssertError(ex, 7, 20, "saveat.ts[1]", "save time 2 lies outside the time span [0, 1]");
    }

    [Fact]
    public void StepsSavingInAnEnsemble_IsRejected()
    {
        var ex = Invalid(Lorenz + "\nsaveat: {steps: true}\nensemble: {members: 2}");
        AssertError(ex, 7, 9, "saveat.steps", "single solves");
    }

    [Fact]
    public void UnknownOutputPlaceholder_ListsTheKnownOnes()
    {
        var ex = Invalid(Lorenz + "\noutput: {dir: \"out/{job}\"}");
        AssertError(ex, 7, 15, "output.dir", "unknown placeholder", "{name}, {date}");
    }

    [Fact]
    public void ExpressionErrors_PointAtTheOffendingCharacter()
    {
        var ex = Invalid("""
            model:
              state: [x, v]
              params: {mu: 1}
              drift:
                x: v
                v: mu*(1 - x^2)*v - xx
            y0: [1, 0]
            t0: 0
            t1: 1
            dt0: 0.1
            solver: rk4
            """);
        AssertError(ex, 6, 25, "model.drift.v", "unknown variable 'xx'");

        var fn = Invalid("""
            model:
              state: [x]
              drift: {x: "sinh(x)"}
            y0: [1]
            t0: 0
            t1: 1
            dt0: 0.1
            solver: rk4
            """);
        AssertError(fn, 3, 15, "model.drift.x", "unknown function 'sinh'");

        var paren = Invalid("""
            model:
              state: [x]
              drift:
                x: (1 - x
            y0: [1]
            t0: 0
            t1: 1
            dt0: 0.1
            solver: rk4
            """);
        var e = Assert.Single(paren.Errors);
        Assert.Equal(("model.drift.x", 4), (e.Field, e.Line));
        Assert.Contains("parenthes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorOnALaterLineOfABlockExpression_PointsAtTheCharacter()
    {
        var ex = Invalid("""
            model:
              state: [x, v]
              params: {mu: 1}
              drift:
                x: v
                v: |
                  mu*(1 - x^2)*v
                    - foo(x)
            y0: [1, 0]
            t0: 0
            t1: 1
            dt0: 0.1
            solver: rk4
            """);
        AssertError(ex, 8, 11, "model.drift.v", "unknown function 'foo'", "known: exp, log");
    }

    [Fact]
    public void BuiltinSdeModel_MakesAnSdeJob()
    {
        var spec = JobLoader.Parse("model: {builtin: gbm, params: {sigma: 0.3}}\nt0: 0\nt1: 1\ndt0: 0.01\nsolver: heun", "job.yaml");
        Assert.Equal(ProblemKind.Sde, spec.Kind);
        var plan = JobPlanner.Plan(spec, JobModels.TryGetInfo(spec)!);
        Assert.Equal([0.05, 0.3], plan.Params);
        Assert.Equal([100.0], plan.Y0);
    }

    [Fact]
    public void ControlColumnNotInTheCsv_ListsTheColumns()
    {
        string file = Path.Combine(ExamplesDir, "job.yaml");
        var ex = Assert.Throws<JobValidationException>(() => JobLoader.Parse("""
            model:
              state: [v]
              drift: {v: -v}
              control_field: {v: [1]}
            control: {csv: data/eustockmarkets.csv, time: time_year, columns: [DAXX]}
            y0: [0]
            t0: 1992
            t1: 1993
            dt0: 0.01
            solver: rk4
            """, file));
        var e = Assert.Single(ex.Errors);
        Assert.Equal((5, 68, "control.columns[0]"), (e.Line, e.Column, e.Field));
        Assert.Contains("column 'DAXX' is not in eustockmarkets.csv; columns: index, time_year, DAX, SMI, CAC, FTSE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PluginModelWithAMissingAssembly_IsRejected()
    {
        var ex = Invalid("""
            model: {type: "My.Models.Pendulum, My.Models", assembly: plugins/none.dll}
            t0: 0
            t1: 1
            dt0: 0.1
            solver: rk4
            """);
        AssertError(ex, 1, 58, "model.assembly", "none.dll' does not exist");
    }

    [Fact]
    public void YamlSyntaxError_GivesItsPosition()
    {
        var ex = Invalid("model: {builtin: lorenz\nt0: 0\n");
        var e = Assert.Single(ex.Errors);
        Assert.Equal("job.yaml", e.File);
        Assert.Equal(1, e.Line);
        Assert.Contains("not valid YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateKey_IsRejected()
    {
        var ex = Invalid(Lorenz + "\nt1: 2");
        var e = Assert.Single(ex.Errors);
        Assert.Equal(7, e.Line);
        Assert.Contains("Duplicate key", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void SeveralProblems_AreAllReportedInFileOrder()
    {
        var ex = Invalid("""
            model: {builtin: lorenz}
            t0: 0
            t1: x
            solver: nope
            max_steps: 0
            """);
        Assert.Equal([("dt0", 1), ("t1", 3), ("solver", 4), ("max_steps", 5)], ex.Errors.Select(e => (e.Field, e.Line)));
        Assert.Contains("expected a whole number ≥ 1, got 0", ex.Errors[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_IsAccepted_AndHashesLikeTheSameYaml()
    {
        var json = JobLoader.Parse("""
            {"model": {"builtin": "lorenz"}, "t0": 0, "t1": 1, "dt0": 0.01, "solver": "rk4"}
            """, "job.json");
        var yaml = JobLoader.Parse(Lorenz, "job.yaml");
        Assert.Equal(yaml.SpecHash, json.SpecHash);
        Assert.Equal((yaml.T1, yaml.Solver), (json.T1, json.Solver));
    }

    [Fact]
    public void SpecHash_IgnoresCommentsAndLayout_ButNotValues()
    {
        string h = JobLoader.Parse(Lorenz, "job.yaml").SpecHash;
        Assert.Equal(h, JobLoader.Parse("# a comment\n" + Lorenz.Replace("t1: 1", "t1:    1   # end"), "job.yaml").SpecHash);
        Assert.NotEqual(h, JobLoader.Parse(Lorenz.Replace("t1: 1", "t1: 2"), "job.yaml").SpecHash);
    }

    [Fact]
    public void MissingFile_IsAValidationErrorNamingTheFile()
    {
        var ex = Assert.Throws<JobValidationException>(() => JobLoader.Load("no/such/job.yaml"));
        Assert.Equal("no/such/job.yaml", Assert.Single(ex.Errors).File);
    }
}
