using Diffrax.Contracts.Jobs;
using Diffrax.Solvers.Expressions;
using Diffrax.Solvers.Models;

namespace Diffrax.Coordinator.Jobs;

/// <summary>Thrown when a job is invalid; carries every problem found, each with file, line, column and field.</summary>
public sealed class JobValidationException : Exception
{
    /// <summary>Creates the exception from the problems found (at least one).</summary>
    public JobValidationException(IReadOnlyList<JobError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<JobError> Errors { get; }

    private static string Format(IReadOnlyList<JobError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        string head = errors.Count == 1 ? "The job is invalid:" : $"The job is invalid ({errors.Count} problems):";
        return head + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
    }
}

/// <summary>Model information for jobs: names and defaults, and the bridge from job equations to the expression compiler.</summary>
public static class JobModels
{
    /// <summary>
    /// The names and defaults of the job's model when they are known without loading anything: a built-in's <c>Info</c>,
    /// or the equations' states and parameters (default y0: zeros). Null for a plugin model (its <c>Info</c> is read
    /// when the assembly is loaded) or an unknown built-in.
    /// </summary>
    public static ModelInfo? TryGetInfo(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Model switch
        {
            BuiltinModelSpec b => ModelCatalog.FindBuiltin(b.Name),
            EquationsModelSpec e => InfoOf(e),
            _ => null,
        };
    }

    /// <summary>Names and defaults of an equations model: its states, its parameters with their values, y0 zeros.</summary>
    public static ModelInfo InfoOf(EquationsModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelInfo(model.Name, model.States.ToArray(), model.Params.Select(p => p.Name).ToArray(),
            model.Params.Select(p => p.Value).ToArray(), new double[model.States.Count]);
    }

    /// <summary>
    /// The equations as the expression compiler takes them (<see cref="EquationCompiler.Compile"/>), with every expression's
    /// file position, field names prefixed <c>model.</c>. The CDE control field is not part of it (see
    /// <see cref="EquationsModelSpec.ControlField"/>).
    /// </summary>
    public static EquationModelSpec ToEquationModelSpec(EquationsModelSpec model, string? sourceFile) => JobEquations.FromJob(model, sourceFile);
}
