namespace Diffrax.Solvers.Lanes;

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
        long bits = BitConverter.DoubleToInt64Bits(a);
        double e = (double)(((bits >>> 52) & 0x7FF) - 1023);
        double f = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L) - 1.0;
        double f2 = f * f, f4 = f2 * f2;
        double lo = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(L3, f, L2), f2, Math.FusedMultiplyAdd(L1, f, L0));
        double hi = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(L7, f, L6), f2, Math.FusedMultiplyAdd(L5, f, L4));
        double x = Math.FusedMultiplyAdd(f, Math.FusedMultiplyAdd(hi, f4, lo), e) * p;
        x = Math.Min(Math.Max(x, -1022.0), 1023.0);
        double n = Math.Round(x);
        double r = x - n, r2 = r * r, r4 = r2 * r2;
        double q = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(E5, r, E4), r4,
            Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(E3, r, E2), r2, Math.FusedMultiplyAdd(E1, r, E0)));
        return Math.FusedMultiplyAdd(r, q, 1.0) * BitConverter.Int64BitsToDouble(((long)n + 1023) << 52);
    }
}
