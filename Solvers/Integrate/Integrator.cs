using System.Runtime.CompilerServices;
using Diffrax.Contracts;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Integrate;

/// <summary>Everything the loop tracks per lane. Times are τ = direction · t, so τ increases.</summary>
public struct LaneState<T, TY, TF>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TF : struct, IState<TF, T>
{
    /// <summary>Current time (τ).</summary>
    public T Tau;
    /// <summary>End time (τ).</summary>
    public T TauEnd;
    /// <summary>Next step length (positive; 0 before the start means "choose automatically").</summary>
    public T H;
    /// <summary>Member index solved in the lane (−1 when none).</summary>
    public T Member;
    /// <summary><see cref="ResultCode"/> as a number.</summary>
    public T Result;
    /// <summary>Mask of lanes still solving.</summary>
    public T Active;
    /// <summary>Index of the next save time.</summary>
    public T SaveIndex;
    /// <summary>Event function at the current point.</summary>
    public T G0;
    /// <summary>τ of the next save time (cached from the sink; +∞ when none is left).</summary>
    public T NextSaveTau;
    /// <summary>Current state.</summary>
    public TY Y;
    /// <summary>Vector field at the current point.</summary>
    public TF F0;
    /// <summary>Statistics.</summary>
    public SolveStats<T> Stats;
}

/// <summary>Loop settings shared by all lanes of a solve.</summary>
public readonly record struct LoopOptions(double Direction, double MaxSteps);

/// <summary>
/// One lane group of a CPU ensemble solved by <see cref="Integrator.RunGroups"/>: its lanes, its term (per-lane
/// parameters), its controller, its solver and its stage buffer.
/// </summary>
public struct LaneGroup<TSolver, TTerm, TCtl, T, TY, TF>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TF : struct, IState<TF, T>
{
    /// <summary>The lanes.</summary>
    public LaneState<T, TY, TF> S;
    /// <summary>The term (each lane's member parameters).</summary>
    public TTerm Term;
    /// <summary>The step-size controller.</summary>
    public TCtl Ctl;
    /// <summary>The solver (stateful solvers keep per-lane state here).</summary>
    public TSolver Solver;
    /// <summary>The stages of the last step (dense output, saves, events).</summary>
    public RkStages<TY> K;
    /// <summary>Whether the group takes part in the current run of constant steps.</summary>
    internal bool InRun;
    /// <summary>Whether the group's last adaptive run left its next step to the loop's general step.</summary>
    internal bool Blocked;
    /// <summary>During a run: the signed time dir·τ of the next step and the signed step dir·H.</summary>
    internal T RunT, RunH;
    /// <summary>During a run: the steps taken so far.</summary>
    internal int RunDone;
}

/// <summary>
/// The one integrate loop. Every solve — a single scalar solve, an ensemble on SIMD lanes, a GPU thread —
/// runs through <see cref="Run"/>; controllers, savers, events and lane refill are strategies plugged into it.
/// Stepping is branch-free across lanes: accept/reject, clipping to the end, finished lanes and failures are
/// masks, so each lane keeps its own t and dt.
/// </summary>
public static partial class Integrator
{
    /// <summary>
    /// Solves every active lane of <paramref name="s"/> to its end (τ, τ end, y0, member and first step set by the
    /// caller; a first step of 0 is chosen automatically), refilling finished lanes through <paramref name="refill"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(
        ref TSolver solver, ref LaneState<T, TY, TF> s, ref TTerm term, ref TCtl ctl, ref TSink sink, in TEvent ev, ref TRefill refill, LoopOptions opt)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where TSink : struct, ISaveSink<T, TY>
        where TEvent : struct, IEvent<T, TY>
        where TRefill : struct, IRefill<TTerm, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        RkStages<TY> k = default;
        RunWithStages<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(ref solver, ref s, ref term, ref ctl, ref sink, ev, ref refill, opt, ref k);
    }

    /// <summary>
    /// <see cref="Run"/> with every part inlined, for GPU kernels (with <see cref="RungeKutta.InlineTableau{TTab}"/> and
    /// <see cref="InlineController{TCtl, T}"/>): ILGPU keeps each <c>NoInlining</c> method a call, and any call that takes
    /// the lane state, stages or controller by reference (even one in a branch that a static property makes dead) keeps
    /// them in local memory instead of registers. On the host those parts stay JIT roots of their own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunInline<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(
        ref TSolver solver, ref LaneState<T, TY, TF> s, ref TTerm term, ref TCtl ctl, ref TSink sink, in TEvent ev, ref TRefill refill, LoopOptions opt)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where TSink : struct, ISaveSink<T, TY>
        where TEvent : struct, IEvent<T, TY>
        where TRefill : struct, IRefill<TTerm, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        RkStages<TY> k = default;
        RunWithStagesCore<KernelRoots, TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(ref solver, ref s, ref term, ref ctl, ref sink, ev, ref refill, opt, ref k);
    }

    /// <summary>
    /// As <see cref="Run"/>
    /// with the caller's stage buffer <paramref name="k"/> (a CPU ensemble keeps the lane state, term, controller and
    /// stages of a worker together on one cache-line boundary: <see cref="LaneGroup{TSolver, TTerm, TCtl, T, TY, TF}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunWithStages<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(
        ref TSolver solver, ref LaneState<T, TY, TF> s, ref TTerm term, ref TCtl ctl, ref TSink sink, in TEvent ev, ref TRefill refill, LoopOptions opt,
        ref RkStages<TY> k)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where TSink : struct, ISaveSink<T, TY>
        where TEvent : struct, IEvent<T, TY>
        where TRefill : struct, IRefill<TTerm, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
        => RunWithStagesCore<HostRoots, TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(ref solver, ref s, ref term, ref ctl, ref sink, ev, ref refill, opt, ref k);

    /// <summary>The loop of <see cref="RunWithStages"/> with its out-of-line parts called through <typeparamref name="TRoots"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunWithStagesCore<TRoots, TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(
        ref TSolver solver, ref LaneState<T, TY, TF> s, ref TTerm term, ref TCtl ctl, ref TSink sink, in TEvent ev, ref TRefill refill, LoopOptions opt,
        ref RkStages<TY> k)
        where TRoots : struct, ILoopRoots
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where TSink : struct, ISaveSink<T, TY>
        where TEvent : struct, IEvent<T, TY>
        where TRefill : struct, IRefill<TTerm, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        Begin<TRoots, TSolver, TTerm, TCtl, TSink, TEvent, T, TY, TC, TF>(s.Active, ref s, ref term, ref ctl, ref sink, ev, opt);
        // Constant steps with nothing recorded per step go in runs of plain steps between saves (as RunGroups does for
        // CPU lane groups); the loop takes the steps around saves and the end one at a time.
        bool runs = Runs<TCtl, TSink, TEvent, T, TY>();
        bool aruns = TRoots.AdaptiveRuns && TakesAdaptiveRuns<TSolver, TTerm, TCtl, TSink, TEvent, T, TY, TC, TF>();
        while (T.Any(s.Active))
        {
            if (runs && T.All(s.Active))
            {
                int n = RunLength<TCtl, T, TY, TF>(s, opt);
                if (n > 0) runs = solver.AdvanceRun(ref s, term, n, opt);
            }
            if (aruns)
            {
                T ended = TRoots.Run<TSolver, TTerm, TCtl, T, TY, TC, TF>(ref solver, ref s, term, ref ctl, ref k, opt);
                if (T.Any(ended))
                {
                    TRoots.FinishAndRefill<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(ended, ref s, ref term, ref ctl, ref sink, ev, ref refill, opt);
                    continue;
                }
            }
            T finished = StepUntilAnyFinishes<TRoots, TSolver, TTerm, TCtl, TSink, TEvent, T, TY, TC, TF>(ref solver, ref s, ref term, ref ctl, ref sink, ev, ref k, opt, runs || aruns);
            // Nothing finished: in runs, the one step taken ended no lane; otherwise no lane was active.
            if (!T.Any(finished))
            {
                if (runs || aruns) continue;
                break;
            }
            TRoots.FinishAndRefill<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(finished, ref s, ref term, ref ctl, ref sink, ev, ref refill, opt);
        }
    }

    /// <summary>
    /// Adaptive steps of the active lanes while every one of them is plainly inside its span: the step ends before the
    /// next save time and before the end (by more than the loop's sliver margin), within the step budget, with a finite
    /// error. State, time, step and statistics live in locals for the run (<see cref="RunLanes{T, TY, TF}"/>). A step
    /// that is not plain is left untaken for the loop; a step that fails below dtmin ends its lanes as the loop does, and
    /// the run returns them (otherwise none). Results are bit for bit the loop's.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T AdaptiveRun<TSolver, TTerm, TCtl, T, TY, TC, TF>(ref TSolver solver, ref LaneState<T, TY, TF> s, in TTerm term, ref TCtl ctl,
        ref RkStages<TY> k, LoopOptions opt)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        var r = new RunLanes<T, TY, TF>(s, opt);
        TSolver sv = solver;
        TTerm tm = term;
        while (r.Plain())
        {
            sv.Step(tm, r.T0(opt), r.HReal(opt), r.Y, r.F, true, false, ref k, out TY y1, out TY err, out TF fLast);
            T norm = r.ErrorNorm<TCtl>(ctl, err, y1);
            if (!r.Finite(norm)) break;
            r.Take<TSolver, TTerm, TCtl, TC>(ref sv, ref ctl, tm, norm, y1, fLast, opt);
            if (T.Any(r.Failed)) break;
        }
        solver = sv;
        return r.Store(ref s);
    }

    /// <summary>
    /// <see cref="AdaptiveRun"/> for two lane groups at once: their steps alternate, so that one group's step overlaps
    /// the other's in the processor (a step is a chain of dependent operations; two chains fill the idle units). The run
    /// ends when either group's next step is not plain; each group's steps are those of its own run, bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AdaptiveRunPair<TSolver, TTerm, TCtl, T, TY, TC, TF>(ref LaneGroup<TSolver, TTerm, TCtl, T, TY, TF> a,
        ref LaneGroup<TSolver, TTerm, TCtl, T, TY, TF> b, LoopOptions opt, out T endedA, out T endedB)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        var ra = new RunLanes<T, TY, TF>(a.S, opt);
        var rb = new RunLanes<T, TY, TF>(b.S, opt);
        TSolver sa = a.Solver, sb = b.Solver;
        TTerm ta = a.Term, tb = b.Term;
        // Only a group whose next step is not plain takes the loop's general step; the other goes on in the next run.
        a.Blocked = b.Blocked = false;
        while (true)
        {
            a.Blocked = !ra.Plain();
            b.Blocked = !rb.Plain();
            if (a.Blocked || b.Blocked) break;
            sa.Step(ta, ra.T0(opt), ra.HReal(opt), ra.Y, ra.F, true, false, ref a.K, out TY y1a, out TY erra, out TF fa);
            sb.Step(tb, rb.T0(opt), rb.HReal(opt), rb.Y, rb.F, true, false, ref b.K, out TY y1b, out TY errb, out TF fb);
            T na = ra.ErrorNorm<TCtl>(a.Ctl, erra, y1a);
            T nb = rb.ErrorNorm<TCtl>(b.Ctl, errb, y1b);
            a.Blocked = !ra.Finite(na);
            b.Blocked = !rb.Finite(nb);
            if (a.Blocked || b.Blocked) break;
            ra.Take<TSolver, TTerm, TCtl, TC>(ref sa, ref a.Ctl, ta, na, y1a, fa, opt);
            rb.Take<TSolver, TTerm, TCtl, TC>(ref sb, ref b.Ctl, tb, nb, y1b, fb, opt);
            if (T.Any(T.Or(ra.Failed, rb.Failed))) break;
        }
        a.Solver = sa;
        b.Solver = sb;
        endedA = ra.Store(ref a.S);
        endedB = rb.Store(ref b.S);
    }

    /// <summary>A lane state's working copy for an adaptive run, and the run's step (see <see cref="AdaptiveRun"/>).</summary>
    private struct RunLanes<T, TY, TF>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        public TY Y;
        public TF F;
        public T Tau, H, Steps, Rejected, Failed;
        public readonly T Active;
        private readonly T _limit, _tauEnd, _lastStep;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public RunLanes(in LaneState<T, TY, TF> s, LoopOptions opt)
        {
            Y = s.Y;
            F = s.F0;
            Tau = s.Tau;
            H = s.H;
            Steps = s.Stats.Steps;
            Rejected = s.Stats.Rejected;
            Failed = T.Zero;
            Active = s.Active;
            _limit = T.Min(s.NextSaveTau, s.TauEnd);
            _tauEnd = s.TauEnd;
            _lastStep = T.From(opt.MaxSteps - 1);
        }

        /// <summary>
        /// Whether the next step of every active lane is plain: it ends before the next save and the end, is longer than
        /// the loop's end-snapping sliver short of the end (so the loop would take h itself), and is not the last allowed.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly bool Plain()
        {
            T plain = T.And(T.And(T.Less(Tau + H, _limit), T.Less(H * T.From(1 + 1e-9), _tauEnd - Tau)), T.Less(Steps, _lastStep));
            return !T.Any(T.AndNot(Active, plain));
        }

        /// <summary>The step's signed start time (forward solves skip the exact multiplication by 1, as the loop does).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly T T0(LoopOptions opt) => opt.Direction == 1 ? Tau : T.From(opt.Direction) * Tau;

        /// <summary>The step's signed length.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly T HReal(LoopOptions opt) => opt.Direction == 1 ? H : T.From(opt.Direction) * H;

        /// <summary>The controller's squared error norm, as the loop forms it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly T ErrorNorm<TCtl>(in TCtl ctl, in TY err, in TY y1) where TCtl : struct, IStepSizeController<T>
            => TCtl.MaxNorm ? TY.MaxSquaredScaled(err, Y, y1, ctl.Rtol, ctl.Atol) : TY.SumSquaredScaled(err, Y, y1, ctl.Rtol, ctl.Atol) * T.From(1.0 / TY.Dim);

        /// <summary>Whether the error is finite in every active lane (a non-finite one is the loop's to handle).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly bool Finite(T norm) => !T.Any(T.AndNot(Active, T.IsFinite(norm)));

        /// <summary>Adapts the step and keeps the step's end in the lanes that accept it, as the loop does.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Take<TSolver, TTerm, TCtl, TC>(ref TSolver solver, ref TCtl ctl, in TTerm term, T norm, in TY y1, in TF fLast, LoopOptions opt)
            where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
            where TTerm : struct, ITerm<T, TY, TC, TF>
            where TCtl : struct, IStepSizeController<T>
        {
            ctl.AdaptRun(Active, norm, H, out T accept, out T hNext, out Failed);
            solver.Commit(accept);
            T tauNew = Tau + H;
            TF fNew = TSolver.Fsal ? fLast : term.Vf(T.From(opt.Direction) * tauNew, y1);
            Y = TY.Select(accept, y1, Y);
            Tau = T.Select(accept, tauNew, Tau);
            F = TF.Select(accept, fNew, F);
            H = T.Select(Active, hNext, H);
            Rejected = T.Select(T.AndNot(Active, accept), Rejected + T.One, Rejected);
            Steps = T.Select(Active, Steps + T.One, Steps);
        }

        /// <summary>Writes the run back; lanes that failed below dtmin end as the loop ends them. Returns those lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly T Store(ref LaneState<T, TY, TF> s)
        {
            s.Y = Y;
            s.F0 = F;
            s.Tau = Tau;
            s.H = H;
            s.Stats.Steps = Steps;
            s.Stats.Rejected = Rejected;
            if (T.Any(Failed))
            {
                s.Result = T.Select(Failed, T.From((double)ResultCode.DtMinReached), s.Result);
                s.Active = T.AndNot(Active, Failed);
                s.TauEnd = T.Select(Failed, Tau, s.TauEnd);
            }
            return Failed;
        }
    }

    /// <summary>
    /// Whether the host loop takes plain adaptive steps in runs (<see cref="AdaptiveRun"/>): an adaptive controller that
    /// never clips a step (no step or jump times), no events, nothing recorded per step, and a stepper whose step keeps
    /// nothing between steps. The ensemble runner steps two lane groups at a time where it does (<see cref="RunGroups"/>).
    /// </summary>
    public static bool TakesAdaptiveRuns<TSolver, TTerm, TCtl, TSink, TEvent, T, TY, TC, TF>()
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where TSink : struct, ISaveSink<T, TY>
        where TEvent : struct, IEvent<T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
        => TCtl.Adaptive && !TCtl.Clips && !TEvent.Enabled && !TSink.RecordsSteps && TSolver.AdaptiveRuns;

    /// <summary>Whether the loop may take runs of plain steps: equal accepted steps, no events, nothing recorded per step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Runs<TCtl, TSink, TEvent, T, TY>()
        where TCtl : struct, IStepSizeController<T>
        where TSink : struct, ISaveSink<T, TY>
        where TEvent : struct, IEvent<T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        => TCtl.PlainSteps && !TEvent.Enabled && !TSink.RecordsSteps;

    /// <summary>
    /// Plain steps a fully active lane state can take from τ (length H, nothing saved, not the last) while τ + H stays
    /// below the next save time and the end by more than the loop's end-snapping margin: two steps of slack cover the
    /// rounding of the accumulated τ, and the step limit leaves the last allowed step to the loop. 0 when none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RunLength<TCtl, T, TY, TF>(in LaneState<T, TY, TF> s, LoopOptions opt)
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        T limit = T.Min(s.NextSaveTau, s.TauEnd);
        T room = T.Floor((limit - s.Tau) / s.H) - T.From(2);
        room = T.Min(room, T.From(opt.MaxSteps - 1) - s.Stats.Steps);
        double n = 1 << 16;
        for (int lane = 0; lane < T.Width; lane++)
        {
            double r = T.GetLane(room, lane);
            if (!(r >= n)) n = double.IsNaN(r) ? 0 : r;
        }
        return n >= 1 ? (int)n : 0;
    }

    /// <summary>
    /// Takes <paramref name="n"/> plain steps of one lane state, its state, time and solver held in locals for the run
    /// (registers in a GPU kernel: nothing here takes their address, and the solver's Advance inlines). If the state
    /// stops being finite, nothing is written back and false is returned: the loop retakes those steps one by one,
    /// where a non-finite state ends the member with its own result code. Results are bit for bit the loop's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool AdvanceRun<TSolver, TTerm, T, TY, TC, TF>(ref TSolver solver, ref LaneState<T, TY, TF> s, in TTerm term, int n, LoopOptions opt)
        where TSolver : struct, IRunStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        T dir = T.From(opt.Direction);
        TSolver sv = solver;
        TTerm tm = term;
        // The loop's step starts at t0 = dir·τ with length dir·H and moves τ to τ + H; negation is exact, so
        // dir·(τ + H) = dir·τ + dir·H bit for bit and the run keeps the signed time t = dir·τ instead.
        T t = dir * s.Tau, h = dir * s.H;
        TY y = s.Y;
        TF f = s.F0;
        sv.BeginRun(tm, dir, s.Tau, s.H, n);
        if (TSolver.RunChunk > 0)
        {
            // By the stepper's chunks (a kernel's block of Brownian increments): the same steps, whatever the chunks.
            for (int i = 0; i < n;) i += sv.AdvanceChunk(tm, ref t, h, ref y, ref f, i == 0, n - i);
            if (!TSolver.Fsal) f = tm.Vf(t, y);
        }
        else for (int i = 0; i < n; i++)
        {
            // As the loop's step: the field at the step's start is the one at the end of the step before.
            sv.Advance(tm, t, h, y, f, out TY y1, out TF fLast);
            y = y1;
            t = t + h;
            f = TSolver.Fsal ? fLast : tm.Vf(t, y);
        }
        // A state that stops being finite stays so (see RunGroups' AdvanceRun): checking the last one checks them all.
        if (!T.All(TY.AllFinite(y))) return false;
        s.Y = y;
        s.Tau = dir * t;
        s.F0 = f;
        s.Stats.Steps = s.Stats.Steps + T.From(n);
        solver = sv;
        return true;
    }

    /// <summary>
    /// One plain step as a chunk of a run (the chunked form of a stepper that takes its runs step by step): the field at
    /// the start is <paramref name="f"/> for an FSAL stepper or when <paramref name="haveF"/>, else evaluated; moves
    /// <paramref name="t"/> and <paramref name="y"/> and, for an FSAL stepper, leaves the end-point field in <paramref name="f"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int AdvanceOne<TSolver, TTerm, T, TY, TC, TF>(ref TSolver solver, in TTerm term, ref T t, T h, ref TY y, ref TF f, bool haveF)
        where TSolver : struct, IRunStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        TF f0 = TSolver.Fsal || haveF ? f : term.Vf(t, y);
        solver.Advance(term, t, h, y, f0, out TY y1, out TF fLast);
        if (TSolver.Fsal) f = fLast;
        y = y1;
        t = t + h;
        return 1;
    }

    /// <summary>
    /// The loop over several lane groups, for CPU ensembles. Constant steps: while every lane of a group is
    /// solving and no save, end or step limit is near, the groups advance together through runs of plain steps
    /// (<see cref="IRunStepper{TTerm, T, TY, TC, TF}.Advance"/>, the same arithmetic as the loop's step, with the
    /// groups interleaved so that one group's step overlaps the next one's in the processor, as a hand-written SIMD
    /// loop over a chunk of members does). Adaptive steps (where <see cref="TakesAdaptiveRuns"/>): groups two by two
    /// through <see cref="AdaptiveRunPair"/>, whose steps alternate. Every other step goes through
    /// <see cref="StepUntilAnyFinishes"/> one step at a time. Each group starts with a copy of <paramref name="ctl"/> and takes its first members from
    /// <paramref name="refill"/>. Results, result codes and statistics are bit for bit those of <see cref="Run"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunGroups<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(
        Span<LaneGroup<TSolver, TTerm, TCtl, T, TY, TF>> groups, in TCtl ctl, ref TSink sink, in TEvent ev, ref TRefill refill, LoopOptions opt)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where TSink : struct, ISaveSink<T, TY>
        where TEvent : struct, IEvent<T, TY>
        where TRefill : struct, IRefill<TTerm, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        int live = 0;
        for (int g = 0; g < groups.Length; g++)
        {
            ref var grp = ref groups[g];
            grp = default;
            grp.S.Member = T.From(-1);
            grp.Ctl = ctl;
            grp.S.Active = refill.Refill(T.True, ref grp.Term, ref grp.S.Tau, ref grp.S.TauEnd, ref grp.S.Y, ref grp.S.Member, ref grp.S.H);
            if (!T.Any(grp.S.Active)) continue;
            Begin<HostRoots, TSolver, TTerm, TCtl, TSink, TEvent, T, TY, TC, TF>(grp.S.Active, ref grp.S, ref grp.Term, ref grp.Ctl, ref sink, ev, opt);
            live++;
        }
        // Runs need a step that is the same in every lane and every step: constant steps, nothing recorded per step.
        bool runs = Runs<TCtl, TSink, TEvent, T, TY>();
        // Adaptive steps go in runs too, two groups at a time (AdaptiveRunPair).
        bool aruns = TakesAdaptiveRuns<TSolver, TTerm, TCtl, TSink, TEvent, T, TY, TC, TF>();
        var run = runs ? new RunBuffers<TSolver, T, TY, TF, TTerm>(groups.Length) : default;
        while (live > 0)
        {
            if (runs)
            {
                int n = RunLength<TSolver, TTerm, TCtl, T, TY, TF>(groups, opt);
                if (n > 0) runs = AdvanceRun<TSolver, TTerm, TCtl, T, TY, TC, TF>(groups, run, n, opt);
            }
            if (aruns)
            {
                for (int g = 0; g < groups.Length; g += 2)
                {
                    ref var a = ref groups[g];
                    bool inA = T.Any(a.S.Active), inB = g + 1 < groups.Length && T.Any(groups[g + 1].S.Active);
                    T endedA = T.Zero, endedB = T.Zero;
                    if (inA && inB) AdaptiveRunPair<TSolver, TTerm, TCtl, T, TY, TC, TF>(ref a, ref groups[g + 1], opt, out endedA, out endedB);
                    else if (inA) endedA = AdaptiveRunGroup<TSolver, TTerm, TCtl, T, TY, TC, TF>(ref a, opt);
                    else if (inB) endedB = AdaptiveRunGroup<TSolver, TTerm, TCtl, T, TY, TC, TF>(ref groups[g + 1], opt);
                    if (T.Any(endedA)) live -= FinishGroup<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(endedA, ref a, ref sink, ev, ref refill, opt);
                    if (T.Any(endedB)) live -= FinishGroup<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(endedB, ref groups[g + 1], ref sink, ev, ref refill, opt);
                }
            }
            for (int g = 0; g < groups.Length; g++)
            {
                ref var grp = ref groups[g];
                if (!T.Any(grp.S.Active) || (aruns && !grp.Blocked)) continue;
                T finished = StepUntilAnyFinishes<HostRoots, TSolver, TTerm, TCtl, TSink, TEvent, T, TY, TC, TF>(ref grp.Solver, ref grp.S, ref grp.Term, ref grp.Ctl, ref sink, ev, ref grp.K, opt, true);
                if (T.Any(finished)) live -= FinishGroup<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(finished, ref grp, ref sink, ev, ref refill, opt);
            }
        }
    }

    /// <summary>One group's adaptive run (<see cref="AdaptiveRun"/>); the group is blocked unless the run ended lanes itself.</summary>
    private static T AdaptiveRunGroup<TSolver, TTerm, TCtl, T, TY, TC, TF>(ref LaneGroup<TSolver, TTerm, TCtl, T, TY, TF> grp, LoopOptions opt)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        T ended = AdaptiveRun<TSolver, TTerm, TCtl, T, TY, TC, TF>(ref grp.Solver, ref grp.S, grp.Term, ref grp.Ctl, ref grp.K, opt);
        grp.Blocked = !T.Any(ended);
        return ended;
    }

    /// <summary>Finishes and refills a group's lanes in <paramref name="ended"/>; 1 if that left the group without active lanes.</summary>
    private static int FinishGroup<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(T ended, ref LaneGroup<TSolver, TTerm, TCtl, T, TY, TF> grp,
        ref TSink sink, in TEvent ev, ref TRefill refill, LoopOptions opt)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where TSink : struct, ISaveSink<T, TY>
        where TEvent : struct, IEvent<T, TY>
        where TRefill : struct, IRefill<TTerm, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        HostRoots.FinishAndRefill<TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF>(ended, ref grp.S, ref grp.Term, ref grp.Ctl, ref sink, ev, ref refill, opt);
        return T.Any(grp.S.Active) ? 0 : 1;
    }

    /// <summary>Longest run of plain constant steps every fully active group can take (0 = none), marking those groups.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int RunLength<TSolver, TTerm, TCtl, T, TY, TF>(Span<LaneGroup<TSolver, TTerm, TCtl, T, TY, TF>> groups, LoopOptions opt)
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        int n = int.MaxValue, inRun = 0;
        for (int g = 0; g < groups.Length; g++)
        {
            ref var grp = ref groups[g];
            grp.InRun = T.All(grp.S.Active);
            if (!grp.InRun) continue;
            n = Math.Min(n, RunLength<TCtl, T, TY, TF>(grp.S, opt));
            inRun++;
        }
        return inRun == 0 ? 0 : n;
    }

    /// <summary>
    /// The run's working copy of the lane groups taking part, packed side by side (a group's state, field, time, step,
    /// term and stepper are a few hundred bytes of a lane group of several kilobytes): the run's loop then walks short
    /// arrays, as a hand-written loop over a chunk of members does, and a run that must be retaken leaves the groups
    /// untouched. Each array starts on a 64-byte boundary (see GroupStorage).
    /// </summary>
    private readonly ref struct RunBuffers<TSolver, T, TY, TF, TTerm>(int groups)
        where TSolver : struct
        where T : struct, IScalar<T>
        where TY : struct
        where TF : struct
        where TTerm : struct
    {
        public readonly Span<TY> Y = Ensembles.GroupStorage.Allocate<TY>(groups);
        public readonly Span<TF> F = Ensembles.GroupStorage.Allocate<TF>(groups);
        public readonly Span<T> Time = Ensembles.GroupStorage.Allocate<T>(groups);
        public readonly Span<T> Step = Ensembles.GroupStorage.Allocate<T>(groups);
        public readonly Span<TTerm> Term = Ensembles.GroupStorage.Allocate<TTerm>(groups);
        public readonly Span<TSolver> Solver = Ensembles.GroupStorage.Allocate<TSolver>(groups);
        public readonly Span<int> Done = new int[groups];
        public readonly Span<int> Group = new int[groups];
    }

    /// <summary>
    /// Takes <paramref name="n"/> plain steps in every group marked for the run, interleaving the groups step by step,
    /// on packed copies (<see cref="RunBuffers{TSolver, T, TY, TF, TTerm}"/>). If any lane's state stops being finite,
    /// nothing is written back and false is returned (the loop then takes those steps one by one, where a non-finite
    /// state ends the member with its own result code).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool AdvanceRun<TSolver, TTerm, TCtl, T, TY, TC, TF>(Span<LaneGroup<TSolver, TTerm, TCtl, T, TY, TF>> groups,
        in RunBuffers<TSolver, T, TY, TF, TTerm> run, int n, LoopOptions opt)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        T dir = T.From(opt.Direction);
        int m = 0;
        for (int g = 0; g < groups.Length; g++)
        {
            ref var grp = ref groups[g];
            if (!grp.InRun) continue;
            run.Group[m] = g;
            run.Y[m] = grp.S.Y;
            run.F[m] = grp.S.F0;
            run.Term[m] = grp.Term;
            run.Solver[m] = grp.Solver;
            run.Solver[m].BeginRun(grp.Term, dir, grp.S.Tau, grp.S.H, n);
            // Signed time and step, as the runs of one lane state keep them (see the other AdvanceRun).
            run.Time[m] = dir * grp.S.Tau;
            run.Step[m] = dir * grp.S.H;
            run.Done[m] = 0;
            m++;
        }
        if (TSolver.RunChunk > 0)
        {
            // Each visit takes a chunk of the group's run (a stepper's natural unit, such as a block of Brownian
            // increments); the groups still alternate, and each group's steps are the same whatever the chunks.
            for (int left = m; left > 0;)
            {
                for (int j = 0; j < m; j++)
                {
                    if (run.Done[j] >= n) continue;
                    run.Done[j] += run.Solver[j].AdvanceChunk(run.Term[j], ref run.Time[j], run.Step[j], ref run.Y[j], ref run.F[j], run.Done[j] == 0, n - run.Done[j]);
                    if (run.Done[j] >= n) left--;
                }
            }
        }
        else
        {
            // The arrays in locals (registers), sliced to the groups in the run so that the JIT drops the range checks.
            Span<TY> ys = run.Y[..m];
            Span<TF> fs = run.F[..m];
            Span<T> times = run.Time[..m], steps = run.Step[..m];
            Span<TTerm> terms = run.Term[..m];
            Span<TSolver> solvers = run.Solver[..m];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < ys.Length; j++)
                {
                    // As the loop's step. A non-FSAL method's field at the start is the loop's end-point field of the
                    // step before (same time, same state, same bits); evaluating it here keeps it out of memory between
                    // steps. The run's first step takes the one the loop left (as many evaluations as the loop's steps:
                    // the statistics count real calls).
                    ref TTerm term = ref terms[j];
                    T t0 = times[j], h = steps[j];
                    TY y0 = ys[j];
                    TF f0 = TSolver.Fsal || i == 0 ? fs[j] : term.Vf(t0, y0);
                    solvers[j].Advance(term, t0, h, y0, f0, out TY y1, out TF fLast);
                    if (TSolver.Fsal) fs[j] = fLast;
                    ys[j] = y1;
                    times[j] = t0 + h;
                }
            }
        }
        // Every step of an explicit method adds to the state it starts from (y₁ = y₀ + …, y₀ entering each component
        // by an add or FMA), and in IEEE arithmetic a sum with an infinite or NaN term is infinite or NaN: a state
        // component that stops being finite stays so to the run's end. The last states therefore tell whether any
        // step of the run left a lane non-finite, without a check per step (which cost RK4 5-10 %, bench/README.md).
        T finite = T.True;
        for (int j = 0; j < m; j++) finite = T.And(finite, TY.AllFinite(run.Y[j]));
        if (!T.All(finite)) return false;
        T taken = T.From(n);
        for (int j = 0; j < m; j++)
        {
            ref var grp = ref groups[run.Group[j]];
            grp.S.Y = run.Y[j];
            grp.S.Tau = dir * run.Time[j];
            grp.S.F0 = TSolver.Fsal ? run.F[j] : grp.Term.Vf(run.Time[j], run.Y[j]);
            grp.Solver = run.Solver[j];
            grp.S.Stats.Steps = grp.S.Stats.Steps + taken;
        }
        return true;
    }

    /// <summary>
    /// The loop counts only attempted and rejected steps and the evaluations outside the regular per-step ones; accepted
    /// steps and total evaluations follow (every attempted step evaluates the same number of stages).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static SolveStats<T> FinalStats<TSolver, TTerm, T, TY, TC, TF>(SolveStats<T> raw)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        T perStep = T.From(TSolver.EvaluationsPerStep + (TSolver.Fsal ? 0 : 1));
        raw.Accepted = raw.Steps - raw.Rejected;
        raw.Nfe = T.Fma(raw.Steps, perStep, raw.Nfe);
        return raw;
    }

    /// <summary>Starts the lanes of <paramref name="mask"/>: vector field, first step, saves at t0, event value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Begin<TRoots, TSolver, TTerm, TCtl, TSink, TEvent, T, TY, TC, TF>(
        T mask, ref LaneState<T, TY, TF> s, ref TTerm term, ref TCtl ctl, ref TSink sink, in TEvent ev, LoopOptions opt)
        where TRoots : struct, ILoopRoots
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where TSink : struct, ISaveSink<T, TY>
        where TEvent : struct, IEvent<T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        T dir = T.From(opt.Direction);
        T t = dir * s.Tau;
        TF f = term.Vf(t, s.Y);
        s.F0 = TF.Select(mask, f, s.F0);
        s.Stats.Steps = T.Select(mask, T.Zero, s.Stats.Steps);
        s.Stats.Accepted = T.Select(mask, T.Zero, s.Stats.Accepted);
        s.Stats.Rejected = T.Select(mask, T.Zero, s.Stats.Rejected);
        s.Stats.Nfe = T.Select(mask, T.One, s.Stats.Nfe);
        s.Result = T.Select(mask, T.Zero, s.Result);
        s.SaveIndex = T.Select(mask, T.Zero, s.SaveIndex);
        ctl.Reset(mask);
        T auto = T.And(mask, T.LessEqual(s.H, T.Zero));
        if (T.Any(auto))
        {
            T h0 = TCtl.Adaptive
                ? TRoots.InitialStep<TTerm, T, TY, TC, TF>(term, t, dir, s.Y, f, ctl.Rtol, ctl.Atol, TCtl.MaxNorm, TSolver.ErrorOrder > 0 ? TSolver.ErrorOrder + 1 : (int)Math.Ceiling(TSolver.Order), ref s.Stats.Nfe, auto)
                : s.TauEnd - s.Tau;
            s.H = T.Select(auto, h0, s.H);
        }
        s.H = T.Select(mask, ctl.ClampFirstStep(s.H), s.H);
        if (TEvent.Enabled) s.G0 = T.Select(mask, ev.Condition(t, s.Y), s.G0);
        // Saves at (or before) t0.
        T idx = s.SaveIndex;
        T next = sink.SaveTau(s.Member, idx);
        T m = T.And(mask, T.LessEqual(next, s.Tau));
        while (T.Any(m))
        {
            sink.Save(m, s.Member, idx, t, s.Y);
            idx = T.Select(m, idx + T.One, idx);
            next = sink.SaveTau(s.Member, idx);
            m = T.And(m, T.LessEqual(next, s.Tau));
        }
        s.SaveIndex = idx;
        s.NextSaveTau = T.Select(mask, next, s.NextSaveTau);
    }

    /// <summary>The controller's norm (max or RMS) of <paramref name="v"/> scaled by <paramref name="y0"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T ScaledNorm<T, TY>(bool maxNorm, in TY v, in TY y0, T rtol, T atol, T invDim)
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        => T.Sqrt(maxNorm ? TY.MaxSquaredScaled(v, y0, y0, rtol, atol) : TY.SumSquaredScaled(v, y0, y0, rtol, atol) * invDim);

    /// <summary>
    /// The hot loop: steps all active lanes until at least one finishes, and returns the mask of lanes that just
    /// finished (zero if none was active or, with <paramref name="once"/>, if none finished in the one step taken).
    /// Kept apart from refill and start-up code so the JIT keeps it tight (the body is too large for the JIT to
    /// inline anywhere, so it lives here once, and <see cref="RunGroups"/> calls it a step at a time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T StepUntilAnyFinishes<TRoots, TSolver, TTerm, TCtl, TSink, TEvent, T, TY, TC, TF>(
        ref TSolver solver, ref LaneState<T, TY, TF> s, ref TTerm term, ref TCtl ctl, ref TSink sink, in TEvent ev, ref RkStages<TY> k, LoopOptions opt,
        bool once)
        where TRoots : struct, ILoopRoots
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TCtl : struct, IStepSizeController<T>
        where TSink : struct, ISaveSink<T, TY>
        where TEvent : struct, IEvent<T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        T dir = T.From(opt.Direction);
        T maxSteps = T.From(opt.MaxSteps);
        T invDim = T.From(1.0 / TY.Dim);
        // What a step prepares for dense output lives across steps, stamped with the step it belongs to (zeroing it on
        // every step cost stores on the loop's path — 40 bytes of local memory per step in a GPU kernel).
        var dense = default(StepDense<T, TY>);
        int step = 0;
        while (true)
        {
            T active = s.Active;
            if (!T.Any(active)) return T.Zero;
            step++;
            T tau = s.Tau;
            T remaining = s.TauEnd - tau;
            // A step that would leave a sliver of a few ulps before the end (rounding in accumulated constant steps)
            // goes to the end instead.
            // Min(H, remaining) is that choice except for a sliver remaining ∈ (H, H·(1 + 10⁻⁹)], which a rarely taken
            // branch fixes up: the product and comparison stay off the step → error → step-size chain (same values).
            T hTry = T.Min(s.H, remaining);
            T sliver = T.And(T.Less(s.H, remaining), T.LessEqual(remaining, s.H * T.From(1 + 1e-9)));
            if (T.Any(sliver)) hTry = T.Select(sliver, remaining, hTry);
            T hUse = ctl.Clip(tau, hTry, out T endsOnJump, out T nextTau);
            T reaching = T.LessEqual(remaining, hUse);
            // Forward solves skip the multiplications by dir = 1 (exact either way): hReal is on the step → error →
            // step-size chain.
            T t0 = opt.Direction == 1 ? tau : dir * tau;
            T hReal = opt.Direction == 1 ? hUse : dir * hUse;
            T tauNew = T.Select(reaching, s.TauEnd, T.Select(endsOnJump, nextTau, tau + hUse));
            // The stages are stored only for a step that will be interpolated: one with a save strictly inside it (a
            // save at its end takes the end state), an event to locate, or a sink that records steps.
            bool wantStages = TEvent.Enabled || TSink.RecordsSteps || T.Any(T.And(active, T.Less(s.NextSaveTau, tauNew)));
            solver.Step(term, t0, hReal, s.Y, s.F0, TCtl.Adaptive, wantStages, ref k, out TY y1, out TY err, out TF fLast);
            T errorNorm = T.Zero, accept, hNext, dtMinFailed, nonFinite;
            if (TCtl.Adaptive)
            {
                // The squared norm: the mean square, or the largest square for the max norm (see IStepSizeController.Adapt).
                errorNorm = TCtl.MaxNorm ? TY.MaxSquaredScaled(err, s.Y, y1, ctl.Rtol, ctl.Atol) : TY.SumSquaredScaled(err, s.Y, y1, ctl.Rtol, ctl.Atol) * invDim;
                ctl.Adapt(active, errorNorm, hUse, out accept, out hNext, out dtMinFailed);
                // A non-finite state or field makes the error non-finite, which the controller rejects (shrinking the
                // step); once the step cannot shrink any further (below dtmin, or to the last representable step) with
                // the error still non-finite, the lane ends as NonFinite.
                T errorNotFinite = T.AndNot(active, T.IsFinite(errorNorm));
                nonFinite = T.And(errorNotFinite, T.Or(dtMinFailed, T.Equal(tau + hNext, tau)));
                dtMinFailed = T.AndNot(dtMinFailed, nonFinite);
                s.Stats.Rejected = T.Select(T.AndNot(active, accept), s.Stats.Rejected + T.One, s.Stats.Rejected);
            }
            else
            {
                ctl.Adapt(active, errorNorm, hUse, out accept, out hNext, out dtMinFailed);
                nonFinite = T.AndNot(active, TY.AllFinite(y1));
                accept = T.AndNot(accept, nonFinite);
            }
            solver.Commit(accept);
            s.Stats.Steps = T.Select(active, s.Stats.Steps + T.One, s.Stats.Steps);

            TF fNew;
            if (TSolver.Fsal)
            {
                fNew = fLast;
                T jumped = T.And(accept, endsOnJump);
                if (T.Any(jumped))
                {
                    fNew = TF.Select(jumped, term.Vf(dir * tauNew, y1), fLast);
                    s.Stats.Nfe = T.Select(jumped, s.Stats.Nfe + T.One, s.Stats.Nfe);
                }
            }
            else
            {
                fNew = term.Vf(dir * tauNew, y1);
            }

            T tauStop = tauNew;
            TY yEnd = y1;
            T eventHit = T.Zero;
            if (TEvent.Enabled)
            {
                T g1 = ev.Condition(dir * tauNew, y1);
                T g0 = s.G0;
                T crossing = T.And(T.AndNot(accept, T.Equal(g0, T.Zero)), T.Or(T.Less(g0 * g1, T.Zero), T.Equal(g1, T.Zero)));
                if (T.Any(crossing))
                {
                    TRoots.StopAtEvent<TSolver, TTerm, TEvent, T, TY, TC, TF>(ev, crossing, g0, ref dense, step, ref s, term, ref k, fNew, t0, hReal, tau, hUse,
                        ref tauStop, ref yEnd);
                    eventHit = crossing;
                }
                s.G0 = T.Select(accept, g1, s.G0);
            }

            T saveMask = T.And(accept, T.LessEqual(s.NextSaveTau, tauStop));
            if (T.Any(saveMask))
                TRoots.SaveInStep<TSolver, TTerm, TSink, T, TY, TC, TF>(saveMask, ref s, ref sink, term, ref k, ref dense, step, fNew, tau, hUse, dir, tauStop, yEnd);
            if (TSink.RecordsSteps && T.Any(accept))
                TRoots.RecordStep<TSolver, TTerm, TSink, T, TY, TC, TF>(accept, ref s, ref sink, term, ref k, ref dense, step, fNew, t0, hReal, dir * tauStop, yEnd);

            if (TCtl.Adaptive)
            {
                s.Y = TY.Select(accept, yEnd, s.Y);
                s.Tau = T.Select(accept, tauStop, tau);
                s.F0 = TF.Select(accept, fNew, s.F0);
                s.H = T.Select(active, hNext, s.H);
            }
            else
            {
                // Constant steps accept every active lane; finished lanes have τ end = τ, so they take steps of
                // length zero that change nothing (a non-finite lane stays non-finite): no masking needed.
                s.Y = yEnd;
                s.Tau = tauStop;
                s.F0 = fNew;
            }

            T ended = T.Or(T.Or(T.AndNot(T.And(accept, reaching), eventHit), eventHit), T.Or(nonFinite, dtMinFailed));
            T done = T.Or(ended, T.And(active, T.LessEqual(maxSteps, s.Stats.Steps)));
            if (T.Any(done))
            {
                T maxed = T.AndNot(done, ended);
                T code = T.Select(nonFinite, T.From((double)ResultCode.NonFinite),
                         T.Select(dtMinFailed, T.From((double)ResultCode.DtMinReached),
                         T.Select(eventHit, T.From((double)ResultCode.EventOccurred),
                         T.Select(maxed, T.From((double)ResultCode.MaxStepsReached), T.From((double)ResultCode.Successful)))));
                s.Result = T.Select(done, code, s.Result);
                s.Active = T.AndNot(active, done);
                s.TauEnd = T.Select(done, s.Tau, s.TauEnd);
                return done;
            }
            if (once) return T.Zero;
        }
    }

    /// <summary>
    /// What one step has prepared for dense output: k_end, and whether the extra dense stages are computed. Valid for
    /// the step numbered <see cref="Step"/> only (steps count from 1, so a zeroed value holds nothing).
    /// </summary>
    private struct StepDense<T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
    {
        public int Step;
        public bool HaveKEnd, Prepared;
        /// <summary>Lanes whose statistics already count this step's dense evaluations.</summary>
        public T Counted;
        public TY KEnd;
    }

    /// <summary>
    /// Readies the step for interpolation in the lanes of <paramref name="need"/>: k_end = Prod(f(t1, y1), ΔC) and the
    /// solver's extra dense stages, each computed once per step however many consumers (events, saves, step records)
    /// ask, and counted once in each lane that needs them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrepareDense<TSolver, TTerm, T, TY, TC, TF>(ref StepDense<T, TY> dense, int step, T need, ref LaneState<T, TY, TF> s,
        in TTerm term, ref RkStages<TY> k, in TF fNew, T t0, T hReal)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        if (dense.Step != step)
        {
            dense.Step = step;
            dense.HaveKEnd = false;
            dense.Prepared = false;
            dense.Counted = T.Zero;
        }
        if (!dense.HaveKEnd)
        {
            dense.KEnd = term.Prod(fNew, term.StepContr(t0, hReal));
            dense.HaveKEnd = true;
        }
        if (TSolver.DenseEvaluations == 0 || !T.Any(need)) return;
        if (!dense.Prepared)
        {
            TSolver.PrepareDense(term, t0, hReal, s.Y, ref k, dense.KEnd);
            dense.Prepared = true;
        }
        s.Stats.Nfe = T.Select(T.AndNot(need, dense.Counted), s.Stats.Nfe + T.From(TSolver.DenseEvaluations), s.Stats.Nfe);
        dense.Counted = T.Or(dense.Counted, need);
    }

    // The event and step-record paths are JIT roots of their own: they interpolate, which for a large state is many
    // inlined operations, and the loop's inlining budget must go to the step every solve takes.

    /// <summary>
    /// Finds θ ∈ (0, 1] where the event function changes sign along the dense interpolant, by bisection to
    /// double precision (events are rare; robustness beats speed here).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T LocateEvent<TSolver, TTerm, TEvent, T, TY, TC, TF>(in TEvent ev, T crossing, T g0, T t0, T hReal, in TY y0, in RkStages<TY> k, in TY kEnd)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TEvent : struct, IEvent<T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TF : struct, IState<TF, T>
    {
        T lo = T.Zero, hi = T.One, glo = g0;
        for (int i = 0; i < 64; i++)
        {
            T mid = T.From(0.5) * (lo + hi);
            TY y = TSolver.Interpolate(mid, y0, k, kEnd);
            T g = ev.Condition(T.Fma(mid, hReal, t0), y);
            T sameSide = T.Less(T.Zero, g * glo);
            lo = T.Select(sameSide, mid, lo);
            glo = T.Select(sameSide, g, glo);
            hi = T.Select(sameSide, hi, mid);
        }
        return T.Select(crossing, hi, T.One);
    }
}
