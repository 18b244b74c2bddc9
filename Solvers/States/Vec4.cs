using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;

namespace Diffrax.Solvers.States;

/// <summary>A 4-component state; components are fields so the state lives in registers.</summary>
public struct Vec4<T> : IState<Vec4<T>, T> where T : struct, IScalar<T>
{
    /// <summary>Component 0.</summary>
    public T X;
    /// <summary>Component 1.</summary>
    public T Y;
    /// <summary>Component 2.</summary>
    public T Z;
    /// <summary>Component 3.</summary>
    public T W;

    /// <summary>Builds the state from its components.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vec4(T x, T y, T z, T w) { X = x; Y = y; Z = z; W = w; }

    /// <inheritdoc/>
    public static int Dim => 4;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec4<T> Splat(T v) { Vec4<T> r; r.X = v; r.Y = v; r.Z = v; r.W = v; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec4<T> Add(in Vec4<T> a, in Vec4<T> b) { Vec4<T> r; r.X = a.X + b.X; r.Y = a.Y + b.Y; r.Z = a.Z + b.Z; r.W = a.W + b.W; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec4<T> Sub(in Vec4<T> a, in Vec4<T> b) { Vec4<T> r; r.X = a.X - b.X; r.Y = a.Y - b.Y; r.Z = a.Z - b.Z; r.W = a.W - b.W; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec4<T> Mul(in Vec4<T> a, in Vec4<T> b) { Vec4<T> r; r.X = a.X * b.X; r.Y = a.Y * b.Y; r.Z = a.Z * b.Z; r.W = a.W * b.W; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec4<T> Scale(T s, in Vec4<T> a) { Vec4<T> r; r.X = s * a.X; r.Y = s * a.Y; r.Z = s * a.Z; r.W = s * a.W; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec4<T> Fma(T s, in Vec4<T> x, in Vec4<T> y) { Vec4<T> r; r.X = T.Fma(s, x.X, y.X); r.Y = T.Fma(s, x.Y, y.Y); r.Z = T.Fma(s, x.Z, y.Z); r.W = T.Fma(s, x.W, y.W); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec4<T> Select(T mask, in Vec4<T> a, in Vec4<T> b) { Vec4<T> r; r.X = T.Select(mask, a.X, b.X); r.Y = T.Select(mask, a.Y, b.Y); r.Z = T.Select(mask, a.Z, b.Z); r.W = T.Select(mask, a.W, b.W); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SumSquaredScaled(in Vec4<T> err, in Vec4<T> y0, in Vec4<T> y1, T rtol, T atol) { return Sq(err.X / (atol + rtol * T.Max(T.Abs(y0.X), T.Abs(y1.X)))) + Sq(err.Y / (atol + rtol * T.Max(T.Abs(y0.Y), T.Abs(y1.Y)))) + Sq(err.Z / (atol + rtol * T.Max(T.Abs(y0.Z), T.Abs(y1.Z)))) + Sq(err.W / (atol + rtol * T.Max(T.Abs(y0.W), T.Abs(y1.W)))); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxSquaredScaled(in Vec4<T> err, in Vec4<T> y0, in Vec4<T> y1, T rtol, T atol)
    {
        // One non-finite check for all components (ErrorNorms.KeepNonFinite), not one per pair.
        T q0 = ErrorNorms.ScaledSq(err.X, y0.X, y1.X, rtol, atol), q1 = ErrorNorms.ScaledSq(err.Y, y0.Y, y1.Y, rtol, atol), q2 = ErrorNorms.ScaledSq(err.Z, y0.Z, y1.Z, rtol, atol), q3 = ErrorNorms.ScaledSq(err.W, y0.W, y1.W, rtol, atol);
        return ErrorNorms.KeepNonFinite(T.Max(T.Max(T.Max(q0, q1), q2), q3), q0 + q1 + q2 + q3);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot(in Vec4<T> a, in Vec4<T> b) { return a.X * b.X + a.Y * b.Y + a.Z * b.Z + a.W * b.W; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AllFinite(in Vec4<T> a) { return T.IsFinite((a.X - a.X) + (a.Y - a.Y) + (a.Z - a.Z) + (a.W - a.W)); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Get(in Vec4<T> a, int i) { return i switch { 0 => a.X, 1 => a.Y, 2 => a.Z, 3 => a.W, _ => default }; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(ref Vec4<T> a, int i, T value) { switch (i) { case 0: a.X = value; break; case 1: a.Y = value; break; case 2: a.Z = value; break; case 3: a.W = value; break; } }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sq(T v) => v * v;
}
