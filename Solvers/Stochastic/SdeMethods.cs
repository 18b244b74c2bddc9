using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;
using HeunTableau = Diffrax.Solvers.RungeKutta.Heun;

namespace Diffrax.Solvers.Stochastic;

internal static class NoiseRules
{
    public static bool Commutative(NoiseKind n) => (n & (NoiseKind.Diagonal | NoiseKind.Scalar | NoiseKind.Additive)) != 0;
    public static bool Additive(NoiseKind n) => (n & NoiseKind.Additive) != 0;
}

/// <summary>
/// Euler–Maruyama (Itô): the Euler tableau over the SDE term, y₁ = y₀ + f h + g ΔW. Strong order 0.5 (1.0 for
/// additive noise); any noise; constant steps.
/// </summary>
public struct EulerMaruyama : ISdeMethod
{
    /// <inheritdoc/>
    public static string Name => "euler_maruyama";
    /// <inheritdoc/>
    public static Calculus Calculus => Calculus.Ito;
    /// <inheritdoc/>
    public static double StrongOrder(NoiseKind noise) => NoiseRules.Additive(noise) ? 1.0 : 0.5;
    /// <inheritdoc/>
    public static int ErrorOrder => 0;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => 0;
    /// <inheritdoc/>
    public static string? Refuses(NoiseKind noise, bool diagonalShapes) => null;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry,
        ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
    {
        // The inlined form of Euler's step (a one-stage step needs no JIT root of its own): a GPU kernel compiles this
        // call even where it is dead, and a NoInlining call that takes the stages by reference keeps the thread's lane
        // state, term and stages in local memory (bench/README.md).
        Euler.StepInline<MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY>, T, TY, Pair<T, TX>, Cat<TY, TG, T>>(
            term, t0, h, y0, f0, false, true, ref k, out y1, out err, out fLast);
        k.K13 = TY.Sub(y1, y0);
    }

    /// <inheritdoc/>
    public static bool HasAdvance => true;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Advance<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        in Cat<TY, TG, T> f0, in Pair<T, TX> control, in TY y0, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry, out TY y1, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
    {
        // The Euler tableau's step, y₀ + Prod(f₀, ΔC) (fused: IButcherTableau.FusedStages), with the control given.
        fLast = f0;
        y1 = term.ProdAdd(y0, f0, control);
    }
}

/// <summary>
/// Heun's method for Stratonovich SDEs: the Heun tableau over the SDE term (drift and diffusion both
/// trapezoidal), with the Heun–Euler embedded error for adaptive steps. Strong order 0.5 for general noise, 1.0
/// for commutative (scalar, diagonal) or additive noise.
/// </summary>
public struct StratonovichHeun : ISdeMethod
{
    /// <inheritdoc/>
    public static string Name => "heun";
    /// <inheritdoc/>
    public static Calculus Calculus => Calculus.Stratonovich;
    /// <inheritdoc/>
    public static double StrongOrder(NoiseKind noise) => NoiseRules.Commutative(noise) ? 1.0 : 0.5;
    /// <inheritdoc/>
    public static int ErrorOrder => 1;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => 1;
    /// <inheritdoc/>
    public static string? Refuses(NoiseKind noise, bool diagonalShapes) => null;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry,
        ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
    {
        HeunTableau.Step<MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY>, T, TY, Pair<T, TX>, Cat<TY, TG, T>>(
            term, t0, h, y0, f0, wantError, true, ref k, out y1, out err, out fLast);
        k.K13 = TY.Sub(y1, y0);
    }
}

/// <summary>
/// The Euler–Heun method (Stratonovich; Kloeden &amp; Platen): Euler drift, trapezoidal diffusion,
/// y₁ = y₀ + f₀h + ½(g₀ + g(t₁, y₀ + g₀ΔW))ΔW. Strong order 0.5 general, 1.0 commutative or additive; constant steps.
/// </summary>
public struct EulerHeun : ISdeMethod
{
    /// <inheritdoc/>
    public static string Name => "euler_heun";
    /// <inheritdoc/>
    public static Calculus Calculus => Calculus.Stratonovich;
    /// <inheritdoc/>
    public static double StrongOrder(NoiseKind noise) => NoiseRules.Commutative(noise) ? 1.0 : 0.5;
    /// <inheritdoc/>
    public static int ErrorOrder => 0;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => 1;
    /// <inheritdoc/>
    public static string? Refuses(NoiseKind noise, bool diagonalShapes) => null;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry,
        ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
    {
        TX w = term.Second.Path.Increment(t0, t0 + h);
        TY drift = TY.Scale(h, f0.A);
        TY gw0 = term.Second.Field.Prod(f0.B, w);
        TG g1 = term.Second.Field.Vf(t0 + h, TY.Add(y0, gw0));
        TY gw1 = term.Second.Field.Prod(g1, w);
        k.K0 = TY.Add(drift, gw0);
        y1 = TY.Add(TY.Add(y0, drift), TY.Scale(T.From(0.5), TY.Add(gw0, gw1)));
        err = TY.Splat(T.Zero);
        fLast = f0;
        k.K13 = TY.Sub(y1, y0);
    }
}

/// <summary>
/// Milstein's method for commutative noise, Itô form: y₁ = y₀ + f h + gΔW + ½·(∂g/∂y·g)(ΔW∘ΔW − h). The
/// derivative product comes from the diffusion's <see cref="IDiffusion{T, TY, TX, TG}.DerivativeProduct"/> (no
/// finite differences). Accepts diagonal or scalar noise declared <see cref="NoiseKind.Differentiable"/>. Strong order 1.0.
/// </summary>
public struct ItoMilstein : ISdeMethod
{
    /// <inheritdoc/>
    public static string Name => "ito_milstein";
    /// <inheritdoc/>
    public static Calculus Calculus => Calculus.Ito;
    /// <inheritdoc/>
    public static double StrongOrder(NoiseKind noise) => 1.0;
    /// <inheritdoc/>
    public static int ErrorOrder => 0;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => 0;
    /// <inheritdoc/>
    public static string? Refuses(NoiseKind noise, bool diagonalShapes) => Milstein.Refuses(noise, diagonalShapes);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry,
        ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
        => Milstein.Step(term, t0, h, y0, f0, true, ref k, out y1, out err, out fLast);
}

/// <summary>
/// Milstein's method for commutative noise, Stratonovich form: y₁ = y₀ + f h + gΔW + ½·(∂g/∂y·g)(ΔW∘ΔW), with the
/// derivative product from the diffusion. Accepts diagonal or scalar differentiable noise. Strong order 1.0.
/// </summary>
public struct StratonovichMilstein : ISdeMethod
{
    /// <inheritdoc/>
    public static string Name => "stratonovich_milstein";
    /// <inheritdoc/>
    public static Calculus Calculus => Calculus.Stratonovich;
    /// <inheritdoc/>
    public static double StrongOrder(NoiseKind noise) => 1.0;
    /// <inheritdoc/>
    public static int ErrorOrder => 0;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => 0;
    /// <inheritdoc/>
    public static string? Refuses(NoiseKind noise, bool diagonalShapes) => Milstein.Refuses(noise, diagonalShapes);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry,
        ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
        => Milstein.Step(term, t0, h, y0, f0, false, ref k, out y1, out err, out fLast);
}

internal static class Milstein
{
    public static string? Refuses(NoiseKind noise, bool diagonalShapes)
    {
        if ((noise & (NoiseKind.Diagonal | NoiseKind.Scalar)) == 0)
            return $"Milstein needs diagonal or scalar noise, but the diffusion declares {noise}.";
        if ((noise & NoiseKind.Differentiable) == 0)
            return $"Milstein needs the diffusion's derivative product (declare NoiseKind.Differentiable and implement DerivativeProduct); the diffusion declares {noise}.";
        if ((noise & NoiseKind.Diagonal) != 0 && !diagonalShapes)
            return "Diagonal noise needs the noise vector to have the state's type.";
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool ito, ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
    {
        TX w = term.Second.Path.Increment(t0, t0 + h);
        TX w2 = TX.Mul(w, w);
        if (ito) w2 = TX.Sub(w2, TX.Splat(h));
        k.K0 = TY.Add(TY.Scale(h, f0.A), term.Second.Field.Prod(f0.B, w));
        TY corr = term.Second.Field.Prod(term.Second.Field.DerivativeProduct(t0, y0), w2);
        y1 = TY.Add(TY.Add(y0, k.K0), TY.Scale(T.From(0.5), corr));
        err = TY.Splat(T.Zero);
        fLast = f0;
        k.K13 = TY.Sub(y1, y0);
    }
}

/// <summary>
/// Reversible Heun (Kidger, Foster, Li &amp; Lyons 2021): algebraically reversible, carrying an auxiliary state ŷ and
/// its field: ŷ₁ = 2y₀ − ŷ₀ + F(ŷ₀)ΔC, y₁ = y₀ + ½(F(ŷ₀) + F(ŷ₁))ΔC, error ½(F(ŷ₁) − F(ŷ₀))ΔC. Stratonovich;
/// strong order 0.5 general, 1.0 commutative or additive; any noise; adaptive steps. A lane whose step does not
/// start where its last accepted step ended (a new member) restarts with ŷ = y.
/// </summary>
public struct ReversibleHeun : ISdeMethod
{
    /// <inheritdoc/>
    public static bool Stateful => true;
    /// <inheritdoc/>
    public static string Name => "reversible_heun";
    /// <inheritdoc/>
    public static Calculus Calculus => Calculus.Stratonovich;
    /// <inheritdoc/>
    public static double StrongOrder(NoiseKind noise) => NoiseRules.Commutative(noise) ? 1.0 : 0.5;
    /// <inheritdoc/>
    public static int ErrorOrder => 1;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => 1;
    /// <inheritdoc/>
    public static string? Refuses(NoiseKind noise, bool diagonalShapes) => null;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry,
        ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
    {
        T cont = T.And(carry.Started, T.Equal(t0, carry.TNext));
        TY yHat0 = TY.Select(cont, carry.YHat, y0);
        Cat<TY, TG, T> fHat0 = Cat<TY, TG, T>.Select(cont, carry.FHat, f0);
        T t1 = t0 + h;
        Pair<T, TX> c = term.StepContr(t0, h);
        TY yHat1 = TY.Add(TY.Sub(TY.Scale(T.From(2.0), y0), yHat0), term.Prod(fHat0, c));
        Cat<TY, TG, T> fHat1 = term.Vf(t1, yHat1);
        TY sum = term.Prod(Cat<TY, TG, T>.Add(fHat0, fHat1), c);
        y1 = TY.Fma(T.From(0.5), sum, y0);
        err = TY.Scale(T.From(0.5), term.Prod(Cat<TY, TG, T>.Sub(fHat1, fHat0), c));
        k.K0 = term.Prod(f0, c);
        k.K13 = TY.Sub(y1, y0);
        fLast = fHat1;
        carry.PendingYHat = yHat1;
        carry.PendingFHat = fHat1;
        carry.PendingTNext = t1;
    }
}
