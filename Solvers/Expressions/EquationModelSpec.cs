namespace Diffrax.Solvers.Expressions;

/// <summary>The text of one expression and where it starts in its job file (1-based; 1:1 when not from a file).</summary>
/// <param name="Text">The expression, e.g. <c>sigma*(y - x)</c>.</param>
/// <param name="Line">Line of its first character.</param>
/// <param name="Column">Column of its first character.</param>
public sealed record ExprSource(string Text, int Line = 1, int Column = 1)
{
    /// <summary>An expression not tied to a file position.</summary>
    public static implicit operator ExprSource(string text) => new(text);
}

/// <summary>A named expression: the drift or diffusion of a state, or an aux sub-expression.</summary>
/// <param name="Name">State or aux name.</param>
/// <param name="Source">The expression.</param>
public sealed record NamedExpr(string Name, ExprSource Source);

/// <summary>A model parameter and its default value.</summary>
/// <param name="Name">Name used in expressions.</param>
/// <param name="Default">Default value.</param>
public sealed record ParamSpec(string Name, double Default);

/// <summary>The diffusion g(t, y) of an SDE dy = f dt + g dW written as equations.</summary>
public abstract record DiffusionSpec
{
    private protected DiffusionSpec() { }
}

/// <summary>
/// Diagonal noise: one Brownian motion per state, dyᵢ = fᵢ dt + gᵢ(t, y) dWᵢ. States without an entry get no noise.
/// </summary>
/// <param name="Entries">gᵢ keyed by state name.</param>
public sealed record DiagonalDiffusionSpec(IReadOnlyList<NamedExpr> Entries) : DiffusionSpec;

/// <summary>
/// General noise: <paramref name="NoiseDimension"/> Brownian motions, dyᵢ = fᵢ dt + Σⱼ gᵢⱼ(t, y) dWⱼ. States without a
/// row get no noise.
/// </summary>
/// <param name="NoiseDimension">Number of Brownian motions m.</param>
/// <param name="Rows">Row i of g (m entries) keyed by state name.</param>
public sealed record GeneralDiffusionSpec(int NoiseDimension, IReadOnlyList<DiffusionRow> Rows) : DiffusionSpec;

/// <summary>One row of a general diffusion matrix.</summary>
/// <param name="State">The state whose noise this row is.</param>
/// <param name="Entries">gᵢⱼ for j = 0 … m−1.</param>
public sealed record DiffusionRow(string State, IReadOnlyList<ExprSource> Entries);

/// <summary>
/// A model written as equations in a job file, compiled by <see cref="EquationCompiler"/> into a struct of the same
/// shape as the built-in models. Expressions may use the states, the parameters, <c>t</c>, and aux names; an aux
/// may use states, parameters, <c>t</c> and the aux above it.
/// </summary>
/// <param name="Name">Model name (<c>lorenz</c>); the struct is named after it (<c>LorenzModel&lt;T&gt;</c>).</param>
/// <param name="States">State names, in component order.</param>
/// <param name="Params">Parameters with defaults, in order (the order of <c>IParams.Get</c>).</param>
/// <param name="Aux">Named sub-expressions, evaluated in order before the drift.</param>
/// <param name="Drift">The drift fᵢ keyed by state name; every state needs one.</param>
/// <param name="Diffusion">The diffusion for an SDE, or null for an ODE.</param>
public sealed record EquationModelSpec(
    string Name,
    IReadOnlyList<string> States,
    IReadOnlyList<ParamSpec> Params,
    IReadOnlyList<NamedExpr> Aux,
    IReadOnlyList<NamedExpr> Drift,
    DiffusionSpec? Diffusion = null)
{
    /// <summary>The job file the equations came from, for error messages.</summary>
    public string? SourceFile { get; init; }
    /// <summary>Prefix of the field names in error messages (<c>model.</c> gives <c>model.drift.x</c>).</summary>
    public string FieldPrefix { get; init; } = "";
    /// <summary>A typical initial state for <c>ModelInfo.DefaultY0</c>; zeros when null.</summary>
    public IReadOnlyList<double>? DefaultY0 { get; init; }

    /// <summary>Every problem with the spec (empty when it is valid), each naming its field and position.</summary>
    public IReadOnlyList<ExpressionException> FindErrors()
    {
        var errors = new List<ExpressionException>();
        EquationModel.Build(this, errors);
        return errors;
    }

    /// <summary>Throws the first problem with the spec.</summary>
    /// <exception cref="ExpressionException">The spec is invalid.</exception>
    public void Validate()
    {
        var errors = FindErrors();
        if (errors.Count > 0) throw errors[0];
    }
}

/// <summary>How the diffusion of a compiled model is shaped.</summary>
public enum NoiseShape
{
    /// <summary>An ODE: no diffusion.</summary>
    None,
    /// <summary>One Brownian motion per state.</summary>
    Diagonal,
    /// <summary>A full n × m matrix.</summary>
    General,
}
