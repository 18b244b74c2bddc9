using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Diffrax.Solvers.Lanes;

/// <summary>
/// Sixteen double-precision trajectories as two <see cref="Vector512{T}"/> halves. <see cref="Lane8"/> is faster for
/// both adaptive and (with the lane-group runs of constant steps) fixed-step ensembles on AVX-512 machines: 16 slots
/// need more vector registers than there are and spill (bench/README.md).
/// </summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
public struct Lane16 : IScalar<Lane16>
{
    /// <summary>Slots 0–7.</summary>
    public Vector512<double> Lo;
    /// <summary>Slots 8–15.</summary>
    public Vector512<double> Hi;

    /// <inheritdoc/>
    public static int Width => 16;
    /// <inheritdoc/>
    public static Lane16 Zero => default;
    /// <inheritdoc/>
    public static Lane16 One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get { Lane16 r; r.Lo = Vector512<double>.One; r.Hi = r.Lo; return r; } }
    /// <inheritdoc/>
    public static Lane16 True { [MethodImpl(MethodImplOptions.AggressiveInlining)] get { Lane16 r; r.Lo = Vector512<double>.AllBitsSet; r.Hi = r.Lo; return r; } }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 From(double value) { Lane16 r; r.Lo = Vector512.Create(value); r.Hi = r.Lo; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 operator +(Lane16 a, Lane16 b) { Lane16 r; r.Lo = a.Lo + b.Lo; r.Hi = a.Hi + b.Hi; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 operator -(Lane16 a, Lane16 b) { Lane16 r; r.Lo = a.Lo - b.Lo; r.Hi = a.Hi - b.Hi; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 operator *(Lane16 a, Lane16 b) { Lane16 r; r.Lo = a.Lo * b.Lo; r.Hi = a.Hi * b.Hi; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 operator /(Lane16 a, Lane16 b) { Lane16 r; r.Lo = a.Lo / b.Lo; r.Hi = a.Hi / b.Hi; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 operator -(Lane16 a) { Lane16 r; r.Lo = -a.Lo; r.Hi = -a.Hi; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Fma(Lane16 a, Lane16 b, Lane16 c) { Lane16 r; r.Lo = Vector512.FusedMultiplyAdd(a.Lo, b.Lo, c.Lo); r.Hi = Vector512.FusedMultiplyAdd(a.Hi, b.Hi, c.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Fms(Lane16 a, Lane16 b, Lane16 c) { Lane16 r; r.Lo = VectorMath.Fms(a.Lo, b.Lo, c.Lo); r.Hi = VectorMath.Fms(a.Hi, b.Hi, c.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Abs(Lane16 a) { Lane16 r; r.Lo = Vector512.Abs(a.Lo); r.Hi = Vector512.Abs(a.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Max(Lane16 a, Lane16 b) { Lane16 r; r.Lo = Vector512.ConditionalSelect(Vector512.GreaterThan(a.Lo, b.Lo), a.Lo, b.Lo); r.Hi = Vector512.ConditionalSelect(Vector512.GreaterThan(a.Hi, b.Hi), a.Hi, b.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Min(Lane16 a, Lane16 b) { Lane16 r; r.Lo = Vector512.ConditionalSelect(Vector512.LessThan(a.Lo, b.Lo), a.Lo, b.Lo); r.Hi = Vector512.ConditionalSelect(Vector512.LessThan(a.Hi, b.Hi), a.Hi, b.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Sqrt(Lane16 a) { Lane16 r; r.Lo = Vector512.Sqrt(a.Lo); r.Hi = Vector512.Sqrt(a.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Exp(Lane16 a) { Lane16 r; r.Lo = Vector512.Exp(a.Lo); r.Hi = Vector512.Exp(a.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Log(Lane16 a) { Lane16 r; r.Lo = Vector512.Log(a.Lo); r.Hi = Vector512.Log(a.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Sin(Lane16 a) { Lane16 r; r.Lo = Vector512.Sin(a.Lo); r.Hi = Vector512.Sin(a.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Cos(Lane16 a) { Lane16 r; r.Lo = Vector512.Cos(a.Lo); r.Hi = Vector512.Cos(a.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Tan(Lane16 a) { Lane16 r; r.Lo = Vector512.Sin(a.Lo) / Vector512.Cos(a.Lo); r.Hi = Vector512.Sin(a.Hi) / Vector512.Cos(a.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Tanh(Lane16 a) { Lane16 r; r.Lo = Vector512<double>.One - Vector512.Create(2.0) / (Vector512.Exp(a.Lo + a.Lo) + Vector512<double>.One); r.Hi = Vector512<double>.One - Vector512.Create(2.0) / (Vector512.Exp(a.Hi + a.Hi) + Vector512<double>.One); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 PowApprox(Lane16 a, double p) { Lane16 r; r.Lo = VectorMath.PowApprox(a.Lo, p); r.Hi = VectorMath.PowApprox(a.Hi, p); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Floor(Lane16 a) { Lane16 r; r.Lo = Vector512.Floor(a.Lo); r.Hi = Vector512.Floor(a.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Less(Lane16 a, Lane16 b) { Lane16 r; r.Lo = Vector512.LessThan(a.Lo, b.Lo); r.Hi = Vector512.LessThan(a.Hi, b.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 LessEqual(Lane16 a, Lane16 b) { Lane16 r; r.Lo = Vector512.LessThanOrEqual(a.Lo, b.Lo); r.Hi = Vector512.LessThanOrEqual(a.Hi, b.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Equal(Lane16 a, Lane16 b) { Lane16 r; r.Lo = Vector512.Equals(a.Lo, b.Lo); r.Hi = Vector512.Equals(a.Hi, b.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 IsFinite(Lane16 a) { Lane16 r; r.Lo = Vector512.Equals(a.Lo - a.Lo, Vector512<double>.Zero); r.Hi = Vector512.Equals(a.Hi - a.Hi, Vector512<double>.Zero); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 And(Lane16 a, Lane16 b) { Lane16 r; r.Lo = a.Lo & b.Lo; r.Hi = a.Hi & b.Hi; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Or(Lane16 a, Lane16 b) { Lane16 r; r.Lo = a.Lo | b.Lo; r.Hi = a.Hi | b.Hi; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 AndNot(Lane16 a, Lane16 b) { Lane16 r; r.Lo = Vector512.AndNot(a.Lo, b.Lo); r.Hi = Vector512.AndNot(a.Hi, b.Hi); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane16 Select(Lane16 m, Lane16 a, Lane16 b) { Lane16 r; r.Lo = Vector512.ConditionalSelect(m.Lo, a.Lo, b.Lo); r.Hi = Vector512.ConditionalSelect(m.Hi, a.Hi, b.Hi); return r; }
    /// <inheritdoc/>
    public static Lane16 Pow(Lane16 a, Lane16 b)
    {
        Lane16 r = default;
        for (int i = 0; i < 16; i++) r = WithLane(r, i, Math.Pow(GetLane(a, i), GetLane(b, i)));
        return r;
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lane16 mask) => (Vector512.ExtractMostSignificantBits(mask.Lo) | Vector512.ExtractMostSignificantBits(mask.Hi)) != 0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(Lane16 mask) => (Vector512.ExtractMostSignificantBits(mask.Lo) & Vector512.ExtractMostSignificantBits(mask.Hi)) == 0xFF;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GetLane(Lane16 value, int lane) => Unsafe.Add(ref Unsafe.As<Vector512<double>, double>(ref value.Lo), lane & 15);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane16 WithLane(Lane16 value, int lane, double x)
    {
        // Lo and Hi are laid out back to back: slot i is the i-th double of the struct.
        Unsafe.Add(ref Unsafe.As<Vector512<double>, double>(ref value.Lo), lane & 15) = x;
        return value;
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane16 FromLanes(ReadOnlySpan<double> lanes) { Lane16 r; r.Lo = Vector512.Create(lanes); r.Hi = Vector512.Create(lanes[8..]); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ToLanes(Lane16 value, Span<double> lanes) { value.Lo.CopyTo(lanes); value.Hi.CopyTo(lanes[8..]); }
}
