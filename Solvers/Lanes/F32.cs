using System.Runtime.CompilerServices;

namespace Diffrax.Solvers.Lanes;

/// <summary>
/// One single-precision trajectory per value, with a fused multiply-add.
/// Masks are 1 (true) or 0 (false).
/// </summary>
public struct F32 : IScalar<F32>
{
    /// <summary>The value.</summary>
    public float V;

    /// <summary>Wraps a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public F32(float v) { V = v; }

    /// <inheritdoc/>
    public static int Width => 1;
    /// <inheritdoc/>
    public static F32 Zero => default;
    /// <inheritdoc/>
    public static F32 One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get { F32 r; r.V = 1; return r; } }
    /// <inheritdoc/>
    public static F32 True => One;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 From(double value) { F32 r; r.V = (float)value; return r; }
    /// <summary>Implicit conversion from float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static implicit operator F32(float v) { F32 r; r.V = v; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 operator +(F32 a, F32 b) { F32 r; r.V = a.V + b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 operator -(F32 a, F32 b) { F32 r; r.V = a.V - b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 operator *(F32 a, F32 b) { F32 r; r.V = a.V * b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 operator /(F32 a, F32 b) { F32 r; r.V = a.V / b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 operator -(F32 a) { F32 r; r.V = -a.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Fma(F32 a, F32 b, F32 c) { F32 r; r.V = MathF.FusedMultiplyAdd(a.V, b.V, c.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Fms(F32 a, F32 b, F32 c) { F32 r; r.V = MathF.FusedMultiplyAdd(a.V, b.V, -c.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Abs(F32 a) { F32 r; r.V = Math.Abs(a.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Max(F32 a, F32 b) { F32 r; r.V = a.V > b.V ? a.V : b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Min(F32 a, F32 b) { F32 r; r.V = a.V < b.V ? a.V : b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Sqrt(F32 a) { F32 r; r.V = MathF.Sqrt(a.V); return r; }
    /// <inheritdoc/>
    public static F32 Exp(F32 a) { F32 r; r.V = MathF.Exp(a.V); return r; }
    /// <inheritdoc/>
    public static F32 Log(F32 a) { F32 r; r.V = MathF.Log(a.V); return r; }
    /// <inheritdoc/>
    public static F32 Sin(F32 a) { F32 r; r.V = MathF.Sin(a.V); return r; }
    /// <inheritdoc/>
    public static F32 Cos(F32 a) { F32 r; r.V = MathF.Cos(a.V); return r; }
    /// <inheritdoc/>
    public static F32 Tan(F32 a) { F32 r; r.V = MathF.Tan(a.V); return r; }
    /// <inheritdoc/>
    public static F32 Tanh(F32 a) { F32 r; r.V = MathF.Tanh(a.V); return r; }
    /// <inheritdoc/>
    public static F32 Pow(F32 a, F32 b) { F32 r; r.V = MathF.Pow(a.V, b.V); return r; }
    /// <inheritdoc/>
    public static F32 PowApprox(F32 a, double p) { F32 r; r.V = (float)ScalarMath.PowApprox(a.V, p); return r; }
    /// <inheritdoc/>
    public static F32 Floor(F32 a) { F32 r; r.V = MathF.Floor(a.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Less(F32 a, F32 b) { F32 r; r.V = a.V < b.V ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 LessEqual(F32 a, F32 b) { F32 r; r.V = a.V <= b.V ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Equal(F32 a, F32 b) { F32 r; r.V = a.V == b.V ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 IsFinite(F32 a) { F32 r; r.V = a.V - a.V == 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 And(F32 m1, F32 m2) { F32 r; r.V = m1.V != 0 && m2.V != 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Or(F32 m1, F32 m2) { F32 r; r.V = m1.V != 0 || m2.V != 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 AndNot(F32 m1, F32 m2) { F32 r; r.V = m1.V != 0 && m2.V == 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Select(F32 mask, F32 a, F32 b) => mask.V != 0 ? a : b;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(F32 mask) => mask.V != 0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(F32 mask) => mask.V != 0;
    /// <inheritdoc/>
    public static double GetLane(F32 value, int lane) => value.V;
    /// <inheritdoc/>
    public static F32 WithLane(F32 value, int lane, double x) { F32 r; r.V = (float)x; return r; }
    /// <inheritdoc/>
    public override readonly string ToString() => V.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    /// <inheritdoc/>
    public static F32 FromLanes(ReadOnlySpan<double> lanes) => WithLane(default, 0, lanes[0]);
    /// <inheritdoc/>
    public static void ToLanes(F32 value, Span<double> lanes) => lanes[0] = GetLane(value, 0);
}
