using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Stochastic;

/// <summary>SRA1 (Rößler 2010) for additive noise: strong order 1.5 with the space–time Lévy area, embedded error for adaptive steps. Needs a path with Lévy area.</summary>
public struct Sra1 : ISdeMethod
{
    /// <inheritdoc/>
    public static string Name => "sra1";
    /// <inheritdoc/>
    public static Calculus Calculus => Calculus.Stratonovich;
    /// <inheritdoc/>
    public static double StrongOrder(NoiseKind noise) => 1.5;
    /// <inheritdoc/>
    public static int ErrorOrder => 1;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => 1;
    /// <inheritdoc/>
    public static string? Refuses(NoiseKind noise, bool diagonalShapes) => AdditiveSrkEngine.Refuses("Sra1", noise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry,
        ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
        => AdditiveSrkEngine.Step<Sra1Tableau, TDrift, TDiff, TPath, T, TY, TX, TG>(term, t0, h, y0, f0, wantError, ref k, out y1, out err, out fLast);
}

/// <summary>ShARK (Foster, dos Reis &amp; Strange 2023) for additive noise: strong order 1.5 with the space–time Lévy area, embedded error for adaptive steps.</summary>
public struct ShArk : ISdeMethod
{
    /// <inheritdoc/>
    public static string Name => "shark";
    /// <inheritdoc/>
    public static Calculus Calculus => Calculus.Stratonovich;
    /// <inheritdoc/>
    public static double StrongOrder(NoiseKind noise) => 1.5;
    /// <inheritdoc/>
    public static int ErrorOrder => 1;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => 2;
    /// <inheritdoc/>
    public static string? Refuses(NoiseKind noise, bool diagonalShapes) => AdditiveSrkEngine.Refuses("ShArk", noise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry,
        ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
        => AdditiveSrkEngine.Step<ShArkTableau, TDrift, TDiff, TPath, T, TY, TX, TG>(term, t0, h, y0, f0, wantError, ref k, out y1, out err, out fLast);
}

/// <summary>SEA, shifted Euler for additive noise (Foster, dos Reis &amp; Strange 2023): strong order 1.0, one drift evaluation; constant steps.</summary>
public struct Sea : ISdeMethod
{
    /// <inheritdoc/>
    public static string Name => "sea";
    /// <inheritdoc/>
    public static Calculus Calculus => Calculus.Stratonovich;
    /// <inheritdoc/>
    public static double StrongOrder(NoiseKind noise) => 1.0;
    /// <inheritdoc/>
    public static int ErrorOrder => 0;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => 1;
    /// <inheritdoc/>
    public static string? Refuses(NoiseKind noise, bool diagonalShapes) => AdditiveSrkEngine.Refuses("Sea", noise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry,
        ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
        => AdditiveSrkEngine.Step<SeaTableau, TDrift, TDiff, TPath, T, TY, TX, TG>(term, t0, h, y0, f0, wantError, ref k, out y1, out err, out fLast);
}
