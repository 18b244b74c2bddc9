using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Integrate;

/// <summary>
/// What a run of plain constant steps needs from a stepper (<see cref="Integrator.RunGroups"/> on CPU lane groups,
/// <see cref="Integrator.Run"/> on one lane state): an accepted step without error estimate or stages, and notice of
/// the run ahead.
/// </summary>
public interface IRunStepper<TTerm, T, TY, TC, TF>
    where TTerm : struct, ITerm<T, TY, TC, TF>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TF : struct, IState<TF, T>
{
    /// <summary>Whether the returned last vector field is the field at (t1, y1), reusable as the next first one.</summary>
    static abstract bool Fsal { get; }
    /// <summary>
    /// A step accepted in every lane, as the stepper's Step followed by its Commit would take it (the same bits),
    /// without error estimate or stages.
    /// </summary>
    void Advance(in TTerm term, T t0, T h, in TY y0, in TF f0, out TY y1, out TF fLast);
    /// <summary>
    /// A run of <paramref name="steps"/> calls of <see cref="Advance"/> follows, the i-th from t0 = dir·τᵢ with length
    /// dir·<paramref name="h"/>, τ₀ = <paramref name="tau"/>, τᵢ₊₁ = τᵢ + h, so a stepper may prepare what the run's
    /// steps share (the Brownian increments of a fixed-step stream).
    /// </summary>
    void BeginRun(in TTerm term, T dir, T tau, T h, int steps);
    /// <summary>
    /// How runs take this stepper's steps: 0 — step by step through <see cref="Advance"/> (in
    /// <see cref="Integrator.RunGroups"/> the lane groups alternate step by step: small steppers); n ≥ 1 — by chunks of
    /// up to n steps through <see cref="AdvanceChunk"/> (on the CPU a JIT root of its own, for steppers too large to
    /// inline into the group loop, whose inlining budget runs out and leaves every lane operation a call; in a GPU
    /// kernel the Brownian increments of a Philox block, drawn together for the block's steps).
    /// </summary>
    static abstract int RunChunk { get; }
    /// <summary>
    /// Takes from 1 to <paramref name="most"/> steps of a run (as many calls of <see cref="Advance"/> would, the same
    /// bits) from signed time <paramref name="t"/> with signed step <paramref name="h"/>, moving <paramref name="t"/>
    /// and <paramref name="y"/>, and returns how many it took. The field at the first step's start is
    /// <paramref name="f"/> when <paramref name="haveF"/>, else evaluated; on return <paramref name="f"/> holds the last
    /// step's end-point field for an FSAL stepper (a non-FSAL stepper's caller evaluates it when the run ends).
    /// </summary>
    int AdvanceChunk(in TTerm term, ref T t, T h, ref TY y, ref TF f, bool haveF, int most);
}

/// <summary>
/// What the integrate loop needs from a solver: one step over a term, its error estimate, and its dense
/// interpolant. Explicit Runge–Kutta tableaus get this through <see cref="ErkStepper{TTab, TTerm, T, TY, TC, TF}"/>;
/// stochastic solvers that need the drift and diffusion apart (Milstein, SRA, reversible Heun) implement it for
/// their own term shape. A stepper instance may carry per-lane state between steps.
/// </summary>
public interface ISolverStepper<TTerm, T, TY, TC, TF> : IRunStepper<TTerm, T, TY, TC, TF>
    where TTerm : struct, ITerm<T, TY, TC, TF>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TF : struct, IState<TF, T>
{
    /// <summary>Name used in job files.</summary>
    static abstract string Name { get; }
    /// <summary>Order of the method (strong order for SDE solvers).</summary>
    static abstract double Order { get; }
    /// <summary>Order of the embedded error estimate (0 = none: constant steps only).</summary>
    static abstract int ErrorOrder { get; }
    /// <summary>
    /// Vector-field evaluations inside <see cref="Step"/> beyond the one at the start point (for statistics); the loop
    /// adds one per step for a non-FSAL solver, whose field at the end point it evaluates itself.
    /// </summary>
    static abstract int EvaluationsPerStep { get; }

    /// <summary>
    /// One step from (t0, y0) of signed length h; <paramref name="f0"/> is the field at (t0, y0). The error estimate is
    /// formed when <paramref name="wantError"/>; the stages for dense output (<see cref="Interpolate"/>) are left in
    /// <paramref name="k"/> when <paramref name="wantStages"/> — the caller interpolates within this step — and a stepper
    /// may leave <paramref name="k"/> as it was otherwise (storing them costs the adaptive loop's steps measurably).
    /// </summary>
    void Step(in TTerm term, T t0, T h, in TY y0, in TF f0, bool wantError, bool wantStages, ref RkStages<TY> k, out TY y1, out TY err, out TF fLast);
    /// <summary>
    /// Whether the loop may take this stepper's adaptive steps in runs (<c>Integrator.AdaptiveRun</c>): a step is
    /// <see cref="Step"/> then <see cref="Commit"/>, with nothing else kept between steps.
    /// </summary>
    static virtual bool AdaptiveRuns => false;
    /// <summary>A step that was taken is final (accepted lanes in <paramref name="accept"/>); stateful solvers commit here.</summary>
    void Commit(T accept);
    /// <summary>
    /// Takes a run of <paramref name="steps"/> plain steps of the single lane state <paramref name="s"/> for
    /// <see cref="Integrator.Run"/> (its state held in locals: registers in a GPU kernel), bit for bit the loop's steps;
    /// false when the run was not taken (the state is then untouched and the loop steps on one step at a time).
    /// </summary>
    bool AdvanceRun(ref LaneState<T, TY, TF> s, in TTerm term, int steps, LoopOptions opt);
    /// <summary>
    /// Completes <paramref name="k"/> for dense output of the step just taken from (t0, y0) with length h (extra stages
    /// of a bootstrapped interpolant; nothing for most solvers). The loop calls it before any <see cref="Interpolate"/>.
    /// </summary>
    static abstract void PrepareDense(in TTerm term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd);
    /// <summary>Vector-field evaluations one <see cref="PrepareDense"/> makes (for statistics).</summary>
    static abstract int DenseEvaluations { get; }
    /// <summary>Dense output at fraction θ of a step, from what <see cref="Step"/> and <see cref="PrepareDense"/> left in <paramref name="k"/>.</summary>
    static abstract TY Interpolate(T theta, in TY y0, in RkStages<TY> k, in TY kEnd);
    /// <summary>d/dθ of <see cref="Interpolate"/> (host side: dense derivatives of single solves).</summary>
    static abstract TY InterpolateDerivative(T theta, in TY y0, in RkStages<TY> k, in TY kEnd);
}

/// <summary>Any explicit Runge–Kutta tableau as a stepper: the generic engine plus the tableau's interpolant.</summary>
public struct ErkStepper<TTab, TTerm, T, TY, TC, TF> : ISolverStepper<TTerm, T, TY, TC, TF>
    where TTab : struct, IExplicitRungeKutta
    where TTerm : struct, ITerm<T, TY, TC, TF>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TF : struct, IState<TF, T>
{
    /// <inheritdoc/>
    public static string Name => TTab.Name;
    /// <inheritdoc/>
    public static double Order => TTab.Order;
    /// <inheritdoc/>
    public static int ErrorOrder => TTab.ErrorOrder;
    /// <inheritdoc/>
    public static bool Fsal => TTab.Fsal;
    /// <inheritdoc/>
    // Stages 1 … s−1 inside the step; a non-FSAL method's end-point evaluation is counted by the loop.
    public static int EvaluationsPerStep => TTab.Stages - 1;
    /// <inheritdoc/>
    public static bool AdaptiveRuns => true;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Step(in TTerm term, T t0, T h, in TY y0, in TF f0, bool wantError, bool wantStages, ref RkStages<TY> k, out TY y1, out TY err, out TF fLast)
        => TTab.Step<TTerm, T, TY, TC, TF>(term, t0, h, y0, f0, wantError, wantStages, ref k, out y1, out err, out fLast);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Commit(T accept) { }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Advance(in TTerm term, T t0, T h, in TY y0, in TF f0, out TY y1, out TF fLast)
        => TTab.Advance<TTerm, T, TY, TC, TF>(term, t0, h, y0, f0, out y1, out fLast);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void BeginRun(in TTerm term, T dir, T tau, T h, int steps) { }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AdvanceRun(ref LaneState<T, TY, TF> s, in TTerm term, int steps, LoopOptions opt)
        => Integrator.AdvanceRun<ErkStepper<TTab, TTerm, T, TY, TC, TF>, TTerm, T, TY, TC, TF>(ref this, ref s, term, steps, opt);
    /// <inheritdoc/>
    // The run loop takes every tableau's runs step by step with the groups interleaved (large tableaus' Advance is a
    // JIT root of its own, called there).
    public static int RunChunk => 0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int AdvanceChunk(in TTerm term, ref T t, T h, ref TY y, ref TF f, bool haveF, int most)
        => Integrator.AdvanceOne<ErkStepper<TTab, TTerm, T, TY, TC, TF>, TTerm, T, TY, TC, TF>(ref this, term, ref t, h, ref y, ref f, haveF);
    /// <inheritdoc/>
    public static int DenseEvaluations => TTab.DenseStages;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrepareDense(in TTerm term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd)
        => TTab.PrepareDense<TTerm, T, TY, TC, TF>(term, t0, h, y0, ref k, kEnd);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TY Interpolate(T theta, in TY y0, in RkStages<TY> k, in TY kEnd)
        => TTab.Interpolate<T, TY>(theta, y0, k, kEnd);
    /// <inheritdoc/>
    public static TY InterpolateDerivative(T theta, in TY y0, in RkStages<TY> k, in TY kEnd)
    {
        // Exact weight derivatives from dual numbers, per lane slot.
        TY d = TY.Splat(T.Zero);
        for (int s = 0; s <= TTab.Stages + TTab.DenseStages; s++)
        {
            T w = T.Zero;
            for (int lane = 0; lane < T.Width; lane++)
                w = T.WithLane(w, lane, TTab.DenseWeight(s, new Dual(T.GetLane(theta, lane), 1)).D);
            TY ks = s < TTab.Stages ? ExplicitRungeKuttaEngine.Get(k, s) : s == TTab.Stages ? kEnd : ExplicitRungeKuttaEngine.Get(k, s - 1);
            d = TY.Fma(w, ks, d);
        }
        return d;
    }
}
