using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;

namespace Diffrax.Solvers.States;

/// <summary>
/// Two states side by side: components 0 … A.Dim−1 are <see cref="A"/>, the rest <see cref="B"/>. Nesting
/// reaches any dimension with no array or class, so it runs in kernels: <c>Cat&lt;Vec4,Vec4&gt;</c> is 8,
/// <c>Cat&lt;Cat&lt;Vec4,Vec4&gt;,Cat&lt;Vec4,Vec4&gt;&gt;</c> is 16, and so on up to 64 and beyond.
/// </summary>
public struct Cat<TA, TB, T> : IState<Cat<TA, TB, T>, T>
    where TA : struct, IState<TA, T>
    where TB : struct, IState<TB, T>
    where T : struct, IScalar<T>
{
    /// <summary>The leading components.</summary>
    public TA A;
    /// <summary>The trailing components.</summary>
    public TB B;

    /// <summary>Joins two states.</summary>
    public Cat(TA a, TB b) { A = a; B = b; }

    /// <inheritdoc/>
    public static int Dim => TA.Dim + TB.Dim;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cat<TA, TB, T> Splat(T v) { Cat<TA, TB, T> r; r.A = TA.Splat(v); r.B = TB.Splat(v); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cat<TA, TB, T> Add(in Cat<TA, TB, T> a, in Cat<TA, TB, T> b) { Cat<TA, TB, T> r; r.A = TA.Add(a.A, b.A); r.B = TB.Add(a.B, b.B); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cat<TA, TB, T> Sub(in Cat<TA, TB, T> a, in Cat<TA, TB, T> b) { Cat<TA, TB, T> r; r.A = TA.Sub(a.A, b.A); r.B = TB.Sub(a.B, b.B); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cat<TA, TB, T> Mul(in Cat<TA, TB, T> a, in Cat<TA, TB, T> b) { Cat<TA, TB, T> r; r.A = TA.Mul(a.A, b.A); r.B = TB.Mul(a.B, b.B); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cat<TA, TB, T> Scale(T s, in Cat<TA, TB, T> a) { Cat<TA, TB, T> r; r.A = TA.Scale(s, a.A); r.B = TB.Scale(s, a.B); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cat<TA, TB, T> Fma(T s, in Cat<TA, TB, T> x, in Cat<TA, TB, T> y) { Cat<TA, TB, T> r; r.A = TA.Fma(s, x.A, y.A); r.B = TB.Fma(s, x.B, y.B); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cat<TA, TB, T> Select(T mask, in Cat<TA, TB, T> a, in Cat<TA, TB, T> b) { Cat<TA, TB, T> r; r.A = TA.Select(mask, a.A, b.A); r.B = TB.Select(mask, a.B, b.B); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SumSquaredScaled(in Cat<TA, TB, T> err, in Cat<TA, TB, T> y0, in Cat<TA, TB, T> y1, T rtol, T atol)
        => TA.SumSquaredScaled(err.A, y0.A, y1.A, rtol, atol) + TB.SumSquaredScaled(err.B, y0.B, y1.B, rtol, atol);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxSquaredScaled(in Cat<TA, TB, T> err, in Cat<TA, TB, T> y0, in Cat<TA, TB, T> y1, T rtol, T atol)
        => ErrorNorms.Max(TA.MaxSquaredScaled(err.A, y0.A, y1.A, rtol, atol), TB.MaxSquaredScaled(err.B, y0.B, y1.B, rtol, atol));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot(in Cat<TA, TB, T> a, in Cat<TA, TB, T> b) => TA.Dot(a.A, b.A) + TB.Dot(a.B, b.B);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AllFinite(in Cat<TA, TB, T> a) => T.And(TA.AllFinite(a.A), TB.AllFinite(a.B));
    /// <inheritdoc/>
    public static T Get(in Cat<TA, TB, T> a, int i) => i < TA.Dim ? TA.Get(a.A, i) : TB.Get(a.B, i - TA.Dim);
    /// <inheritdoc/>
    public static void Set(ref Cat<TA, TB, T> a, int i, T value)
    {
        if (i < TA.Dim) TA.Set(ref a.A, i, value); else TB.Set(ref a.B, i - TA.Dim, value);
    }
}
