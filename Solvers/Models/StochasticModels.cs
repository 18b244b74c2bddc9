using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Models;

/// <summary>
/// An SDE model dy = f(t, y) dt + g(t, y) dW: a drift field and a diffusion built from one parameter set (one value
/// per lane slot), with the names and defaults job files use. Solve it with
/// <see cref="Sde.Term{TDrift, TDiff, TPath, T, TY, TX, TG}"/> and any <see cref="ISdeMethod"/> that accepts its noise.
/// </summary>
public interface ISdeModel<TSelf, T, TY, TX, TG, TDrift, TDiff>
    where TSelf : struct, ISdeModel<TSelf, T, TY, TX, TG, TDrift, TDiff>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TX : struct, IState<TX, T>
    where TG : struct, IState<TG, T>
    where TDrift : struct, IVectorField<T, TY>
    where TDiff : struct, IDiffusion<T, TY, TX, TG>
{
    /// <summary>Names and defaults.</summary>
    static abstract ModelInfo Info { get; }
    /// <summary>Builds the model from parameter values in the order of <see cref="ModelInfo.Params"/>.</summary>
    static abstract TSelf Create<TP>(in TP p) where TP : struct, IParams<T>;
    /// <summary>The drift f.</summary>
    TDrift Drift { get; }
    /// <summary>The diffusion g.</summary>
    TDiff Diffusion { get; }
}

/// <summary>Scalar-noise product helpers: g is a column with the state's shape, dW one number.</summary>
internal static class ScalarNoise
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TY Prod<T, TY>(in TY g, in Vec1<T> dw) where T : struct, IScalar<T> where TY : struct, IState<TY, T> => TY.Scale(dw.X, g);
}

/// <summary>Geometric Brownian motion dS = μS dt + σS dW (Itô). Exact: log S_T ~ N(log S₀ + (μ − σ²/2)T, σ²T).</summary>
public struct GeometricBrownianMotion<T> : ISdeModel<GeometricBrownianMotion<T>, T, Vec1<T>, Vec1<T>, Vec1<T>, GbmDrift<T>, GbmDiffusion<T>>
    where T : struct, IScalar<T>
{
    /// <summary>Drift rate μ.</summary>
    public T Mu;
    /// <summary>Volatility σ.</summary>
    public T Sigma;
    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("gbm", ["s"], ["mu", "sigma"], [0.05, 0.2], [100.0]);
    /// <inheritdoc/>
    public static GeometricBrownianMotion<T> Create<TP>(in TP p) where TP : struct, IParams<T> => new() { Mu = p.Get(0), Sigma = p.Get(1) };
    /// <inheritdoc/>
    public readonly GbmDrift<T> Drift => new() { Mu = Mu };
    /// <inheritdoc/>
    public readonly GbmDiffusion<T> Diffusion => new() { Sigma = Sigma };
}

/// <summary>μS.</summary>
public struct GbmDrift<T> : IVectorField<T, Vec1<T>> where T : struct, IScalar<T>
{
    /// <summary>μ.</summary>
    public T Mu;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> Vf(T t, in Vec1<T> y) => new(Mu * y.X);
}

/// <summary>σS, scalar noise, with (∂g/∂S)g = σ²S.</summary>
public struct GbmDiffusion<T> : IDiffusion<T, Vec1<T>, Vec1<T>, Vec1<T>> where T : struct, IScalar<T>
{
    /// <summary>σ.</summary>
    public T Sigma;
    /// <inheritdoc/>
    public static NoiseKind Noise => NoiseKind.Scalar | NoiseKind.Differentiable;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> Vf(T t, in Vec1<T> y) => new(Sigma * y.X);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> Prod(in Vec1<T> g, in Vec1<T> dx) => ScalarNoise.Prod<T, Vec1<T>>(g, dx);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> DerivativeProduct(T t, in Vec1<T> y) => new(Sigma * Sigma * y.X);
}

/// <summary>Ornstein–Uhlenbeck dX = θ(μ − X) dt + σ dW: additive scalar noise. Stationary law N(μ, σ²/(2θ)).</summary>
public struct OrnsteinUhlenbeck<T> : ISdeModel<OrnsteinUhlenbeck<T>, T, Vec1<T>, Vec1<T>, Vec1<T>, OuDrift<T>, ConstantDiffusion<T>>
    where T : struct, IScalar<T>
{
    /// <summary>Mean reversion θ.</summary>
    public T Theta;
    /// <summary>Long-run mean μ.</summary>
    public T Mu;
    /// <summary>σ.</summary>
    public T Sigma;
    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("ornstein_uhlenbeck", ["x"], ["theta", "mu", "sigma"], [1.0, 0.0, 0.3], [1.0]);
    /// <inheritdoc/>
    public static OrnsteinUhlenbeck<T> Create<TP>(in TP p) where TP : struct, IParams<T> => new() { Theta = p.Get(0), Mu = p.Get(1), Sigma = p.Get(2) };
    /// <inheritdoc/>
    public readonly OuDrift<T> Drift => new() { Theta = Theta, Mu = Mu };
    /// <inheritdoc/>
    public readonly ConstantDiffusion<T> Diffusion => new() { Sigma = Sigma };
}

/// <summary>θ(μ − X).</summary>
public struct OuDrift<T> : IVectorField<T, Vec1<T>> where T : struct, IScalar<T>
{
    /// <summary>θ.</summary>
    public T Theta;
    /// <summary>μ.</summary>
    public T Mu;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> Vf(T t, in Vec1<T> y) => new(Theta * (Mu - y.X));
}

/// <summary>A constant σ: additive scalar noise.</summary>
public struct ConstantDiffusion<T> : IDiffusion<T, Vec1<T>, Vec1<T>, Vec1<T>> where T : struct, IScalar<T>
{
    /// <summary>σ.</summary>
    public T Sigma;
    /// <inheritdoc/>
    public static NoiseKind Noise => NoiseKind.Scalar | NoiseKind.Additive | NoiseKind.Differentiable;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> Vf(T t, in Vec1<T> y) => new(Sigma);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> Prod(in Vec1<T> g, in Vec1<T> dx) => new(g.X * dx.X);
    /// <inheritdoc/>
    public readonly Vec1<T> DerivativeProduct(T t, in Vec1<T> y) => default;
}

/// <summary>
/// Cox–Ingersoll–Ross dX = κ(θ − X⁺) dt + σ√X⁺ dW with full truncation (Lord, Koekkoek &amp; van Dijk 2010): X⁺ =
/// max(X, 0) in drift and diffusion, so Euler–Maruyama stays defined when X goes negative.
/// </summary>
public struct CoxIngersollRoss<T> : ISdeModel<CoxIngersollRoss<T>, T, Vec1<T>, Vec1<T>, Vec1<T>, CirDrift<T>, CirDiffusion<T>>
    where T : struct, IScalar<T>
{
    /// <summary>κ.</summary>
    public T Kappa;
    /// <summary>θ.</summary>
    public T Theta;
    /// <summary>σ.</summary>
    public T Sigma;
    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("cir", ["x"], ["kappa", "theta", "sigma"], [2.0, 0.04, 0.3], [0.04]);
    /// <inheritdoc/>
    public static CoxIngersollRoss<T> Create<TP>(in TP p) where TP : struct, IParams<T> => new() { Kappa = p.Get(0), Theta = p.Get(1), Sigma = p.Get(2) };
    /// <inheritdoc/>
    public readonly CirDrift<T> Drift => new() { Kappa = Kappa, Theta = Theta };
    /// <inheritdoc/>
    public readonly CirDiffusion<T> Diffusion => new() { Sigma = Sigma };
}

/// <summary>κ(θ − X⁺).</summary>
public struct CirDrift<T> : IVectorField<T, Vec1<T>> where T : struct, IScalar<T>
{
    /// <summary>κ.</summary>
    public T Kappa;
    /// <summary>θ.</summary>
    public T Theta;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> Vf(T t, in Vec1<T> y) => new(Kappa * (Theta - T.Max(y.X, T.Zero)));
}

/// <summary>σ√X⁺, scalar noise, (∂g/∂x)g = σ²/2 where X &gt; 0.</summary>
public struct CirDiffusion<T> : IDiffusion<T, Vec1<T>, Vec1<T>, Vec1<T>> where T : struct, IScalar<T>
{
    /// <summary>σ.</summary>
    public T Sigma;
    /// <inheritdoc/>
    public static NoiseKind Noise => NoiseKind.Scalar | NoiseKind.Differentiable;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> Vf(T t, in Vec1<T> y) => new(Sigma * T.Sqrt(T.Max(y.X, T.Zero)));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> Prod(in Vec1<T> g, in Vec1<T> dx) => new(g.X * dx.X);
    /// <inheritdoc/>
    public readonly Vec1<T> DerivativeProduct(T t, in Vec1<T> y) => new(T.Select(T.Less(T.Zero, y.X), T.From(0.5) * Sigma * Sigma, T.Zero));
}

/// <summary>
/// The Heston model with full truncation: dS = μS dt + √v⁺ S dW₁, dv = κ(θ − v⁺) dt + ξ√v⁺ (ρ dW₁ + √(1−ρ²) dW₂),
/// state (S, v), two independent Brownian motions. General noise: g is the 2×2 matrix (row-major in a
/// <see cref="Vec4{T}"/>). Full-truncation Euler is <see cref="EulerMaruyama"/> on this model.
/// </summary>
public struct Heston<T> : ISdeModel<Heston<T>, T, Vec2<T>, Vec2<T>, Vec4<T>, HestonDrift<T>, HestonDiffusion<T>>
    where T : struct, IScalar<T>
{
    /// <summary>μ.</summary>
    public T Mu;
    /// <summary>κ.</summary>
    public T Kappa;
    /// <summary>θ.</summary>
    public T Theta;
    /// <summary>ξ (vol of vol).</summary>
    public T Xi;
    /// <summary>ρ.</summary>
    public T Rho;
    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("heston", ["s", "v"], ["mu", "kappa", "theta", "xi", "rho"], [0.05, 2.0, 0.04, 0.3, -0.7], [100.0, 0.04]);
    /// <inheritdoc/>
    public static Heston<T> Create<TP>(in TP p) where TP : struct, IParams<T>
        => new() { Mu = p.Get(0), Kappa = p.Get(1), Theta = p.Get(2), Xi = p.Get(3), Rho = p.Get(4) };
    /// <inheritdoc/>
    public readonly HestonDrift<T> Drift => new() { Mu = Mu, Kappa = Kappa, Theta = Theta };
    /// <inheritdoc/>
    public readonly HestonDiffusion<T> Diffusion => new() { Xi = Xi, Rho = Rho };
}

/// <summary>(μS, κ(θ − v⁺)).</summary>
public struct HestonDrift<T> : IVectorField<T, Vec2<T>> where T : struct, IScalar<T>
{
    /// <summary>μ.</summary>
    public T Mu;
    /// <summary>κ.</summary>
    public T Kappa;
    /// <summary>θ.</summary>
    public T Theta;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec2<T> Vf(T t, in Vec2<T> y) => new(Mu * y.X, Kappa * (Theta - T.Max(y.Y, T.Zero)));
}

/// <summary>The Heston diffusion matrix [[√v⁺S, 0], [ξρ√v⁺, ξ√(1−ρ²)√v⁺]] (general noise).</summary>
public struct HestonDiffusion<T> : IDiffusion<T, Vec2<T>, Vec2<T>, Vec4<T>> where T : struct, IScalar<T>
{
    /// <summary>ξ.</summary>
    public T Xi;
    /// <summary>ρ.</summary>
    public T Rho;
    /// <inheritdoc/>
    public static NoiseKind Noise => NoiseKind.General;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec4<T> Vf(T t, in Vec2<T> y)
    {
        T sv = T.Sqrt(T.Max(y.Y, T.Zero));
        return new Vec4<T>(sv * y.X, T.Zero, Xi * Rho * sv, Xi * T.Sqrt(T.One - Rho * Rho) * sv);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec2<T> Prod(in Vec4<T> g, in Vec2<T> dx) => new(g.X * dx.X + g.Y * dx.Y, g.Z * dx.X + g.W * dx.Y);
    /// <inheritdoc/>
    public readonly Vec4<T> DerivativeProduct(T t, in Vec2<T> y) => default;
}

/// <summary>
/// Overdamped Langevin dynamics in the double-well potential V(x) = (x² − 1)²: dX = −V′(X) dt + √(2 kT) dW, additive
/// noise. Stationary density ∝ exp(−V/kT).
/// </summary>
public struct DoubleWellLangevin<T> : ISdeModel<DoubleWellLangevin<T>, T, Vec1<T>, Vec1<T>, Vec1<T>, DoubleWellDrift<T>, ConstantDiffusion<T>>
    where T : struct, IScalar<T>
{
    /// <summary>Temperature kT.</summary>
    public T Kt;
    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("double_well_langevin", ["x"], ["kt"], [0.25], [-1.0]);
    /// <inheritdoc/>
    public static DoubleWellLangevin<T> Create<TP>(in TP p) where TP : struct, IParams<T> => new() { Kt = p.Get(0) };
    /// <inheritdoc/>
    public readonly DoubleWellDrift<T> Drift => default;
    /// <inheritdoc/>
    public readonly ConstantDiffusion<T> Diffusion => new() { Sigma = T.Sqrt(T.From(2.0) * Kt) };
}

/// <summary>−V′(x) = −4x(x² − 1).</summary>
public struct DoubleWellDrift<T> : IVectorField<T, Vec1<T>> where T : struct, IScalar<T>
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec1<T> Vf(T t, in Vec1<T> y) => new(T.From(-4.0) * y.X * (y.X * y.X - T.One));
}
