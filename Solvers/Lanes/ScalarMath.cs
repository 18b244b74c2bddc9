using System.Runtime.CompilerServices;

namespace Diffrax.Solvers.Lanes;

/// <summary>a·b + c, as a lane type forms it (<see cref="ScalarMath.PowApprox{TM}"/>).</summary>
internal interface IMulAdd
{
    /// <summary>a·b + c.</summary>
    static abstract double MulAdd(double a, double b, double c);
}

/// <summary>One rounding: <see cref="Math.FusedMultiplyAdd"/> (host lanes).</summary>
internal struct FusedMulAdd : IMulAdd
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MulAdd(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);
}

/// <summary>A product and a sum (GPU kernels: ILGPU has no fused multiply-add, and ptxas fuses the pair).</summary>
internal struct PlainMulAdd : IMulAdd
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MulAdd(double a, double b, double c) => a * b + c;
}

/// <summary>Scalar helpers shared by the lane types.</summary>
internal static class ScalarMath
{
    internal const double Ln2 = 0.69314718055994530942;

    // log2(1 + f) ≈ f·Σ Lᵢ fⁱ on [0, 1) (degree 7, interpolated at Chebyshev nodes: |error| < 1.7e-7) and
    // 2^r ≈ 1 + r·Σ Eᵢ rⁱ on [−½, ½] (degree 5: relative error < 6e-9), both by Estrin's scheme (see PowApprox).
    internal const double L0 = 1.4426947245903452, L1 = -0.7213067574280293, L2 = 0.4800124607955453, L3 = -0.3530963533423989,
        L4 = 0.25517634921613214, L5 = -0.15415200643385105, L6 = 0.06274843357152622, L7 = -0.012077020269166868;
    internal const double E0 = 0.6931471880262285, E1 = 0.24022650760567846, E2 = 0.05550357114219147, E3 = 0.009618082557302569,
        E4 = 0.001339086336462805, E5 = 0.00015453162939509034;

    /// <summary>
    /// Cheap a^p for a &gt; 0 (relative error below 2.5e-7·max(1, |p|), measured), with a short dependency chain
    /// (it sits on the adaptive loop's step → error → step-size chain, measured as the largest single cost there): a =
    /// 2ᵉ(1 + f) from the bits, x = p·(e + log2(1 + f)), 2ˣ = 2ⁿ·2ʳ with n = round(x), both polynomials by Estrin's
    /// scheme and no division. The operations are those of <see cref="VectorMath.PowApprox(System.Runtime.Intrinsics.Vector512{double}, double)"/> in the same order, so
    /// scalar and SIMD backends produce bit-identical step sizes.
    /// </summary>
    /// <remarks>
    /// Coefficients: interpolation of log2(1 + f)/f at the 8 Chebyshev nodes of [0, 1] and of (2^r − 1)/r at the 6 of
    /// [−½, ½] (maximum errors checked on 2·10⁵ points).
    /// </remarks>
    public static double PowApprox(double a, double p)
    {
        if (!(a > 1e-300) || double.IsPositiveInfinity(a)) return Math.Pow(a, p);
        return PowApprox<FusedMulAdd>(a, p);
    }

    /// <summary>
    /// The body of <see cref="PowApprox(double, double)"/> for a in (1e-300, ∞), its products and sums formed by
    /// <typeparamref name="TM"/>: fused on the host (the SIMD form's bits), plain in GPU kernels (ILGPU has no fused
    /// multiply-add; ptxas fuses the pairs). The nearest integer comes from adding 1.5·2⁵² (round-half-even, exact for
    /// |x| ≤ 1023, as the SIMD form) and nothing calls a Math function ILGPU implements in software.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double PowApprox<TM>(double a, double p) where TM : struct, IMulAdd
    {
        // The signed shift: ILGPU maps it (the mask makes it the unsigned one).
        long bits = BitConverter.DoubleToInt64Bits(a);
        double e = (double)(((bits >> 52) & 0x7FF) - 1023);
        double f = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L) - 1.0;
        double f2 = f * f, f4 = f2 * f2;
        double lo = TM.MulAdd(TM.MulAdd(L3, f, L2), f2, TM.MulAdd(L1, f, L0));
        double hi = TM.MulAdd(TM.MulAdd(L7, f, L6), f2, TM.MulAdd(L5, f, L4));
        double x = TM.MulAdd(f, TM.MulAdd(hi, f4, lo), e) * p;
        // |e + log2(1 + f)| < 1025, so for |p| < 0.99 the clamp changes nothing (see VectorMath.PowApprox).
        if (!(Math.Abs(p) < 0.99)) x = Math.Min(Math.Max(x, -1022.0), 1023.0);
        double big = x + 6755399441055744.0, n = big - 6755399441055744.0;
        double r = x - n, r2 = r * r, r4 = r2 * r2;
        double q = TM.MulAdd(TM.MulAdd(E5, r, E4), r4, TM.MulAdd(TM.MulAdd(E3, r, E2), r2, TM.MulAdd(E1, r, E0)));
        // The low bits of big are n itself: 2ⁿ's bits by an integer add and a shift.
        return TM.MulAdd(r, q, 1.0) * BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(big) + 1023) << 52);
    }
}
