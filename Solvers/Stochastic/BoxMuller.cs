using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static Diffrax.Solvers.Lanes.VectorMath;

namespace Diffrax.Solvers.Stochastic;

/// <summary>
/// The two elementary functions of the Box–Muller transform on 32-bit uniforms, for 8 slots at once, branch-free and
/// inlined (the general <c>Vector512.Log</c>/<c>SinCos</c> handle every input and are calls): ln u for u in (0, 1],
/// and sin/cos of 2πx for x in [0, 1] ("turns": the reduction to ±π/4 is exact). Both are truncated Taylor series,
/// evaluated by Estrin's scheme for a short dependency chain, whose remainder is below 10⁻¹⁶ relative; the results
/// are within a few ulp of the correctly rounded values (tested) and the same on every lane width (the scalar F64
/// path uses slot 0). The scalar forms below are the same series for one value, kernel-safe (no vector instructions,
/// and multiply-add written as two operations, which ptxas contracts into one on the GPU): the GPU's normals.
/// </summary>
internal static class BoxMuller
{
    private const double Sqrt2 = 1.41421356237309504880168872421;
    private const double TwoPi = 6.283185307179586476925286766559;

    /// <summary>ln u for normal u in (0, 1]: u = 2ᵉ·m with m in [√½, √2), ln m = 2 atanh s, s = (m − 1)/(m + 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LogUnit(Vector512<double> u)
    {
        Vector512<ulong> bits = u.AsUInt64();
        Vector512<double> m = ((bits & Vector512.Create(0x000F_FFFF_FFFF_FFFFUL)) | Vector512.Create(0x3FF0_0000_0000_0000UL)).AsDouble();
        Vector512<double> e = Vector512.ConvertToDouble((bits >>> 52).AsInt64()) - Vector512.Create(1023.0);
        Vector512<double> big = Vector512.GreaterThanOrEqual(m, Vector512.Create(Sqrt2));
        m = Vector512.ConditionalSelect(big, m * Vector512.Create(0.5), m);
        e = Vector512.ConditionalSelect(big, e + Vector512<double>.One, e);
        Vector512<double> s = (m - Vector512<double>.One) / (m + Vector512<double>.One);
        // |s| ≤ 0.1716, s² ≤ 0.0295: 2 atanh s = 2s Σₖ s²ᵏ/(2k + 1), k ≤ 10 (remainder < 10⁻¹⁸ relative); the
        // polynomial in x = s² by Estrin's scheme (depth 4 instead of Horner's 9: the normals' chain is their latency).
        Vector512<double> x = s * s, x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
        Vector512<double> q01 = Fma(C(1.0 / 5), x, C(1.0 / 3)), q23 = Fma(C(1.0 / 9), x, C(1.0 / 7));
        Vector512<double> q45 = Fma(C(1.0 / 13), x, C(1.0 / 11)), q67 = Fma(C(1.0 / 17), x, C(1.0 / 15));
        Vector512<double> q89 = Fma(C(1.0 / 21), x, C(1.0 / 19));
        Vector512<double> p = Fma(q89, x8, Fma(Fma(q67, x2, q45), x4, Fma(q23, x2, q01)));
        Vector512<double> twoS = s + s;
        Vector512<double> lnM = Vector512.FusedMultiplyAdd(twoS * x, p, twoS);
        return Vector512.FusedMultiplyAdd(e, Vector512.Create(Lanes.ScalarMath.Ln2), lnM);
    }

    /// <summary>sin 2πx and cos 2πx for x in [0, 1]: x = q/4 + r exactly with |r| ≤ 1/8, then series in θ = 2πr.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCosTurns(Vector512<double> x, out Vector512<double> sin, out Vector512<double> cos)
    {
        // ⌊4x + ½⌋, as the scalar form (see there).
        Vector512<double> q = Vector512.Floor(x * Vector512.Create(4.0) + Vector512.Create(0.5));
        Vector512<double> t = Vector512.FusedMultiplyAdd(q, Vector512.Create(-0.25), x) * Vector512.Create(TwoPi);
        Vector512<double> t2 = t * t;
        // |θ| ≤ π/4: sine through θ¹⁷/17!, cosine through θ¹⁸/18! (remainders < 10⁻¹⁸), both polynomials in t² by
        // Estrin's scheme.
        Vector512<double> t4 = t2 * t2, t8 = t4 * t4;
        Vector512<double> ps = Fma(Fma(Fma(C(1.0 / 355687428096000), t2, C(-1.0 / 1307674368000)), t4,
                Fma(C(1.0 / 6227020800), t2, C(-1.0 / 39916800))), t8,
            Fma(Fma(C(1.0 / 362880), t2, C(-1.0 / 5040)), t4, Fma(C(1.0 / 120), t2, C(-1.0 / 6))));
        Vector512<double> st = Vector512.FusedMultiplyAdd(t * t2, ps, t);
        Vector512<double> pc = Fma(Fma(Fma(C(-1.0 / 6402373705728000), t2, C(1.0 / 20922789888000)), t4,
                Fma(C(-1.0 / 87178291200), t2, C(1.0 / 479001600))), t8,
            Fma(Fma(C(-1.0 / 3628800), t2, C(1.0 / 40320)), t4, Fma(C(-1.0 / 720), t2, C(1.0 / 24))));
        pc = Fma(pc, t2, C(-0.5));
        Vector512<double> ct = Vector512.FusedMultiplyAdd(t2, pc, Vector512<double>.One);
        // Quadrant q mod 4: (sin, cos) = (s, c), (c, −s), (−s, −c), (−c, s).
        Vector512<long> k = Vector512.ConvertToInt64(q) & Vector512.Create(3L);
        Vector512<double> swap = Vector512.Equals(k & Vector512<long>.One, Vector512<long>.One).AsDouble();
        Vector512<double> sign = Vector512.Create(-0.0);
        Vector512<double> sinSign = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(k, Vector512.Create(2L)).AsDouble(), sign, Vector512<double>.Zero);
        Vector512<double> cosSign = Vector512.ConditionalSelect(Vector512.Equals((k + Vector512<long>.One) & Vector512.Create(2L), Vector512.Create(2L)).AsDouble(), sign, Vector512<double>.Zero);
        sin = Vector512.ConditionalSelect(swap, ct, st) ^ sinSign;
        cos = Vector512.ConditionalSelect(swap, st, ct) ^ cosSign;
    }

    /// <summary>Scalar <see cref="LogUnit(Vector512{double})"/>: the same reduction and series for one u in (0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogUnit(double u)
    {
        // The signed bit conversions: ILGPU maps these (not the unsigned ones) into kernels.
        long bits = BitConverter.DoubleToInt64Bits(u);
        double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        double e = (bits >> 52) - 1023.0;
        // Selects, not a branch (threads of a GPU warp would diverge on it).
        bool big = m >= Sqrt2;
        m = big ? m * 0.5 : m;
        e = big ? e + 1.0 : e;
        double s = (m - 1.0) / (m + 1.0);
        double x = s * s, x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
        double q01 = 1.0 / 5 * x + 1.0 / 3, q23 = 1.0 / 9 * x + 1.0 / 7;
        double q45 = 1.0 / 13 * x + 1.0 / 11, q67 = 1.0 / 17 * x + 1.0 / 15;
        double q89 = 1.0 / 21 * x + 1.0 / 19;
        double p = q89 * x8 + ((q67 * x2 + q45) * x4 + (q23 * x2 + q01));
        double twoS = s + s;
        double lnM = twoS * x * p + twoS;
        return e * Lanes.ScalarMath.Ln2 + lnM;
    }

    /// <summary>Scalar <see cref="SinCosTurns(Vector512{double}, out Vector512{double}, out Vector512{double})"/> for one x in [0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCosTurns(double x, out double sin, out double cos)
    {
        // q = ⌊4x + ½⌋ (x ≥ 0: the conversion truncates), the nearest quadrant. Not Math.Round or Math.Floor: ILGPU
        // compiles both to branchy software rounding in GPU kernels, where the conversion is one instruction. It differs
        // from round-half-even only for 4x within an ulp of a half-integer, which the uniforms (r + ½)·2⁻³² never come
        // near (4x is then an odd multiple of 2⁻³¹).
        double q = (long)(x * 4.0 + 0.5);
        double t = (q * -0.25 + x) * TwoPi;
        double t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
        double ps = ((1.0 / 355687428096000 * t2 + -1.0 / 1307674368000) * t4 + (1.0 / 6227020800 * t2 + -1.0 / 39916800)) * t8
            + ((1.0 / 362880 * t2 + -1.0 / 5040) * t4 + (1.0 / 120 * t2 + -1.0 / 6));
        double st = t * t2 * ps + t;
        double pc = ((-1.0 / 6402373705728000 * t2 + 1.0 / 20922789888000) * t4 + (-1.0 / 87178291200 * t2 + 1.0 / 479001600)) * t8
            + ((-1.0 / 3628800 * t2 + 1.0 / 40320) * t4 + (-1.0 / 720 * t2 + 1.0 / 24));
        pc = pc * t2 - 0.5;
        double ct = t2 * pc + 1.0;
        // Quadrant q mod 4: (sin, cos) = (s, c), (c, −s), (−s, −c), (−c, s).
        long k = (long)q & 3;
        double sn = (k & 1) == 1 ? ct : st, cs = (k & 1) == 1 ? st : ct;
        sin = k >= 2 ? -sn : sn;
        cos = ((k + 1) & 2) == 2 ? -cs : cs;
    }
}
