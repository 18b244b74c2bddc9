using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.RungeKutta;

/// <summary>
/// <typeparamref name="TTab"/> with its step, constant-step advance and dense stages always inlined into the caller
/// (<see cref="IExplicitRungeKutta.StepInline"/>): the tableau GPU kernels step with. On the host those three are JIT
/// roots of their own, which the .NET JIT's inlining budget needs (bench/README.md); ILGPU keeps every
/// <c>NoInlining</c> method a call, and a thread's lane state, stages and controller then live in local memory
/// instead of registers (measured: a 1,288-byte stack frame and a third of a hand-written CUDA kernel's speed).
/// Everything else is <typeparamref name="TTab"/>'s, so results are bit for bit the same.
/// </summary>
public readonly struct InlineTableau<TTab> : IExplicitRungeKutta where TTab : struct, IExplicitRungeKutta
{
    /// <inheritdoc/>
    public static string Name => TTab.Name;
    /// <inheritdoc/>
    public static int Stages => TTab.Stages;
    /// <inheritdoc/>
    public static int Order => TTab.Order;
    /// <inheritdoc/>
    public static int ErrorOrder => TTab.ErrorOrder;
    /// <inheritdoc/>
    public static bool Fsal => TTab.Fsal;
    /// <inheritdoc/>
    public static int DenseOrder => TTab.DenseOrder;
    /// <inheritdoc/>
    public static bool FusedStages => TTab.FusedStages;
    /// <inheritdoc/>
    public static int DenseStages => TTab.DenseStages;
    /// <inheritdoc/>
    public static double A(int i, int j) => TTab.A(i, j);
    /// <inheritdoc/>
    public static double B(int i) => TTab.B(i);
    /// <inheritdoc/>
    public static double C(int i) => TTab.C(i);
    /// <inheritdoc/>
    public static double E(int i) => TTab.E(i);
    /// <inheritdoc/>
    public static double DenseA(int m, int j) => TTab.DenseA(m, j);
    /// <inheritdoc/>
    public static double DenseC(int m) => TTab.DenseC(m);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T DenseWeight<T>(int i, T theta) where T : struct, IScalar<T> => TTab.DenseWeight(i, theta);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, bool wantError, bool wantStages,
        ref RkStages<TY> k, out TY y1, out TY err, out TF fLast)
        where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
        => TTab.StepInline<TTerm, T, TY, TC, TF>(term, t0, h, y0, f0, wantError, wantStages, ref k, out y1, out err, out fLast);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StepInline<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, bool wantError, bool wantStages,
        ref RkStages<TY> k, out TY y1, out TY err, out TF fLast)
        where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
        => TTab.StepInline<TTerm, T, TY, TC, TF>(term, t0, h, y0, f0, wantError, wantStages, ref k, out y1, out err, out fLast);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Advance<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, out TY y1, out TF fLast)
        where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
        => TTab.AdvanceInline<TTerm, T, TY, TC, TF>(term, t0, h, y0, f0, out y1, out fLast);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AdvanceInline<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, out TY y1, out TF fLast)
        where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
        => TTab.AdvanceInline<TTerm, T, TY, TC, TF>(term, t0, h, y0, f0, out y1, out fLast);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrepareDense<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd)
        where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
        => TTab.PrepareDenseInline<TTerm, T, TY, TC, TF>(term, t0, h, y0, ref k, kEnd);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrepareDenseInline<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd)
        where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
        => TTab.PrepareDenseInline<TTerm, T, TY, TC, TF>(term, t0, h, y0, ref k, kEnd);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TY Interpolate<T, TY>(T theta, in TY y0, in RkStages<TY> k, in TY kEnd) where T : struct, IScalar<T> where TY : struct, IState<TY, T>
        => TTab.Interpolate<T, TY>(theta, y0, k, kEnd);
}
