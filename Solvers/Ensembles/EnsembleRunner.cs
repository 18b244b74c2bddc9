using System.Runtime.CompilerServices;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Ensembles;

/// <summary>
/// Solves an ensemble on the CPU: SIMD lanes × threads. Each thread runs its lane groups through the one
/// integrate loop (two groups whose steps alternate for adaptive steps, four for constant steps); a lane whose member
/// finishes takes the next unsolved member (lane refill), so members with very different step counts keep every lane
/// busy. Results do not depend on thread count, lane width or order:
/// every member is solved from its own inputs only.
/// </summary>
public static class EnsembleRunner
{
    /// <summary>Lane groups per thread for constant-step ensembles (<see cref="Integrator.RunGroups"/>); measured in bench/README.md.</summary>
    public static int LaneGroups { get; set; } = 4;

    /// <summary>
    /// Lane groups per thread for adaptive ensembles: 2 steps two groups in alternation (<see cref="Integrator.RunGroups"/>,
    /// 1.35–1.6× one group, bench/README.md); 1 runs one group. Used where the loop takes adaptive runs
    /// (<see cref="Integrator.TakesAdaptiveRuns"/>); otherwise one group.
    /// </summary>
    public static int AdaptiveLaneGroups { get; set; } = 2;

    /// <summary>
    /// Solves every member of <paramref name="p"/> with tableau <typeparamref name="TTab"/> on lane type
    /// <typeparamref name="T"/> using <paramref name="threads"/> threads (default: all cores).
    /// Throws <see cref="ArgumentException"/> for an invalid problem before any work.
    /// </summary>
    public static EnsembleResult Run<TTab, TModel, T, TY>(EnsembleProblem p, int threads = 0)
        where TTab : struct, IExplicitRungeKutta
        where TModel : struct, IModel<TModel, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        => Run<TTab, TModel, T, TY>(p, null, threads);

    /// <summary>
    /// As <see cref="Run{TTab, TModel, T, TY}(EnsembleProblem, int)"/>, writing into <paramref name="into"/> — buffers
    /// the caller allocated once for repeated solves of the same shape (saves not reached are reset to NaN) — or into new
    /// buffers when it is null.
    /// </summary>
    public static EnsembleResult Run<TTab, TModel, T, TY>(EnsembleProblem p, EnsembleResult? into, int threads = 0)
        where TTab : struct, IExplicitRungeKutta
        where TModel : struct, IModel<TModel, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
    {
        TableauChecks<TTab>.Ensure();
        int dim = TY.Dim, nParams = TModel.Info.Params.Count;
        Validate(p, dim, nParams);
        StepSize stepSize = p.Pid is { } pid ? StepSize.Adaptive(pid) : StepSize.Constant;
        double dir = Diffeq.Validate(TTab.Name, TTab.ErrorOrder, p.T0, p.T1, p.Dt0, stepSize, p.MaxSteps);
        double[] saveTaus = p.SaveAt.Taus(p.T0, p.T1);
        double[] ts = saveTaus.Select(tau => dir * tau).ToArray();
        var result = Target(into, p.Members, dim, ts);
        if (threads <= 0) threads = Environment.ProcessorCount;
        threads = Math.Max(1, Math.Min(threads, (p.Members + T.Width - 1) / T.Width));
        var queue = MemberQueue.For(p.Members, threads);
        var opt = new LoopOptions(dir, p.MaxSteps);

        // States of more than four components step in place (InPlaceErkStepper: the generated step over such states
        // exhausts the JIT's inlining budget; bench/README.md).
        bool inPlace = InPlaceErkStepper<TTab, TModel, T, TY>.Applies;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            if (inPlace) RunThread<InPlaceErkStepper<TTab, TModel, T, TY>, TTab, TModel, T, TY>(p, result, saveTaus, queue, nParams, dir, opt);
            else RunThread<ErkStepper<TTab, OdeTerm<TModel, T, TY>, T, TY, T, TY>, TTab, TModel, T, TY>(p, result, saveTaus, queue, nParams, dir, opt);
        });
        return result;
    }

    /// <summary>One thread's share of the ensemble, with its controller.</summary>
    private static void RunThread<TSolver, TTab, TModel, T, TY>(EnsembleProblem p, EnsembleResult result, double[] saveTaus, MemberQueue queue, int nParams, double dir, LoopOptions opt)
        where TSolver : struct, ISolverStepper<OdeTerm<TModel, T, TY>, T, TY, T, TY>
        where TTab : struct, IExplicitRungeKutta
        where TModel : struct, IModel<TModel, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
    {
        var sink = new EnsembleSink<T, TY>(result, saveTaus);
        var refill = new EnsembleRefill<TModel, T, TY>(p, queue, nParams);
        if (p.Pid is { } o)
        {
            var user = new AdaptiveWorker<TSolver, TModel, T, TY> { Sink = sink, Refill = refill, Opt = opt };
            Controllers.Use<T, AdaptiveWorker<TSolver, TModel, T, TY>>(o, TTab.ErrorOrder, dir, ref user);
        }
        else ConstantWorker<TSolver, TModel, T, TY>(ref sink, ref refill, opt);
    }

    /// <summary>Runs <see cref="Worker"/> with the controller the options describe.</summary>
    private struct AdaptiveWorker<TSolver, TModel, T, TY> : IControllerUser<T>
        where TSolver : struct, ISolverStepper<OdeTerm<TModel, T, TY>, T, TY, T, TY>
        where TModel : struct, IModel<TModel, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
    {
        public EnsembleSink<T, TY> Sink;
        public EnsembleRefill<TModel, T, TY> Refill;
        public LoopOptions Opt;

        public void Use<TCtl>(ref TCtl ctl) where TCtl : struct, IStepSizeController<T>
            => Worker<TSolver, TModel, TCtl, T, TY>(ref ctl, ref Sink, ref Refill, Opt);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Worker<TSolver, TModel, TCtl, T, TY>(ref TCtl ctl, ref EnsembleSink<T, TY> sink, ref EnsembleRefill<TModel, T, TY> refill, LoopOptions opt)
        where TSolver : struct, ISolverStepper<OdeTerm<TModel, T, TY>, T, TY, T, TY>
        where TModel : struct, IModel<TModel, T, TY>
        where TCtl : struct, IStepSizeController<T>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
    {
        // Two lane groups whose adaptive steps alternate in runs (Integrator.AdaptiveRunPair), where the loop takes runs.
        if (AdaptiveLaneGroups > 1 && Integrator.TakesAdaptiveRuns<TSolver, OdeTerm<TModel, T, TY>, TCtl, EnsembleSink<T, TY>, NoEvent<T, TY>, T, TY, T, TY>())
        {
            var groups = GroupStorage.Allocate<LaneGroup<TSolver, OdeTerm<TModel, T, TY>, TCtl, T, TY, TY>>(AdaptiveLaneGroups);
            Integrator.RunGroups<TSolver, OdeTerm<TModel, T, TY>, TCtl, EnsembleSink<T, TY>, NoEvent<T, TY>, EnsembleRefill<TModel, T, TY>, T, TY, T, TY>(
                groups, ctl, ref sink, default(NoEvent<T, TY>), ref refill, opt);
            return;
        }
        // The worker's lane state, term, controller and stages on one 64-byte boundary: every vector load and store of
        // the loop then stays within a cache line (bench/README.md measures what the split accesses cost).
        var work = GroupStorage.Allocate<LaneGroup<TSolver, OdeTerm<TModel, T, TY>, TCtl, T, TY, TY>>(1);
        ref var w = ref work[0];
        w.S.Member = T.From(-1);
        w.Ctl = ctl;
        w.S.Active = refill.Refill(T.True, ref w.Term, ref w.S.Tau, ref w.S.TauEnd, ref w.S.Y, ref w.S.Member, ref w.S.H);
        if (!T.Any(w.S.Active)) return;
        var ev = default(NoEvent<T, TY>);
        Integrator.RunWithStages<TSolver, OdeTerm<TModel, T, TY>, TCtl, EnsembleSink<T, TY>, NoEvent<T, TY>,
            EnsembleRefill<TModel, T, TY>, T, TY, T, TY>(ref w.Solver, ref w.S, ref w.Term, ref w.Ctl, ref sink, ev, ref refill, opt, ref w.K);
    }

    /// <summary>
    /// Constant steps: <see cref="LaneGroups"/> lane groups per thread through <see cref="Integrator.RunGroups"/>, which
    /// advances them together through runs of plain steps (bit-identical to <see cref="Integrator.Run"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConstantWorker<TSolver, TModel, T, TY>(ref EnsembleSink<T, TY> sink, ref EnsembleRefill<TModel, T, TY> refill, LoopOptions opt)
        where TSolver : struct, ISolverStepper<OdeTerm<TModel, T, TY>, T, TY, T, TY>
        where TModel : struct, IModel<TModel, T, TY>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
    {
        var groups = GroupStorage.Allocate<LaneGroup<TSolver, OdeTerm<TModel, T, TY>, ConstantStepSize<T>, T, TY, TY>>(LaneGroups);
        Integrator.RunGroups<TSolver, OdeTerm<TModel, T, TY>, ConstantStepSize<T>, EnsembleSink<T, TY>,
            NoEvent<T, TY>, EnsembleRefill<TModel, T, TY>, T, TY, T, TY>(groups, default(ConstantStepSize<T>), ref sink, default(NoEvent<T, TY>), ref refill, opt);
    }

    /// <summary>The result buffers to write: new ones, or the caller's after checking their shape and clearing the saves.</summary>
    internal static EnsembleResult Target(EnsembleResult? into, int members, int dim, double[] ts)
    {
        if (into is null) return new EnsembleResult(members, dim, ts);
        if (into.Members != members || into.Dim != dim || !into.Ts.AsSpan().SequenceEqual(ts))
            throw new ArgumentException($"the result buffers hold {into.Members} members of dimension {into.Dim} at {into.Ts.Length} save times, " +
                $"but this solve needs {members} members of dimension {dim} at {ts.Length} save times.", nameof(into));
        foreach (double[] column in into.Saved) Array.Fill(column, double.NaN);
        return into;
    }

    /// <summary>Checks array shapes and values; messages name the field and the offending index.</summary>
    // Optimized from the first call: it loops over every initial value, once per solve.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Validate(EnsembleProblem p, int dim, int nParams)
    {
        if (p.Members < 1) throw new ArgumentException($"ensemble members = {p.Members} must be at least 1.", "members");
        if (p.Y0.Length != (long)p.Members * dim)
            throw new ArgumentException($"y0 has {p.Y0.Length} values but {p.Members} members × {dim} states need {(long)p.Members * dim}.", "y0");
        if (p.Params.Length != (long)p.Members * nParams)
            throw new ArgumentException($"params has {p.Params.Length} values but {p.Members} members × {nParams} parameters need {(long)p.Members * nParams}.", "params");
        for (long i = 0; i < p.Y0.Length; i++)
            if (!double.IsFinite(p.Y0[i])) throw new ArgumentException($"y0 of member {i / dim}, component {i % dim} is {p.Y0[i]}, not finite.", "y0");
    }
}
