using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Tests;

/// <summary>
/// y' = A y with a fixed non-normal 4×4 matrix (complex eigenvalues, A Aᵀ ≠ Aᵀ A); exact solution exp(A t) y0.
/// </summary>
public struct LinearField : IVectorField<F64, Vec4<F64>>
{
    public static readonly double[,] A =
    {
        { -0.6, 1.2, 0.0, 0.4 },
        { -0.9, -0.5, 0.8, 0.0 },
        { 0.0, 0.3, -0.2, 1.0 },
        { 0.5, 0.0, -1.1, -0.7 },
    };

    public static readonly double[] Y0 = [1.0, 0.5, -0.3, 0.8];

    public static Vec4<F64> Y0State => new(Y0[0], Y0[1], Y0[2], Y0[3]);

    public readonly Vec4<F64> Vf(F64 t, in Vec4<F64> y)
    {
        double[] v = [y.X.V, y.Y.V, y.Z.V, y.W.V];
        double[] r = Apply(v);
        return new Vec4<F64>(r[0], r[1], r[2], r[3]);
    }

    public static double[] Apply(double[] v)
    {
        var r = new double[4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) r[i] += A[i, j] * v[j];
        return r;
    }

    /// <summary>exp(A t) y0 by its Taylor series (‖A t‖ ≤ ~3, so 60 terms reach double precision; the largest
    /// term is O(1), so round-off stays near 1e-15).</summary>
    public static double[] Exact(double t)
    {
        var sum = (double[])Y0.Clone();
        var term = (double[])Y0.Clone();
        for (int k = 1; k <= 60; k++)
        {
            term = Apply(term);
            for (int i = 0; i < 4; i++) { term[i] *= t / k; sum[i] += term[i]; }
        }
        return sum;
    }

    /// <summary>d/dt exp(A t) y0 = A exp(A t) y0.</summary>
    public static double[] ExactDerivative(double t) => Apply(Exact(t));
}

/// <summary>Helpers shared by the test classes.</summary>
public static class Num
{
    public static double[] ToArray<TY>(in TY y) where TY : struct, IState<TY, F64>
    {
        var r = new double[TY.Dim];
        for (int i = 0; i < TY.Dim; i++) r[i] = TY.Get(y, i).V;
        return r;
    }

    public static double MaxDiff(double[] a, double[] b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    public static double MaxDiff<TY>(in TY y, double[] b) where TY : struct, IState<TY, F64> => MaxDiff(ToArray(y), b);

    /// <summary>Least-squares slope of log(err) against log(h).</summary>
    public static double LogLogSlope(double[] h, double[] err)
    {
        int n = h.Length;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++)
        {
            double x = Math.Log(h[i]), y = Math.Log(err[i]);
            sx += x; sy += y; sxx += x * x; sxy += x * y;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    public static string Show(double[] h, double[] err)
        => string.Join(", ", h.Select((x, i) => $"h={x:G4}: {err[i]:E3}"));
}
