namespace Diffrax.Solvers.Lanes;

/// <summary>Scalar helpers shared by the lane types.</summary>
internal static class ScalarMath
{
    internal const double Ln2 = 0.69314718055994530942;
    internal const double InvLn2 = 1.4426950408889634074;

    /// <summary>
    /// Cheap a^p for a &gt; 0: split a into exponent and mantissa m in [√½, √2), take ln m from the atanh
    /// series 2s(1 + s²/3 + s⁴/5 + s⁶/7) with s = (m−1)/(m+1) (|s| ≤ 0.172, truncation below 1e-7), then 2^x
    /// from the exponent bits and a degree-6 Taylor series of e^(f ln 2) for |f| ≤ ½ (below 2e-7).
    /// The operations are those of <see cref="VectorMath.PowApprox"/> in the same order, so scalar and SIMD
    /// backends produce bit-identical step sizes.
    /// </summary>
    public static double PowApprox(double a, double p)
    {
        if (!(a > 1e-300) || double.IsPositiveInfinity(a)) return Math.Pow(a, p);
        long bits = BitConverter.DoubleToInt64Bits(a);
        long e = ((bits >>> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (m > 1.4142135623730951) { m *= 0.5; e += 1; }
        double s = (m - 1.0) / (m + 1.0);
        double s2 = s * s;
        double poly = Math.FusedMultiplyAdd(s2, Math.FusedMultiplyAdd(s2, Math.FusedMultiplyAdd(s2, 1.0 / 7, 1.0 / 5), 1.0 / 3), 1.0);
        double lnm = 2.0 * s * poly;
        double x = ((double)e + lnm * InvLn2) * p;
        x = Math.Min(Math.Max(x, -1022.0), 1023.0);
        double n = Math.Round(x);
        double u = (x - n) * Ln2;
        double q = 1.0 / 720;
        q = Math.FusedMultiplyAdd(q, u, 1.0 / 120);
        q = Math.FusedMultiplyAdd(q, u, 1.0 / 24);
        q = Math.FusedMultiplyAdd(q, u, 1.0 / 6);
        q = Math.FusedMultiplyAdd(q, u, 0.5);
        q = Math.FusedMultiplyAdd(q, u, 1.0);
        q = Math.FusedMultiplyAdd(q, u, 1.0);
        return q * BitConverter.Int64BitsToDouble(((long)n + 1023) << 52);
    }
}
