using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Ensembles;

/// <summary>Hands out member indices to worker threads in blocks (one atomic add per block, not per member).</summary>
internal sealed class MemberQueue(int members, int block)
{
    private int _next;
    public int Members { get; } = members;

    public bool TryClaim(out int start, out int end)
    {
        int s = Interlocked.Add(ref _next, block) - block;
        start = s;
        end = Math.Min(s + block, Members);
        return s < Members;
    }
}

/// <summary>Host sink of an ensemble: scatters lane slots into the result's column buffers.</summary>
internal struct EnsembleSink<T, TY>(EnsembleResult r, double[] saveTaus) : ISaveSink<T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    public static bool RecordsSteps => false;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public readonly T SaveTau(T member, T index)
    {
        T r0 = T.Zero;
        for (int lane = 0; lane < T.Width; lane++)
        {
            double i = T.GetLane(index, lane);
            r0 = T.WithLane(r0, lane, i < saveTaus.Length && T.GetLane(member, lane) >= 0 ? saveTaus[(int)i] : double.PositiveInfinity);
        }
        return r0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public readonly void Save(T mask, T member, T index, T t, in TY y)
    {
        long m = r.Members;
        for (int lane = 0; lane < T.Width; lane++)
        {
            if (T.GetLane(mask, lane) == 0) continue;
            long at = (long)T.GetLane(index, lane) * m + (long)T.GetLane(member, lane);
            for (int c = 0; c < TY.Dim; c++) r.Saved[c][at] = T.GetLane(TY.Get(y, c), lane);
        }
    }

    public readonly void Step<TSolver, TTerm, TC, TF>(T mask, T member, T t0, T t1, in TY y0, in TY y1, in RkStages<TY> k, in TY kEnd)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, ITerm<T, TY, TC, TF>
        where TF : struct, IState<TF, T>
    { }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public readonly void Finish(T mask, T member, T result, T t, in TY y, in SolveStats<T> stats)
    {
        for (int lane = 0; lane < T.Width; lane++)
        {
            if (T.GetLane(mask, lane) == 0) continue;
            int m = (int)T.GetLane(member, lane);
            if (m < 0) continue;
            for (int c = 0; c < TY.Dim; c++) r.Final[c][m] = T.GetLane(TY.Get(y, c), lane);
            r.TFinal[m] = T.GetLane(t, lane);
            r.Results[m] = (ResultCode)(int)T.GetLane(result, lane);
            r.Steps[m] = (int)T.GetLane(stats.Steps, lane);
            r.Accepted[m] = (int)T.GetLane(stats.Accepted, lane);
            r.Rejected[m] = (int)T.GetLane(stats.Rejected, lane);
            r.Nfe[m] = (int)T.GetLane(stats.Nfe, lane);
        }
    }
}

/// <summary>
/// Loads the next unsolved members of an ensemble into finished lanes: their span, first step, initial state and
/// parameters (the part every refill shares; each refill then rebuilds its own term from <see cref="LaneParams"/>).
/// </summary>
internal sealed class MemberLoader<T, TY>(EnsembleProblem p, MemberQueue queue, int nParams)
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    private readonly double _dir = p.T1 >= p.T0 ? 1 : -1;
    private int _next, _end;

    /// <summary>Parameter values per lane slot, in the model's order.</summary>
    public T[] LaneParams { get; } = new T[Math.Max(nParams, 1)];

    /// <summary>The problem being solved.</summary>
    public EnsembleProblem Problem => p;

    /// <summary>Loads members into the lanes of <paramref name="finished"/>; returns the lanes that got one (others get member −1).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public T Load(T finished, ref T tau, ref T tauEnd, ref TY y, ref T member, ref T h)
    {
        T fresh = T.Zero;
        int dim = TY.Dim;
        for (int lane = 0; lane < T.Width; lane++)
        {
            if (T.GetLane(finished, lane) == 0) continue;
            if (_next >= _end && !queue.TryClaim(out _next, out _end)) { member = T.WithLane(member, lane, -1); continue; }
            int m = _next++;
            member = T.WithLane(member, lane, m);
            tau = T.WithLane(tau, lane, _dir * p.T0);
            tauEnd = T.WithLane(tauEnd, lane, _dir * p.T1);
            h = T.WithLane(h, lane, p.Dt0 is { } d ? Math.Abs(d) : 0);
            for (int c = 0; c < dim; c++) TY.Set(ref y, c, T.WithLane(TY.Get(y, c), lane, p.Y0[(long)m * dim + c]));
            for (int q = 0; q < nParams; q++) LaneParams[q] = T.WithLane(LaneParams[q], lane, p.Params[(long)m * nParams + q]);
            fresh = T.WithLane(fresh, lane, T.GetLane(T.True, lane));
        }
        return fresh;
    }
}

/// <summary>Lane refill for an ODE ensemble: finished lanes take the next unsolved members of the queue.</summary>
internal struct EnsembleRefill<TModel, T, TY> : IRefill<OdeTerm<TModel, T, TY>, T, TY>
    where TModel : struct, IModel<TModel, T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    private readonly MemberLoader<T, TY> _loader;

    public EnsembleRefill(EnsembleProblem p, MemberQueue queue, int nParams) { _loader = new MemberLoader<T, TY>(p, queue, nParams); }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public readonly T Refill(T finished, ref OdeTerm<TModel, T, TY> term, ref T tau, ref T tauEnd, ref TY y, ref T member, ref T h)
    {
        T fresh = _loader.Load(finished, ref tau, ref tauEnd, ref y, ref member, ref h);
        if (T.Any(fresh)) term = new OdeTerm<TModel, T, TY>(TModel.Create(new ArrayParams<T>(_loader.LaneParams)));
        return fresh;
    }
}
