using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;

namespace Diffrax.Solvers.States;

/// <summary>A 2-component state; components are fields so the state lives in registers.</summary>
public struct Vec2<T> : IState<Vec2<T>, T> where T : struct, IScalar<T>
{
    /// <summary>Component 0.</summary>
    public T X;
    /// <summary>Component 1.</summary>
    public T Y;

    /// <summary>Builds the state from its components.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vec2(T x, T y) { X = x; Y = y; }

    /// <inheritdoc/>
    public static int Dim => 2;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec2<T> Splat(T v) { Vec2<T> r; r.X = v; r.Y = v; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec2<T> Add(in Vec2<T> a, in Vec2<T> b) { Vec2<T> r; r.X = a.X + b.X; r.Y = a.Y + b.Y; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec2<T> Sub(in Vec2<T> a, in Vec2<T> b) { Vec2<T> r; r.X = a.X - b.X; r.Y = a.Y - b.Y; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec2<T> Mul(in Vec2<T> a, in Vec2<T> b) { Vec2<T> r; r.X = a.X * b.X; r.Y = a.Y * b.Y; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec2<T> Scale(T s, in Vec2<T> a) { Vec2<T> r; r.X = s * a.X; r.Y = s * a.Y; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec2<T> Fma(T s, in Vec2<T> x, in Vec2<T> y) { Vec2<T> r; r.X = T.Fma(s, x.X, y.X); r.Y = T.Fma(s, x.Y, y.Y); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec2<T> Select(T mask, in Vec2<T> a, in Vec2<T> b) { Vec2<T> r; r.X = T.Select(mask, a.X, b.X); r.Y = T.Select(mask, a.Y, b.Y); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SumSquaredScaled(in Vec2<T> err, in Vec2<T> y0, in Vec2<T> y1, T rtol, T atol) { return Sq(err.X / (atol + rtol * T.Max(T.Abs(y0.X), T.Abs(y1.X)))) + Sq(err.Y / (atol + rtol * T.Max(T.Abs(y0.Y), T.Abs(y1.Y)))); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxSquaredScaled(in Vec2<T> err, in Vec2<T> y0, in Vec2<T> y1, T rtol, T atol)
    {
        // One non-finite check for all components (ErrorNorms.KeepNonFinite), not one per pair.
        T q0 = ErrorNorms.ScaledSq(err.X, y0.X, y1.X, rtol, atol), q1 = ErrorNorms.ScaledSq(err.Y, y0.Y, y1.Y, rtol, atol);
        return ErrorNorms.KeepNonFinite(T.Max(q0, q1), q0 + q1);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot(in Vec2<T> a, in Vec2<T> b) { return a.X * b.X + a.Y * b.Y; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AllFinite(in Vec2<T> a) { return T.IsFinite((a.X - a.X) + (a.Y - a.Y)); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Get(in Vec2<T> a, int i) { return i switch { 0 => a.X, 1 => a.Y, _ => default }; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(ref Vec2<T> a, int i, T value) { switch (i) { case 0: a.X = value; break; case 1: a.Y = value; break; } }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sq(T v) => v * v;
}
