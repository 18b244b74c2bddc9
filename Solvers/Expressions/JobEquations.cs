using Diffrax.Contracts.Jobs;

namespace Diffrax.Solvers.Expressions;

/// <summary>Turns the equations of a job file (<see cref="EquationsModelSpec"/>, with file positions) into a compilable spec.</summary>
public static class JobEquations
{
    /// <summary>The compilable spec of a job's equation model; expression positions keep pointing into <paramref name="sourceFile"/>.</summary>
    public static EquationModelSpec FromJob(EquationsModelSpec model, string? sourceFile)
    {
        ArgumentNullException.ThrowIfNull(model);
        static ExprSource Src(ExpressionText e) => new(e.Text, e.Line, e.Column);
        DiffusionSpec? diffusion = model.Diffusion switch
        {
            DiagonalNoiseSpec d => new DiagonalDiffusionSpec(d.Entries.Select(x => new NamedExpr(x.Name, Src(x.Expression))).ToArray()),
            MatrixNoiseSpec m => new GeneralDiffusionSpec(m.NoiseNames.Count, m.Rows.Select(r => new DiffusionRow(r.State, r.Entries.Select(Src).ToArray())).ToArray()),
            _ => null,
        };
        return new EquationModelSpec(
            model.Name,
            model.States,
            model.Params.Select(p => new ParamSpec(p.Name, p.Value)).ToArray(),
            model.Aux.Select(a => new NamedExpr(a.Name, Src(a.Expression))).ToArray(),
            model.Drift.Select(d => new NamedExpr(d.Name, Src(d.Expression))).ToArray(),
            diffusion)
        {
            SourceFile = sourceFile,
            FieldPrefix = "model",
        };
    }
}
