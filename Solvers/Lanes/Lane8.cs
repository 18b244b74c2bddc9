using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Diffrax.Solvers.Lanes;

/// <summary>
/// Eight double-precision trajectories in one <see cref="Vector512{T}"/> (AVX-512 where the CPU has it).
/// Masks are all-ones bit patterns per slot, as SIMD compares produce. Operators write
/// <c>r.V = ...; return r;</c> rather than calling a constructor: the JIT keeps that in registers.
/// </summary>
public struct Lane8 : IScalar<Lane8>
{
    /// <summary>The eight slots.</summary>
    public Vector512<double> V;

    /// <inheritdoc/>
    public static int Width => 8;
    /// <inheritdoc/>
    public static bool HostVector512 => true;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TResult Pick<TOp, TResult>(in TOp op) where TOp : struct, IHostVectorOp<TResult> => op.HostVector512();
    /// <inheritdoc/>
    public static Lane8 Zero => default;
    /// <inheritdoc/>
    public static Lane8 One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get { Lane8 r; r.V = Vector512<double>.One; return r; } }
    /// <inheritdoc/>
    public static Lane8 True { [MethodImpl(MethodImplOptions.AggressiveInlining)] get { Lane8 r; r.V = Vector512<double>.AllBitsSet; return r; } }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 From(double value) { Lane8 r; r.V = Vector512.Create(value); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 operator +(Lane8 a, Lane8 b) { Lane8 r; r.V = a.V + b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 operator -(Lane8 a, Lane8 b) { Lane8 r; r.V = a.V - b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 operator *(Lane8 a, Lane8 b) { Lane8 r; r.V = a.V * b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 operator /(Lane8 a, Lane8 b) { Lane8 r; r.V = a.V / b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 operator -(Lane8 a) { Lane8 r; r.V = -a.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Fma(Lane8 a, Lane8 b, Lane8 c) { Lane8 r; r.V = Vector512.FusedMultiplyAdd(a.V, b.V, c.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Fms(Lane8 a, Lane8 b, Lane8 c) { Lane8 r; r.V = VectorMath.Fms(a.V, b.V, c.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Abs(Lane8 a) { Lane8 r; r.V = Vector512.Abs(a.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Max(Lane8 a, Lane8 b) { Lane8 r; r.V = Vector512.ConditionalSelect(Vector512.GreaterThan(a.V, b.V), a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Min(Lane8 a, Lane8 b) { Lane8 r; r.V = Vector512.ConditionalSelect(Vector512.LessThan(a.V, b.V), a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Sqrt(Lane8 a) { Lane8 r; r.V = Vector512.Sqrt(a.V); return r; }
    /// <inheritdoc/>
    public static Lane8 Exp(Lane8 a) { Lane8 r; r.V = Vector512.Exp(a.V); return r; }
    /// <inheritdoc/>
    public static Lane8 Log(Lane8 a) { Lane8 r; r.V = Vector512.Log(a.V); return r; }
    /// <inheritdoc/>
    public static Lane8 Sin(Lane8 a) { Lane8 r; r.V = Vector512.Sin(a.V); return r; }
    /// <inheritdoc/>
    public static Lane8 Cos(Lane8 a) { Lane8 r; r.V = Vector512.Cos(a.V); return r; }
    /// <inheritdoc/>
    public static Lane8 Tan(Lane8 a) { Lane8 r; r.V = Vector512.Sin(a.V) / Vector512.Cos(a.V); return r; }
    /// <inheritdoc/>
    public static Lane8 Tanh(Lane8 a)
    {
        // tanh x = 1 - 2/(e^{2x}+1): exact at ±∞, no overflow to NaN.
        Lane8 r; r.V = Vector512<double>.One - Vector512.Create(2.0) / (Vector512.Exp(a.V + a.V) + Vector512<double>.One); return r;
    }
    /// <inheritdoc/>
    public static Lane8 Pow(Lane8 a, Lane8 b)
    {
        Lane8 r = default;
        for (int i = 0; i < 8; i++) r.V = r.V.WithElement(i, Math.Pow(a.V.GetElement(i), b.V.GetElement(i)));
        return r;
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane8 PowApprox(Lane8 a, double p) { Lane8 r; r.V = VectorMath.PowApprox(a.V, p); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane8 PowApproxScaled(double c, Lane8 a, double p) { Lane8 r; r.V = VectorMath.PowApprox(a.V, p, c); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Floor(Lane8 a) { Lane8 r; r.V = Vector512.Floor(a.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Less(Lane8 a, Lane8 b) { Lane8 r; r.V = Vector512.LessThan(a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 LessEqual(Lane8 a, Lane8 b) { Lane8 r; r.V = Vector512.LessThanOrEqual(a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Equal(Lane8 a, Lane8 b) { Lane8 r; r.V = Vector512.Equals(a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 IsFinite(Lane8 a) { Lane8 r; r.V = Vector512.Equals(a.V - a.V, Vector512<double>.Zero); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 And(Lane8 m1, Lane8 m2) { Lane8 r; r.V = m1.V & m2.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Or(Lane8 m1, Lane8 m2) { Lane8 r; r.V = m1.V | m2.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 AndNot(Lane8 m1, Lane8 m2) { Lane8 r; r.V = Vector512.AndNot(m1.V, m2.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Select(Lane8 mask, Lane8 a, Lane8 b) { Lane8 r; r.V = Vector512.ConditionalSelect(mask.V, a.V, b.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lane8 mask) => Vector512.ExtractMostSignificantBits(mask.V) != 0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(Lane8 mask) => Vector512.ExtractMostSignificantBits(mask.V) == 0xFF;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GetLane(Lane8 value, int lane) => Unsafe.Add(ref Unsafe.As<Vector512<double>, double>(ref value.V), lane & 7);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane8 WithLane(Lane8 value, int lane, double x) { Unsafe.Add(ref Unsafe.As<Vector512<double>, double>(ref value.V), lane & 7) = x; return value; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane8 FromLanes(ReadOnlySpan<double> lanes) { Lane8 r; r.V = Vector512.Create(lanes); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ToLanes(Lane8 value, Span<double> lanes) => value.V.CopyTo(lanes);
    /// <inheritdoc/>
    public override readonly string ToString() => V.ToString();
}
