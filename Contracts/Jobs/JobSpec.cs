namespace Diffrax.Contracts.Jobs;

/// <summary>A position in a job file (1-based line and column); <see cref="None"/> for a spec built in code.</summary>
/// <param name="Line">1-based line, 0 when unknown.</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
public sealed record SourceMark(int Line, int Column)
{
    /// <summary>No position (a spec built in code).</summary>
    public static SourceMark None { get; } = new(0, 0);
}

/// <summary>One problem found in a job: where it is, which field, and what was expected.</summary>
/// <param name="File">The job file (as given), or null for a spec built in code.</param>
/// <param name="Line">1-based line, 0 when unknown.</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
/// <param name="Field">Dotted path of the field (<c>stepsize.rtol</c>, <c>ensemble.vary.params.rho</c>).</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record JobError(string? File, int Line, int Column, string Field, string Message)
{
    /// <summary><c>file:line:column: field: message</c>.</summary>
    public override string ToString()
    {
        string where = (File ?? "") + (Line > 0 ? $":{Line}:{Column}" : "");
        return (where.Length > 0 ? where + ": " : "") + (Field.Length > 0 ? Field + ": " : "") + Message;
    }
}

/// <summary>Which kind of differential equation a job solves.</summary>
public enum ProblemKind
{
    /// <summary>dy = f(t, y) dt.</summary>
    Ode,
    /// <summary>dy = f(t, y) dt + g(t, y) dW.</summary>
    Sde,
    /// <summary>dy = f(t, y) dt + g(t, y) dX with X a path built from data.</summary>
    Cde,
}

/// <summary>
/// A validated job: model, time span, solver, step-size controller, what to save, the ensemble or sweep, and where to
/// write. Built by <c>JobLoader</c> from a YAML/JSON job file, or in code. Expanded into members and batches by
/// <c>JobPlanner</c>.
/// </summary>
public sealed record JobSpec
{
    /// <summary>Job name (the file name without extension unless the file sets <c>name</c>); fills <c>{name}</c> in the output folder.</summary>
    public required string Name { get; init; }
    /// <summary>The job file, or null for a spec built in code.</summary>
    public string? SourceFile { get; init; }
    /// <summary>Hex SHA-256 of the canonical job text (comments and layout removed), recorded in the dataset manifest.</summary>
    public string SpecHash { get; init; } = "";
    /// <summary>ODE, SDE (the model has a diffusion) or CDE (the job has a <see cref="Control"/>).</summary>
    public ProblemKind Kind { get; init; }
    /// <summary>The model.</summary>
    public required ModelSpec Model { get; init; }
    /// <summary>Initial state; null means the model's default.</summary>
    public InitialStateSpec? Y0 { get; init; }
    /// <summary>Start time.</summary>
    public required double T0 { get; init; }
    /// <summary>End time (may be below <see cref="T0"/>: integration backwards).</summary>
    public required double T1 { get; init; }
    /// <summary>First (or constant) step, signed like t1 − t0; null lets an adaptive controller choose.</summary>
    public double? Dt0 { get; init; }
    /// <summary>Solver name (<c>tsit5</c>, <c>euler_maruyama</c>, …).</summary>
    public required string Solver { get; init; }
    /// <summary>Step-size controller.</summary>
    public StepSizeSpec StepSize { get; init; } = new();
    /// <summary>What to save.</summary>
    public SaveAtSpec SaveAt { get; init; } = new();
    /// <summary>Step budget per member; null means the solver library's default.</summary>
    public int? MaxSteps { get; init; }
    /// <summary>Seed of every random stream (ensemble draws, Brownian paths), combined with the member index.</summary>
    public ulong Seed { get; init; }
    /// <summary>Many members with ranges, lists or random draws; null for none. Never set together with <see cref="Sweep"/>.</summary>
    public EnsembleSpec? Ensemble { get; init; }
    /// <summary>A grid of parameter/initial values; null for none.</summary>
    public SweepSpec? Sweep { get; init; }
    /// <summary>The control path of a CDE; null otherwise.</summary>
    public ControlSpec? Control { get; init; }
    /// <summary>Where and how to write results.</summary>
    public OutputSpec Output { get; init; } = new();
    /// <summary>Members per batch; null lets the planner choose.</summary>
    public int? BatchSize { get; init; }
    /// <summary>Where each top-level field starts in the file (keyed by field name), for errors found after loading.</summary>
    public IReadOnlyDictionary<string, SourceMark> Marks { get; init; } = new Dictionary<string, SourceMark>();
}

/// <summary>A named value with its position (a parameter value, a named initial value).</summary>
/// <param name="Name">The name.</param>
/// <param name="Value">The value.</param>
/// <param name="At">Where the value is written.</param>
public sealed record NamedValue(string Name, double Value, SourceMark At);

/// <summary>The initial state: positional values (one per state, in order) or values by state name.</summary>
/// <param name="Values">The values; <see cref="NamedValue.Name"/> is the state name when <paramref name="ByName"/>, else <c>[i]</c>.</param>
/// <param name="ByName">True when written as a map from state names.</param>
/// <param name="At">Where <c>y0</c> is written.</param>
public sealed record InitialStateSpec(IReadOnlyList<NamedValue> Values, bool ByName, SourceMark At);

/// <summary>The model of a job: built-in, a plugin struct, or equations in the file.</summary>
public abstract record ModelSpec
{
    private protected ModelSpec() { }
    /// <summary>Parameter values by name: overrides of the defaults (built-in, plugin), or the parameters themselves in order (equations).</summary>
    public IReadOnlyList<NamedValue> Params { get; init; } = [];
    /// <summary>Where the model section starts.</summary>
    public SourceMark At { get; init; } = SourceMark.None;
}

/// <summary>A model shipped with the solver library (<c>builtin: lorenz</c>).</summary>
/// <param name="Name">Built-in name: lorenz, lotka_volterra, van_der_pol, harmonic_oscillator, kepler, arenstorf.</param>
public sealed record BuiltinModelSpec(string Name) : ModelSpec;

/// <summary>A C# model struct in a plugin assembly.</summary>
/// <param name="TypeName">Assembly-qualified type name (<c>MyModels.Pendulum, MyModels</c>); generic over the lane type.</param>
/// <param name="AssemblyPath">Full path of the assembly file.</param>
public sealed record PluginModelSpec(string TypeName, string AssemblyPath) : ModelSpec;

/// <summary>An expression as written in the job file, with where its first character is.</summary>
/// <param name="Text">The expression text.</param>
/// <param name="Line">1-based line of its first character (0 when unknown).</param>
/// <param name="Column">1-based column of its first character (0 when unknown).</param>
public sealed record ExpressionText(string Text, int Line, int Column);

/// <summary>An expression bound to a name (a state's drift, an aux variable).</summary>
/// <param name="Name">State or aux name.</param>
/// <param name="Expression">The expression.</param>
public sealed record NamedExpression(string Name, ExpressionText Expression);

/// <summary>One row of a matrix of expressions: entry j multiplies noise (or control channel) j.</summary>
/// <param name="State">The state this row belongs to.</param>
/// <param name="Entries">One expression per column.</param>
public sealed record ExpressionRow(string State, IReadOnlyList<ExpressionText> Entries);

/// <summary>
/// A model written as equations: states, parameters (<see cref="ModelSpec.Params"/>, in order, with values),
/// ordered aux sub-expressions, a drift per state, and optionally a diffusion (SDE) or control field (CDE).
/// </summary>
/// <param name="Name">Model name.</param>
/// <param name="States">State names, in component order.</param>
/// <param name="Aux">Sub-expressions evaluated in order before the drift.</param>
/// <param name="Drift">dy/dt per state.</param>
public sealed record EquationsModelSpec(string Name, IReadOnlyList<string> States, IReadOnlyList<NamedExpression> Aux, IReadOnlyList<NamedExpression> Drift) : ModelSpec
{
    /// <summary>The diffusion of an SDE, or null.</summary>
    public NoiseSpec? Diffusion { get; init; }
    /// <summary>
    /// The control field of a CDE: one row per state, one entry per control channel (in the order of
    /// <see cref="ControlSpec.Columns"/>); states without a row get no control term. Null when not a CDE.
    /// </summary>
    public IReadOnlyList<ExpressionRow>? ControlField { get; init; }
}

/// <summary>The diffusion g of an SDE written as equations.</summary>
public abstract record NoiseSpec
{
    private protected NoiseSpec() { }
}

/// <summary>Diagonal noise: one Brownian motion per state; states without an entry get none.</summary>
/// <param name="Entries">gᵢ by state name.</param>
public sealed record DiagonalNoiseSpec(IReadOnlyList<NamedExpression> Entries) : NoiseSpec;

/// <summary>General noise: named Brownian motions and a row of g per state (missing entries are 0).</summary>
/// <param name="NoiseNames">Names of the Brownian motions (their count is the noise dimension).</param>
/// <param name="Rows">Rows of g by state.</param>
public sealed record MatrixNoiseSpec(IReadOnlyList<string> NoiseNames, IReadOnlyList<ExpressionRow> Rows) : NoiseSpec;

/// <summary>Which step-size controller to use.</summary>
public enum ControllerKind
{
    /// <summary>Constant steps of dt0.</summary>
    Constant,
    /// <summary>Adaptive PID control on the solver's error estimate.</summary>
    Pid,
}

/// <summary>The norm the PID controller measures a step's scaled error in.</summary>
public enum ErrorNormKind
{
    /// <summary>Root mean square over components (Diffrax's default).</summary>
    Rms,
    /// <summary>The largest component (Boost.Odeint's).</summary>
    Max,
}

/// <summary>Step-size controller settings. Null options mean the solver library's defaults.</summary>
public sealed record StepSizeSpec
{
    /// <summary>Controller kind.</summary>
    public ControllerKind Controller { get; init; } = ControllerKind.Constant;
    /// <summary>Relative tolerance.</summary>
    public double? Rtol { get; init; }
    /// <summary>Absolute tolerance.</summary>
    public double? Atol { get; init; }
    /// <summary>Proportional coefficient.</summary>
    public double? Pcoeff { get; init; }
    /// <summary>Integral coefficient.</summary>
    public double? Icoeff { get; init; }
    /// <summary>Derivative coefficient.</summary>
    public double? Dcoeff { get; init; }
    /// <summary>Smallest step.</summary>
    public double? DtMin { get; init; }
    /// <summary>Largest step.</summary>
    public double? DtMax { get; init; }
    /// <summary>Smallest shrink factor.</summary>
    public double? FactorMin { get; init; }
    /// <summary>Largest growth factor.</summary>
    public double? FactorMax { get; init; }
    /// <summary>Safety factor.</summary>
    public double? Safety { get; init; }
    /// <summary>Step on at dtmin instead of failing.</summary>
    public bool? ForceDtMin { get; init; }
    /// <summary>The error norm (null: RMS).</summary>
    public ErrorNormKind? Norm { get; init; }
    /// <summary>Times every step must land on.</summary>
    public IReadOnlyList<double> StepTs { get; init; } = [];
    /// <summary>Times where the vector field jumps.</summary>
    public IReadOnlyList<double> JumpTs { get; init; } = [];
}

/// <summary>What to save: t0, t1, given times, every step, dense output.</summary>
public sealed record SaveAtSpec
{
    /// <summary>Save the initial state.</summary>
    public bool T0 { get; init; }
    /// <summary>Save the final state.</summary>
    public bool T1 { get; init; } = true;
    /// <summary>Times to save at (a list, or a linspace expanded at load).</summary>
    public IReadOnlyList<double> Ts { get; init; } = [];
    /// <summary>Save every accepted step (single solves only).</summary>
    public bool Steps { get; init; }
    /// <summary>Keep dense output (single solves only).</summary>
    public bool Dense { get; init; }
}

/// <summary>What an ensemble or sweep axis varies.</summary>
public enum VaryTarget
{
    /// <summary>An initial value (<c>y0.x</c>).</summary>
    Y0,
    /// <summary>A parameter (<c>params.rho</c>).</summary>
    Param,
}

/// <summary>Where the values of an axis come from.</summary>
public abstract record ValueSource
{
    private protected ValueSource() { }
}

/// <summary>Evenly spaced values from start to stop inclusive.</summary>
/// <param name="Start">First value.</param>
/// <param name="Stop">Last value.</param>
/// <param name="Num">Count; null in an ensemble means one per member.</param>
public sealed record LinspaceValues(double Start, double Stop, int? Num) : ValueSource;

/// <summary>Geometrically spaced values from start to stop inclusive (both &gt; 0; the values, not exponents).</summary>
/// <param name="Start">First value.</param>
/// <param name="Stop">Last value.</param>
/// <param name="Num">Count; null in an ensemble means one per member.</param>
public sealed record LogspaceValues(double Start, double Stop, int? Num) : ValueSource;

/// <summary>Explicit values (in an ensemble: one per member).</summary>
/// <param name="Values">The values.</param>
public sealed record ListValues(IReadOnlyList<double> Values) : ValueSource;

/// <summary>Normal draws N(mean, std²), one per member, from the job seed and member index.</summary>
/// <param name="Mean">Mean.</param>
/// <param name="Std">Standard deviation (≥ 0).</param>
public sealed record NormalDraw(double Mean, double Std) : ValueSource;

/// <summary>Uniform draws on [low, high), one per member, from the job seed and member index.</summary>
/// <param name="Low">Lower bound.</param>
/// <param name="High">Upper bound (&gt; low).</param>
public sealed record UniformDraw(double Low, double High) : ValueSource;

/// <summary>Log-normal draws exp(N(mu, sigma²)), one per member, from the job seed and member index.</summary>
/// <param name="Mu">Mean of the logarithm.</param>
/// <param name="Sigma">Standard deviation of the logarithm (≥ 0).</param>
public sealed record LognormalDraw(double Mu, double Sigma) : ValueSource;

/// <summary>One varied quantity of an ensemble or sweep.</summary>
/// <param name="Target">Initial value or parameter.</param>
/// <param name="Name">State or parameter name.</param>
/// <param name="Values">Where its values come from.</param>
/// <param name="At">Where the axis is written.</param>
public sealed record VaryAxis(VaryTarget Target, string Name, ValueSource Values, SourceMark At)
{
    /// <summary>The job-file key: <c>y0.x</c> or <c>params.rho</c>.</summary>
    public string Key => (Target == VaryTarget.Y0 ? "y0." : "params.") + Name;
}

/// <summary>An ensemble: a member count and what varies per member.</summary>
/// <param name="Members">Member count (≥ 1).</param>
/// <param name="Vary">Varied quantities.</param>
/// <param name="At">Where the section is written.</param>
public sealed record EnsembleSpec(int Members, IReadOnlyList<VaryAxis> Vary, SourceMark At);

/// <summary>How sweep axes combine.</summary>
public enum SweepMode
{
    /// <summary>Cartesian product; the last axis varies fastest.</summary>
    Product,
    /// <summary>Axes of equal length taken together, element by element.</summary>
    Zip,
}

/// <summary>A grid of values: the Cartesian product or zip of its axes.</summary>
/// <param name="Mode">Product or zip.</param>
/// <param name="Axes">The axes, in order.</param>
/// <param name="At">Where the section is written.</param>
public sealed record SweepSpec(SweepMode Mode, IReadOnlyList<VaryAxis> Axes, SourceMark At);

/// <summary>The control path of a CDE, read from a CSV file.</summary>
/// <param name="CsvPath">Full path of the CSV file.</param>
/// <param name="TimeColumn">Column holding the sample times.</param>
/// <param name="Columns">Columns used as control channels, in order.</param>
/// <param name="Interpolation">linear, rectilinear or cubic_hermite.</param>
/// <param name="At">Where the section is written.</param>
public sealed record ControlSpec(string CsvPath, string TimeColumn, IReadOnlyList<string> Columns, string Interpolation, SourceMark At);

/// <summary>Where and how results are written.</summary>
public sealed record OutputSpec
{
    /// <summary>Dataset folder; may contain <c>{name}</c> and <c>{date}</c> (yyyy-MM-dd, UTC).</summary>
    public string Dir { get; init; } = "results/{name}";
    /// <summary>States with more components than this are written in long format (member, t, index, value).</summary>
    public int LongFormatThreshold { get; init; } = 16;
    /// <summary>Rows per Parquet row group.</summary>
    public int RowGroupSize { get; init; } = 1 << 20;
}
