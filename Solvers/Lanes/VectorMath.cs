using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Diffrax.Solvers.Lanes;

/// <summary>Branch-free SIMD versions of <see cref="ScalarMath"/> (same formulas, same accuracy).</summary>
internal static class VectorMath
{
    /// <summary>a^p for a in (1e-300, ∞) per slot; see <see cref="ScalarMath.PowApprox"/>. Other inputs give garbage
    /// that the callers mask (a controller clamps its factor, and non-finite errors are handled before).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> PowApprox(Vector512<double> a, double p) => PowApprox(a, p, 1.0);

    /// <summary>
    /// c·a^p with the bits of c·<see cref="PowApprox(Vector512{double}, double)"/>: c multiplies the power of two 2ⁿ
    /// (exact), in parallel with the polynomial, instead of the result at the end of the chain.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> PowApprox(Vector512<double> a, double p, double c)
    {
        Vector512<long> bits = a.AsInt64();
        Vector512<double> e = Vector512.ConvertToDouble(((bits >>> 52) & Vector512.Create(0x7FFL)) - Vector512.Create(1023L));
        Vector512<double> f = ((bits & Vector512.Create(0x000FFFFFFFFFFFFFL)) | Vector512.Create(0x3FF0000000000000L)).AsDouble() - Vector512<double>.One;
        Vector512<double> f2 = f * f, f4 = f2 * f2;
        Vector512<double> lo = Fma(Fma(C(ScalarMath.L3), f, C(ScalarMath.L2)), f2, Fma(C(ScalarMath.L1), f, C(ScalarMath.L0)));
        Vector512<double> hi = Fma(Fma(C(ScalarMath.L7), f, C(ScalarMath.L6)), f2, Fma(C(ScalarMath.L5), f, C(ScalarMath.L4)));
        Vector512<double> x = Fma(f, Fma(hi, f4, lo), e) * Vector512.Create(p);
        // |e + log2(1 + f)| < 1025 for every input, so for |p| < 0.99 (a step-size controller's exponents) x is inside
        // [−1022, 1023] already and the clamp — two operations on the adaptive loop's critical chain — changes nothing.
        if (!(Math.Abs(p) < 0.99)) x = Vector512.Min(Vector512.Max(x, Vector512.Create(-1022.0)), Vector512.Create(1023.0));
        // Round to nearest even by adding and subtracting 1.5·2⁵²; the low bits of the sum are then n itself, so
        // 2ⁿ's bits come from an integer add and a shift (no saturating double→long conversion).
        Vector512<double> magic = Vector512.Create(6755399441055744.0);
        Vector512<double> big = x + magic;
        Vector512<double> n = big - magic;
        Vector512<double> r = x - n, r2 = r * r, r4 = r2 * r2;
        Vector512<double> q = Fma(Fma(C(ScalarMath.E5), r, C(ScalarMath.E4)), r4,
            Fma(Fma(C(ScalarMath.E3), r, C(ScalarMath.E2)), r2, Fma(C(ScalarMath.E1), r, C(ScalarMath.E0))));
        Vector512<long> scale = (big.AsInt64() + Vector512.Create(1023L)) << 52;
        Vector512<double> s = c == 1.0 ? scale.AsDouble() : scale.AsDouble() * Vector512.Create(c);
        return Fma(r, q, Vector512<double>.One) * s;
    }

    /// <summary>
    /// a·b − c, fused: AVX-512's vfmsub where the CPU has it (one instruction; the JIT does not fold the negation of
    /// FusedMultiplyAdd(a, b, −c)), else that FusedMultiplyAdd (the same value: negation is exact). The branch is
    /// a statement, not a conditional expression: the JIT drops it at compile time, where a conditional expression's
    /// result went through the stack (measured on the RK4 run loop).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Fms(Vector512<double> a, Vector512<double> b, Vector512<double> c)
    {
        if (Avx512F.IsSupported) return Avx512F.FusedMultiplySubtract(a, b, c);
        return Vector512.FusedMultiplyAdd(a, b, -c);
    }

    /// <inheritdoc cref="Fms(Vector512{double}, Vector512{double}, Vector512{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fms(Vector512<float> a, Vector512<float> b, Vector512<float> c)
    {
        if (Avx512F.IsSupported) return Avx512F.FusedMultiplySubtract(a, b, c);
        return Vector512.FusedMultiplyAdd(a, b, -c);
    }

    /// <summary>a·b + c, fused (short name for the polynomial kernels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> Fma(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);

    /// <summary>A constant in every slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> C(double v) => Vector512.Create(v);
}
