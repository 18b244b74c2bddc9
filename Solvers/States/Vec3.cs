using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;

namespace Diffrax.Solvers.States;

/// <summary>A 3-component state; components are fields so the state lives in registers.</summary>
public struct Vec3<T> : IState<Vec3<T>, T> where T : struct, IScalar<T>
{
    /// <summary>Component 0.</summary>
    public T X;
    /// <summary>Component 1.</summary>
    public T Y;
    /// <summary>Component 2.</summary>
    public T Z;

    /// <summary>Builds the state from its components.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vec3(T x, T y, T z) { X = x; Y = y; Z = z; }

    /// <inheritdoc/>
    public static int Dim => 3;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec3<T> Splat(T v) { Vec3<T> r; r.X = v; r.Y = v; r.Z = v; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec3<T> Add(in Vec3<T> a, in Vec3<T> b) { Vec3<T> r; r.X = a.X + b.X; r.Y = a.Y + b.Y; r.Z = a.Z + b.Z; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec3<T> Sub(in Vec3<T> a, in Vec3<T> b) { Vec3<T> r; r.X = a.X - b.X; r.Y = a.Y - b.Y; r.Z = a.Z - b.Z; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec3<T> Mul(in Vec3<T> a, in Vec3<T> b) { Vec3<T> r; r.X = a.X * b.X; r.Y = a.Y * b.Y; r.Z = a.Z * b.Z; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec3<T> Scale(T s, in Vec3<T> a) { Vec3<T> r; r.X = s * a.X; r.Y = s * a.Y; r.Z = s * a.Z; return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec3<T> Fma(T s, in Vec3<T> x, in Vec3<T> y) { Vec3<T> r; r.X = T.Fma(s, x.X, y.X); r.Y = T.Fma(s, x.Y, y.Y); r.Z = T.Fma(s, x.Z, y.Z); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec3<T> Select(T mask, in Vec3<T> a, in Vec3<T> b) { Vec3<T> r; r.X = T.Select(mask, a.X, b.X); r.Y = T.Select(mask, a.Y, b.Y); r.Z = T.Select(mask, a.Z, b.Z); return r; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SumSquaredScaled(in Vec3<T> err, in Vec3<T> y0, in Vec3<T> y1, T rtol, T atol) { return Sq(err.X / (atol + rtol * T.Max(T.Abs(y0.X), T.Abs(y1.X)))) + Sq(err.Y / (atol + rtol * T.Max(T.Abs(y0.Y), T.Abs(y1.Y)))) + Sq(err.Z / (atol + rtol * T.Max(T.Abs(y0.Z), T.Abs(y1.Z)))); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxSquaredScaled(in Vec3<T> err, in Vec3<T> y0, in Vec3<T> y1, T rtol, T atol)
    {
        // One non-finite check for all components (ErrorNorms.KeepNonFinite), not one per pair.
        T q0 = ErrorNorms.ScaledSq(err.X, y0.X, y1.X, rtol, atol), q1 = ErrorNorms.ScaledSq(err.Y, y0.Y, y1.Y, rtol, atol), q2 = ErrorNorms.ScaledSq(err.Z, y0.Z, y1.Z, rtol, atol);
        return ErrorNorms.KeepNonFinite(T.Max(T.Max(q0, q1), q2), q0 + q1 + q2);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot(in Vec3<T> a, in Vec3<T> b) { return a.X * b.X + a.Y * b.Y + a.Z * b.Z; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AllFinite(in Vec3<T> a) { return T.IsFinite((a.X - a.X) + (a.Y - a.Y) + (a.Z - a.Z)); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Get(in Vec3<T> a, int i) { return i switch { 0 => a.X, 1 => a.Y, 2 => a.Z, _ => default }; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(ref Vec3<T> a, int i, T value) { switch (i) { case 0: a.X = value; break; case 1: a.Y = value; break; case 2: a.Z = value; break; } }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sq(T v) => v * v;
}
