using System.Runtime.CompilerServices;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Stochastic;

/// <summary>
/// The stepper GPU kernels solve SDEs with: any <see cref="ISdeMethod"/> on the fixed-step Brownian stream
/// (<see cref="FixedStepBrownian{T, TX}"/>), one trajectory per lane (<see cref="KernelF64"/>), with everything inlined
/// and no memory between steps but the method's carry. It holds no block cache: a step outside a run draws its own
/// normal (<see cref="FixedStepBrownian{T, TX}.Increment(T, T)"/>), and a run of constant steps draws each Philox
/// block's four normals once for its four steps (<see cref="FixedStepBrownian{T, TX}.StepBlock"/>). ILGPU keeps a struct
/// in local memory when any use of its address is not a plain load or store — a cache indexed by step number, or a
/// <c>NoInlining</c> call, even in a branch a static property makes dead — so this stepper has neither, and the
/// kernel's state lives in registers (<see cref="SdeStepper{TMethod, TDrift, TDiff, TPath, T, TY, TX, TG}"/> keeps
/// the host's vectorised caches and JIT roots). Results are bit for bit those of
/// <see cref="SdeStepper{TMethod, TDrift, TDiff, TPath, T, TY, TX, TG}"/>: the same stream, the method's same
/// arithmetic.
/// </summary>
public struct KernelSdeStepper<TMethod, TDrift, TDiff, T, TY, TX, TG>
    : ISolverStepper<MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>, TX, TG, T, TY>, T, TY, Pair<T, TX>, Cat<TY, TG, T>>
    where TMethod : struct, ISdeMethod
    where TDrift : struct, IVectorField<T, TY>
    where TDiff : struct, IDiffusion<T, TY, TX, TG>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TX : struct, IState<TX, T>
    where TG : struct, IState<TG, T>
{
    /// <summary>The per-lane memory of stateful methods.</summary>
    public SdeCarry<T, TY, Cat<TY, TG, T>> Carry;
    /// <summary>Stream step of the run's next step, or −1: the run's increments are drawn by time.</summary>
    private long _runStep;

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, bool wantError, bool wantStages, ref RkStages<TY> k, out TY y1, out TY err, out Cat<TY, TG, T> fLast)
    {
        if (TMethod.HasAdvance && !wantError)
        {
            SdeStepper<TMethod, TDrift, TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>.PlainStep(term, f0, term.StepContr(t0, h), y0, ref Carry, ref k,
                out y1, out err, out fLast);
            return;
        }
        TMethod.Step<TDrift, TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>(term, t0, h, y0, f0, wantError, ref Carry, ref k, out y1, out err, out fLast);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Commit(T accept) => SdeCarry<T, TY, Cat<TY, TG, T>>.Commit<TMethod>(ref Carry, accept);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, in Cat<TY, TG, T> f0, out TY y1, out Cat<TY, TG, T> fLast)
    {
        T t1 = t0 + h;
        TX w = _runStep >= 0 ? term.Second.Path.StepIncrement(_runStep++) : term.Second.Path.Increment(t0, t1);
        StepWith(term, ref Carry, t0, h, y0, f0, w, out y1, out fLast);
    }

    /// <summary>
    /// The method's plain step of length h from (t0, y0) with the Brownian increment <paramref name="w"/> given, committed (runs
    /// are taken only by methods with their own Advance: <see cref="AdvanceRun"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepWith(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>, TX, TG, T, TY> term,
        ref SdeCarry<T, TY, Cat<TY, TG, T>> carry, T t0, T h, in TY y0, in Cat<TY, TG, T> f0, in TX w, out TY y1, out Cat<TY, TG, T> fLast)
    {
        TMethod.Advance<TDrift, TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>(term, f0, new Pair<T, TX>(term.First.StepContr(t0, h), w), y0, ref carry, out y1, out fLast);
        SdeCarry<T, TY, Cat<TY, TG, T>>.Commit<TMethod>(ref carry, T.True);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AdvanceRun(ref LaneState<T, TY, Cat<TY, TG, T>> s,
        in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>, TX, TG, T, TY> term, int steps, LoopOptions opt)
        => TMethod.HasAdvance && T.Width == 1
           && Integrator.AdvanceRun<KernelSdeStepper<TMethod, TDrift, TDiff, T, TY, TX, TG>,
               MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>, TX, TG, T, TY>,
               T, TY, Pair<T, TX>, Cat<TY, TG, T>>(ref this, ref s, term, steps, opt);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void BeginRun(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>, TX, TG, T, TY> term,
        T dir, T tau, T h, int steps)
        => _runStep = term.Second.Path.RunStart(T.GetLane(tau, 0), T.GetLane(h, 0), T.GetLane(dir, 0), steps);

    /// <inheritdoc/>
    // A run taken by step number goes by the stream's blocks of four steps, their normals drawn together, with no cache
    // (as a hand-written kernel's loop over Philox blocks).
    public static int RunChunk => 4;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int AdvanceChunk(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>, TX, TG, T, TY> term,
        ref T t, T h, ref TY y, ref Cat<TY, TG, T> f, bool haveF, int most)
    {
        if (_runStep >= 0 && (_runStep & 3) == 0 && most >= 4)
        {
            term.Second.Path.StepBlock(_runStep >> 2, out TX w0, out TX w1, out TX w2, out TX w3);
            _runStep += 4;
            BlockStep(term, ref Carry, ref t, h, ref y, haveF ? f : term.Vf(t, y), w0);
            BlockStep(term, ref Carry, ref t, h, ref y, term.Vf(t, y), w1);
            BlockStep(term, ref Carry, ref t, h, ref y, term.Vf(t, y), w2);
            BlockStep(term, ref Carry, ref t, h, ref y, term.Vf(t, y), w3);
            return 4;
        }
        Advance(term, t, h, y, haveF ? f : term.Vf(t, y), out TY y1, out _);
        y = y1;
        t = t + h;
        return 1;
    }

    /// <summary>One step of a block: <see cref="StepWith"/>, moving t and y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlockStep(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>, TX, TG, T, TY> term,
        ref SdeCarry<T, TY, Cat<TY, TG, T>> carry, ref T t, T h, ref TY y, in Cat<TY, TG, T> f0, in TX w)
    {
        T t1 = t + h;
        StepWith(term, ref carry, t, h, y, f0, w, out TY y1, out _);
        y = y1;
        t = t1;
    }

    /// <inheritdoc/>
    public static int DenseEvaluations => 0;
    /// <inheritdoc/>
    public static void PrepareDense(in MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>, TX, TG, T, TY> term,
        T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd) { }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TY Interpolate(T theta, in TY y0, in RkStages<TY> k, in TY kEnd)
        => SdeStepper<TMethod, TDrift, TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>.Interpolate(theta, y0, k, kEnd);

    /// <inheritdoc/>
    public static TY InterpolateDerivative(T theta, in TY y0, in RkStages<TY> k, in TY kEnd)
        => SdeStepper<TMethod, TDrift, TDiff, FixedStepBrownian<T, TX>, T, TY, TX, TG>.InterpolateDerivative(theta, y0, k, kEnd);
}
