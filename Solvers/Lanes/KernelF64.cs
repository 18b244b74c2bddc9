using System.Runtime.CompilerServices;

namespace Diffrax.Solvers.Lanes;

/// <summary>
/// One double-precision trajectory per value, restricted to what an ILGPU kernel can compile: multiply-add
/// is written as two operations (ILGPU turns <see cref="Math.FusedMultiplyAdd"/> into an unresolved PTX
/// extern; ptxas contracts the pair into an fma on the GPU), and nothing on a solver's path calls a
/// <see cref="Math"/> function ILGPU 1.5 implements in software: its <see cref="Math.Pow"/> (and exp, log) iterate a
/// CORDIC scheme, its <see cref="Math.Floor(double)"/> and <see cref="Math.Round(double)"/> are branchy bit manipulation — so the
/// controller's power and the floor are written out here (<see cref="PowApprox"/>, <see cref="Floor"/>).
/// Masks are 1 (true) or 0 (false). One GPU thread per trajectory runs on this type.
/// </summary>
public struct KernelF64 : IScalar<KernelF64>
{
    /// <summary>The value.</summary>
    public double V;

    /// <summary>Wraps a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public KernelF64(double v) { V = v; }

    /// <inheritdoc/>
    public static int Width => 1;
    /// <inheritdoc/>
    public static bool HostVector512 => false;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TResult Pick<TOp, TResult>(in TOp op) where TOp : struct, IHostVectorOp<TResult> => op.Portable();
    /// <inheritdoc/>
    public static KernelF64 Zero => default;
    /// <inheritdoc/>
    public static KernelF64 One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get { KernelF64 r; r.V = 1; return r; } }
    /// <inheritdoc/>
    public static KernelF64 True => One;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 From(double value) { KernelF64 r; r.V = value; return r; }
    /// <summary>Implicit conversion from double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static implicit operator KernelF64(double v) { KernelF64 r; r.V = v; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 operator +(KernelF64 a, KernelF64 b) { KernelF64 r; r.V = a.V + b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 operator -(KernelF64 a, KernelF64 b) { KernelF64 r; r.V = a.V - b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 operator *(KernelF64 a, KernelF64 b) { KernelF64 r; r.V = a.V * b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 operator /(KernelF64 a, KernelF64 b) { KernelF64 r; r.V = a.V / b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 operator -(KernelF64 a) { KernelF64 r; r.V = -a.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 Fma(KernelF64 a, KernelF64 b, KernelF64 c) { KernelF64 r; r.V = a.V * b.V + c.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 Fms(KernelF64 a, KernelF64 b, KernelF64 c) { KernelF64 r; r.V = a.V * b.V - c.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 Abs(KernelF64 a) { KernelF64 r; r.V = Math.Abs(a.V); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 Max(KernelF64 a, KernelF64 b) { KernelF64 r; r.V = a.V > b.V ? a.V : b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 Min(KernelF64 a, KernelF64 b) { KernelF64 r; r.V = a.V < b.V ? a.V : b.V; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 Sqrt(KernelF64 a) { KernelF64 r; r.V = Math.Sqrt(a.V); return r; }
    /// <inheritdoc/>
    public static KernelF64 Exp(KernelF64 a) { KernelF64 r; r.V = Math.Exp(a.V); return r; }
    /// <inheritdoc/>
    public static KernelF64 Log(KernelF64 a) { KernelF64 r; r.V = Math.Log(a.V); return r; }
    /// <inheritdoc/>
    public static KernelF64 Sin(KernelF64 a) { KernelF64 r; r.V = Math.Sin(a.V); return r; }
    /// <inheritdoc/>
    public static KernelF64 Cos(KernelF64 a) { KernelF64 r; r.V = Math.Cos(a.V); return r; }
    /// <inheritdoc/>
    public static KernelF64 Tan(KernelF64 a) { KernelF64 r; r.V = Math.Tan(a.V); return r; }
    /// <inheritdoc/>
    public static KernelF64 Tanh(KernelF64 a) { KernelF64 r; r.V = Math.Tanh(a.V); return r; }
    /// <inheritdoc/>
    public static KernelF64 Pow(KernelF64 a, KernelF64 b) { KernelF64 r; r.V = Math.Pow(a.V, b.V); return r; }
    /// <inheritdoc/>
    // ScalarMath.PowApprox's body with plain products and sums (ptxas fuses them): no Math.Pow (ILGPU's CORDIC) and no
    // Math.Round (software) on the adaptive loop's path. Like the SIMD form, defined for a in (1e-300, ∞).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static KernelF64 PowApprox(KernelF64 a, double p) { KernelF64 r; r.V = ScalarMath.PowApprox<PlainMulAdd>(a.V, p); return r; }
    /// <inheritdoc/>
    // By a truncating conversion (one instruction on a GPU, where ILGPU's Math.Floor is software); values of 2⁵² and
    // more, infinities and NaN are returned as they are (they are integral or have no floor).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static KernelF64 Floor(KernelF64 a)
    {
        KernelF64 r;
        if (!(Math.Abs(a.V) < 4503599627370496.0)) { r.V = a.V; return r; }
        double t = (long)a.V;
        r.V = t > a.V ? t - 1.0 : t;
        return r;
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 Less(KernelF64 a, KernelF64 b) { KernelF64 r; r.V = a.V < b.V ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 LessEqual(KernelF64 a, KernelF64 b) { KernelF64 r; r.V = a.V <= b.V ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 Equal(KernelF64 a, KernelF64 b) { KernelF64 r; r.V = a.V == b.V ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 IsFinite(KernelF64 a) { KernelF64 r; r.V = a.V - a.V == 0.0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 And(KernelF64 m1, KernelF64 m2) { KernelF64 r; r.V = m1.V != 0 && m2.V != 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 Or(KernelF64 m1, KernelF64 m2) { KernelF64 r; r.V = m1.V != 0 || m2.V != 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 AndNot(KernelF64 m1, KernelF64 m2) { KernelF64 r; r.V = m1.V != 0 && m2.V == 0 ? 1 : 0; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static KernelF64 Select(KernelF64 mask, KernelF64 a, KernelF64 b) => mask.V != 0 ? a : b;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(KernelF64 mask) => mask.V != 0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(KernelF64 mask) => mask.V != 0;
    /// <inheritdoc/>
    public static double GetLane(KernelF64 value, int lane) => value.V;
    /// <inheritdoc/>
    public static KernelF64 WithLane(KernelF64 value, int lane, double x) { KernelF64 r; r.V = x; return r; }
    /// <inheritdoc/>
    public override readonly string ToString() => V.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    /// <inheritdoc/>
    public static KernelF64 FromLanes(ReadOnlySpan<double> lanes) => WithLane(default, 0, lanes[0]);
    /// <inheritdoc/>
    public static void ToLanes(KernelF64 value, Span<double> lanes) => lanes[0] = GetLane(value, 0);
}
