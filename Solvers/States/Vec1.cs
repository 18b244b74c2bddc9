using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;

namespace Diffrax.Solvers.States;

/// <summary>A 1-component state; components are fields so the state lives in registers.</summary>
public struct Vec1<T> : IState<Vec1<T>, T> where T : struct, IScalar<T>
{
    /// <summary>Component 0.</summary>
    public T X;

    /// <summary>Builds the state from its components.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vec1(T x) { X = x; }

    /// <inheritdoc/>
    public static int Dim => 1;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec1<T> Splat(T v) { Vec1<T> r; r.X = v; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec1<T> Add(in Vec1<T> a, in Vec1<T> b) { Vec1<T> r; r.X = a.X + b.X; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec1<T> Sub(in Vec1<T> a, in Vec1<T> b) { Vec1<T> r; r.X = a.X - b.X; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec1<T> Mul(in Vec1<T> a, in Vec1<T> b) { Vec1<T> r; r.X = a.X * b.X; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec1<T> Scale(T s, in Vec1<T> a) { Vec1<T> r; r.X = s * a.X; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec1<T> Fma(T s, in Vec1<T> x, in Vec1<T> y) { Vec1<T> r; r.X = T.Fma(s, x.X, y.X); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec1<T> Select(T mask, in Vec1<T> a, in Vec1<T> b) { Vec1<T> r; r.X = T.Select(mask, a.X, b.X); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SumSquaredScaled(in Vec1<T> err, in Vec1<T> y0, in Vec1<T> y1, T rtol, T atol) { return Sq(err.X / (atol + rtol * T.Max(T.Abs(y0.X), T.Abs(y1.X)))); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxSquaredScaled(in Vec1<T> err, in Vec1<T> y0, in Vec1<T> y1, T rtol, T atol) => ErrorNorms.ScaledSq(err.X, y0.X, y1.X, rtol, atol);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot(in Vec1<T> a, in Vec1<T> b) { return a.X * b.X; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AllFinite(in Vec1<T> a) { return T.IsFinite((a.X - a.X)); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Get(in Vec1<T> a, int i) { return i switch { 0 => a.X, _ => default }; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(ref Vec1<T> a, int i, T value) { switch (i) { case 0: a.X = value; break; } }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sq(T v) => v * v;
}
