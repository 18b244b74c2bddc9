using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Diffrax.Solvers.Lanes;

/// <summary>Branch-free SIMD versions of <see cref="ScalarMath"/> (same formulas, same accuracy).</summary>
internal static class VectorMath
{
    /// <summary>a^p for a in (1e-300, ∞) per slot; see <see cref="ScalarMath.PowApprox"/>. Other inputs give garbage
    /// that the callers mask (a controller clamps its factor, and non-finite errors are handled before).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> PowApprox(Vector512<double> a, double p)
    {
        Vector512<long> bits = a.AsInt64();
        Vector512<long> e = ((bits >>> 52) & Vector512.Create(0x7FFL)) - Vector512.Create(1023L);
        Vector512<double> m = ((bits & Vector512.Create(0x000FFFFFFFFFFFFFL)) | Vector512.Create(0x3FF0000000000000L)).AsDouble();
        Vector512<double> big = Vector512.GreaterThan(m, Vector512.Create(1.4142135623730951));
        m = Vector512.ConditionalSelect(big, m * Vector512.Create(0.5), m);
        e += big.AsInt64() & Vector512.Create(1L);
        Vector512<double> one = Vector512<double>.One;
        Vector512<double> s = (m - one) / (m + one);
        Vector512<double> s2 = s * s;
        Vector512<double> poly = Vector512.FusedMultiplyAdd(s2, Vector512.FusedMultiplyAdd(s2, Vector512.FusedMultiplyAdd(s2, Vector512.Create(1.0 / 7), Vector512.Create(1.0 / 5)), Vector512.Create(1.0 / 3)), one);
        Vector512<double> lnm = Vector512.Create(2.0) * s * poly;
        Vector512<double> x = (Vector512.ConvertToDouble(e) + lnm * Vector512.Create(ScalarMath.InvLn2)) * Vector512.Create(p);
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-1022.0)), Vector512.Create(1023.0));
        // Round to nearest even by adding and subtracting 1.5·2⁵²; the low bits of the sum are then n itself, so
        // 2ⁿ's bits come from an integer add and a shift (no saturating double→long conversion).
        Vector512<double> magic = Vector512.Create(6755399441055744.0);
        Vector512<double> big2 = x + magic;
        Vector512<double> n = big2 - magic;
        Vector512<double> u = (x - n) * Vector512.Create(ScalarMath.Ln2);
        Vector512<double> q = Vector512.Create(1.0 / 720);
        q = Vector512.FusedMultiplyAdd(q, u, Vector512.Create(1.0 / 120));
        q = Vector512.FusedMultiplyAdd(q, u, Vector512.Create(1.0 / 24));
        q = Vector512.FusedMultiplyAdd(q, u, Vector512.Create(1.0 / 6));
        q = Vector512.FusedMultiplyAdd(q, u, Vector512.Create(0.5));
        q = Vector512.FusedMultiplyAdd(q, u, one);
        q = Vector512.FusedMultiplyAdd(q, u, one);
        Vector512<long> scale = (big2.AsInt64() + Vector512.Create(1023L)) << 52;
        return q * scale.AsDouble();
    }
}
