using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Stochastic;

/// <summary>
/// A stochastic Runge–Kutta tableau for additive noise (the form of Foster, dos Reis &amp; Strange 2023 and Diffrax's
/// <c>AdditiveCoeffs</c>): with W and the space–time Lévy area H of the step and g₀ = g(t₀),
/// stage zᵢ = y₀ + h Σⱼ aᵢⱼ fⱼ + aᵂᵢ g₀W + aᴴᵢ g₀H, fᵢ = f(t₀ + cᵢh, zᵢ), and
/// y₁ = y₀ + h Σ bᵢ fᵢ + bᵂ g₀W + bᴴ g₀H + ½(g(t₁) − g₀)(W − 2H) (the last term exact for g linear in t).
/// </summary>
public interface IAdditiveSrkTableau
{
    /// <summary>Stages (1 to 3).</summary>
    static abstract int Stages { get; }
    /// <summary>aᵢⱼ (j &lt; i).</summary>
    static abstract double A(int i, int j);
    /// <summary>cᵢ.</summary>
    static abstract double C(int i);
    /// <summary>bᵢ.</summary>
    static abstract double B(int i);
    /// <summary>Error weights (b − b̂)ᵢ; all zero when there is no embedded estimate.</summary>
    static abstract double BError(int i);
    /// <summary>aᵂᵢ.</summary>
    static abstract double AW(int i);
    /// <summary>aᴴᵢ.</summary>
    static abstract double AH(int i);
    /// <summary>bᵂ.</summary>
    static abstract double BW { get; }
    /// <summary>bᴴ.</summary>
    static abstract double BH { get; }
}

/// <summary>The engine for <see cref="IAdditiveSrkTableau"/> tableaus.</summary>
public static class AdditiveSrkEngine
{
    /// <summary>Refuses anything but additive noise.</summary>
    public static string? Refuses(string name, NoiseKind noise)
        => (noise & NoiseKind.Additive) == 0 ? $"{name} solves additive-noise SDEs only, but the diffusion declares {noise}." : null;

    /// <summary>One step; see <see cref="IAdditiveSrkTableau"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TTab, TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TTab : struct, IAdditiveSrkTableau
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
    {
        T t1 = t0 + h;
        term.Second.Path.IncrementWithArea(t0, t1, out TX w, out TX area);
        TY gw = term.Second.Field.Prod(f0.B, w);
        TY gh = term.Second.Field.Prod(f0.B, area);
        TY s0 = y0, s1 = y0, s2 = y0;
        for (int i = 0; i < TTab.Stages; i++)
        {
            TY z = y0;
            if (TTab.AW(i) != 0) z = TY.Fma(T.From(TTab.AW(i)), gw, z);
            if (TTab.AH(i) != 0) z = TY.Fma(T.From(TTab.AH(i)), gh, z);
            if (i > 0 && TTab.A(i, 0) != 0) z = TY.Fma(h * T.From(TTab.A(i, 0)), s0, z);
            if (i > 1 && TTab.A(i, 1) != 0) z = TY.Fma(h * T.From(TTab.A(i, 1)), s1, z);
            bool reuse = i == 0 && TTab.AW(0) == 0 && TTab.AH(0) == 0;
            TY fi = reuse ? f0.A : term.First.Field.Vf(T.Fma(T.From(TTab.C(i)), h, t0), z);
            if (i == 0) s0 = fi; else if (i == 1) s1 = fi; else s2 = fi;
        }
        TY y = y0;
        if (TTab.BW != 0) y = TY.Fma(T.From(TTab.BW), gw, y);
        if (TTab.BH != 0) y = TY.Fma(T.From(TTab.BH), gh, y);
        y = TY.Fma(h * T.From(TTab.B(0)), s0, y);
        if (TTab.Stages > 1) y = TY.Fma(h * T.From(TTab.B(1)), s1, y);
        if (TTab.Stages > 2) y = TY.Fma(h * T.From(TTab.B(2)), s2, y);
        TG g1 = term.Second.Field.Vf(t1, y0);
        TY timeVar = term.Second.Field.Prod(TG.Scale(T.From(0.5), TG.Sub(g1, f0.B)), TX.Sub(w, TX.Scale(T.From(2.0), area)));
        y1 = TY.Add(y, timeVar);
        err = TY.Splat(T.Zero);
        if (wantError)
        {
            err = TY.Scale(h * T.From(TTab.BError(0)), s0);
            if (TTab.Stages > 1) err = TY.Fma(h * T.From(TTab.BError(1)), s1, err);
            if (TTab.Stages > 2) err = TY.Fma(h * T.From(TTab.BError(2)), s2, err);
        }
        k.K0 = TY.Add(TY.Scale(h, f0.A), gw);
        k.K13 = TY.Sub(y1, y0);
        fLast = f0;
    }
}

/// <summary>SRA1 (Rößler 2010, SIAM J. Numer. Anal. 48(3)): additive noise, strong order 1.5 with the space–time Lévy area; embedded error.</summary>
public struct Sra1Tableau : IAdditiveSrkTableau
{
    /// <inheritdoc/>
    public static int Stages => 2;
    /// <inheritdoc/>
    public static double A(int i, int j) => i == 1 && j == 0 ? 0.75 : 0;
    /// <inheritdoc/>
    public static double C(int i) => i == 1 ? 0.75 : 0;
    /// <inheritdoc/>
    public static double B(int i) => i == 0 ? 1.0 / 3 : 2.0 / 3;
    /// <inheritdoc/>
    public static double BError(int i) => i == 0 ? -2.0 / 3 : 2.0 / 3;
    /// <inheritdoc/>
    public static double AW(int i) => i == 1 ? 0.75 : 0;
    /// <inheritdoc/>
    public static double AH(int i) => i == 1 ? 1.5 : 0;
    /// <inheritdoc/>
    public static double BW => 1;
    /// <inheritdoc/>
    public static double BH => 0;
}

/// <summary>ShARK (Foster, dos Reis &amp; Strange 2023, arXiv:2210.17543): additive noise, strong order 1.5 with H; embedded error.</summary>
public struct ShArkTableau : IAdditiveSrkTableau
{
    /// <inheritdoc/>
    public static int Stages => 2;
    /// <inheritdoc/>
    public static double A(int i, int j) => i == 1 && j == 0 ? 5.0 / 6 : 0;
    /// <inheritdoc/>
    public static double C(int i) => i == 1 ? 5.0 / 6 : 0;
    /// <inheritdoc/>
    public static double B(int i) => i == 0 ? 0.4 : 0.6;
    /// <inheritdoc/>
    public static double BError(int i) => i == 0 ? -0.6 : 0.6;
    /// <inheritdoc/>
    public static double AW(int i) => i == 1 ? 5.0 / 6 : 0;
    /// <inheritdoc/>
    public static double AH(int i) => 1.0;
    /// <inheritdoc/>
    public static double BW => 1;
    /// <inheritdoc/>
    public static double BH => 0;
}

/// <summary>SEA, the shifted Euler method for additive noise (Foster, dos Reis &amp; Strange 2023): z = y₀ + ½g₀W + g₀H, y₁ = y₀ + h f(z) + g₀W. Strong order 1.0 with H.</summary>
public struct SeaTableau : IAdditiveSrkTableau
{
    /// <inheritdoc/>
    public static int Stages => 1;
    /// <inheritdoc/>
    public static double A(int i, int j) => 0;
    /// <inheritdoc/>
    public static double C(int i) => 0;
    /// <inheritdoc/>
    public static double B(int i) => 1;
    /// <inheritdoc/>
    public static double BError(int i) => 0;
    /// <inheritdoc/>
    public static double AW(int i) => 0.5;
    /// <inheritdoc/>
    public static double AH(int i) => 1.0;
    /// <inheritdoc/>
    public static double BW => 1;
    /// <inheritdoc/>
    public static double BH => 0;
}
