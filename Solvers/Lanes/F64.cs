using System.Runtime.CompilerServices;

namespace Diffrax.Solvers.Lanes;

/// <summary>
/// One double-precision trajectory per value, with a fused multiply-add. The CPU scalar backend.
/// Masks are 1 (true) or 0 (false).
/// </summary>
public struct F64 : IScalar<F64>
{
    /// <summary>The value.</summary>
    public double V;

    /// <summary>Wraps a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public F64(double v) { V = v; }

    /// <inheritdoc/>
    public static int Width => 1;
    /// <inheritdoc/>
    public static bool HostVector512 => true;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TResult Pick<TOp, TResult>(in TOp op) where TOp : struct, IHostVectorOp<TResult> => op.HostVector512();
    /// <inheritdoc/>
    public static F64 Zero => default;
    /// <inheritdoc/>
    public static F64 One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get { F64 r; r.V = 1; return r; } }
    /// <inheritdoc/>
    public static F64 True => One;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 From(double value) { F64 r; r.V = value; return r; }
    /// <summary>Implicit conversion from double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static implicit operator F64(double v) { F64 r; r.V = v; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 operator +(F64 a, F64 b) { F64 r; r.V = a.V + b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 operator -(F64 a, F64 b) { F64 r; r.V = a.V - b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 operator *(F64 a, F64 b) { F64 r; r.V = a.V * b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 operator /(F64 a, F64 b) { F64 r; r.V = a.V / b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 operator -(F64 a) { F64 r; r.V = -a.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Fma(F64 a, F64 b, F64 c) { F64 r; r.V = Math.FusedMultiplyAdd(a.V, b.V, c.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Fms(F64 a, F64 b, F64 c) { F64 r; r.V = Math.FusedMultiplyAdd(a.V, b.V, -c.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Abs(F64 a) { F64 r; r.V = Math.Abs(a.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Max(F64 a, F64 b) { F64 r; r.V = a.V > b.V ? a.V : b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Min(F64 a, F64 b) { F64 r; r.V = a.V < b.V ? a.V : b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Sqrt(F64 a) { F64 r; r.V = Math.Sqrt(a.V); return r; }
    /// <inheritdoc/>
    public static F64 Exp(F64 a) { F64 r; r.V = Math.Exp(a.V); return r; }
    /// <inheritdoc/>
    public static F64 Log(F64 a) { F64 r; r.V = Math.Log(a.V); return r; }
    /// <inheritdoc/>
    public static F64 Sin(F64 a) { F64 r; r.V = Math.Sin(a.V); return r; }
    /// <inheritdoc/>
    public static F64 Cos(F64 a) { F64 r; r.V = Math.Cos(a.V); return r; }
    /// <inheritdoc/>
    public static F64 Tan(F64 a) { F64 r; r.V = Math.Tan(a.V); return r; }
    /// <inheritdoc/>
    public static F64 Tanh(F64 a) { F64 r; r.V = Math.Tanh(a.V); return r; }
    /// <inheritdoc/>
    public static F64 Pow(F64 a, F64 b) { F64 r; r.V = Math.Pow(a.V, b.V); return r; }
    /// <inheritdoc/>
    public static F64 PowApprox(F64 a, double p) { F64 r; r.V = ScalarMath.PowApprox(a.V, p); return r; }
    /// <inheritdoc/>
    public static F64 Floor(F64 a) { F64 r; r.V = Math.Floor(a.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Less(F64 a, F64 b) { F64 r; r.V = a.V < b.V ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 LessEqual(F64 a, F64 b) { F64 r; r.V = a.V <= b.V ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Equal(F64 a, F64 b) { F64 r; r.V = a.V == b.V ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 IsFinite(F64 a) { F64 r; r.V = a.V - a.V == 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 And(F64 m1, F64 m2) { F64 r; r.V = m1.V != 0 && m2.V != 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Or(F64 m1, F64 m2) { F64 r; r.V = m1.V != 0 || m2.V != 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 AndNot(F64 m1, F64 m2) { F64 r; r.V = m1.V != 0 && m2.V == 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Select(F64 mask, F64 a, F64 b) => mask.V != 0 ? a : b;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(F64 mask) => mask.V != 0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(F64 mask) => mask.V != 0;
    /// <inheritdoc/>
    public static double GetLane(F64 value, int lane) => value.V;
    /// <inheritdoc/>
    public static F64 WithLane(F64 value, int lane, double x) { F64 r; r.V = x; return r; }
    /// <inheritdoc/>
    public override readonly string ToString() => V.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    /// <inheritdoc/>
    public static F64 FromLanes(ReadOnlySpan<double> lanes) => WithLane(default, 0, lanes[0]);
    /// <inheritdoc/>
    public static void ToLanes(F64 value, Span<double> lanes) => lanes[0] = GetLane(value, 0);
}
