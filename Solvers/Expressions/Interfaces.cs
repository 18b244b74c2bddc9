using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Expressions;

/// <summary>
/// Exact derivatives of a vector field f(t, y; p), for gradient work (adjoints) and implicit solvers. Compiled
/// equation models implement it from symbolic derivatives; all members are kernel-safe (no arrays, no throws).
/// </summary>
public interface IDifferentiableField<T, TY> : IVectorField<T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    /// <summary>The Jacobian–vector product (∂f/∂y) · v.</summary>
    TY Jvp(T t, in TY y, in TY v);
    /// <summary>The vector–Jacobian product vᵀ (∂f/∂y), as a state.</summary>
    TY Vjp(T t, in TY y, in TY v);
    /// <summary>Column <paramref name="j"/> of ∂f/∂y: ∂f/∂yⱼ (zero for j out of range).</summary>
    TY JacobianColumn(int j, T t, in TY y);
    /// <summary>∂fᵢ/∂yⱼ.</summary>
    T JacobianEntry(int i, int j, T t, in TY y);
    /// <summary>∂f/∂p for parameter <paramref name="paramIndex"/> in <see cref="ModelInfo.Params"/> order (zero out of range).</summary>
    TY DfDp(int paramIndex, T t, in TY y);
    /// <summary>∂f/∂t.</summary>
    TY DfDt(T t, in TY y);
}

/// <summary>
/// The diffusion g(t, y) of an SDE dy = f dt + g dW as a controlled field over Brownian increments
/// <typeparamref name="TW"/> (m components); <typeparamref name="TG"/> holds g's value (for diagonal noise the
/// diagonal, so TW = TG = TY; otherwise the n × m matrix row-major). Built from parameters like a model.
/// </summary>
public interface IEquationDiffusion<TSelf, T, TY, TW, TG> : IControlledField<T, TY, TW, TG>
    where TSelf : struct, IEquationDiffusion<TSelf, T, TY, TW, TG>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TW : struct, IState<TW, T>
    where TG : struct, IState<TG, T>
{
    /// <summary>Number of Brownian motions m.</summary>
    static abstract int NoiseDimension { get; }
    /// <summary>Builds the diffusion from parameter values (the model's parameters, same order).</summary>
    static abstract TSelf Create<TP>(in TP p) where TP : struct, IParams<T>;
}
