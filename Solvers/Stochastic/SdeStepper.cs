using System.Runtime.CompilerServices;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Stochastic;

/// <summary>Per-lane memory a stochastic method may carry between steps (used by <see cref="ReversibleHeun"/>).</summary>
public struct SdeCarry<T, TY, TF>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TF : struct, IState<TF, T>
{
    /// <summary>Committed auxiliary state ŷ.</summary>
    public TY YHat;
    /// <summary>Committed vector field at ŷ.</summary>
    public TF FHat;
    /// <summary>ŷ of the step just tried.</summary>
    public TY PendingYHat;
    /// <summary>Field at the ŷ of the step just tried.</summary>
    public TF PendingFHat;
    /// <summary>End time of the last accepted step (a step starting elsewhere starts a new trajectory).</summary>
    public T TNext;
    /// <summary>End time of the step just tried.</summary>
    public T PendingTNext;
    /// <summary>Mask of lanes whose carry is valid.</summary>
    public T Started;

    /// <summary>Commits the step just tried in the lanes of <paramref name="accept"/> (nothing for methods without a carry).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Commit<TMethod>(ref SdeCarry<T, TY, TF> carry, T accept) where TMethod : struct, ISdeMethod
    {
        if (!TMethod.Stateful) return;
        carry.YHat = TY.Select(accept, carry.PendingYHat, carry.YHat);
        carry.FHat = TF.Select(accept, carry.PendingFHat, carry.FHat);
        carry.TNext = T.Select(accept, carry.PendingTNext, carry.TNext);
        carry.Started = T.Or(carry.Started, accept);
    }
}

/// <summary>
/// A stochastic method: the step of an SDE dy = f(t, y) dt + g(t, y) dW over the term
/// <c>MultiTerm(OdeTerm(f), ControlTerm(g, W))</c>, with what it declares — calculus, strong order, the noise it
/// accepts. Methods are tag structs; <see cref="SdeStepper{TMethod, TDrift, TDiff, TPath, T, TY, TX, TG}"/> plugs
/// them into the one integrate loop.
/// </summary>
public interface ISdeMethod
{
    /// <summary>Name used in job files.</summary>
    static abstract string Name { get; }
    /// <summary>The SDE the method converges to.</summary>
    static abstract Calculus Calculus { get; }
    /// <summary>Strong order of convergence for a diffusion of the given noise structure.</summary>
    static abstract double StrongOrder(NoiseKind noise);
    /// <summary>Order of the embedded error estimate (0: constant steps only).</summary>
    static abstract int ErrorOrder { get; }
    /// <summary>Vector-field evaluations (drift and diffusion together) per step beyond the one at the start.</summary>
    static abstract int EvaluationsPerStep { get; }
    /// <summary>Whether the method keeps per-lane state between steps in <see cref="SdeCarry{T, TY, TF}"/> (reversible Heun).</summary>
    static virtual bool Stateful => false;
    /// <summary>Why the method cannot solve this noise structure (null when it can).</summary>
    static abstract string? Refuses(NoiseKind noise, bool diagonalShapes);

    /// <summary>
    /// One step; leaves y1 − y0 in <c>k.K13</c> for the linear dense interpolant and k.K0 = Prod(f0, ΔC).
    /// </summary>
    static abstract void Step<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry,
        ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY>
        where TDiff : struct, IDiffusion<T, TY, TX, TG>
        where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TX : struct, IState<TX, T>
        where TG : struct, IState<TG, T>;

    /// <summary>Whether the method has its own <see cref="Advance"/> (otherwise runs of constant steps call <see cref="Step"/>).</summary>
    static virtual bool HasAdvance => false;

    /// <summary>
    /// One plain step of a run of constant steps (no error estimate, no dense output) with the step's control
    /// (Δt, ΔW) = term.StepContr(t0, h) given, inlined into the run: the same arithmetic as <see cref="Step"/>, so
    /// results are bit for bit those of the loop's step. Only called when <see cref="HasAdvance"/> is true.
    /// </summary>
    static virtual void Advance<TDrift, TDiff, TPath, T, TY, TX, TG>(
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        in Cat<TY, TG, T> f0, in Pair<T, TX> control, in TY y0, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry, out TY y1, out Cat<TY, TG, T> fLast)
        where TDrift : struct, IVectorField<T, TY>
        where TDiff : struct, IDiffusion<T, TY, TX, TG>
        where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TX : struct, IState<TX, T>
        where TG : struct, IState<TG, T>
    {
        // Never called (every caller checks HasAdvance first). Not a throw: GPU kernels compile this body wherever a
        // call to it appears, even in a branch HasAdvance makes dead, and ILGPU cannot compile a throw.
        y1 = y0;
        fLast = f0;
    }
}

/// <summary>
/// Any <see cref="ISdeMethod"/> as a stepper of the one integrate loop, over the SDE term
/// <c>MultiTerm(OdeTerm(drift), ControlTerm(diffusion, Brownian path))</c>. Dense output is linear between steps.
/// Adaptive stepping on a <see cref="VirtualBrownianTree{T, TX}"/> re-queries the same path after a rejection.
/// </summary>
public struct SdeStepper<TMethod, TDrift, TDiff, TPath, T, TY, TX, TG>
    : ISolverStepper<MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY>, T, TY, Pair<T, TX>, Cat<TY, TG, T>>
    where TMethod : struct, ISdeMethod
    where TDrift : struct, IVectorField<T, TY>
    where TDiff : struct, IDiffusion<T, TY, TX, TG>
    where TPath : struct, IBrownianPath<T, TX>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TX : struct, IState<TX, T>
    where TG : struct, IState<TG, T>
{
    /// <summary>The per-lane memory of stateful methods.</summary>
    public SdeCarry<T, TY, Cat<TY, TG, T>> Carry;
    /// <summary>The normals of the current Philox block, when the path is a <see cref="FixedStepBrownian{T, TX}"/> (runs of constant steps).</summary>
    public FixedStepNormals<T, TX> Noise;
    /// <summary>The increments of the current Philox block in a run taken by step number (<see cref="BeginRun"/>).</summary>
    public FixedStepRunNoise<T, TX> RunNoise;
    /// <summary>Stream step of the next step of the run; −1 when the run's steps are not taken by number.</summary>
    public long RunStep;

    /// <summary>Whether runs may take their Brownian increments from the fixed-step stream directly (a vectorised stream and a method with its own Advance).</summary>
    private static bool FixedStream => typeof(TPath) == typeof(FixedStepBrownian<T, TX>) && FixedStepBrownian<T, TX>.Vectorised && TMethod.HasAdvance;

    /// <inheritdoc/>
    public static string Name => TMethod.Name;
    /// <inheritdoc/>
    public static double Order => TMethod.StrongOrder(TDiff.Noise);
    /// <inheritdoc/>
    public static int ErrorOrder => TMethod.ErrorOrder;
    /// <inheritdoc/>
    public static bool Fsal => false;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => TMethod.EvaluationsPerStep;

    /// <inheritdoc/>
    // Its own JIT root: inlined into the integrate loop it exhausts the JIT inlining budget (measured, as for RK steps).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public void Step(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, bool wantStages, ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
    {
        // SDE methods always leave their (few) stages in k.
        if (TMethod.HasAdvance && !wantError)
        {
            // The method's plain step with the control given, the Brownian increment through the path's block cache (on
            // the fixed-step stream, one Philox block and two transforms per four steps: one-trajectory lanes, and on
            // host lanes the steps around an ensemble's runs; other paths ignore the cache) — bit for bit the
            // method's Step, with its stages for the dense output.
            var control = new Pair<T, TX>(term.First.StepContr(t0, h), term.Second.Path.Increment(t0, t0 + h, ref Noise));
            PlainStep(term, f0, control, y0, ref Carry, ref k, out y1, out err, out fLast);
            return;
        }
        TMethod.Step<TDrift, TDiff, TPath, T, TY, TX, TG>(term, t0, h, y0, f0, wantError, ref Carry, ref k, out y1, out err, out fLast);
    }

    /// <summary>
    /// The method's plain step (<see cref="ISdeMethod.Advance"/>) with its control given, leaving what the linear dense
    /// output needs in <paramref name="k"/> (k.K0 = Prod(f0, ΔC), k.K13 = y1 − y0) and a zero error: the loop's step for
    /// methods with their own Advance, here and in <see cref="KernelSdeStepper{TMethod, TDrift, TDiff, T, TY, TX, TG}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PlainStep(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        in Cat<TY, TG, T> f0, in Pair<T, TX> control, in TY y0, ref SdeCarry<T, TY, Cat<TY, TG, T>> carry, ref RkStages<TY> k,
        out TY y1, out TY err, out Cat<TY, TG, T> fLast)
    {
        k.K0 = term.Prod(f0, control);
        TMethod.Advance<TDrift, TDiff, TPath, T, TY, TX, TG>(term, f0, control, y0, ref carry, out y1, out fLast);
        k.K13 = TY.Sub(y1, y0);
        err = TY.Splat(T.Zero);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Commit(T accept) => SdeCarry<T, TY, Cat<TY, TG, T>>.Commit<TMethod>(ref Carry, accept);

    /// <inheritdoc/>
    // SkipLocalsInit: the stage buffer of methods without their own Advance would otherwise be zeroed on every step.
    [MethodImpl(MethodImplOptions.AggressiveInlining), SkipLocalsInit]
    public void Advance(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, out TY y1, out Cat<TY, TG, T> fLast)
    {
        if (TMethod.HasAdvance)
        {
            // The fixed-step stream serves the run's steps from the normals of its Philox blocks (bit for bit the loop's).
            T t1 = t0 + h;
            Pair<T, TX> control;
            if (FixedStream)
            {
                ref var path = ref Unsafe.As<TPath, FixedStepBrownian<T, TX>>(ref Unsafe.AsRef(in term.Second.Path));
                // By step number when the run allows it (BeginRun), else from t0 with the block cache; both give the
                // stream's bits.
                TX w = RunStep >= 0 ? path.RunIncrement(RunStep++, ref RunNoise) : path.IncrementCached(t0, t1, ref Noise);
                control = new(term.First.StepContr(t0, h), w);
            }
            else control = term.StepContr(t0, h);
            TMethod.Advance<TDrift, TDiff, TPath, T, TY, TX, TG>(term, f0, control, y0, ref Carry, out y1, out fLast);
        }
        else
        {
            // Methods write the stages they use before reading them; zeroing the 21-slot buffer costs more than a step.
            Unsafe.SkipInit(out RkStages<TY> k);
            TMethod.Step<TDrift, TDiff, TPath, T, TY, TX, TG>(term, t0, h, y0, f0, false, ref Carry, ref k, out y1, out _, out fLast);
        }
        Commit(T.True);
    }

    /// <inheritdoc/>
    // Two Philox blocks per visit: 3-6 % faster than one on GBM (one thread, paired), half the calls and group visits.
    public static int RunChunk => FixedStream ? 8 : 0;

    /// <inheritdoc/>
    // A run taken by step number visits a lane group once per two Philox blocks: each block's four increments go
    // straight to its four steps, with the state, time and increments in registers (no block check, cache or group
    // bookkeeping per step). Steps before the run's first block boundary, and after its last, are taken one at a time.
    // Its own JIT root (inlined into the run loop, the block's Philox rounds exhaust the JIT inlining budget: measured).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public int AdvanceChunk(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        ref T t, T h, ref TY y, ref Cat<TY, TG, T> f, bool haveF, int most)
    {
        if (FixedStream && RunStep >= 0 && (RunStep & 3) == 0 && most >= 4)
        {
            ref readonly var path = ref Unsafe.As<TPath, FixedStepBrownian<T, TX>>(ref Unsafe.AsRef(in term.Second.Path));
            T tt = t;
            TY yy = y;
            int taken = 0, blocks = Math.Min(most, RunChunk) >> 2;
            for (int b = 0; b < blocks; b++)
            {
                path.BlockIncrements(RunStep >> 2, RunNoise, out TX w0, out TX w1, out TX w2, out TX w3);
                RunStep += 4;
                BlockStep(term, ref tt, h, ref yy, haveF && b == 0 ? f : term.Vf(tt, yy), w0);
                BlockStep(term, ref tt, h, ref yy, term.Vf(tt, yy), w1);
                BlockStep(term, ref tt, h, ref yy, term.Vf(tt, yy), w2);
                BlockStep(term, ref tt, h, ref yy, term.Vf(tt, yy), w3);
                taken += 4;
            }
            t = tt;
            y = yy;
            return taken;
        }
        AdvanceOne(term, ref t, h, ref y, f, haveF);
        return 1;
    }

    /// <summary>
    /// One step of <see cref="AdvanceChunk"/> outside a whole block: <see cref="Advance"/>, with the increment through
    /// the block cache the loop's steps use (<see cref="Step"/>), so that a run's last steps and the loop's steps after
    /// it share their block's draw.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private void AdvanceOne(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        ref T t, T h, ref TY y, in Cat<TY, TG, T> f, bool haveF)
    {
        Cat<TY, TG, T> f0 = haveF ? f : term.Vf(t, y);
        if (FixedStream)
        {
            ref readonly var path = ref Unsafe.As<TPath, FixedStepBrownian<T, TX>>(ref Unsafe.AsRef(in term.Second.Path));
            TX w = path.IncrementCached(t, t + h, ref Noise);
            if (RunStep >= 0) RunStep++;
            BlockStep(term, ref t, h, ref y, f0, w);
            return;
        }
        Advance(term, t, h, y, f0, out TY y1, out _);
        y = y1;
        t = t + h;
    }

    /// <summary>One step of <see cref="AdvanceChunk"/>: <see cref="Advance"/> with the increment given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void BlockStep(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        ref T t, T h, ref TY y, in Cat<TY, TG, T> f0, in TX w)
    {
        StepWithIncrement(term, ref Carry, ref t, h, ref y, f0, w);
        Commit(T.True);
    }

    /// <summary>
    /// The method's plain step from (t, y) of length h with the Brownian increment <paramref name="w"/> given, moving
    /// t and y: the step of runs taken by Philox block, on host lanes and in kernels alike.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepWithIncrement(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        ref SdeCarry<T, TY, Cat<TY, TG, T>> carry, ref T t, T h, ref TY y, in Cat<TY, TG, T> f0, in TX w)
    {
        T t1 = t + h;
        TMethod.Advance<TDrift, TDiff, TPath, T, TY, TX, TG>(term, f0, new Pair<T, TX>(term.First.StepContr(t, h), w), y, ref carry, out TY y1, out _);
        y = y1;
        t = t1;
    }

    /// <inheritdoc/>
    // Host lanes take their runs in RunGroups (vectorised Brownian runs); one-trajectory lanes step through the loop.
    // GPU kernels solve with KernelSdeStepper, which takes its runs by Philox block with everything inlined.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool AdvanceRun(ref LaneState<T, TY, Cat<TY, TG, T>> s,
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term, int steps, LoopOptions opt)
        => false;

    /// <inheritdoc/>
    public void BeginRun(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T dir, T tau, T h, int steps)
    {
        RunStep = -1;
        if (!FixedStream) return;
        // Every slot at the same time with the same step (a run of an ensemble's lane group): step i of the run is stream
        // step n₀ + i, the same in every slot.
        double tau0 = T.GetLane(tau, 0), h0 = T.GetLane(h, 0), dir0 = T.GetLane(dir, 0);
        if (!T.All(T.And(T.Equal(tau, T.From(tau0)), T.Equal(h, T.From(h0))))) return;
        ref readonly var path = ref Unsafe.As<TPath, FixedStepBrownian<T, TX>>(ref Unsafe.AsRef(in term.Second.Path));
        if (!path.RunsByIndex(tau0, h0, dir0, steps)) return;
        RunStep = path.StepIndex(tau0);
        path.BeginRun(ref RunNoise);
    }

    /// <inheritdoc/>
    public static int DenseEvaluations => 0;
    /// <inheritdoc/>
    public static void PrepareDense(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd) { }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TY Interpolate(T theta, in TY y0, in RkStages<TY> k, in TY kEnd) => TY.Fma(theta, k.K13, y0);

    /// <inheritdoc/>
    public static TY InterpolateDerivative(T theta, in TY y0, in RkStages<TY> k, in TY kEnd) => k.K13;
}
