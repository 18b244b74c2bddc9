using System.Diagnostics;
using Diffrax.Contracts;
using Diffrax.Contracts.Cluster;
using Diffrax.Contracts.Jobs;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Expressions;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Models;

namespace Diffrax.GpuNode.Node;

/// <summary>A job's model, ready to solve: its names and the generic struct definition over the lane type.</summary>
/// <param name="Info">Names and defaults.</param>
/// <param name="OdeModelDefinition">The model as a generic definition over the scalar (e.g. <c>typeof(Lorenz&lt;&gt;)</c>).</param>
/// <param name="CompileSeconds">Time spent compiling equations (0 for built-ins and cache hits).</param>
/// <param name="IsSde">Whether the model is an SDE (drift and diffusion).</param>
/// <param name="Compiled">The compiled equation model, for equations written in the job file.</param>
/// <param name="Control">For a CDE: the samples of the control path, read from the job's data.</param>
public sealed record ResolvedModel(ModelInfo Info, Type OdeModelDefinition, double CompileSeconds, bool IsSde = false, CompiledModel? Compiled = null,
    Diffrax.Solvers.Controls.ControlSamples? Control = null);

/// <summary>
/// What a node does with a batch: resolve the job's model (compiling equations once per process and caching them by
/// their hash), translate the job's solver settings, and run the members on this node's backend. Pure logic, tested
/// without Akka; the <see cref="NodeEntity"/> actor is a thin shell over it.
/// </summary>
public static class BatchSolver
{
    private static readonly SemaphoreSlim OneBatchAtATime = new(1, 1);

    /// <summary>Resolves the model of a job (cached by the job's spec hash). Throws <see cref="NotSupportedException"/> for job kinds this node cannot run yet.</summary>
    public static ResolvedModel ResolveModel(JobSpec job)
    {
        // Every batch of a job needs the same model: resolve (compile, read control data) once per job and process.
        if (job.SpecHash.Length == 0) return Resolve(job);
        bool fresh = false;
        ResolvedModel model = Resolved.GetOrAdd(job.SpecHash, _ => { fresh = true; return Resolve(job); });
        return fresh ? model : model with { CompileSeconds = 0 };
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ResolvedModel> Resolved = new();

    private static ResolvedModel Resolve(JobSpec job)
    {
        if (job.Kind == ProblemKind.Cde)
        {
            if (job.Model is not EquationsModelSpec { ControlField: { } field } ce || job.Control is not { } control)
                throw new NotSupportedException($"job '{job.Name}': a CDE job needs an equations model with a control_field and a control section.");
            var sw1 = Stopwatch.StartNew();
            // The controlled field is an n × m matrix over the control channels: compiled like a general diffusion.
            EquationModelSpec spec = JobEquations.FromJob(ce, job.SourceFile) with
            {
                Diffusion = new GeneralDiffusionSpec(control.Columns.Count,
                    field.Select(r => new DiffusionRow(r.State, r.Entries.Select(e => new ExprSource(e.Text, e.Line, e.Column)).ToArray())).ToArray()),
            };
            CompiledModel c = EquationCompiler.Compile(spec);
            return new ResolvedModel(c.Info, c.ModelTypeDefinition, sw1.Elapsed.TotalSeconds, Compiled: c, Control: ReadControl(control));
        }
        if (job.Kind == ProblemKind.Sde)
        {
            if (job.Model is BuiltinModelSpec sb && EnsembleDispatch.BuiltinSdeModels.TryGetValue(sb.Name, out Type? sdeDef))
                return new ResolvedModel(EnsembleDispatch.Info(sdeDef), sdeDef, 0, IsSde: true);
            if (job.Model is EquationsModelSpec se)
            {
                var sw0 = Stopwatch.StartNew();
                CompiledModel c = EquationCompiler.Compile(JobEquations.FromJob(se, job.SourceFile));
                return new ResolvedModel(c.Info, c.ModelTypeDefinition, sw0.Elapsed.TotalSeconds, IsSde: true, Compiled: c);
            }
            throw new NotSupportedException($"job '{job.Name}': SDE model kind {job.Model.GetType().Name} is not supported by the batch runner.");
        }
        switch (job.Model)
        {
            case BuiltinModelSpec b:
                if (!EnsembleDispatch.BuiltinModels.TryGetValue(b.Name, out Type? def))
                    throw new NotSupportedException($"built-in model '{b.Name}' has no ODE ensemble implementation.");
                return new ResolvedModel(EnsembleDispatch.Info(def), def, 0);
            case EquationsModelSpec e:
                var sw = Stopwatch.StartNew();
                CompiledModel compiled = EquationCompiler.Compile(JobEquations.FromJob(e, job.SourceFile));
                return new ResolvedModel(compiled.Info, compiled.ModelTypeDefinition, sw.Elapsed.TotalSeconds);
            case PluginModelSpec p:
                return ResolvePlugin(p);
            default:
                throw new NotSupportedException($"model kind {job.Model.GetType().Name} is not supported.");
        }
    }

    /// <summary>Reads a CDE's control samples from its CSV (empty, NA and NaN cells are gaps, filled by the path).</summary>
    public static Diffrax.Solvers.Controls.ControlSamples ReadControl(ControlSpec control)
    {
        string[] lines = File.ReadAllLines(control.CsvPath).Where(l => l.Trim().Length > 0).ToArray();
        string[] header = lines[0].Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        int timeCol = Array.IndexOf(header, control.TimeColumn);
        int[] cols = control.Columns.Select(c => Array.IndexOf(header, c)).ToArray();
        if (timeCol < 0 || cols.Any(c => c < 0))
            throw new NotSupportedException($"{control.CsvPath}: columns {control.TimeColumn}, {string.Join(", ", control.Columns)} not all in the header ({string.Join(", ", header)}).");
        var ts = new List<double>();
        var xs = new List<double[]>();
        foreach (string line in lines.Skip(1))
        {
            string[] cells = line.Split(',');
            ts.Add(Cell(cells[timeCol]));
            xs.Add(cols.Select(c => c < cells.Length ? Cell(cells[c]) : double.NaN).ToArray());
        }
        return Diffrax.Solvers.Controls.ControlSamples.Create(ts, xs);

        static double Cell(string s) => double.TryParse(s.Trim().Trim('"'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
    }

    private static ResolvedModel ResolvePlugin(PluginModelSpec p)
    {
        var asm = System.Reflection.Assembly.LoadFrom(Path.GetFullPath(p.AssemblyPath));
        string typeName = p.TypeName.Split(',')[0].Trim();
        Type? t = asm.GetType(typeName) ?? asm.GetType(typeName + "`1");
        if (t is null || !t.IsGenericTypeDefinition || t.GetGenericArguments().Length != 1)
            throw new NotSupportedException($"plugin type '{p.TypeName}' must be a struct generic over the scalar type (e.g. MyModel<T>) implementing IModel.");
        return new ResolvedModel(EnsembleDispatch.Info(t), t, 0);
    }

    /// <summary>The PID options of a job's step-size settings (unset options take <see cref="PidOptions"/>' defaults); null for constant steps.</summary>
    public static PidOptions? Pid(StepSizeSpec s)
    {
        if (s.Controller != ControllerKind.Pid) return null;
        var d = new PidOptions();
        return new PidOptions
        {
            Rtol = s.Rtol ?? d.Rtol, Atol = s.Atol ?? d.Atol, Pcoeff = s.Pcoeff ?? d.Pcoeff, Icoeff = s.Icoeff ?? d.Icoeff, Dcoeff = s.Dcoeff ?? d.Dcoeff,
            DtMin = s.DtMin ?? d.DtMin, DtMax = s.DtMax ?? d.DtMax, Safety = s.Safety ?? d.Safety, FactorMin = s.FactorMin ?? d.FactorMin,
            FactorMax = s.FactorMax ?? d.FactorMax, ForceDtMin = s.ForceDtMin ?? d.ForceDtMin, StepTs = s.StepTs, JumpTs = s.JumpTs,
            Norm = s.Norm == ErrorNormKind.Max ? ErrorNorm.Max : ErrorNorm.Rms,
        };
    }

    /// <summary>The ensemble problem of members [<paramref name="offset"/>, +<paramref name="members"/>) of a job.</summary>
    public static EnsembleProblem Problem(JobSpec j, int members, long offset, double[] y0, double[] parameters) => new()
    {
        Members = members, T0 = j.T0, T1 = j.T1, Dt0 = j.Dt0, Y0 = y0, Params = parameters, Pid = Pid(j.StepSize),
        SaveAt = new SaveAt { T0 = j.SaveAt.T0, T1 = j.SaveAt.T1, Ts = j.SaveAt.Ts },
        MaxSteps = j.MaxSteps ?? Diffeq.DefaultMaxSteps, MemberOffset = offset,
    };

    /// <summary>The ensemble problem of one batch.</summary>
    public static EnsembleProblem Problem(SolveBatch b) => Problem(b.Job, b.Members, b.MemberOffset, b.Y0, b.Params);

    /// <summary>Solves a batch on the CPU lanes of this process (one batch at a time: a batch already uses every core).</summary>
    public static BatchSolved Solve(SolveBatch b, string node, int threads = 0)
    {
        ResolvedModel model = ResolveModel(b.Job);
        EnsembleProblem p = Problem(b);
        OneBatchAtATime.Wait();
        try
        {
            var sw = Stopwatch.StartNew();
            EnsembleResult r = model.Control is { } samples && model.Compiled is { } cde
                ? EnsembleDispatch.RunCde(b.Job.Solver, cde, samples, b.Job.Control!.Interpolation, p, threads)
                : model.IsSde
                ? (model.Compiled is { } c
                    ? EnsembleDispatch.RunSde(b.Job.Solver, c, p, b.Job.Seed, threads)
                    : EnsembleDispatch.RunSde(b.Job.Solver, model.OdeModelDefinition, p, b.Job.Seed, threads))
                : EnsembleDispatch.Run(b.Job.Solver, model.OdeModelDefinition, p, LaneWidth.Auto, threads);
            double seconds = sw.Elapsed.TotalSeconds;
            var output = new BatchOutput(r.Members, r.Dim, r.Ts, r.Saved, r.Final, r.TFinal, r.Results, r.Steps, r.Accepted, r.Rejected, r.Nfe);
            return new BatchSolved(b.JobId, b.BatchIndex, b.MemberOffset, output, model.CompileSeconds, seconds, node);
        }
        finally
        {
            OneBatchAtATime.Release();
        }
    }
}
