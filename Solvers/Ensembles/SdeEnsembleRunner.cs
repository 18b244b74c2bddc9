using System.Runtime.CompilerServices;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Ensembles;

/// <summary>
/// Solves an SDE ensemble on the CPU through the same integrate loop and lane refill as <see cref="EnsembleRunner"/>:
/// each member's Brownian path is keyed by (job seed, member index), so a member gets the same path on any lane width,
/// thread count or node. Constant steps use the fixed-step stream; adaptive steps the virtual Brownian tree.
/// </summary>
public static class SdeEnsembleRunner
{
    /// <summary>
    /// Lane groups per thread for constant-step SDE ensembles: each visit of a group takes two Philox blocks' eight
    /// steps, so two groups already overlap one another (GBM, 1M paths, eight paired runs: 2 groups median 0.685× of C,
    /// 4 groups 0.65×, 2 faster in 6 of 8; bench/README.md).
    /// </summary>
    public static int LaneGroups { get; set; } = 2;

    /// <summary>
    /// Solves every member of <paramref name="p"/> with SDE method <typeparamref name="TMethod"/> on lane type
    /// <typeparamref name="T"/>. <paramref name="seed"/> keys the Brownian paths; <paramref name="treeTolerance"/> is the
    /// resolution of the virtual Brownian tree (adaptive steps only; default (t1 − t0)·2⁻²⁰).
    /// </summary>
    public static EnsembleResult Run<TMethod, TModel, T, TY, TX, TG, TDrift, TDiff>(EnsembleProblem p, ulong seed, int threads = 0, double? treeTolerance = null)
        where TMethod : struct, ISdeMethod
        where TModel : struct, ISdeModel<TModel, T, TY, TX, TG, TDrift, TDiff>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TX : struct, IState<TX, T>
        where TG : struct, IState<TG, T>
        where TDrift : struct, IVectorField<T, TY>
        where TDiff : struct, IDiffusion<T, TY, TX, TG>
        => Run<TMethod, TModel, T, TY, TX, TG, TDrift, TDiff>(p, seed, null, threads, treeTolerance);

    /// <summary>
    /// As <see cref="Run{TMethod, TModel, T, TY, TX, TG, TDrift, TDiff}(EnsembleProblem, ulong, int, double?)"/>, writing
    /// into <paramref name="into"/> (buffers allocated once for repeated solves of the same shape) when it is not null.
    /// </summary>
    public static EnsembleResult Run<TMethod, TModel, T, TY, TX, TG, TDrift, TDiff>(EnsembleProblem p, ulong seed, EnsembleResult? into, int threads = 0, double? treeTolerance = null)
        where TMethod : struct, ISdeMethod
        where TModel : struct, ISdeModel<TModel, T, TY, TX, TG, TDrift, TDiff>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TX : struct, IState<TX, T>
        where TG : struct, IState<TG, T>
        where TDrift : struct, IVectorField<T, TY>
        where TDiff : struct, IDiffusion<T, TY, TX, TG>
    {
        Sde.Check<TMethod, TDiff, T, TY, TX, TG>();
        int dim = TY.Dim, nParams = TModel.Info.Params.Count;
        EnsembleRunner.Validate(p, dim, nParams);
        StepSize stepSize = p.Pid is { } pid ? StepSize.Adaptive(pid) : StepSize.Constant;
        double dir = Diffeq.Validate(TMethod.Name, TMethod.ErrorOrder, p.T0, p.T1, p.Dt0, stepSize, p.MaxSteps);
        double[] saveTaus = p.SaveAt.Taus(p.T0, p.T1);
        var result = EnsembleRunner.Target(into, p.Members, dim, saveTaus.Select(tau => dir * tau).ToArray());
        if (threads <= 0) threads = Environment.ProcessorCount;
        threads = Math.Max(1, Math.Min(threads, (p.Members + T.Width - 1) / T.Width));
        var queue = MemberQueue.For(p.Members, threads);
        var opt = new LoopOptions(dir, p.MaxSteps);
        double tol = treeTolerance ?? Math.Abs(p.T1 - p.T0) * Math.Pow(2, -20);

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            var sink = new EnsembleSink<T, TY>(result, saveTaus);
            if (p.Pid is { } o)
            {
                var refill = new SdeRefill<TModel, VirtualBrownianTree<T, TX>, T, TY, TX, TG, TDrift, TDiff>(p, queue, nParams,
                    m => new VirtualBrownianTree<T, TX>(seed, Math.Min(p.T0, p.T1), Math.Max(p.T0, p.T1), tol, m));
                var user = new AdaptiveWorker<TMethod, TModel, T, TY, TX, TG, TDrift, TDiff> { Sink = sink, Refill = refill, Opt = opt };
                Controllers.Use<T, AdaptiveWorker<TMethod, TModel, T, TY, TX, TG, TDrift, TDiff>>(o, TMethod.ErrorOrder, dir, ref user);
            }
            else
            {
                var refill = new SdeRefill<TModel, FixedStepBrownian<T, TX>, T, TY, TX, TG, TDrift, TDiff>(p, queue, nParams,
                    m => new FixedStepBrownian<T, TX>(seed, p.T0, p.T1, Math.Abs(p.Dt0!.Value), m));
                var ctl = default(ConstantStepSize<T>);
                Worker<TMethod, TModel, FixedStepBrownian<T, TX>, ConstantStepSize<T>, T, TY, TX, TG, TDrift, TDiff>(ref ctl, ref sink, ref refill, opt);
            }
        });
        return result;
    }

    /// <summary>Runs <see cref="Worker"/> on the virtual Brownian tree with the controller the options describe.</summary>
    private struct AdaptiveWorker<TMethod, TModel, T, TY, TX, TG, TDrift, TDiff> : IControllerUser<T>
        where TMethod : struct, ISdeMethod
        where TModel : struct, ISdeModel<TModel, T, TY, TX, TG, TDrift, TDiff>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TX : struct, IState<TX, T>
        where TG : struct, IState<TG, T>
        where TDrift : struct, IVectorField<T, TY>
        where TDiff : struct, IDiffusion<T, TY, TX, TG>
    {
        public EnsembleSink<T, TY> Sink;
        public SdeRefill<TModel, VirtualBrownianTree<T, TX>, T, TY, TX, TG, TDrift, TDiff> Refill;
        public LoopOptions Opt;

        public void Use<TCtl>(ref TCtl ctl) where TCtl : struct, IStepSizeController<T>
            => Worker<TMethod, TModel, VirtualBrownianTree<T, TX>, TCtl, T, TY, TX, TG, TDrift, TDiff>(ref ctl, ref Sink, ref Refill, Opt);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Worker<TMethod, TModel, TPath, TCtl, T, TY, TX, TG, TDrift, TDiff>(ref TCtl ctl, ref EnsembleSink<T, TY> sink,
        ref SdeRefill<TModel, TPath, T, TY, TX, TG, TDrift, TDiff> refill, LoopOptions opt)
        where TMethod : struct, ISdeMethod
        where TModel : struct, ISdeModel<TModel, T, TY, TX, TG, TDrift, TDiff>
        where TPath : struct, IBrownianPath<T, TX>
        where TCtl : struct, IStepSizeController<T>
        where T : struct, IScalar<T>
        where TY : struct, IState<TY, T>
        where TX : struct, IState<TX, T>
        where TG : struct, IState<TG, T>
        where TDrift : struct, IVectorField<T, TY>
        where TDiff : struct, IDiffusion<T, TY, TX, TG>
    {
        if (!TCtl.Adaptive)
        {
            // Constant steps: lane groups advanced together through runs of plain steps (Integrator.RunGroups).
            var groups = GroupStorage.Allocate<LaneGroup<SdeStepper<TMethod, TDrift, TDiff, TPath, T, TY, TX, TG>,
                MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY>, TCtl, T, TY, Cat<TY, TG, T>>>(LaneGroups);
            Integrator.RunGroups<SdeStepper<TMethod, TDrift, TDiff, TPath, T, TY, TX, TG>,
                MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY>,
                TCtl, EnsembleSink<T, TY>, NoEvent<T, TY>, SdeRefill<TModel, TPath, T, TY, TX, TG, TDrift, TDiff>, T, TY, Pair<T, TX>, Cat<TY, TG, T>>(
                groups, ctl, ref sink, default(NoEvent<T, TY>), ref refill, opt);
            return;
        }
        var s = new LaneState<T, TY, Cat<TY, TG, T>> { Member = T.From(-1) };
        var term = default(MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY>);
        s.Active = refill.Refill(T.True, ref term, ref s.Tau, ref s.TauEnd, ref s.Y, ref s.Member, ref s.H);
        if (!T.Any(s.Active)) return;
        var solver = default(SdeStepper<TMethod, TDrift, TDiff, TPath, T, TY, TX, TG>);
        Integrator.Run<SdeStepper<TMethod, TDrift, TDiff, TPath, T, TY, TX, TG>,
            MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY>,
            TCtl, EnsembleSink<T, TY>, NoEvent<T, TY>, SdeRefill<TModel, TPath, T, TY, TX, TG, TDrift, TDiff>, T, TY, Pair<T, TX>, Cat<TY, TG, T>>(
            ref solver, ref s, ref term, ref ctl, ref sink, default, ref refill, opt);
    }
}

/// <summary>Lane refill for SDE ensembles: new members bring their parameters and their own Brownian path.</summary>
internal struct SdeRefill<TModel, TPath, T, TY, TX, TG, TDrift, TDiff>
    : IRefill<MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY>, T, TY>
    where TModel : struct, ISdeModel<TModel, T, TY, TX, TG, TDrift, TDiff>
    where TPath : struct, IBrownianPath<T, TX>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TX : struct, IState<TX, T>
    where TG : struct, IState<TG, T>
    where TDrift : struct, IVectorField<T, TY>
    where TDiff : struct, IDiffusion<T, TY, TX, TG>
{
    private readonly MemberLoader<T, TY> _loader;
    private readonly Func<T, TPath> _path;

    public SdeRefill(EnsembleProblem p, MemberQueue queue, int nParams, Func<T, TPath> path)
    {
        _loader = new MemberLoader<T, TY>(p, queue, nParams);
        _path = path;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly T Refill(T finished, ref MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY> term,
        ref T tau, ref T tauEnd, ref TY y, ref T member, ref T h)
    {
        T fresh = _loader.Load(finished, ref tau, ref tauEnd, ref y, ref member, ref h);
        if (T.Any(fresh))
        {
            TModel model = TModel.Create(new ArrayParams<T>(_loader.LaneParams));
            term = Sde.Term<TDrift, TDiff, TPath, T, TY, TX, TG>(model.Drift, model.Diffusion, _path(member + T.From(_loader.Problem.MemberOffset)));
        }
        return fresh;
    }
}
