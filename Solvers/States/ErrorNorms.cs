using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;

namespace Diffrax.Solvers.States;

/// <summary>The pieces of the max error norm that every state type shares (<see cref="IState{TSelf, T}.MaxSquaredScaled"/>).</summary>
internal static class ErrorNorms
{
    /// <summary>(e / (atol + rtol · max(|a|, |b|)))², one component's squared scaled error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ScaledSq<T>(T e, T a, T b, T rtol, T atol) where T : struct, IScalar<T>
    {
        T v = e / (atol + rtol * T.Max(T.Abs(a), T.Abs(b)));
        return v * v;
    }

    /// <summary>
    /// <paramref name="max"/>, the largest of some squared errors (≥ 0), made non-finite when any of them is: the lanes'
    /// Max drops a NaN in its first operand, and the loop must see a non-finite error to reject the step. Adds
    /// 0 · <paramref name="sum"/> (the sum of the same squares), which is +0 when they are all finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T KeepNonFinite<T>(T max, T sum) where T : struct, IScalar<T> => max + T.Zero * sum;

    /// <summary>max(a, b) for squared errors, non-finite when either is (<see cref="KeepNonFinite"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max<T>(T a, T b) where T : struct, IScalar<T> => KeepNonFinite(T.Max(a, b), a + b);
}
