using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Ensembles;

/// <summary>
/// Solves a CDE ensemble dy = f(t, y) dt + g(t, y) dX(t): the drift model plus a controlled field driven by one shared
/// control path built from data. Members (different parameters or initial values) are solved in parallel, each as a
/// scalar solve through the one integrate loop. The control paths hold arrays, so this runs on the host.
/// </summary>
public static class CdeEnsembleRunner
{
    /// <summary>Solves every member of <paramref name="p"/> with tableau <typeparamref name="TTab"/>.</summary>
    public static EnsembleResult Run<TTab, TModel, TField, TPath, TY, TX, TG>(EnsembleProblem p, TPath path, int threads = 0)
        where TTab : struct, IExplicitRungeKutta
        where TModel : struct, IModel<TModel, F64, TY>
        where TField : struct, IControlledField<F64, TY, TX, TG>, Expressions.IEquationDiffusion<TField, F64, TY, TX, TG>
        where TPath : struct, IPath<F64, TX>
        where TY : struct, IState<TY, F64>
        where TX : struct, IState<TX, F64>
        where TG : struct, IState<TG, F64>
    {
        TableauChecks<TTab>.Ensure();
        int dim = TY.Dim, nParams = TModel.Info.Params.Count;
        EnsembleRunner.Validate(p, dim, nParams);
        StepSize stepSize = p.Pid is { } pid ? StepSize.Adaptive(pid) : StepSize.Constant;
        double dir = Diffeq.Validate(TTab.Name, TTab.ErrorOrder, p.T0, p.T1, p.Dt0, stepSize, p.MaxSteps);
        double[] ts = p.SaveAt.Taus(p.T0, p.T1).Select(tau => dir * tau).ToArray();
        var result = new EnsembleResult(p.Members, dim, ts);
        Parallel.For(0, p.Members, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount }, m =>
        {
            var values = new F64[Math.Max(nParams, 1)];
            for (int q = 0; q < nParams; q++) values[q] = new F64(p.Params[(long)m * nParams + q]);
            var prm = new ArrayParams<F64>(values);
            TY y0 = default;
            for (int c = 0; c < dim; c++) TY.Set(ref y0, c, new F64(p.Y0[(long)m * dim + c]));
            var term = new MultiTerm<OdeTerm<TModel, F64, TY>, F64, TY, ControlTerm<TField, TPath, F64, TY, TX, TG>, TX, TG, F64, TY>(
                new OdeTerm<TModel, F64, TY>(TModel.Create(prm)), new ControlTerm<TField, TPath, F64, TY, TX, TG>(TField.Create(prm), path));
            Solution<TY> s = Diffeq.Solve<TTab, MultiTerm<OdeTerm<TModel, F64, TY>, F64, TY, ControlTerm<TField, TPath, F64, TY, TX, TG>, TX, TG, F64, TY>,
                TY, Pair<F64, TX>, Cat<TY, TG, F64>, NoEvent<F64, TY>>(term, p.T0, p.T1, p.Dt0, y0, stepSize, p.SaveAt, p.MaxSteps, default);
            // Saves are in time order; a member that stopped early fills only the first ones.
            for (int k = 0; k < s.Ts.Length; k++)
                for (int c = 0; c < dim; c++) result.Saved[c][(long)k * p.Members + m] = TY.Get(s.Ys[k], c).V;
            for (int c = 0; c < dim; c++) result.Final[c][m] = TY.Get(s.YFinal, c).V;
            result.TFinal[m] = s.TFinal;
            result.Results[m] = s.Result;
            result.Steps[m] = (int)s.Stats.Steps; result.Accepted[m] = (int)s.Stats.Accepted;
            result.Rejected[m] = (int)s.Stats.Rejected; result.Nfe[m] = (int)s.Stats.Nfe;
        });
        return result;
    }
}
