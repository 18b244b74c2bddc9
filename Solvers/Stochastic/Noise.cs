using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Stochastic;

/// <summary>
/// The structure of an SDE's noise, declared by its diffusion so solvers can refuse what they cannot solve before
/// any work. Shapes: <see cref="General"/> (a diffusion matrix times a noise vector of another dimension),
/// <see cref="Diagonal"/> (one Brownian motion per component, gᵢ depending on yᵢ only), <see cref="Scalar"/> (one
/// Brownian motion for all components). <see cref="Additive"/> (g independent of y) combines with any shape.
/// </summary>
[Flags]
public enum NoiseKind
{
    /// <summary>A general diffusion matrix.</summary>
    General = 0,
    /// <summary>Diagonal noise (commutative).</summary>
    Diagonal = 1,
    /// <summary>One scalar Brownian motion (commutative).</summary>
    Scalar = 2,
    /// <summary>g depends on t only.</summary>
    Additive = 4,
    /// <summary>The diffusion implements <see cref="IDiffusion{T, TY, TX, TG}.DerivativeProduct"/> (Milstein).</summary>
    Differentiable = 8,
}

/// <summary>Itô or Stratonovich: which SDE a solver converges to (they agree for additive noise).</summary>
public enum Calculus
{
    /// <summary>Itô.</summary>
    Ito,
    /// <summary>Stratonovich.</summary>
    Stratonovich,
}

/// <summary>
/// The diffusion g(t, y) of an SDE dy = f dt + g dW: a controlled field whose product with the noise increment is
/// the model's choice (<c>Mul</c> for diagonal noise, a scale for scalar noise, a matrix–vector product in general).
/// </summary>
public interface IDiffusion<T, TY, TX, TG> : IControlledField<T, TY, TX, TG>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TX : struct, IState<TX, T>
    where TG : struct, IState<TG, T>
{
    /// <summary>The noise structure this diffusion has.</summary>
    static abstract NoiseKind Noise { get; }
    /// <summary>
    /// (∂g/∂y)·g in the representation of g, for diagonal noise (component i: gᵢ ∂gᵢ/∂yᵢ) and scalar noise
    /// (Σⱼ ∂gᵢ/∂yⱼ gⱼ): the Milstein correction is ½·Prod(this, ΔW∘ΔW − h) (Itô) or ½·Prod(this, ΔW∘ΔW)
    /// (Stratonovich). Diffusions without <see cref="NoiseKind.Differentiable"/> return zero.
    /// </summary>
    TG DerivativeProduct(T t, in TY y);
}

/// <summary>A Brownian motion W: increments over any interval, and the space–time Lévy area H when asked.</summary>
public interface IBrownianPath<T, TX> : IPath<T, TX>
    where T : struct, IScalar<T>
    where TX : struct, IState<TX, T>
{
    /// <summary>
    /// W(t) − W(s) and the space–time Lévy area H_{s,t} = (1/(t−s))∫ₛᵗ (W_r − W_s) dr − ½(W_t − W_s).
    /// </summary>
    void IncrementWithArea(T s, T t, out TX w, out TX h);
    /// <summary>
    /// W(t1) − W(t0), bit for bit <see cref="IPath{T, TX}.Increment"/>, where the path may keep draws in
    /// <paramref name="cache"/> between consecutive queries of one trajectory (the fixed-step stream keeps the four
    /// normals of a Philox block, so one block serves four steps; other paths ignore it). Kernel-safe.
    /// </summary>
    TX Increment(T t0, T t1, ref FixedStepNormals<T, TX> cache);
    /// <summary>
    /// The first grid step of a run of <paramref name="steps"/> forward steps of length <paramref name="h"/> from
    /// τ = <paramref name="tau"/> when the path is defined on a grid of steps the run lies on (the fixed-step stream),
    /// so that its increments can be taken by step number (<see cref="FixedStepBrownian{T, TX}.StepIncrement"/>); −1 otherwise. Kernel-safe.
    /// </summary>
    long RunStart(double tau, double h, double dir, int steps);
    /// <summary>Host check: whether queries inside [t0, t1] are valid.</summary>
    bool Covers(double t0, double t1);
}
