using System.Runtime.CompilerServices;

namespace Diffrax.Solvers.Lanes;

/// <summary>
/// A forward-mode dual number v + d·ε (ε² = 0): running generic solver code on it gives a value and its exact
/// derivative along one direction. Used for the derivative of dense output; host side. Masks follow
/// <see cref="F64"/> (1/0 in <see cref="V"/>).
/// </summary>
public struct Dual : IScalar<Dual>
{
    /// <summary>Value.</summary>
    public double V;
    /// <summary>Derivative.</summary>
    public double D;

    /// <summary>Makes v + d·ε.</summary>
    public Dual(double v, double d) { V = v; D = d; }

    /// <inheritdoc/>
    public static int Width => 1;
    /// <inheritdoc/>
    public static Dual Zero => default;
    /// <inheritdoc/>
    public static Dual One => new(1, 0);
    /// <inheritdoc/>
    public static Dual True => new(1, 0);
    /// <inheritdoc/>
    public static Dual From(double value) => new(value, 0);
    /// <inheritdoc/>
    public static Dual operator +(Dual a, Dual b) => new(a.V + b.V, a.D + b.D);
    /// <inheritdoc/>
    public static Dual operator -(Dual a, Dual b) => new(a.V - b.V, a.D - b.D);
    /// <inheritdoc/>
    public static Dual operator *(Dual a, Dual b) => new(a.V * b.V, a.D * b.V + a.V * b.D);
    /// <inheritdoc/>
    public static Dual operator /(Dual a, Dual b) => new(a.V / b.V, (a.D * b.V - a.V * b.D) / (b.V * b.V));
    /// <inheritdoc/>
    public static Dual operator -(Dual a) => new(-a.V, -a.D);
    /// <inheritdoc/>
    public static Dual Fma(Dual a, Dual b, Dual c) => new(Math.FusedMultiplyAdd(a.V, b.V, c.V), a.D * b.V + a.V * b.D + c.D);
    /// <inheritdoc/>
    public static Dual Fms(Dual a, Dual b, Dual c) => new(Math.FusedMultiplyAdd(a.V, b.V, -c.V), a.D * b.V + a.V * b.D - c.D);
    /// <inheritdoc/>
    public static Dual Abs(Dual a) => a.V < 0 ? -a : a;
    /// <inheritdoc/>
    public static Dual Max(Dual a, Dual b) => a.V > b.V ? a : b;
    /// <inheritdoc/>
    public static Dual Min(Dual a, Dual b) => a.V < b.V ? a : b;
    /// <inheritdoc/>
    public static Dual Sqrt(Dual a) { double s = Math.Sqrt(a.V); return new(s, a.D / (2 * s)); }
    /// <inheritdoc/>
    public static Dual Exp(Dual a) { double e = Math.Exp(a.V); return new(e, a.D * e); }
    /// <inheritdoc/>
    public static Dual Log(Dual a) => new(Math.Log(a.V), a.D / a.V);
    /// <inheritdoc/>
    public static Dual Sin(Dual a) => new(Math.Sin(a.V), a.D * Math.Cos(a.V));
    /// <inheritdoc/>
    public static Dual Cos(Dual a) => new(Math.Cos(a.V), -a.D * Math.Sin(a.V));
    /// <inheritdoc/>
    public static Dual Tan(Dual a) { double c = Math.Cos(a.V); return new(Math.Tan(a.V), a.D / (c * c)); }
    /// <inheritdoc/>
    public static Dual Tanh(Dual a) { double t = Math.Tanh(a.V); return new(t, a.D * (1 - t * t)); }
    /// <inheritdoc/>
    public static Dual Pow(Dual a, Dual b)
    {
        double p = Math.Pow(a.V, b.V);
        double d = a.D * b.V * Math.Pow(a.V, b.V - 1) + (b.D != 0 ? b.D * p * Math.Log(a.V) : 0);
        return new(p, d);
    }
    /// <inheritdoc/>
    public static Dual PowApprox(Dual a, double p) => Pow(a, From(p));
    /// <inheritdoc/>
    public static Dual Floor(Dual a) => new(Math.Floor(a.V), 0);
    /// <inheritdoc/>
    public static Dual Less(Dual a, Dual b) => From(a.V < b.V ? 1 : 0);
    /// <inheritdoc/>
    public static Dual LessEqual(Dual a, Dual b) => From(a.V <= b.V ? 1 : 0);
    /// <inheritdoc/>
    public static Dual Equal(Dual a, Dual b) => From(a.V == b.V ? 1 : 0);
    /// <inheritdoc/>
    public static Dual IsFinite(Dual a) => From(double.IsFinite(a.V) && double.IsFinite(a.D) ? 1 : 0);
    /// <inheritdoc/>
    public static Dual And(Dual m1, Dual m2) => From(m1.V != 0 && m2.V != 0 ? 1 : 0);
    /// <inheritdoc/>
    public static Dual Or(Dual m1, Dual m2) => From(m1.V != 0 || m2.V != 0 ? 1 : 0);
    /// <inheritdoc/>
    public static Dual AndNot(Dual m1, Dual m2) => From(m1.V != 0 && m2.V == 0 ? 1 : 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Dual Select(Dual mask, Dual a, Dual b) => mask.V != 0 ? a : b;
    /// <inheritdoc/>
    public static bool Any(Dual mask) => mask.V != 0;
    /// <inheritdoc/>
    public static bool All(Dual mask) => mask.V != 0;
    /// <inheritdoc/>
    public static double GetLane(Dual value, int lane) => value.V;
    /// <inheritdoc/>
    public static Dual WithLane(Dual value, int lane, double x) => new(x, 0);
    /// <inheritdoc/>
    public static Dual FromLanes(ReadOnlySpan<double> lanes) => WithLane(default, 0, lanes[0]);
    /// <inheritdoc/>
    public static void ToLanes(Dual value, Span<double> lanes) => lanes[0] = GetLane(value, 0);
}
