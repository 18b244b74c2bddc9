using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;
using Xunit;

namespace Diffrax.Solvers.Tests;

/// <summary>
/// Every lane type against <see cref="Math"/> slot by slot (System.Numerics.Tensors style: one generic check,
/// instantiated per type), masks, the controller's PowApprox, and the state types built on them.
/// </summary>
public class LaneTests
{
    private static readonly double[] Signed = [-2.75, -1.3, -0.61, -0.05, 1e-9, 0.0, 0.2, 0.77, 1.0, 1.9, 2.5, -1e-7, 3.0, -3.0, 0.333, 1.25];
    private static readonly double[] Positive = [1e-8, 0.01, 0.2, 0.5, 0.9, 1.0, 1.7, 2.0, 3.3, 10.0, 55.5, 1e3, 1e6, 7e-4, 0.0625, 42.0];

    private static T Load<T>(double[] values, int offset) where T : struct, IScalar<T>
    {
        T r = T.Zero;
        for (int i = 0; i < T.Width; i++) r = T.WithLane(r, i, values[(i + offset) % values.Length]);
        return r;
    }

    private static double Rounded<T>(double x) where T : struct, IScalar<T> => T.GetLane(T.From(x), 0);

    /// <summary>|actual − expected| ≤ tol · max(1, |expected|) in every slot.</summary>
    private static void Unary<T>(string name, Func<T, T> op, Func<double, double> reference, double[] inputs, double tol) where T : struct, IScalar<T>
    {
        for (int offset = 0; offset < inputs.Length; offset += T.Width)
        {
            T x = Load<T>(inputs, offset);
            T r = op(x);
            for (int i = 0; i < T.Width; i++)
            {
                double xi = T.GetLane(x, i), expected = reference(xi), actual = T.GetLane(r, i);
                Assert.True(Math.Abs(actual - expected) <= tol * Math.Max(1, Math.Abs(expected)),
                    $"{typeof(T).Name}.{name}({xi:R}) slot {i} = {actual:R}, expected {expected:R}");
            }
        }
    }

    private static void Binary<T>(string name, Func<T, T, T> op, Func<double, double, double> reference, double[] a, double[] b, double tol)
        where T : struct, IScalar<T>
    {
        for (int offset = 0; offset < a.Length; offset += T.Width)
        {
            T x = Load<T>(a, offset), y = Load<T>(b, offset + 3);
            T r = op(x, y);
            for (int i = 0; i < T.Width; i++)
            {
                double xi = T.GetLane(x, i), yi = T.GetLane(y, i), expected = reference(xi, yi), actual = T.GetLane(r, i);
                Assert.True(Math.Abs(actual - expected) <= tol * Math.Max(1, Math.Abs(expected)),
                    $"{typeof(T).Name}.{name}({xi:R}, {yi:R}) slot {i} = {actual:R}, expected {expected:R}");
            }
        }
    }

    private static void ChecksAgainstMath<T>(double tol) where T : struct, IScalar<T>
    {
        Binary<T>("+", (a, b) => a + b, (a, b) => a + b, Signed, Positive, tol);
        Binary<T>("-", (a, b) => a - b, (a, b) => a - b, Signed, Positive, tol);
        Binary<T>("*", (a, b) => a * b, (a, b) => a * b, Signed, Positive, tol);
        Binary<T>("/", (a, b) => a / b, (a, b) => a / b, Signed, Positive, tol);
        Binary<T>("Max", T.Max, Math.Max, Signed, Signed, 0);
        Binary<T>("Min", T.Min, Math.Min, Signed, Signed, 0);
        Binary<T>("Fma", (a, b) => T.Fma(a, b, T.From(0.5)), (a, b) => a * b + Rounded<T>(0.5), Signed, Signed, tol);
        Binary<T>("Fms", (a, b) => T.Fms(a, b, T.From(0.5)), (a, b) => a * b - Rounded<T>(0.5), Signed, Signed, tol);
        // Fms is Fma with the addend negated (negation is exact), bit for bit, in every slot.
        for (int off = 0; off < Signed.Length; off++)
        {
            T a = Load<T>(Signed, off), b = Load<T>(Positive, off + 3), c = Load<T>(Signed, off + 7);
            T fms = T.Fms(a, b, c), fma = T.Fma(a, b, -c);
            for (int i = 0; i < T.Width; i++) Assert.Equal(T.GetLane(fma, i), T.GetLane(fms, i));
        }
        Binary<T>("Pow", T.Pow, Math.Pow, Positive, Signed, tol);
        Unary<T>("neg", a => -a, a => -a, Signed, 0);
        Unary<T>("Abs", T.Abs, Math.Abs, Signed, 0);
        Unary<T>("Floor", T.Floor, Math.Floor, Signed, 0);
        Unary<T>("Sqrt", T.Sqrt, Math.Sqrt, Positive, tol);
        Unary<T>("Exp", T.Exp, Math.Exp, Signed, tol);
        Unary<T>("Log", T.Log, Math.Log, Positive, tol);
        Unary<T>("Sin", T.Sin, Math.Sin, Signed, tol);
        Unary<T>("Cos", T.Cos, Math.Cos, Signed, tol);
        Unary<T>("Tan", T.Tan, Math.Tan, Signed, tol);
        Unary<T>("Tanh", T.Tanh, Math.Tanh, Signed, tol);
        Unary<T>("Tanh(large)", T.Tanh, Math.Tanh, [-800.0, -40.0, 40.0, 800.0], tol);
        Assert.Equal(1.0, T.GetLane(T.One, T.Width - 1));
        Assert.Equal(0.0, T.GetLane(T.Zero, T.Width - 1));
    }

    private static bool Slot<T>(T mask, int i) where T : struct, IScalar<T> => T.GetLane(T.Select(mask, T.One, T.Zero), i) == 1.0;

    private static void MasksBehave<T>() where T : struct, IScalar<T>
    {
        double[] a = [1.0, 2.0, double.NaN, -1.0, double.PositiveInfinity, 0.0, 5.0, -0.0];
        double[] b = [2.0, 2.0, 1.0, -2.0, 1.0, -0.0, double.NegativeInfinity, 3.0];
        for (int offset = 0; offset < 8; offset += Math.Min(T.Width, 8))
        {
            T x = Load<T>(a, offset), y = Load<T>(b, offset);
            T lt = T.Less(x, y), le = T.LessEqual(x, y), eq = T.Equal(x, y), fin = T.IsFinite(x);
            for (int i = 0; i < T.Width; i++)
            {
                double xi = T.GetLane(x, i), yi = T.GetLane(y, i);
                Assert.Equal(xi < yi, Slot(lt, i));
                Assert.Equal(xi <= yi, Slot(le, i));
                Assert.Equal(xi == yi, Slot(eq, i));
                Assert.Equal(double.IsFinite(xi), Slot(fin, i));
                Assert.Equal(xi < yi && double.IsFinite(xi), Slot(T.And(lt, fin), i));
                Assert.Equal(xi < yi || double.IsFinite(xi), Slot(T.Or(lt, fin), i));
                Assert.Equal(double.IsFinite(xi) && !(xi < yi), Slot(T.AndNot(fin, lt), i));
                Assert.Equal(xi <= yi ? xi : yi, T.GetLane(T.Select(le, x, y), i));
            }
        }
        Assert.True(T.All(T.True));
        Assert.True(T.Any(T.True));
        Assert.False(T.Any(T.Zero));
        Assert.False(T.All(T.Zero));
        // One slot set: Any but (for several slots) not All; every position counts.
        for (int i = 0; i < T.Width; i++)
        {
            T one = T.Less(T.WithLane(T.Zero, i, -1.0), T.Zero);
            Assert.True(T.Any(one));
            Assert.Equal(T.Width == 1, T.All(one));
            T allButOne = T.AndNot(T.True, one);
            Assert.Equal(T.Width > 1, T.Any(allButOne));
            Assert.False(T.All(allButOne));
        }
    }

    [Fact] public void F64_AgreesWithMathAndMasksBehave() { ChecksAgainstMath<F64>(1e-15); MasksBehave<F64>(); }
    [Fact] public void KernelF64_AgreesWithMathAndMasksBehave() { ChecksAgainstMath<KernelF64>(1e-15); MasksBehave<KernelF64>(); }
    [Fact] public void Lane8_AgreesWithMathAndMasksBehave() { ChecksAgainstMath<Lane8>(1e-14); MasksBehave<Lane8>(); }
    [Fact] public void Lane16_AgreesWithMathAndMasksBehave() { ChecksAgainstMath<Lane16>(1e-14); MasksBehave<Lane16>(); }
    [Fact] public void F32_AgreesWithMathAndMasksBehave() { ChecksAgainstMath<F32>(1e-6); MasksBehave<F32>(); }
    [Fact] public void Lane16F_AgreesWithMathAndMasksBehave() { ChecksAgainstMath<Lane16F>(1e-6); MasksBehave<Lane16F>(); }
    [Fact] public void Dual_ValuesAgreeWithMathAndMasksBehave() { ChecksAgainstMath<Dual>(1e-15); MasksBehave<Dual>(); }

    /// <summary>
    /// a·b − c with a·b = 1 − 2⁻⁶⁰ (a, b = 1 ± 2⁻³⁰) and c = 1: one rounding keeps −2⁻⁶⁰, two roundings (the product
    /// rounds to 1) give 0. The CPU lane types fuse; float lanes with 1 ± 2⁻¹³ likewise.
    /// </summary>
    [Fact]
    public void Fms_IsFused_OnTheCpuLaneTypes()
    {
        const double e = 1.0 / (1L << 30);
        Fused<F64>(1 + e, 1 - e, -Math.Pow(2, -60));
        Fused<Lane8>(1 + e, 1 - e, -Math.Pow(2, -60));
        Fused<Lane16>(1 + e, 1 - e, -Math.Pow(2, -60));
        Fused<Dual>(1 + e, 1 - e, -Math.Pow(2, -60));
        const double f = 1.0 / (1 << 13);
        Fused<F32>(1 + f, 1 - f, -Math.Pow(2, -26));
        Fused<Lane16F>(1 + f, 1 - f, -Math.Pow(2, -26));

        static void Fused<T>(double a, double b, double want) where T : struct, IScalar<T>
        {
            T r = T.Fms(T.From(a), T.From(b), T.One);
            for (int i = 0; i < T.Width; i++) Assert.Equal(want, T.GetLane(r, i));
            // The unfused form loses it: the test would not tell the two apart otherwise.
            Assert.Equal(0.0, T.GetLane(T.From(a) * T.From(b) - T.One, 0));
        }
    }

    [Fact]
    public void Dual_DerivativesAreExact()
    {
        foreach (double x in new[] { 0.3, 1.1, 2.5 })
        {
            var d = new Dual(x, 1);
            Assert.Equal(Math.Exp(x), Dual.Exp(d).D, 1e-14);
            Assert.Equal(1 / x, Dual.Log(d).D, 1e-14);
            Assert.Equal(Math.Cos(x), Dual.Sin(d).D, 1e-14);
            Assert.Equal(-Math.Sin(x), Dual.Cos(d).D, 1e-14);
            Assert.Equal(1 / (Math.Cos(x) * Math.Cos(x)), Dual.Tan(d).D, 1e-12);
            Assert.Equal(1 - Math.Tanh(x) * Math.Tanh(x), Dual.Tanh(d).D, 1e-14);
            Assert.Equal(0.5 / Math.Sqrt(x), Dual.Sqrt(d).D, 1e-14);
            Assert.Equal(2.7 * Math.Pow(x, 1.7), Dual.Pow(d, Dual.From(2.7)).D, 1e-13);
            Assert.Equal(Math.Pow(2.0, x) * Math.Log(2.0), Dual.Pow(Dual.From(2.0), d).D, 1e-13);
            Assert.Equal(2 * x, (d * d).D, 1e-15);
            Assert.Equal(-1 / (x * x), (Dual.One / d).D, 1e-14);
            Assert.Equal(2 * x + 1, Dual.Fma(d, d, d).D, 1e-15);
            Assert.Equal(2 * x - 1, Dual.Fms(d, d, d).D, 1e-15);
        }
    }

    private static readonly double[] PowExponents = [-1.0 / 5, -1.0 / 8, -1.0 / 3, -0.5, -0.7, 0.1, 0.25, 0.5, 1.0, 2.0, -2.0];

    private static IEnumerable<double> PowBases()
    {
        for (int i = 0; i <= 400; i++) yield return Math.Pow(10, -100 + 0.5 * i) * (1 + 0.37 * Math.Sin(i));
    }

    private static void PowApproxAccurate<T>(double tol) where T : struct, IScalar<T>
    {
        double[] bases = PowBases().Where(a => Math.Abs(Math.Log10(a)) < (typeof(T) == typeof(F32) || typeof(T) == typeof(Lane16F) ? 30 : 300)).ToArray();
        foreach (double p in PowExponents)
            for (int offset = 0; offset < bases.Length; offset += T.Width)
            {
                T a = Load<T>(bases, offset);
                T r = T.PowApprox(a, p);
                for (int i = 0; i < T.Width; i++)
                {
                    double ai = T.GetLane(a, i), exact = Math.Pow(ai, p);
                    if (!double.IsFinite(exact) || exact == 0 || Math.Abs(Math.Log10(exact)) > (tol > 1e-7 ? 30 : 300)) continue;
                    double rel = Math.Abs(T.GetLane(r, i) / exact - 1);
                    Assert.True(rel < tol, $"{typeof(T).Name}.PowApprox({ai:R}, {p}) relative error {rel:E2}");
                }
            }
    }

    private static T Scaled<T>(double c, T a, double p) where T : struct, IScalar<T> => T.PowApproxScaled(c, a, p);

    [Fact]
    public void PowApprox_Lane8_IsBitForBitTheScalarOne_AndPowApproxScaledIsCTimesIt()
    {
        // The controller's step sizes must not depend on the lane type: Lane8 against F64 (ScalarMath) bit for bit,
        // with and without the range clamp (skipped for |p| < 0.99, where it changes nothing), and the scaled form
        // against c times the plain one.
        double[] bases = PowBases().Where(a => a > 1e-300 && a < 1e300).ToArray();
        foreach (double p in new[] { -0.1, -0.2, -0.35, 0.5, -0.98, -1.5, 2.0 })
            foreach (double c in new[] { 0.9, 1.0, 0.5, 3.7 })
                for (int offset = 0; offset + 8 <= bases.Length; offset += 8)
                {
                    Lane8 a = Load<Lane8>(bases, offset);
                    Lane8 r = Lane8.PowApprox(a, p), rc = Lane8.PowApproxScaled(c, a, p);
                    for (int i = 0; i < 8; i++)
                    {
                        double ai = bases[offset + i], scalar = ScalarMath.PowApprox(ai, p);
                        if (!double.IsNormal(scalar) || !double.IsNormal(c * scalar)) continue;
                        Assert.Equal(BitConverter.DoubleToInt64Bits(scalar), BitConverter.DoubleToInt64Bits(Lane8.GetLane(r, i)));
                        Assert.Equal(BitConverter.DoubleToInt64Bits(c * scalar), BitConverter.DoubleToInt64Bits(Lane8.GetLane(rc, i)));
                        Assert.Equal(BitConverter.DoubleToInt64Bits(c * scalar), BitConverter.DoubleToInt64Bits(Scaled(c, new F64(ai), p).V));
                        Assert.Equal(BitConverter.DoubleToInt64Bits(c * scalar), BitConverter.DoubleToInt64Bits(Lane8.GetLane(Scaled(c, a, p), i)));
                    }
                }
    }

    [Fact]
    public void KernelF64_Floor_IsMathFloor()
    {
        // Written out for GPU kernels (a truncating conversion); the same values as Math.Floor, infinities and NaN kept.
        double[] xs = [-2.5, -2.0, -0.5, -1e-300, 0.0, 0.3, 1.0, 2.999999999999999, 123456.75, -123456.75, 4503599627370495.5,
            4503599627370496.0, -4503599627370497.0, 1e300, double.PositiveInfinity, double.NegativeInfinity];
        foreach (double x in xs) Assert.Equal(Math.Floor(x), KernelF64.Floor(new KernelF64(x)).V);
        Assert.True(double.IsNaN(KernelF64.Floor(new KernelF64(double.NaN)).V));
    }

    [Fact] public void PowApprox_F64_IsAccurateToOnePartInAMillion() => PowApproxAccurate<F64>(1e-6);
    [Fact] public void PowApprox_Lane8_IsAccurateToOnePartInAMillion() => PowApproxAccurate<Lane8>(1e-6);
    [Fact] public void PowApprox_Lane16_IsAccurateToOnePartInAMillion() => PowApproxAccurate<Lane16>(1e-6);
    [Fact] public void PowApprox_F32_IsAccurateToOnePartInAMillion() => PowApproxAccurate<F32>(1e-6);
    [Fact] public void PowApprox_Lane16F_IsAccurateToOnePartInAMillion() => PowApproxAccurate<Lane16F>(1e-6);
    [Fact] public void PowApprox_KernelF64_IsAccurateToOnePartInAMillion() => PowApproxAccurate<KernelF64>(1e-6);

    [Fact]
    public void PowApprox_F64IsBitIdenticalToLane8AndLane16PerSlot()
    {
        double[] bases = PowBases().Concat([1.0, 2.0, 0.5, 1.4142135623730951, 1.4142135623730954, 1e-299, 1e299]).ToArray();
        foreach (double p in PowExponents)
            for (int offset = 0; offset < bases.Length; offset += 8)
            {
                Lane8 v8 = Load<Lane8>(bases, offset);
                Lane16 v16 = Load<Lane16>(bases, offset);
                Lane8 r8 = Lane8.PowApprox(v8, p);
                Lane16 r16 = Lane16.PowApprox(v16, p);
                for (int i = 0; i < 16; i++)
                {
                    double a = Lane16.GetLane(v16, i);
                    long scalar = BitConverter.DoubleToInt64Bits(F64.PowApprox(new F64(a), p).V);
                    Assert.Equal(scalar, BitConverter.DoubleToInt64Bits(Lane16.GetLane(r16, i)));
                    if (i < 8) Assert.Equal(scalar, BitConverter.DoubleToInt64Bits(Lane8.GetLane(r8, i)));
                }
            }
    }

    // ---- States ----

    private static TY FromArray<TY, T>(double[] v) where TY : struct, IState<TY, T> where T : struct, IScalar<T>
    {
        TY r = TY.Splat(T.Zero);
        for (int i = 0; i < TY.Dim; i++) TY.Set(ref r, i, T.From(v[i]));
        return r;
    }

    private static double[] ToArr<TY, T>(in TY y, int lane = 0) where TY : struct, IState<TY, T> where T : struct, IScalar<T>
    {
        var r = new double[TY.Dim];
        for (int i = 0; i < TY.Dim; i++) r[i] = T.GetLane(TY.Get(y, i), lane);
        return r;
    }

    private static void StateOpsAgreeComponentWise<TY, T>(int dim) where TY : struct, IState<TY, T> where T : struct, IScalar<T>
    {
        Assert.Equal(dim, TY.Dim);
        var rnd = new Random(dim);
        double[] a = Enumerable.Range(0, dim).Select(_ => rnd.NextDouble() * 4 - 2).ToArray();
        double[] b = Enumerable.Range(0, dim).Select(_ => rnd.NextDouble() * 4 - 2).ToArray();
        TY x = FromArray<TY, T>(a), y = FromArray<TY, T>(b);
        Assert.Equal(a, ToArr<TY, T>(x));
        Assert.Equal(a.Zip(b, (p, q) => p + q), ToArr<TY, T>(TY.Add(x, y)));
        Assert.Equal(a.Zip(b, (p, q) => p - q), ToArr<TY, T>(TY.Sub(x, y)));
        Assert.Equal(a.Zip(b, (p, q) => p * q), ToArr<TY, T>(TY.Mul(x, y)));
        Assert.Equal(a.Select(p => 1.5 * p), ToArr<TY, T>(TY.Scale(T.From(1.5), x)));
        Assert.Equal(a.Zip(b, (p, q) => Math.FusedMultiplyAdd(0.25, p, q)), ToArr<TY, T>(TY.Fma(T.From(0.25), x, y)));
        Assert.Equal(Enumerable.Repeat(0.7, dim), ToArr<TY, T>(TY.Splat(T.From(0.7))));
        Assert.Equal(a, ToArr<TY, T>(TY.Select(T.True, x, y)));
        Assert.Equal(b, ToArr<TY, T>(TY.Select(T.Zero, x, y)));
        Assert.Equal(a.Zip(b, (p, q) => p * q).Sum(), T.GetLane(TY.Dot(x, y), 0), 1e-13);
        double ss = 0;
        for (int i = 0; i < dim; i++) { double s = b[i] / (1e-3 + 1e-2 * Math.Max(Math.Abs(a[i]), Math.Abs(b[i]))); ss += s * s; }
        Assert.Equal(ss, T.GetLane(TY.SumSquaredScaled(y, x, y, T.From(1e-2), T.From(1e-3)), 0), 1e-9 * ss);
        double maxSq = 0;
        for (int i = 0; i < dim; i++) { double s = b[i] / (1e-3 + 1e-2 * Math.Max(Math.Abs(a[i]), Math.Abs(b[i]))); maxSq = Math.Max(maxSq, s * s); }
        Assert.Equal(maxSq, T.GetLane(TY.MaxSquaredScaled(y, x, y, T.From(1e-2), T.From(1e-3)), 0), 1e-9 * maxSq);
        Assert.True(T.All(TY.AllFinite(x)));
        for (int i = 0; i < dim; i += Math.Max(1, dim / 7))
        {
            TY bad = x;
            TY.Set(ref bad, i, T.From(double.NaN));
            Assert.False(T.Any(TY.AllFinite(bad)));
            // A non-finite component makes the max norm non-finite wherever it sits (the loop then rejects the step).
            Assert.False(double.IsFinite(T.GetLane(TY.MaxSquaredScaled(bad, x, y, T.From(1e-2), T.From(1e-3)), 0)), $"NaN in component {i}");
            TY.Set(ref bad, i, T.From(double.NegativeInfinity));
            Assert.False(T.Any(TY.AllFinite(bad)));
            Assert.False(double.IsFinite(T.GetLane(TY.MaxSquaredScaled(bad, x, y, T.From(1e-2), T.From(1e-3)), 0)), $"−∞ in component {i}");
        }
        // The last component, which a loop over i with a stride can skip.
        TY lastBad = x;
        TY.Set(ref lastBad, dim - 1, T.From(double.NaN));
        Assert.False(double.IsFinite(T.GetLane(TY.MaxSquaredScaled(lastBad, x, y, T.From(1e-2), T.From(1e-3)), 0)));
    }

    private static void LanesRoundTrip<T>() where T : struct, IScalar<T>
    {
        double[] values = Signed.Take(T.Width).ToArray();
        T v = T.FromLanes(values);
        for (int i = 0; i < T.Width; i++) Assert.Equal(Rounded<T>(values[i]), T.GetLane(v, i));
        var back = new double[T.Width];
        T.ToLanes(v, back);
        for (int i = 0; i < T.Width; i++) Assert.Equal(T.GetLane(v, i), back[i]);
        Assert.Equal(Load<T>(values, 0), v);
    }

    [Fact]
    public void FromLanesAndToLanes_MatchSlotBySlotAccess()
    {
        LanesRoundTrip<F64>(); LanesRoundTrip<KernelF64>(); LanesRoundTrip<F32>(); LanesRoundTrip<Dual>();
        LanesRoundTrip<Lane8>(); LanesRoundTrip<Lane16>(); LanesRoundTrip<Lane16F>();
    }

    [Fact] public void Vec1To4_OpsAgreeComponentWise()
    {
        StateOpsAgreeComponentWise<Vec1<F64>, F64>(1);
        StateOpsAgreeComponentWise<Vec2<F64>, F64>(2);
        StateOpsAgreeComponentWise<Vec3<F64>, F64>(3);
        StateOpsAgreeComponentWise<Vec4<F64>, F64>(4);
    }

    [Fact] public void Cat_OpsAgreeComponentWise()
    {
        StateOpsAgreeComponentWise<Cat<Vec4<F64>, Vec4<F64>, F64>, F64>(8);
        StateOpsAgreeComponentWise<Cat<Vec3<F64>, Vec2<F64>, F64>, F64>(5);
        StateOpsAgreeComponentWise<Cat<Vec1<Lane8>, Cat<Vec4<Lane8>, Vec2<Lane8>, Lane8>, Lane8>, Lane8>(7);
        StateOpsAgreeComponentWise<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>(16);
    }

    [Fact] public void NestedCat_ReachesDimension64()
    {
        Assert.Equal(64, Cat<Cat<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>, Cat<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>, F64>.Dim);
        StateOpsAgreeComponentWise<Cat<Cat<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>, Cat<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>, F64>, F64>(64);
        StateOpsAgreeComponentWise<Cat<Cat<Cat<Cat<Vec4<Lane8>, Vec4<Lane8>, Lane8>, Cat<Vec4<Lane8>, Vec4<Lane8>, Lane8>, Lane8>, Cat<Cat<Vec4<Lane8>, Vec4<Lane8>, Lane8>, Cat<Vec4<Lane8>, Vec4<Lane8>, Lane8>, Lane8>, Lane8>, Cat<Cat<Cat<Vec4<Lane8>, Vec4<Lane8>, Lane8>, Cat<Vec4<Lane8>, Vec4<Lane8>, Lane8>, Lane8>, Cat<Cat<Vec4<Lane8>, Vec4<Lane8>, Lane8>, Cat<Vec4<Lane8>, Vec4<Lane8>, Lane8>, Lane8>, Lane8>, Lane8>, Lane8>(64);
    }

    [Fact]
    public void StateSelect_OnLanes_PicksPerSlot()
    {
        var a = Vec2<Lane8>.Splat(Lane8.From(1.0));
        var b = Vec2<Lane8>.Splat(Lane8.From(2.0));
        Lane8 mask = Lane8.Less(Load<Lane8>([0, 1, 2, 3, 4, 5, 6, 7], 0), Lane8.From(3.5));
        var r = Cat<Vec2<Lane8>, Vec2<Lane8>, Lane8>.Select(mask, new(a, a), new(b, b));
        for (int i = 0; i < 8; i++)
            for (int c = 0; c < 4; c++)
                Assert.Equal(i < 4 ? 1.0 : 2.0, Lane8.GetLane(Cat<Vec2<Lane8>, Vec2<Lane8>, Lane8>.Get(r, c), i));
    }

    /// <summary>y_i' = −λ_i y_i with λ_i = (i + 1)/16, generic over the state (a struct implementing the interface over a
    /// closed 64-component Cat would exceed the metadata name length limit).</summary>
    private struct DecoupledDecay<TY> : IVectorField<F64, TY> where TY : struct, IState<TY, F64>
    {
        public readonly TY Vf(F64 t, in TY y)
        {
            var r = y;
            for (int i = 0; i < TY.Dim; i++) TY.Set(ref r, i, new F64(-((i + 1) / 16.0)) * TY.Get(y, i));
            return r;
        }
    }

    [Fact]
    public void Dimension64State_SolvesThroughTheLoop()
    {
        var y0 = Cat<Cat<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>, Cat<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>, F64>.Splat(F64.One);
        var sol = Diffeq.Solve(new Tsit5(), new DecoupledDecay<Cat<Cat<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>, Cat<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>, F64>>(), 0.0, 1.0, null, y0, StepSize.Adaptive(new PidOptions { Rtol = 1e-10, Atol = 1e-12 }));
        Assert.Equal(ResultCode.Successful, sol.Result);
        for (int i = 0; i < 64; i++) Assert.Equal(Math.Exp(-(i + 1) / 16.0), Cat<Cat<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>, Cat<Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Cat<Vec4<F64>, Vec4<F64>, F64>, F64>, F64>, F64>.Get(sol.YFinal, i).V, 1e-9);
    }
}
