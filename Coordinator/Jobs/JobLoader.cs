using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Diffrax.Contracts.Jobs;
using Diffrax.Solvers.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Diffrax.Coordinator.Jobs;

/// <summary>
/// Reads job files (YAML; JSON is accepted as YAML) into a validated <see cref="JobSpec"/>. Every problem is reported
/// with the file, line and column, the field, and what was expected, and all problems are reported at once: an invalid
/// job throws <see cref="JobValidationException"/> before anything is run or written. The format is described in
/// <c>examples/README.md</c>.
/// </summary>
public static class JobLoader
{
    /// <summary>Fields of a job file.</summary>
    public static IReadOnlyList<string> TopLevelFields { get; } =
        ["name", "model", "y0", "t0", "t1", "dt0", "solver", "stepsize", "saveat", "max_steps", "seed", "ensemble", "sweep", "control", "output", "batch_size"];

    /// <summary>Reads and validates the job file at <paramref name="path"/>; relative paths inside it are taken from its folder.</summary>
    /// <exception cref="JobValidationException">The file cannot be read or the job is invalid.</exception>
    public static JobSpec Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new JobValidationException([new JobError(path, 0, 0, "", $"cannot read the job file: {ex.Message}")]);
        }
        return Parse(text, path);
    }

    /// <summary>
    /// Parses and validates job text. <paramref name="fileName"/> names the file in errors and sets the folder that
    /// relative paths (control CSV, plugin assembly) are taken from.
    /// </summary>
    /// <exception cref="JobValidationException">The job is invalid.</exception>
    public static JobSpec Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        return new JobFileReader(text, fileName).Read();
    }
}

/// <summary>One pass over one job file.</summary>
internal sealed class JobFileReader
{
    private static readonly string[] OutputFields = ["dir", "long_format_threshold", "row_group_size"];
    private static readonly string[] SaveAtFields = ["t0", "t1", "ts", "steps", "dense"];
    private static readonly string[] PidFields =
        ["controller", "rtol", "atol", "pcoeff", "icoeff", "dcoeff", "dtmin", "dtmax", "factormin", "factormax", "safety", "force_dtmin", "norm", "step_ts", "jump_ts"];
    private static readonly string[] ControlFields = ["csv", "time", "columns", "interpolation"];
    private static readonly string[] Interpolations = ["linear", "rectilinear", "cubic_hermite"];
    private static readonly string[] ValueKinds = ["linspace", "logspace", "values", "normal", "uniform", "lognormal"];
    private static readonly string[] OutputPlaceholders = ["{name}", "{date}"];

    private readonly string _text;
    private readonly string _file;
    private readonly string _baseDir;
    private readonly List<JobError> _errors = [];
    private readonly YamlFields _f;

    public JobFileReader(string text, string file)
    {
        _text = text;
        _file = file;
        _baseDir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? Directory.GetCurrentDirectory();
        _f = new YamlFields(file, _errors);
    }

    public JobSpec Read()
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(_text)); }
        catch (YamlException ex)
        {
            string msg = ex.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message) && inner.Message != ex.Message ? ex.Message + ": " + inner.Message : ex.Message;
            Fail(new JobError(_file, (int)ex.Start.Line, (int)ex.Start.Column, "", $"not valid YAML: {msg}"));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (without a position) on some unterminated flow collections.
            var (line, column) = LastGoodPosition();
            Fail(new JobError(_file, line, column, "", "not valid YAML: the document ends inside a '{…}' or '[…]' that is never closed (or is otherwise malformed) after this point"));
        }
        if (stream.Documents.Count == 0) Fail(new JobError(_file, 1, 1, "", "the job file is empty; expected a mapping with at least model, t0, t1 and solver"));
        if (stream.Documents.Count > 1)
            Fail(new JobError(_file, (int)stream.Documents[1].RootNode.Start.Line, (int)stream.Documents[1].RootNode.Start.Column, "", "expected one job per file, found more than one YAML document"));
        var rootNode = stream.Documents[0].RootNode;
        var root = _f.Mapping(rootNode, "", "a mapping of job fields");
        if (root is null) Fail();

        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var marks = new Dictionary<string, SourceMark>(StringComparer.Ordinal);
        foreach (var (key, keyNode, value) in _f.Entries(root!, "", JobLoader.TopLevelFields))
        {
            fields[key] = value;
            marks[key] = YamlFields.MarkOf(keyNode);
        }
        foreach (string required in new[] { "model", "t0", "t1", "solver" })
            if (!fields.ContainsKey(required)) _f.Error(rootNode, required, $"missing required field '{required}'");

        string name = Path.GetFileNameWithoutExtension(_file);
        if (fields.TryGetValue("name", out var nameNode) && _f.String(nameNode, "name", "a job name") is { } n)
        {
            if (n.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) name = n;
            else _f.Error(nameNode, "name", $"job name '{n}' may only contain letters, digits, '_', '-' and '.' (it becomes part of the output folder)");
        }
        if (name.Length == 0) name = "job";

        double? t0 = fields.TryGetValue("t0", out var t0Node) ? _f.Finite(t0Node, "t0") : null;
        double? t1 = fields.TryGetValue("t1", out var t1Node) ? _f.Finite(t1Node, "t1") : null;
        double? dt0 = fields.TryGetValue("dt0", out var dt0Node) ? _f.Finite(dt0Node, "dt0") : null;
        string? solver = fields.TryGetValue("solver", out var solverNode) ? _f.String(solverNode, "solver", "a solver name") : null;
        int? maxSteps = fields.TryGetValue("max_steps", out var msNode) ? _f.Int(msNode, "max_steps", 1) : null;
        int? batchSize = fields.TryGetValue("batch_size", out var bsNode) ? _f.Int(bsNode, "batch_size", 1) : null;
        ulong seed = 0;
        if (fields.TryGetValue("seed", out var seedNode))
        {
            if (seedNode is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } sv } && ulong.TryParse(sv.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong s)) seed = s;
            else _f.Error(seedNode, "seed", $"expected a whole number ≥ 0, got {YamlFields.Describe(seedNode)}");
        }

        if (t0 is { } a && t1 is { } b && a == b)
            _f.Error(t1Node!, "t1", $"t1 equals t0 (both {Num(a)}): the time span is empty; expected t1 ≠ t0");
        if (dt0 is { } h && dt0Node is not null)
        {
            if (h == 0) _f.Error(dt0Node, "dt0", "dt0 is 0; expected a nonzero step (or leave dt0 out with an adaptive controller)");
            else if (t0 is { } a2 && t1 is { } b2 && a2 != b2 && Math.Sign(h) != Math.Sign(b2 - a2))
                _f.Error(dt0Node, "dt0", $"dt0 = {Num(h)} points away from t1: integrating from t0 = {Num(a2)} to t1 = {Num(b2)} needs dt0 {(b2 > a2 ? "> 0" : "< 0")}");
        }

        ControlSpec? control = fields.TryGetValue("control", out var controlNode) ? ReadControl(controlNode, t0, t1) : null;
        ModelSpec? model = fields.TryGetValue("model", out var modelNode) ? ReadModel(modelNode, name, control) : null;
        InitialStateSpec? y0 = fields.TryGetValue("y0", out var y0Node) ? ReadY0(y0Node) : null;
        if (y0 is null && model is EquationsModelSpec && !fields.ContainsKey("y0"))
            _f.Error(rootNode, "y0", "missing required field 'y0' (an equations model has no default initial state)");

        var kind = ProblemKind.Ode;
        if (control is not null) kind = ProblemKind.Cde;
        if (model is EquationsModelSpec { Diffusion: not null } || model is BuiltinModelSpec bm && ModelCatalog.SdeBuiltins.ContainsKey(bm.Name)
            || model is PluginModelSpec && solver is not null && SolverCatalog.IsSdeOnly(solver))
        {
            if (kind == ProblemKind.Cde) _f.Error(controlNode!, "control", "a job is an SDE (the model has a diffusion) or a CDE (it has a control), not both");
            kind = ProblemKind.Sde;
        }
        if (model is BuiltinModelSpec && control is not null)
            _f.Error(controlNode!, "control", "built-in models have no control field; a CDE needs an equations model with 'control_field' or a plugin model");
        if (model is EquationsModelSpec { ControlField: not null } && control is null)
            _f.Error(modelNode!, "model.control_field", "control_field needs a 'control' section naming the data that drives it");

        OdeSolverInfo? odeSolver = null;
        if (solver is not null)
        {
            if (kind == ProblemKind.Sde)
            {
                if (!SolverCatalog.IsSde(solver))
                    _f.Error(solverNode!, "solver", SolverCatalog.FindOde(solver) is not null
                        ? $"'{solver}' is an ODE solver but the model has a diffusion (an SDE); SDE solvers: {string.Join(", ", SolverCatalog.Sde)}"
                        : $"unknown solver '{solver}'; SDE solvers: {string.Join(", ", SolverCatalog.Sde)}");
            }
            else
            {
                odeSolver = SolverCatalog.FindOde(solver);
                if (odeSolver is null)
                    _f.Error(solverNode!, "solver", SolverCatalog.IsSde(solver)
                        ? $"'{solver}' is an SDE solver but the model has no diffusion; {KindName(kind)} solvers: {string.Join(", ", SolverCatalog.Ode.Select(s => s.Name))}"
                        : $"unknown solver '{solver}'; {KindName(kind)} solvers: {string.Join(", ", SolverCatalog.Ode.Select(s => s.Name))}");
            }
        }

        var stepSize = fields.TryGetValue("stepsize", out var ssNode) ? ReadStepSize(ssNode) : new StepSizeSpec();
        if (stepSize is not null)
        {
            if (stepSize.Controller == ControllerKind.Constant && dt0 is null && !fields.ContainsKey("dt0"))
                _f.Error(ssNode ?? rootNode, ssNode is null ? "dt0" : "stepsize",
                    "a constant step size needs dt0; give dt0, or use an adaptive controller (stepsize: {controller: pid, rtol: …, atol: …})");
            if (stepSize.Controller == ControllerKind.Pid && odeSolver is { ErrorOrder: 0 })
                _f.Error(ssNode!, "stepsize.controller", $"solver '{odeSolver.Name}' has no error estimate, so it cannot adapt its step; use stepsize: constant, or an adaptive solver ({string.Join(", ", SolverCatalog.Ode.Where(s => s.ErrorOrder > 0).Select(s => s.Name))})");
        }

        var saveAt = fields.TryGetValue("saveat", out var saNode) ? ReadSaveAt(saNode, t0, t1) : new SaveAtSpec();
        EnsembleSpec? ensemble = fields.TryGetValue("ensemble", out var enNode) ? ReadEnsemble(enNode) : null;
        SweepSpec? sweep = fields.TryGetValue("sweep", out var swNode) ? ReadSweep(swNode) : null;
        if (fields.ContainsKey("ensemble") && fields.ContainsKey("sweep"))
            _f.Error(swNode!, "sweep", "a job has an ensemble or a sweep, not both; put the ensemble's random draws on a job of their own, or add the grid as ensemble lists");
        if (saveAt is { } sa && (sa.Steps || sa.Dense) && (fields.ContainsKey("ensemble") || fields.ContainsKey("sweep")))
            _f.Error(saNode!, sa.Steps ? "saveat.steps" : "saveat.dense", "saving every step or dense output is for single solves; an ensemble or sweep saves at t0, t1 and ts");
        var output = fields.TryGetValue("output", out var outNode) ? ReadOutput(outNode) : new OutputSpec();

        if (model is EquationsModelSpec eq && _errors.Count == 0) CheckEquations(eq);

        // The model checks run even when other fields failed, so that every problem is reported at once.
        bool complete = _errors.Count == 0;
        var spec = model is null || t0 is null || t1 is null || solver is null ? null : new JobSpec
        {
            Name = name,
            SourceFile = _file,
            SpecHash = CanonicalHash(rootNode),
            Kind = kind,
            Model = model,
            Y0 = y0,
            T0 = t0.Value,
            T1 = t1.Value,
            Dt0 = dt0,
            Solver = solver,
            StepSize = stepSize ?? new StepSizeSpec(),
            SaveAt = saveAt ?? new SaveAtSpec(),
            MaxSteps = maxSteps,
            Seed = seed,
            Ensemble = ensemble,
            Sweep = sweep,
            Control = control,
            Output = output ?? new OutputSpec(),
            BatchSize = batchSize,
            Marks = marks,
        };
        if (spec is not null && JobModels.TryGetInfo(spec) is { } info) JobChecks.CheckAgainstModel(spec, info, _errors);
        if (!complete || _errors.Count > 0) Fail();
        return spec!;
    }

    /// <summary>Where the YAML parser last read an event successfully.</summary>
    private (int Line, int Column) LastGoodPosition()
    {
        var parser = new Parser(new StringReader(_text));
        Mark last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
                if (parser.Current is { } ev) last = ev.Start;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException) { }
        return ((int)last.Line, (int)last.Column);
    }

    private static string KindName(ProblemKind k) => k == ProblemKind.Cde ? "CDE" : "ODE";

    private static string Num(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private void Fail(JobError? error = null)
    {
        if (error is not null) _errors.Add(error);
        throw new JobValidationException(_errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToArray());
    }

    // ---- model ----------------------------------------------------------------------------------------------------

    private ModelSpec? ReadModel(YamlNode node, string jobName, ControlSpec? control)
    {
        var map = _f.Mapping(node, "model", "a model: {builtin: NAME}, {type: TYPE, assembly: PATH} or equations {state, params, drift, …}");
        if (map is null) return null;
        var at = YamlFields.MarkOf(map);
        bool Has(string k) => map.Children.Keys.OfType<YamlScalarNode>().Any(s => s.Value == k);
        if (Has("builtin"))
        {
            var entries = _f.Entries(map, "model", ["builtin", "params"]);
            string? name = null;
            IReadOnlyList<NamedValue> pars = [];
            foreach (var (k, _, v) in entries)
            {
                if (k == "builtin")
                {
                    name = _f.String(v, "model.builtin", "a built-in model name");
                    if (name is not null && ModelCatalog.FindBuiltin(name) is null)
                    {
                        _f.Error(v, "model.builtin", $"unknown built-in model '{name}'; built-in models: {string.Join(", ", ModelCatalog.Names)}");
                        name = null;
                    }
                }
                else pars = ReadParamValues(v, "model.params") ?? [];
            }
            return name is null ? null : new BuiltinModelSpec(name) { Params = pars, At = at };
        }
        if (Has("type") || Has("assembly"))
        {
            var entries = _f.Entries(map, "model", ["type", "assembly", "params"]);
            string? type = null, assembly = null;
            IReadOnlyList<NamedValue> pars = [];
            foreach (var (k, _, v) in entries)
            {
                switch (k)
                {
                    case "type":
                        type = _f.String(v, "model.type", "an assembly-qualified type name (Namespace.Type, Assembly)");
                        if (type is not null && !type.Contains(',', StringComparison.Ordinal))
                        {
                            _f.Error(v, "model.type", $"'{type}' is not assembly-qualified; expected 'Namespace.Type, AssemblyName'");
                            type = null;
                        }
                        break;
                    case "assembly":
                        assembly = _f.String(v, "model.assembly", "the path of the plugin assembly (.dll)");
                        if (assembly is not null)
                        {
                            assembly = Path.GetFullPath(Path.Combine(_baseDir, assembly));
                            if (!File.Exists(assembly)) { _f.Error(v, "model.assembly", $"assembly file '{assembly}' does not exist"); assembly = null; }
                        }
                        break;
                    default: pars = ReadParamValues(v, "model.params") ?? []; break;
                }
            }
            if (!Has("type")) _f.Error(map, "model.type", "a plugin model needs 'type' (Namespace.Type, Assembly) next to 'assembly'");
            if (!Has("assembly")) _f.Error(map, "model.assembly", "a plugin model needs 'assembly' (path of the .dll) next to 'type'");
            return type is null || assembly is null ? null : new PluginModelSpec(type, assembly) { Params = pars, At = at };
        }
        if (Has("state") || Has("drift"))
            return ReadEquations(map, jobName, control);
        _f.Error(map, "model", "expected one of: 'builtin' (a built-in model), 'type' + 'assembly' (a plugin struct), or 'state' + 'drift' (equations)");
        return null;
    }

    private List<NamedValue>? ReadParamValues(YamlNode node, string field)
    {
        var map = _f.Mapping(node, field, "a mapping of parameter names to numbers");
        if (map is null) return null;
        var r = new List<NamedValue>();
        foreach (var (k, kn, v) in _f.Entries(map, field, null))
        {
            if (_f.Finite(v, $"{field}.{k}") is { } d)
            {
                if (r.Any(p => p.Name == k)) _f.Error(kn, $"{field}.{k}", $"parameter '{k}' is given twice");
                else r.Add(new NamedValue(k, d, YamlFields.MarkOf(kn)));
            }
        }
        return r;
    }

    private EquationsModelSpec? ReadEquations(YamlMappingNode map, string jobName, ControlSpec? control)
    {
        var entries = _f.Entries(map, "model", ["name", "state", "params", "aux", "drift", "diffusion", "control_field"]);
        string name = jobName;
        List<string>? states = null;
        List<NamedValue> pars = [];
        var aux = new List<NamedExpression>();
        var drift = new List<NamedExpression>();
        NoiseSpec? diffusion = null;
        List<ExpressionRow>? controlField = null;
        YamlNode? driftNode = null;
        YamlNode? diffusionNode = null, controlFieldNode = null;
        YamlNode? stateNode = null;
        int before = _errors.Count;
        foreach (var (k, _, v) in entries)
        {
            switch (k)
            {
                case "name": name = _f.String(v, "model.name", "a model name") ?? name; break;
                case "state": states = _f.Names(v, "model.state"); stateNode = v; break;
                case "params": pars = ReadParamValues(v, "model.params") ?? []; break;
                case "aux": ReadAux(v, aux); break;
                case "drift": driftNode = v; break;
                case "diffusion": diffusionNode = v; break;
                case "control_field": controlFieldNode = v; break;
            }
        }
        if (stateNode is null) _f.Error(map, "model.state", "missing 'state': the list of state variable names, e.g. state: [x, v]");
        if (states is null) return null;
        if (states.Count == 0) { _f.Error(stateNode, "model.state", "expected at least one state variable"); return null; }
        foreach (var dup in states.GroupBy(s => s).Where(g => g.Count() > 1))
            _f.Error(stateNode, "model.state", $"state '{dup.Key}' is listed more than once");

        // Drift: one expression per state, and nothing else.
        if (driftNode is null) _f.Error(map, "model.drift", $"missing 'drift': one expression per state ({string.Join(", ", states)})");
        else if (_f.Mapping(driftNode, "model.drift", "a mapping from state names to expressions") is { } dm)
        {
            foreach (var (k, kn, v) in _f.Entries(dm, "model.drift", null))
            {
                if (!states.Contains(k)) { _f.Error(kn, $"model.drift.{k}", $"'{k}' is not a state; states: {string.Join(", ", states)}"); continue; }
                if (Expression(v, $"model.drift.{k}") is { } e) drift.Add(new NamedExpression(k, e));
            }
            foreach (string s in states)
                if (!dm.Children.Keys.OfType<YamlScalarNode>().Any(kn => kn.Value == s))
                    _f.Error(dm, "model.drift", $"state '{s}' has no drift; every state needs an expression in drift (write 0 for a constant state)");
        }

        if (diffusionNode is not null) diffusion = ReadDiffusion(diffusionNode, states);
        if (controlFieldNode is not null && control is not null) controlField = ReadControlField(controlFieldNode, states, control);
        if (controlFieldNode is not null && control is not null && controlField is null && _errors.Count == before)
            _f.Error(controlFieldNode, "model.control_field", "could not read the control field");
        if (_errors.Count > before) return null;
        return new EquationsModelSpec(name, states, aux, drift)
        {
            Params = pars,
            At = YamlFields.MarkOf(map),
            Diffusion = diffusion,
            ControlField = controlField,
        };
    }

    private void ReadAux(YamlNode node, List<NamedExpression> aux)
    {
        // Either an ordered mapping or a list of one-entry mappings; both keep the order written.
        IEnumerable<(string, YamlScalarNode, YamlNode)> items;
        if (node is YamlMappingNode m) items = _f.Entries(m, "model.aux", null);
        else if (node is YamlSequenceNode q)
        {
            var list = new List<(string, YamlScalarNode, YamlNode)>();
            for (int i = 0; i < q.Children.Count; i++)
            {
                if (q.Children[i] is YamlMappingNode one && one.Children.Count == 1) list.AddRange(_f.Entries(one, "model.aux", null));
                else _f.Error(q.Children[i], $"model.aux[{i}]", $"expected one 'name: expression' entry, got {YamlFields.Describe(q.Children[i])}");
            }
            items = list;
        }
        else { _f.Error(node, "model.aux", $"expected a mapping (or list) of 'name: expression' entries, evaluated in order, got {YamlFields.Describe(node)}"); return; }
        foreach (var (k, kn, v) in items)
        {
            if (aux.Any(a => a.Name == k)) { _f.Error(kn, $"model.aux.{k}", $"aux '{k}' is defined twice"); continue; }
            if (Expression(v, $"model.aux.{k}") is { } e) aux.Add(new NamedExpression(k, e));
        }
    }

    private NoiseSpec? ReadDiffusion(YamlNode node, List<string> states)
    {
        var map = _f.Mapping(node, "model.diffusion", "a mapping from state names to expressions (diagonal noise), or 'noise' plus rows (matrix noise)");
        if (map is null) return null;
        var noiseKey = map.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k.Value == "noise");
        if (noiseKey is null)
        {
            var entries = new List<NamedExpression>();
            foreach (var (k, kn, v) in _f.Entries(map, "model.diffusion", null))
            {
                if (!states.Contains(k)) { _f.Error(kn, $"model.diffusion.{k}", $"'{k}' is not a state; states: {string.Join(", ", states)} (or 'noise' for matrix noise)"); continue; }
                if (Expression(v, $"model.diffusion.{k}") is { } e) entries.Add(new NamedExpression(k, e));
            }
            return new DiagonalNoiseSpec(entries);
        }
        // Matrix noise: `noise` is a count or a list of names; each state row is a list (one per noise) or a map by noise name.
        var noiseNode = map.Children[noiseKey];
        List<string>? noise = null;
        if (noiseNode is YamlSequenceNode) noise = _f.Names(noiseNode, "model.diffusion.noise");
        else if (_f.Int(noiseNode, "model.diffusion.noise", 1) is { } m) noise = Enumerable.Range(0, m).Select(j => $"w{j}").ToList();
        if (noise is null) return null;
        if (noise.Count == 0) { _f.Error(noiseNode, "model.diffusion.noise", "expected at least one noise name"); return null; }
        var rows = ReadMatrix(map, "model.diffusion", states, noise, "noise", skipKey: "noise");
        return rows is null ? null : new MatrixNoiseSpec(noise, rows);
    }

    private List<ExpressionRow>? ReadControlField(YamlNode node, List<string> states, ControlSpec control)
    {
        var map = _f.Mapping(node, "model.control_field", $"a mapping from state names to one expression per control column ({string.Join(", ", control.Columns)})");
        if (map is null) return null;
        return ReadMatrix(map, "model.control_field", states, control.Columns, "control column", skipKey: null);
    }

    private List<ExpressionRow>? ReadMatrix(YamlMappingNode map, string field, List<string> states, IReadOnlyList<string> columns, string columnKind, string? skipKey)
    {
        var rows = new List<ExpressionRow>();
        int before = _errors.Count;
        foreach (var (k, kn, v) in _f.Entries(map, field, null))
        {
            if (k == skipKey) continue;
            string f = $"{field}.{k}";
            if (!states.Contains(k)) { _f.Error(kn, f, $"'{k}' is not a state; states: {string.Join(", ", states)}"); continue; }
            var entries = new ExpressionText?[columns.Count];
            if (v is YamlSequenceNode q)
            {
                if (q.Children.Count != columns.Count)
                {
                    _f.Error(q, f, $"row has {q.Children.Count} entries but there {(columns.Count == 1 ? "is 1 " + columnKind : $"are {columns.Count} {columnKind}s")} ({string.Join(", ", columns)})");
                    continue;
                }
                for (int j = 0; j < columns.Count; j++) entries[j] = Expression(q.Children[j], $"{f}[{j}]");
            }
            else if (v is YamlMappingNode rm)
            {
                foreach (var (c, cn, cv) in _f.Entries(rm, f, null))
                {
                    int j = columns.ToList().IndexOf(c);
                    if (j < 0) { _f.Error(cn, $"{f}.{c}", $"unknown {columnKind} '{c}'; {columnKind}s: {string.Join(", ", columns)}"); continue; }
                    entries[j] = Expression(cv, $"{f}.{c}");
                }
                for (int j = 0; j < columns.Count; j++) entries[j] ??= new ExpressionText("0", 0, 0);
            }
            else if (columns.Count == 1 && v is YamlScalarNode) entries[0] = Expression(v, f);
            else { _f.Error(v, f, $"expected a list of {columns.Count} expressions (one per {columnKind}: {string.Join(", ", columns)}) or a mapping by {columnKind}, got {YamlFields.Describe(v)}"); continue; }
            if (entries.All(e => e is not null)) rows.Add(new ExpressionRow(k, entries.Select(e => e!).ToArray()));
        }
        return _errors.Count > before ? null : rows;
    }

    /// <summary>An expression scalar with the position of its first character (inside quotes, or the first line of a block).</summary>
    private ExpressionText? Expression(YamlNode node, string field)
    {
        if (node is not YamlScalarNode s || YamlFields.IsNull(node) || string.IsNullOrWhiteSpace(s.Value))
        {
            _f.Error(node, field, $"expected an expression, got {YamlFields.Describe(node)}");
            return null;
        }
        int line = (int)s.Start.Line, col = (int)s.Start.Column;
        switch (s.Style)
        {
            case ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted: col++; break;
            case ScalarStyle.Literal or ScalarStyle.Folded:
                string[] lines = _text.Split('\n');
                for (int i = line; i < lines.Length; i++)
                {
                    string l = lines[i].TrimEnd('\r');
                    if (l.Trim().Length == 0) continue;
                    line = i + 1;
                    col = l.Length - l.TrimStart().Length + 1;
                    break;
                }
                break;
        }
        return new ExpressionText(s.Value.TrimEnd(), line, col);
    }

    /// <summary>Runs the expression parser over every expression (unknown variables/functions, unbalanced parentheses …).</summary>
    private void CheckEquations(EquationsModelSpec eq)
    {
        // The expression parser counts columns of later lines of a '|' block from the line start; add the block's indentation.
        var starts = new Dictionary<string, ExpressionText>(StringComparer.Ordinal);
        foreach (var a in eq.Aux) starts[$"model.aux.{a.Name}"] = a.Expression;
        foreach (var d in eq.Drift) starts[$"model.drift.{d.Name}"] = d.Expression;
        if (eq.Diffusion is DiagonalNoiseSpec diag) foreach (var d in diag.Entries) starts[$"model.diffusion.{d.Name}"] = d.Expression;
        if (eq.Diffusion is MatrixNoiseSpec mat)
            foreach (var r in mat.Rows) for (int j = 0; j < r.Entries.Count; j++) starts[$"model.diffusion.{r.State}[{j}]"] = r.Entries[j];
        foreach (var ex in JobModels.ToEquationModelSpec(eq, _file).FindErrors())
        {
            int column = ex.Column;
            if (ex.Field is { } fld && starts.TryGetValue(fld, out var start) && start.Line > 0 && ex.Line > start.Line) column += start.Column - 1;
            _errors.Add(new JobError(_file, ex.Line, column, ex.Field ?? "model", ex.Reason));
        }
        if (eq.ControlField is { } rows)
        {
            var names = eq.States.Concat(eq.Params.Select(p => p.Name)).Concat(eq.Aux.Select(a => a.Name)).Append("t").ToArray();
            foreach (var row in rows)
                for (int j = 0; j < row.Entries.Count; j++)
                {
                    var e = row.Entries[j];
                    try { ExpressionParser.Parse(e.Text, names, $"model.control_field.{row.State}[{j}]", e.Line, e.Column, _file); }
                    catch (ExpressionException ex) { _errors.Add(new JobError(_file, ex.Line, ex.Column, ex.Field ?? "model.control_field", ex.Reason)); }
                }
        }
    }

    // ---- y0, step size, saveat --------------------------------------------------------------------------------------

    private InitialStateSpec? ReadY0(YamlNode node)
    {
        var at = YamlFields.MarkOf(node);
        if (node is YamlSequenceNode q)
        {
            var values = new List<NamedValue>();
            bool ok = true;
            for (int i = 0; i < q.Children.Count; i++)
            {
                if (_f.Finite(q.Children[i], $"y0[{i}]") is { } d) values.Add(new NamedValue($"[{i}]", d, YamlFields.MarkOf(q.Children[i])));
                else ok = false;
            }
            if (values.Count == 0 && ok) { _f.Error(node, "y0", "expected at least one initial value"); return null; }
            return ok ? new InitialStateSpec(values, false, at) : null;
        }
        if (node is YamlMappingNode)
        {
            var values = ReadParamValues(node, "y0");
            return values is null ? null : new InitialStateSpec(values, true, at);
        }
        _f.Error(node, "y0", $"expected a list of initial values (one per state) or a mapping from state names to values, got {YamlFields.Describe(node)}");
        return null;
    }

    private StepSizeSpec? ReadStepSize(YamlNode node)
    {
        if (node is YamlScalarNode)
        {
            switch (_f.String(node, "stepsize", "'constant' or 'pid'"))
            {
                case "constant": return new StepSizeSpec { Controller = ControllerKind.Constant };
                case "pid": return new StepSizeSpec { Controller = ControllerKind.Pid };
                case { } other: _f.Error(node, "stepsize", $"unknown step-size controller '{other}'; expected constant or pid"); return null;
                default: return null;
            }
        }
        var map = _f.Mapping(node, "stepsize", "'constant', 'pid', or a mapping {controller: pid, rtol: …, atol: …}");
        if (map is null) return null;
        var entries = _f.Entries(map, "stepsize", PidFields);
        var ctlEntry = entries.FirstOrDefault(e => e.Key == "controller");
        var ctl = ControllerKind.Pid;
        if (ctlEntry.Value is not null)
        {
            switch (_f.String(ctlEntry.Value, "stepsize.controller", "'constant' or 'pid'"))
            {
                case "constant": ctl = ControllerKind.Constant; break;
                case "pid": break;
                case { } other: _f.Error(ctlEntry.Value, "stepsize.controller", $"unknown step-size controller '{other}'; expected constant or pid"); return null;
                default: return null;
            }
        }
        if (ctl == ControllerKind.Constant)
        {
            foreach (var (k, kn, _) in entries.Where(e => e.Key != "controller"))
                _f.Error(kn, $"stepsize.{k}", $"'{k}' is an option of the pid controller; a constant step size takes none (known fields: controller)");
            return new StepSizeSpec { Controller = ControllerKind.Constant };
        }
        var s = new StepSizeSpec { Controller = ControllerKind.Pid };
        var values = new Dictionary<string, (double Value, YamlNode Node)>();
        foreach (var (k, _, v) in entries)
        {
            string f = $"stepsize.{k}";
            switch (k)
            {
                case "controller": break;
                case "force_dtmin": if (_f.Bool(v, f) is { } fb) s = s with { ForceDtMin = fb }; break;
                case "norm":
                    switch (_f.String(v, f, "'rms' or 'max'"))
                    {
                        case "rms": s = s with { Norm = ErrorNormKind.Rms }; break;
                        case "max": s = s with { Norm = ErrorNormKind.Max }; break;
                        case { } other: _f.Error(v, f, $"unknown error norm '{other}'; expected rms or max"); break;
                    }
                    break;
                case "step_ts": if (_f.Numbers(v, f) is { } st) s = s with { StepTs = st }; break;
                case "jump_ts": if (_f.Numbers(v, f) is { } jt) s = s with { JumpTs = jt }; break;
                case "dtmax": if (_f.Double(v, f) is { } dm) values[k] = (dm, v); break;
                default: if (_f.Finite(v, f) is { } d) values[k] = (d, v); break;
            }
        }
        double? Get(string k) => values.TryGetValue(k, out var x) ? x.Value : null;
        void Check(string k, Func<double, bool> ok, string expected)
        {
            if (values.TryGetValue(k, out var x) && !ok(x.Value)) _f.Error(x.Node, $"stepsize.{k}", $"{k} = {Num(x.Value)} is invalid; expected {expected}");
        }
        Check("rtol", v => v >= 0, "a tolerance ≥ 0");
        Check("atol", v => v >= 0, "a tolerance ≥ 0");
        if (Get("rtol") == 0 && Get("atol") == 0) _f.Error(values["atol"].Node, "stepsize.atol", "rtol and atol are both 0; expected at least one tolerance > 0");
        Check("dtmin", v => v >= 0, "a step ≥ 0");
        Check("dtmax", v => v > 0, "a step > 0");
        if (Get("dtmin") is { } lo && Get("dtmax") is { } hi && lo > 0 && hi > 0 && hi < lo)
            _f.Error(values["dtmax"].Node, "stepsize.dtmax", $"dtmax = {Num(hi)} is below dtmin = {Num(lo)}; expected dtmax ≥ dtmin");
        Check("safety", v => v > 0 && v <= 1, "a factor in (0, 1]");
        Check("factormin", v => v > 0 && v <= 1, "a factor in (0, 1]");
        Check("factormax", v => v >= 1, "a factor ≥ 1");
        return s with
        {
            Rtol = Get("rtol"), Atol = Get("atol"), Pcoeff = Get("pcoeff"), Icoeff = Get("icoeff"), Dcoeff = Get("dcoeff"),
            DtMin = Get("dtmin"), DtMax = Get("dtmax"), FactorMin = Get("factormin"), FactorMax = Get("factormax"), Safety = Get("safety"),
        };
    }

    private SaveAtSpec? ReadSaveAt(YamlNode node, double? t0, double? t1)
    {
        var map = _f.Mapping(node, "saveat", "a mapping {t0, t1, ts, steps, dense}");
        if (map is null) return null;
        var s = new SaveAtSpec();
        foreach (var (k, _, v) in _f.Entries(map, "saveat", SaveAtFields))
        {
            string f = $"saveat.{k}";
            switch (k)
            {
                case "t0": if (_f.Bool(v, f) is { } a) s = s with { T0 = a }; break;
                case "t1": if (_f.Bool(v, f) is { } b) s = s with { T1 = b }; break;
                case "steps": if (_f.Bool(v, f) is { } c) s = s with { Steps = c }; break;
                case "dense": if (_f.Bool(v, f) is { } d) s = s with { Dense = d }; break;
                case "ts":
                    if (ReadTs(v, t0, t1) is { } ts) s = s with { Ts = ts };
                    break;
            }
        }
        return s;
    }

    private List<double>? ReadTs(YamlNode node, double? t0, double? t1)
    {
        List<double>? ts = null;
        if (node is YamlMappingNode m)
        {
            foreach (var (_, _, v) in _f.Entries(m, "saveat.ts", ["linspace"]))
            {
                var lm = _f.Mapping(v, "saveat.ts.linspace", "a mapping {start, stop, num}");
                if (lm is null) return null;
                double? start = null, stop = null; int? num = null;
                foreach (var (k, _, lv) in _f.Entries(lm, "saveat.ts.linspace", ["start", "stop", "num"]))
                {
                    if (k == "start") start = _f.Finite(lv, "saveat.ts.linspace.start");
                    else if (k == "stop") stop = _f.Finite(lv, "saveat.ts.linspace.stop");
                    else num = _f.Int(lv, "saveat.ts.linspace.num", 1);
                }
                foreach (string need in new[] { "start", "stop", "num" })
                    if (!lm.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == need)) _f.Error(lm, $"saveat.ts.linspace.{need}", $"missing '{need}'; linspace needs start, stop and num");
                if (start is null || stop is null || num is null) return null;
                ts = Linspace(start.Value, stop.Value, num.Value).ToList();
            }
            if (ts is null) { _f.Error(m, "saveat.ts", "expected a list of times or {linspace: {start, stop, num}}"); return null; }
        }
        else if (node is YamlSequenceNode) ts = _f.Numbers(node, "saveat.ts");
        else { _f.Error(node, "saveat.ts", $"expected a list of times or {{linspace: {{start, stop, num}}}}, got {YamlFields.Describe(node)}"); return null; }
        if (ts is null || t0 is not { } a || t1 is not { } b) return ts;
        double lo = Math.Min(a, b), hi = Math.Max(a, b);
        for (int i = 0; i < ts.Count; i++)
        {
            if (ts[i] >= lo && ts[i] <= hi) continue;
            var at = node is YamlSequenceNode q ? q.Children[i] : node;
            _f.Error(at, node is YamlSequenceNode ? $"saveat.ts[{i}]" : "saveat.ts", $"save time {Num(ts[i])} lies outside the time span [{Num(lo)}, {Num(hi)}]");
            return null;
        }
        return ts;
    }

    internal static double[] Linspace(double a, double b, int n)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++) r[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
        if (n > 1) r[^1] = b;
        return r;
    }

    // ---- ensemble, sweep ------------------------------------------------------------------------------------------

    private EnsembleSpec? ReadEnsemble(YamlNode node)
    {
        var map = _f.Mapping(node, "ensemble", "a mapping {members, vary}");
        if (map is null) return null;
        int? members = null;
        List<VaryAxis>? vary = [];
        YamlNode? varyNode = null;
        foreach (var (k, _, v) in _f.Entries(map, "ensemble", ["members", "vary"]))
        {
            if (k == "members") members = _f.Int(v, "ensemble.members", 1);
            else varyNode = v;
        }
        if (!map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "members")) _f.Error(map, "ensemble.members", "missing 'members': how many members the ensemble has");
        if (varyNode is not null) vary = ReadAxes(varyNode, "ensemble.vary", members);
        if (vary is null) return null;
        // With an invalid member count the spec is never returned, but its axes still get the model checks.
        return new EnsembleSpec(members ?? 1, vary, YamlFields.MarkOf(map));
    }

    private SweepSpec? ReadSweep(YamlNode node)
    {
        var map = _f.Mapping(node, "sweep", "a mapping {mode, vary}");
        if (map is null) return null;
        var mode = SweepMode.Product;
        List<VaryAxis>? axes = null;
        YamlNode? varyNode = null;
        foreach (var (k, _, v) in _f.Entries(map, "sweep", ["mode", "vary"]))
        {
            if (k == "mode")
            {
                switch (_f.String(v, "sweep.mode", "product or zip"))
                {
                    case "product": mode = SweepMode.Product; break;
                    case "zip": mode = SweepMode.Zip; break;
                    case { } other: _f.Error(v, "sweep.mode", $"unknown sweep mode '{other}'; expected product or zip"); break;
                }
            }
            else varyNode = v;
        }
        if (varyNode is null) { _f.Error(map, "sweep.vary", "missing 'vary': the axes of the grid, e.g. vary: {params.rho: {linspace: [20, 30, 5]}}"); return null; }
        int before = _errors.Count;
        axes = ReadAxes(varyNode, "sweep.vary", null);
        if (axes is null) return null;
        if (_errors.Count > before) return new SweepSpec(mode, axes, YamlFields.MarkOf(map)); // for the model checks only
        if (axes.Count == 0) { _f.Error(varyNode, "sweep.vary", "expected at least one axis"); return null; }
        var lengths = axes.Select(AxisLength).ToArray();
        if (mode == SweepMode.Zip && lengths.Distinct().Count() > 1)
        {
            _f.Error(varyNode, "sweep.vary", $"zip needs axes of equal length, got {string.Join(", ", axes.Select((a, i) => $"{a.Key}: {lengths[i]}"))}");
            return null;
        }
        if (mode == SweepMode.Product)
        {
            double total = lengths.Aggregate(1.0, (p, n) => p * n);
            if (total > int.MaxValue) { _f.Error(varyNode, "sweep.vary", $"the grid has {total:G} members; expected at most {int.MaxValue}"); return null; }
        }
        return new SweepSpec(mode, axes, YamlFields.MarkOf(map));
    }

    internal static int AxisLength(VaryAxis a) => a.Values switch
    {
        LinspaceValues l => l.Num ?? 0,
        LogspaceValues l => l.Num ?? 0,
        ListValues l => l.Values.Count,
        _ => 0,
    };

    /// <summary>Reads the axes of an ensemble (<paramref name="members"/> given, or null when unknown) or a sweep (members null, sweep rules).</summary>
    private List<VaryAxis>? ReadAxes(YamlNode node, string field, int? members)
    {
        bool sweep = field.StartsWith("sweep", StringComparison.Ordinal);
        var map = _f.Mapping(node, field, "a mapping from 'y0.<state>' or 'params.<name>' to values");
        if (map is null) return null;
        var axes = new List<VaryAxis>();
        int before = _errors.Count;
        foreach (var (k, kn, v) in _f.Entries(map, field, null))
        {
            string f = $"{field}.{k}";
            int dot = k.IndexOf('.', StringComparison.Ordinal);
            string prefix = dot < 0 ? "" : k[..dot], target = dot < 0 ? "" : k[(dot + 1)..];
            if (prefix is not ("y0" or "params") || target.Length == 0)
            {
                _f.Error(kn, f, $"cannot vary '{k}'; expected y0.<state> or params.<parameter>");
                continue;
            }
            var values = ReadValues(v, f, members, sweep);
            if (values is null) continue;
            var axis = new VaryAxis(prefix == "y0" ? VaryTarget.Y0 : VaryTarget.Param, target, values, YamlFields.MarkOf(kn));
            if (axes.Any(a => a.Key == axis.Key)) { _f.Error(kn, f, $"'{k}' is varied twice"); continue; }
            axes.Add(axis);
        }
        return axes;
    }

    private ValueSource? ReadValues(YamlNode node, string field, int? members, bool sweep)
    {
        const string Forms = "a list of values, {linspace: [start, stop]}, {logspace: [start, stop]}, {normal: {mean, std}}, {uniform: {low, high}} or {lognormal: {mu, sigma}}";
        ValueSource? src;
        YamlNode where = node;
        if (node is YamlSequenceNode)
        {
            src = _f.Numbers(node, field) is { } list ? new ListValues(list) : null;
        }
        else if (node is YamlMappingNode m && m.Children.Count == 1)
        {
            var (k, kn, v) = _f.Entries(m, field, ValueKinds).FirstOrDefault();
            if (k is null) return null;
            string f = $"{field}.{k}";
            where = v;
            src = k switch
            {
                "values" => _f.Numbers(v, f) is { } list ? new ListValues(list) : null,
                "linspace" or "logspace" => ReadRange(v, f, k),
                "normal" => ReadPair(v, f, "mean", "std") is var (mean, std) ? new NormalDraw(mean, std) : null,
                "uniform" => ReadPair(v, f, "low", "high") is var (low, high) ? new UniformDraw(low, high) : null,
                _ => ReadPair(v, f, "mu", "sigma") is var (mu, sigma) ? new LognormalDraw(mu, sigma) : null,
            };
            if (src is null) return null;
            field = f;
            if (sweep && src is NormalDraw or UniformDraw or LognormalDraw)
            {
                _f.Error(kn, field, $"random draws belong in an ensemble; a sweep axis needs linspace, logspace or a list of values");
                return null;
            }
        }
        else
        {
            _f.Error(node, field, $"expected {Forms}, got {YamlFields.Describe(node)}");
            return null;
        }
        switch (src)
        {
            case null: return null;
            case ListValues { Values.Count: 0 }: _f.Error(where, field, "expected at least one value"); return null;
            case ListValues l when members is { } n && l.Values.Count != n:
                _f.Error(where, field, $"{l.Values.Count} values given but the ensemble has {n} members; expected one value per member (or a range or random draw)");
                return null;
            case LinspaceValues { Num: null } or LogspaceValues { Num: null } when sweep:
                _f.Error(where, field, "a sweep axis needs the number of values: [start, stop, num] or {start, stop, num}");
                return null;
            case LinspaceValues { Num: { } num } when members is { } n && num != n:
            case LogspaceValues { Num: { } num2 } when members is { } n2 && num2 != n2:
                _f.Error(where, field, $"num = {(src is LinspaceValues lv ? lv.Num : ((LogspaceValues)src).Num)} but the ensemble has {members} members; leave num out (one value per member)");
                return null;
            case LogspaceValues lg when !(lg.Start > 0 && lg.Stop > 0):
                _f.Error(where, field, $"invalid range: logspace from {Num(lg.Start)} to {Num(lg.Stop)}; expected start > 0 and stop > 0 (geometric spacing between the values themselves)");
                return null;
            case NormalDraw { Std: < 0 } nd: _f.Error(where, field, $"std = {Num(nd.Std)} is negative; expected std ≥ 0"); return null;
            case LognormalDraw { Sigma: < 0 } ln: _f.Error(where, field, $"sigma = {Num(ln.Sigma)} is negative; expected sigma ≥ 0"); return null;
            case UniformDraw u when !(u.High > u.Low): _f.Error(where, field, $"invalid range: low = {Num(u.Low)}, high = {Num(u.High)}; expected low < high"); return null;
        }
        return src;
    }

    private ValueSource? ReadRange(YamlNode node, string field, string kind)
    {
        double? start = null, stop = null; int? num = null;
        if (node is YamlSequenceNode q)
        {
            if (q.Children.Count is not (2 or 3)) { _f.Error(node, field, $"expected [start, stop] or [start, stop, num], got a list of {q.Children.Count}"); return null; }
            start = _f.Finite(q.Children[0], $"{field}[0]");
            stop = _f.Finite(q.Children[1], $"{field}[1]");
            if (q.Children.Count == 3) { num = _f.Int(q.Children[2], $"{field}[2]", 1); if (num is null) return null; }
        }
        else if (node is YamlMappingNode m)
        {
            foreach (var (k, _, v) in _f.Entries(m, field, ["start", "stop", "num"]))
            {
                if (k == "start") start = _f.Finite(v, $"{field}.start");
                else if (k == "stop") stop = _f.Finite(v, $"{field}.stop");
                else { num = _f.Int(v, $"{field}.num", 1); if (num is null) return null; }
            }
            if (!m.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "start") || !m.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "stop"))
            { _f.Error(node, field, $"{kind} needs start and stop"); return null; }
        }
        else { _f.Error(node, field, $"expected [start, stop], [start, stop, num] or {{start, stop, num}}, got {YamlFields.Describe(node)}"); return null; }
        if (start is null || stop is null) return null;
        return kind == "linspace" ? new LinspaceValues(start.Value, stop.Value, num) : new LogspaceValues(start.Value, stop.Value, num);
    }

    private (double, double)? ReadPair(YamlNode node, string field, string a, string b)
    {
        var m = _f.Mapping(node, field, $"a mapping {{{a}, {b}}}");
        if (m is null) return null;
        double? x = null, y = null;
        foreach (var (k, _, v) in _f.Entries(m, field, [a, b]))
        {
            if (k == a) x = _f.Finite(v, $"{field}.{a}");
            else y = _f.Finite(v, $"{field}.{b}");
        }
        foreach (string need in new[] { a, b })
            if (!m.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == need)) _f.Error(m, $"{field}.{need}", $"missing '{need}'; expected {{{a}, {b}}}");
        return x is null || y is null ? null : (x.Value, y.Value);
    }

    // ---- control, output ------------------------------------------------------------------------------------------

    private ControlSpec? ReadControl(YamlNode node, double? t0, double? t1)
    {
        var map = _f.Mapping(node, "control", "a mapping {csv, time, columns, interpolation}");
        if (map is null) return null;
        string? csv = null, time = null, interp = "cubic_hermite";
        List<string>? columns = null;
        YamlNode? csvNode = null, timeNode = null, colsNode = null;
        foreach (var (k, _, v) in _f.Entries(map, "control", ControlFields))
        {
            switch (k)
            {
                case "csv": csv = _f.String(v, "control.csv", "the path of a CSV file"); csvNode = v; break;
                case "time": time = _f.String(v, "control.time", "the name of the time column"); timeNode = v; break;
                case "columns": columns = _f.Names(v, "control.columns"); colsNode = v; break;
                case "interpolation":
                    interp = _f.String(v, "control.interpolation", string.Join(", ", Interpolations));
                    if (interp is not null && !Interpolations.Contains(interp))
                    {
                        _f.Error(v, "control.interpolation", $"unknown interpolation '{interp}'; expected one of {string.Join(", ", Interpolations)}");
                        interp = null;
                    }
                    break;
            }
        }
        foreach (string need in new[] { "csv", "time", "columns" })
            if (!map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == need)) _f.Error(map, $"control.{need}", $"missing '{need}'; a control needs csv, time and columns");
        if (columns is { Count: 0 }) { _f.Error(colsNode, "control.columns", "expected at least one column"); return null; }
        if (csv is null || time is null || columns is null || interp is null) return null;
        string full = Path.GetFullPath(Path.Combine(_baseDir, csv));
        if (!File.Exists(full)) { _f.Error(csvNode, "control.csv", $"CSV file '{full}' does not exist"); return null; }
        string[] lines;
        try { lines = File.ReadAllLines(full); }
        catch (IOException ex) { _f.Error(csvNode, "control.csv", $"cannot read '{full}': {ex.Message}"); return null; }
        string[] header = lines.Length > 0 ? lines[0].Split(',').Select(h => h.Trim().Trim('"')).ToArray() : [];
        int ti = Array.IndexOf(header, time);
        if (ti < 0) _f.Error(timeNode, "control.time", $"column '{time}' is not in {Path.GetFileName(full)}; columns: {string.Join(", ", header)}");
        var seq = colsNode as YamlSequenceNode;
        for (int i = 0; i < columns.Count; i++)
            if (!header.Contains(columns[i]))
                _f.Error(seq?.Children[i] ?? colsNode, $"control.columns[{i}]", $"column '{columns[i]}' is not in {Path.GetFileName(full)}; columns: {string.Join(", ", header)}");
        if (ti >= 0 && t0 is { } a && t1 is { } b)
        {
            var times = lines.Skip(1).Where(l => l.Trim().Length > 0).Select(l => l.Split(',')).Where(c => c.Length > ti)
                .Select(c => double.TryParse(c[ti], NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : double.NaN).ToArray();
            if (times.Length < 2 || times.Any(double.IsNaN))
                _f.Error(timeNode, "control.time", $"column '{time}' needs at least two numeric times");
            else if (Math.Min(a, b) < times.Min() || Math.Max(a, b) > times.Max())
                _f.Error(timeNode, "control.time", $"the time span [{Num(Math.Min(a, b))}, {Num(Math.Max(a, b))}] is not inside the data's [{Num(times.Min())}, {Num(times.Max())}]; expected t0 and t1 within the control's times");
        }
        return new ControlSpec(full, time, columns, interp, YamlFields.MarkOf(map));
    }

    private OutputSpec? ReadOutput(YamlNode node)
    {
        var map = _f.Mapping(node, "output", "a mapping {dir, long_format_threshold, row_group_size}");
        if (map is null) return null;
        var o = new OutputSpec();
        foreach (var (k, _, v) in _f.Entries(map, "output", OutputFields))
        {
            switch (k)
            {
                case "dir":
                    if (_f.String(v, "output.dir", "a folder") is { } dir)
                    {
                        string rest = dir;
                        foreach (string p in OutputPlaceholders) rest = rest.Replace(p, "", StringComparison.Ordinal);
                        if (rest.Contains('{', StringComparison.Ordinal) || rest.Contains('}', StringComparison.Ordinal))
                            _f.Error(v, "output.dir", $"unknown placeholder in '{dir}'; known placeholders: {string.Join(", ", OutputPlaceholders)}");
                        else o = o with { Dir = dir };
                    }
                    break;
                case "long_format_threshold": if (_f.Int(v, "output.long_format_threshold", 1) is { } t) o = o with { LongFormatThreshold = t }; break;
                case "row_group_size": if (_f.Int(v, "output.row_group_size", 1) is { } r) o = o with { RowGroupSize = r }; break;
            }
        }
        return o;
    }

    // ---- hash -------------------------------------------------------------------------------------------------------

    /// <summary>SHA-256 of the document re-written canonically: comments, layout, flow/block style and quoting dropped; key order kept.</summary>
    internal static string CanonicalHash(YamlNode root)
    {
        var sb = new StringBuilder();
        void Write(YamlNode n)
        {
            switch (n)
            {
                case YamlMappingNode m:
                    sb.Append('{');
                    bool first = true;
                    foreach (var (k, v) in m.Children) { if (!first) sb.Append(','); first = false; Write(k); sb.Append(':'); Write(v); }
                    sb.Append('}');
                    break;
                case YamlSequenceNode q:
                    sb.Append('[');
                    for (int i = 0; i < q.Children.Count; i++) { if (i > 0) sb.Append(','); Write(q.Children[i]); }
                    sb.Append(']');
                    break;
                case YamlScalarNode s:
                    // Quoting is not part of the meaning of a valid job (numbers are plain), so YAML and JSON of one job hash alike.
                    sb.Append(s.Value?.Length ?? 0).Append(':').Append(s.Value);
                    break;
            }
        }
        Write(root);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
