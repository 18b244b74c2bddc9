using System.Globalization;
using Diffrax.Contracts.Jobs;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Models;

namespace Diffrax.Coordinator.Jobs;

/// <summary>A contiguous run of members solved together.</summary>
/// <param name="Index">Batch number, from 0.</param>
/// <param name="Start">First member.</param>
/// <param name="Count">Number of members.</param>
public sealed record JobBatch(int Index, int Start, int Count);

/// <summary>
/// A job expanded into members: every member's initial state, parameters and varied values, and the batches that cover
/// the members exactly once in order.
/// </summary>
public sealed class JobPlan
{
    internal JobPlan(JobSpec spec, ModelInfo model, int members, string[] variedKeys, double[] varied, double[] y0, double[] pars, JobBatch[] batches, int batchSize)
    {
        Spec = spec; Model = model; Members = members; VariedKeys = variedKeys; VariedValues = varied; Y0 = y0; Params = pars;
        Batches = batches; BatchSize = batchSize;
        VariedColumns = variedKeys.Select(k => k.Replace('.', '_')).ToArray();
    }

    /// <summary>The job.</summary>
    public JobSpec Spec { get; }
    /// <summary>The model's names and defaults.</summary>
    public ModelInfo Model { get; }
    /// <summary>Number of members.</summary>
    public int Members { get; }
    /// <summary>State names, in component order.</summary>
    public IReadOnlyList<string> StateNames => Model.States;
    /// <summary>Parameter names, in order.</summary>
    public IReadOnlyList<string> ParamNames => Model.Params;
    /// <summary>Job-file keys of the varied quantities (<c>y0.x</c>, <c>params.rho</c>), in the order written.</summary>
    public IReadOnlyList<string> VariedKeys { get; }
    /// <summary>Column names of the varied quantities in the members table (<c>y0_x</c>, <c>params_rho</c>).</summary>
    public IReadOnlyList<string> VariedColumns { get; }
    /// <summary>The values each member used, member-major: <c>VariedValues[member * VariedColumns.Count + k]</c>.</summary>
    public double[] VariedValues { get; }
    /// <summary>Initial states, member-major: <c>Y0[member * dim + c]</c>.</summary>
    public double[] Y0 { get; }
    /// <summary>Parameters, member-major: <c>Params[member * nParams + p]</c>.</summary>
    public double[] Params { get; }
    /// <summary>Members per batch (the last batch may be smaller).</summary>
    public int BatchSize { get; }
    /// <summary>The batches, in member order.</summary>
    public IReadOnlyList<JobBatch> Batches { get; }

    /// <summary>Value of varied quantity <paramref name="k"/> used by <paramref name="member"/>.</summary>
    public double VariedValue(int member, int k) => VariedValues[(long)member * VariedColumns.Count + k];

    /// <summary>The PID options of the job (unset options take the solver library's defaults), or null for constant steps.</summary>
    public PidOptions? PidOptions => Diffrax.GpuNode.Node.BatchSolver.Pid(Spec.StepSize);

    /// <summary>What the job saves, as the solver library takes it.</summary>
    public SaveAt SaveAt => new() { T0 = Spec.SaveAt.T0, T1 = Spec.SaveAt.T1, Ts = Spec.SaveAt.Ts, Steps = Spec.SaveAt.Steps, Dense = Spec.SaveAt.Dense };

    /// <summary>
    /// The CPU ensemble problem of one batch: its members' slices of <see cref="Y0"/> and <see cref="Params"/>. Member
    /// <c>i</c> of the problem is job member <c>batch.Start + i</c> (random streams such as Brownian paths must be keyed by
    /// the job member, not <c>i</c>).
    /// </summary>
    public EnsembleProblem ToEnsembleProblem(JobBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Start < 0 || batch.Count < 1 || (long)batch.Start + batch.Count > Members)
            throw new ArgumentOutOfRangeException(nameof(batch), $"batch {batch.Index} (members {batch.Start}..{(long)batch.Start + batch.Count - 1}) is not inside the plan's {Members} members.");
        int dim = Model.States.Count, np = Model.Params.Count;
        return Diffrax.GpuNode.Node.BatchSolver.Problem(Spec, batch.Count, batch.Start,
            Y0.AsSpan((int)((long)batch.Start * dim), batch.Count * dim).ToArray(),
            Params.AsSpan((int)((long)batch.Start * np), batch.Count * np).ToArray());
    }
}

/// <summary>Expands a validated job into members and batches (<see cref="JobPlan"/>).</summary>
public static class JobPlanner
{
    /// <summary>Members per batch when neither the caller nor the job says.</summary>
    public const int DefaultBatchSize = 16384;

    /// <summary>
    /// Plans <paramref name="spec"/> for a model with names and defaults <paramref name="model"/>
    /// (<see cref="JobModels.TryGetInfo"/>, or a plugin's <c>Info</c>). Checks the job against the model first.
    /// </summary>
    /// <param name="spec">The job.</param>
    /// <param name="model">The model's names and defaults.</param>
    /// <param name="batchSize">Members per batch; null takes the job's <c>batch_size</c>, else <see cref="DefaultBatchSize"/>.</param>
    /// <exception cref="JobValidationException">The job does not fit the model (unknown parameter, y0 of the wrong length …).</exception>
    public static JobPlan Plan(JobSpec spec, ModelInfo model, int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(model);
        var errors = new List<JobError>();
        JobChecks.CheckAgainstModel(spec, model, errors);
        if (errors.Count > 0) throw new JobValidationException(errors);
        int size = batchSize ?? spec.BatchSize ?? DefaultBatchSize;
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size {size} must be at least 1.");

        int dim = model.States.Count, np = model.Params.Count;
        var baseY0 = model.DefaultY0.ToArray();
        if (baseY0.Length != dim) baseY0 = new double[dim];
        if (spec.Y0 is { } y0)
            for (int i = 0; i < y0.Values.Count; i++)
                baseY0[y0.ByName ? IndexOf(model.States, y0.Values[i].Name) : i] = y0.Values[i].Value;
        var baseP = model.DefaultParams.ToArray();
        if (baseP.Length != np) baseP = new double[np];
        foreach (var p in spec.Model.Params) baseP[IndexOf(model.Params, p.Name)] = p.Value;

        var axes = spec.Ensemble?.Vary ?? spec.Sweep?.Axes ?? [];
        int members;
        Func<int, int, double> value; // (axis, member) → value
        if (spec.Ensemble is { } en)
        {
            members = en.Members;
            var keys = axes.Select(a => MemberRandom.KeyOf(a.Key)).ToArray();
            value = (k, m) => EnsembleValue(axes[k].Values, m, members, spec.Seed, keys[k]);
        }
        else if (spec.Sweep is { } sw)
        {
            var grids = axes.Select(a => AxisValues(a.Values)).ToArray();
            if (sw.Mode == SweepMode.Zip)
            {
                members = grids[0].Length;
                value = (k, m) => grids[k][m];
            }
            else
            {
                long total = grids.Aggregate(1L, (p, g) => p * g.Length);
                if (total > int.MaxValue) throw new JobValidationException([Error(spec, sw.At, "sweep.vary", $"the grid has {total} members; expected at most {int.MaxValue}")]);
                members = (int)total;
                // Cartesian product, last axis fastest: stride of axis k = product of the lengths after it.
                var stride = new long[grids.Length];
                long st = 1;
                for (int k = grids.Length - 1; k >= 0; k--) { stride[k] = st; st *= grids[k].Length; }
                value = (k, m) => grids[k][(int)(m / stride[k] % grids[k].Length)];
            }
        }
        else
        {
            members = 1;
            value = (_, _) => 0;
        }

        int nv = axes.Count;
        var varied = new double[(long)members * nv];
        var y0s = new double[(long)members * dim];
        var ps = new double[(long)members * np];
        var slot = axes.Select(a => a.Target == VaryTarget.Y0 ? IndexOf(model.States, a.Name) : IndexOf(model.Params, a.Name)).ToArray();
        for (int m = 0; m < members; m++)
        {
            Array.Copy(baseY0, 0, y0s, (long)m * dim, dim);
            Array.Copy(baseP, 0, ps, (long)m * np, np);
            for (int k = 0; k < nv; k++)
            {
                double v = value(k, m);
                varied[(long)m * nv + k] = v;
                if (axes[k].Target == VaryTarget.Y0) y0s[(long)m * dim + slot[k]] = v;
                else ps[(long)m * np + slot[k]] = v;
            }
        }

        var batches = new JobBatch[(members + size - 1) / size];
        for (int b = 0; b < batches.Length; b++)
        {
            int start = b * size;
            batches[b] = new JobBatch(b, start, Math.Min(size, members - start));
        }
        return new JobPlan(spec, model, members, axes.Select(a => a.Key).ToArray(), varied, y0s, ps, batches, size);
    }

    /// <summary>The output folder with <c>{name}</c> and <c>{date}</c> (yyyy-MM-dd of <paramref name="now"/> in UTC) filled in.</summary>
    public static string ResolveOutputDir(JobSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Output.Dir
            .Replace("{name}", spec.Name, StringComparison.Ordinal)
            .Replace("{date}", now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>The values of a sweep axis (ranges with a count, or a list).</summary>
    public static double[] AxisValues(ValueSource src)
    {
        ArgumentNullException.ThrowIfNull(src);
        return src switch
        {
            LinspaceValues { Num: { } n } l => Enumerable.Range(0, n).Select(i => Spaced(l.Start, l.Stop, i, n, false)).ToArray(),
            LogspaceValues { Num: { } n } l => Enumerable.Range(0, n).Select(i => Spaced(l.Start, l.Stop, i, n, true)).ToArray(),
            ListValues l => l.Values.ToArray(),
            _ => throw new ArgumentException($"{src.GetType().Name} has no fixed list of values; a sweep axis needs linspace/logspace with num, or a list.", nameof(src)),
        };
    }

    /// <summary>The value of an ensemble axis for <paramref name="member"/> of <paramref name="members"/>.</summary>
    public static double EnsembleValue(ValueSource src, int member, int members, ulong seed, ulong axisKey)
    {
        ArgumentNullException.ThrowIfNull(src);
        return src switch
        {
            LinspaceValues l => Spaced(l.Start, l.Stop, member, l.Num ?? members, false),
            LogspaceValues l => Spaced(l.Start, l.Stop, member, l.Num ?? members, true),
            ListValues l => l.Values[member],
            NormalDraw n => n.Mean + n.Std * MemberRandom.StandardNormal(seed, axisKey, member),
            UniformDraw u => u.Low + (u.High - u.Low) * MemberRandom.Uniform(seed, axisKey, member, 0),
            LognormalDraw ln => Math.Exp(ln.Mu + ln.Sigma * MemberRandom.StandardNormal(seed, axisKey, member)),
            _ => throw new ArgumentException($"unknown value source {src.GetType().Name}.", nameof(src)),
        };
    }

    /// <summary>Point i of n evenly (or geometrically) spaced points from a to b, with both ends exact.</summary>
    private static double Spaced(double a, double b, int i, int n, bool geometric)
    {
        if (n == 1 || i == 0) return a;
        if (i == n - 1) return b;
        return geometric ? Math.Exp(Math.Log(a) + (Math.Log(b) - Math.Log(a)) * i / (n - 1)) : a + (b - a) * i / (n - 1);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (names[i] == name) return i;
        throw new InvalidOperationException($"'{name}' passed the model checks but is not among {string.Join(", ", names)}.");
    }

    private static JobError Error(JobSpec spec, SourceMark at, string field, string message) => new(spec.SourceFile, at.Line, at.Column, field, message);
}
