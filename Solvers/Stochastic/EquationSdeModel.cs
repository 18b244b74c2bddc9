using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Stochastic;

/// <summary>
/// An SDE model made of a drift model and a diffusion that share one parameter list — how equation models compiled
/// from job files (drift + diffusion) reach the SDE ensemble runner.
/// </summary>
public struct EquationSdeModel<TDrift, TDiff, T, TY, TX, TG> : ISdeModel<EquationSdeModel<TDrift, TDiff, T, TY, TX, TG>, T, TY, TX, TG, TDrift, TDiff>
    where TDrift : struct, IModel<TDrift, T, TY>
    where TDiff : struct, IDiffusion<T, TY, TX, TG>, Expressions.IEquationDiffusion<TDiff, T, TY, TX, TG>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TX : struct, IState<TX, T>
    where TG : struct, IState<TG, T>
{
    private TDrift _drift;
    private TDiff _diffusion;

    /// <inheritdoc/>
    public static ModelInfo Info => TDrift.Info;
    /// <inheritdoc/>
    public static EquationSdeModel<TDrift, TDiff, T, TY, TX, TG> Create<TP>(in TP p) where TP : struct, IParams<T>
    {
        EquationSdeModel<TDrift, TDiff, T, TY, TX, TG> m;
        m._drift = TDrift.Create(p);
        m._diffusion = TDiff.Create(p);
        return m;
    }
    /// <inheritdoc/>
    public readonly TDrift Drift => _drift;
    /// <inheritdoc/>
    public readonly TDiff Diffusion => _diffusion;
}
