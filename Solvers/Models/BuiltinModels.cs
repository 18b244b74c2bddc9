using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;

namespace Diffrax.Solvers.Models;

// The built-in models contract a·b ± c into fused multiply-adds as the job files' compiled equations do
// (EquationCodeGenerator), so a model written in a job file gives the built-in one's bits.

/// <summary>The Lorenz system (Lorenz 1963): x' = σ(y − x), y' = x(ρ − z) − y, z' = xy − βz.</summary>
public struct Lorenz<T> : IModel<Lorenz<T>, T, Vec3<T>> where T : struct, IScalar<T>
{
    /// <summary>σ.</summary>
    public T Sigma;
    /// <summary>ρ.</summary>
    public T Rho;
    /// <summary>β.</summary>
    public T Beta;

    /// <summary>Builds the model.</summary>
    public Lorenz(T sigma, T rho, T beta) { Sigma = sigma; Rho = rho; Beta = beta; }

    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("lorenz", ["x", "y", "z"], ["sigma", "rho", "beta"], [10.0, 28.0, 8.0 / 3.0], [1.0, 1.0, 1.0]);
    /// <inheritdoc/>
    public static Lorenz<T> Create<TP>(in TP p) where TP : struct, IParams<T> => new(p.Get(0), p.Get(1), p.Get(2));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec3<T> Vf(T t, in Vec3<T> y)
    {
        Vec3<T> d;
        d.X = Sigma * (y.Y - y.X);
        // Fused multiply-subtracts: two operations per component, as a C compiler contracts them (-ffp-contract).
        d.Y = T.Fms(y.X, Rho - y.Z, y.Y);
        d.Z = T.Fms(y.X, y.Y, Beta * y.Z);
        return d;
    }
}

/// <summary>Lotka–Volterra predator–prey: prey' = α·prey − β·prey·predator, predator' = δ·prey·predator − γ·predator.</summary>
public struct LotkaVolterra<T> : IModel<LotkaVolterra<T>, T, Vec2<T>> where T : struct, IScalar<T>
{
    /// <summary>Prey growth α.</summary>
    public T Alpha;
    /// <summary>Predation β.</summary>
    public T Beta;
    /// <summary>Predator death γ.</summary>
    public T Gamma;
    /// <summary>Predator growth δ.</summary>
    public T Delta;

    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("lotka_volterra", ["prey", "predator"], ["alpha", "beta", "gamma", "delta"], [0.55, 0.028, 0.84, 0.026], [30.0, 4.0]);
    /// <inheritdoc/>
    public static LotkaVolterra<T> Create<TP>(in TP p) where TP : struct, IParams<T>
        => new() { Alpha = p.Get(0), Beta = p.Get(1), Gamma = p.Get(2), Delta = p.Get(3) };

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec2<T> Vf(T t, in Vec2<T> y)
    {
        T xy = y.X * y.Y;
        Vec2<T> d;
        d.X = T.Fms(Alpha, y.X, Beta * xy);
        d.Y = T.Fms(Delta, xy, Gamma * y.Y);
        return d;
    }
}

/// <summary>The van der Pol oscillator: x' = v, v' = μ(1 − x²)v − x.</summary>
public struct VanDerPol<T> : IModel<VanDerPol<T>, T, Vec2<T>> where T : struct, IScalar<T>
{
    /// <summary>μ.</summary>
    public T Mu;

    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("van_der_pol", ["x", "v"], ["mu"], [1.0], [2.0, 0.0]);
    /// <inheritdoc/>
    public static VanDerPol<T> Create<TP>(in TP p) where TP : struct, IParams<T> => new() { Mu = p.Get(0) };

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec2<T> Vf(T t, in Vec2<T> y)
    {
        Vec2<T> d;
        d.X = y.Y;
        d.Y = T.Fms(Mu * (T.One - y.X * y.X), y.Y, y.X);
        return d;
    }
}

/// <summary>The harmonic oscillator x'' = −ω²x as x' = v, v' = −ω²x.</summary>
public struct HarmonicOscillator<T> : IModel<HarmonicOscillator<T>, T, Vec2<T>> where T : struct, IScalar<T>
{
    /// <summary>Angular frequency ω.</summary>
    public T Omega;

    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("harmonic_oscillator", ["x", "v"], ["omega"], [1.0], [1.0, 0.0]);
    /// <inheritdoc/>
    public static HarmonicOscillator<T> Create<TP>(in TP p) where TP : struct, IParams<T> => new() { Omega = p.Get(0) };

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec2<T> Vf(T t, in Vec2<T> y)
    {
        Vec2<T> d;
        d.X = y.Y;
        d.Y = -(Omega * Omega * y.X);
        return d;
    }
}

/// <summary>The Kepler two-body problem in the plane: r'' = −μ r / |r|³, state (x, y, vx, vy).</summary>
public struct Kepler<T> : IModel<Kepler<T>, T, Vec4<T>> where T : struct, IScalar<T>
{
    /// <summary>Gravitational parameter μ = G(m1 + m2).</summary>
    public T Mu;

    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("kepler", ["x", "y", "vx", "vy"], ["mu"], [1.0], [0.5, 0.0, 0.0, Math.Sqrt(3.0)]);
    /// <inheritdoc/>
    public static Kepler<T> Create<TP>(in TP p) where TP : struct, IParams<T> => new() { Mu = p.Get(0) };

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec4<T> Vf(T t, in Vec4<T> y)
    {
        T r2 = T.Fma(y.X, y.X, y.Y * y.Y);
        T r = T.Sqrt(r2);
        T a = -Mu / (r2 * r);
        Vec4<T> d;
        d.X = y.Z;
        d.Y = y.W;
        d.Z = a * y.X;
        d.W = a * y.Y;
        return d;
    }
}

/// <summary>
/// The restricted three-body problem in a rotating frame (Hairer, Nørsett &amp; Wanner I, §II.0): with μ' = 1 − μ,
/// D₁ = ((y₁+μ)² + y₂²)^{3/2}, D₂ = ((y₁−μ')² + y₂²)^{3/2},
/// y₁'' = y₁ + 2y₂' − μ'(y₁+μ)/D₁ − μ(y₁−μ')/D₂ and y₂'' = y₂ − 2y₁' − μ'y₂/D₁ − μy₂/D₂.
/// With μ = 0.012277471 and <see cref="ModelInfo.DefaultY0"/> it is Arenstorf's periodic orbit of period
/// <see cref="Period"/>. State (y1, y2, v1, v2).
/// </summary>
public struct Arenstorf<T> : IModel<Arenstorf<T>, T, Vec4<T>> where T : struct, IScalar<T>
{
    /// <summary>Mass ratio μ.</summary>
    public T Mu;

    /// <summary>Period of Arenstorf's orbit (Hairer, Nørsett &amp; Wanner I, eq. II.0.2).</summary>
    public const double Period = 17.0652165601579625588917206249;

    /// <inheritdoc/>
    public static ModelInfo Info { get; } = new("arenstorf", ["y1", "y2", "v1", "v2"], ["mu"], [0.012277471], [0.994, 0.0, 0.0, -2.00158510637908252240537862224]);
    /// <inheritdoc/>
    public static Arenstorf<T> Create<TP>(in TP p) where TP : struct, IParams<T> => new() { Mu = p.Get(0) };

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec4<T> Vf(T t, in Vec4<T> y)
    {
        T mu1 = T.One - Mu;
        T a = y.X + Mu, b = y.X - mu1, y2s = y.Y * y.Y;
        T r1 = T.Fma(a, a, y2s), r2 = T.Fma(b, b, y2s);
        T d1 = r1 * T.Sqrt(r1), d2 = r2 * T.Sqrt(r2);
        Vec4<T> d;
        d.X = y.Z;
        d.Y = y.W;
        d.Z = y.X + (y.W + y.W) - mu1 * a / d1 - Mu * b / d2;
        d.W = y.Y - (y.Z + y.Z) - mu1 * y.Y / d1 - Mu * y.Y / d2;
        return d;
    }
}
