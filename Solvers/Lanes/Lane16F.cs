using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Diffrax.Solvers.Lanes;

/// <summary>
/// Sixteen single-precision trajectories in one <see cref="Vector512{T}"/>. Use where float accuracy is enough
/// (coefficients are rounded to float once, when broadcast).
/// Masks are all-ones bit patterns per slot, as SIMD compares produce. Operators write
/// <c>r.V = ...; return r;</c> rather than calling a constructor: the JIT keeps that in registers.
/// </summary>
public struct Lane16F : IScalar<Lane16F>
{
    /// <summary>The eight slots.</summary>
    public Vector512<float> V;

    /// <inheritdoc/>
    public static int Width => 16;
    /// <inheritdoc/>
    public static Lane16F Zero => default;
    /// <inheritdoc/>
    public static Lane16F One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get { Lane16F r; r.V = Vector512<float>.One; return r; } }
    /// <inheritdoc/>
    public static Lane16F True { [MethodImpl(MethodImplOptions.AggressiveInlining)] get { Lane16F r; r.V = Vector512<float>.AllBitsSet; return r; } }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F From(double value) { Lane16F r; r.V = Vector512.Create((float)value); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F operator +(Lane16F a, Lane16F b) { Lane16F r; r.V = a.V + b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F operator -(Lane16F a, Lane16F b) { Lane16F r; r.V = a.V - b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F operator *(Lane16F a, Lane16F b) { Lane16F r; r.V = a.V * b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F operator /(Lane16F a, Lane16F b) { Lane16F r; r.V = a.V / b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F operator -(Lane16F a) { Lane16F r; r.V = -a.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Fma(Lane16F a, Lane16F b, Lane16F c) { Lane16F r; r.V = Vector512.FusedMultiplyAdd(a.V, b.V, c.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Fms(Lane16F a, Lane16F b, Lane16F c) { Lane16F r; r.V = VectorMath.Fms(a.V, b.V, c.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Abs(Lane16F a) { Lane16F r; r.V = Vector512.Abs(a.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Max(Lane16F a, Lane16F b) { Lane16F r; r.V = Vector512.ConditionalSelect(Vector512.GreaterThan(a.V, b.V), a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Min(Lane16F a, Lane16F b) { Lane16F r; r.V = Vector512.ConditionalSelect(Vector512.LessThan(a.V, b.V), a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Sqrt(Lane16F a) { Lane16F r; r.V = Vector512.Sqrt(a.V); return r; }
    /// <inheritdoc/>
    public static Lane16F Exp(Lane16F a) { Lane16F r; r.V = Vector512.Exp(a.V); return r; }
    /// <inheritdoc/>
    public static Lane16F Log(Lane16F a) { Lane16F r; r.V = Vector512.Log(a.V); return r; }
    /// <inheritdoc/>
    public static Lane16F Sin(Lane16F a) { Lane16F r; r.V = Vector512.Sin(a.V); return r; }
    /// <inheritdoc/>
    public static Lane16F Cos(Lane16F a) { Lane16F r; r.V = Vector512.Cos(a.V); return r; }
    /// <inheritdoc/>
    public static Lane16F Tan(Lane16F a) { Lane16F r; r.V = Vector512.Sin(a.V) / Vector512.Cos(a.V); return r; }
    /// <inheritdoc/>
    public static Lane16F Tanh(Lane16F a)
    {
        // tanh x = 1 - 2/(e^{2x}+1): exact at ±∞, no overflow to NaN.
        Lane16F r; r.V = Vector512<float>.One - Vector512.Create(2.0f) / (Vector512.Exp(a.V + a.V) + Vector512<float>.One); return r;
    }
    /// <inheritdoc/>
    public static Lane16F Pow(Lane16F a, Lane16F b)
    {
        Lane16F r = default;
        for (int i = 0; i < 16; i++) r.V = r.V.WithElement(i, MathF.Pow(a.V.GetElement(i), b.V.GetElement(i)));
        return r;
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane16F PowApprox(Lane16F a, double p)
    {
        (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(a.V);
        Lane16F r; r.V = Vector512.Narrow(VectorMath.PowApprox(lo, p), VectorMath.PowApprox(hi, p)); return r;
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Floor(Lane16F a) { Lane16F r; r.V = Vector512.Floor(a.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Less(Lane16F a, Lane16F b) { Lane16F r; r.V = Vector512.LessThan(a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F LessEqual(Lane16F a, Lane16F b) { Lane16F r; r.V = Vector512.LessThanOrEqual(a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Equal(Lane16F a, Lane16F b) { Lane16F r; r.V = Vector512.Equals(a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F IsFinite(Lane16F a) { Lane16F r; r.V = Vector512.Equals(a.V - a.V, Vector512<float>.Zero); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F And(Lane16F m1, Lane16F m2) { Lane16F r; r.V = m1.V & m2.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Or(Lane16F m1, Lane16F m2) { Lane16F r; r.V = m1.V | m2.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F AndNot(Lane16F m1, Lane16F m2) { Lane16F r; r.V = Vector512.AndNot(m1.V, m2.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16F Select(Lane16F mask, Lane16F a, Lane16F b) { Lane16F r; r.V = Vector512.ConditionalSelect(mask.V, a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lane16F mask) => Vector512.ExtractMostSignificantBits(mask.V) != 0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(Lane16F mask) => Vector512.ExtractMostSignificantBits(mask.V) == 0xFFFF;
    /// <inheritdoc/>
    public static double GetLane(Lane16F value, int lane) => value.V.GetElement(lane);
    /// <inheritdoc/>
    public static Lane16F WithLane(Lane16F value, int lane, double x) { Lane16F r; r.V = value.V.WithElement(lane, (float)x); return r; }
    /// <inheritdoc/>
    public static Lane16F FromLanes(ReadOnlySpan<double> lanes)
    {
        Span<float> f = stackalloc float[16];
        for (int i = 0; i < 16; i++) f[i] = (float)lanes[i];
        Lane16F r; r.V = Vector512.Create((ReadOnlySpan<float>)f); return r;
    }
    /// <inheritdoc/>
    public static void ToLanes(Lane16F value, Span<double> lanes) { for (int i = 0; i < 16; i++) lanes[i] = value.V.GetElement(i); }
    /// <inheritdoc/>
    public override readonly string ToString() => V.ToString();
}
