using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Ensembles;

/// <summary>
/// Hands out member indices to worker threads in blocks (one atomic operation per block, not per member). Blocks
/// shrink towards the end of the queue (guided scheduling): a large last block would leave the other threads idle
/// while one thread works through it.
/// </summary>
internal sealed class MemberQueue(int members, int block, int threads)
{
    /// <summary>The smallest block: a multiple of 64 members, so two threads rarely write results to one cache line.</summary>
    public const int MinBlock = 64;
    private int _next;
    public int Members { get; } = members;
    /// <summary>Members per claim while many are left (the largest block).</summary>
    public int Block { get; } = block;

    /// <summary>
    /// A queue for <paramref name="threads"/> workers: blocks of a multiple of 64 members, about 1/32 of a thread's
    /// share, from 64 to 1,024. Workers write each finished member's results next to those of the members around it;
    /// small blocks put two threads' writes on neighbouring cache lines all the time (adaptive Tsit5 ensemble on two
    /// threads, 600k members: 1,024-member blocks 2-7 % faster than 64-member ones, paired; bench/README.md), while
    /// blocks many per thread keep the end of the solve balanced.
    /// </summary>
    public static MemberQueue For(int members, int threads)
    {
        threads = Math.Max(1, threads);
        long share = ((long)members + threads - 1) / threads;
        long block = Math.Clamp((share / 32 + MinBlock - 1) / MinBlock * MinBlock, MinBlock, 1024);
        return new MemberQueue(members, (int)block, threads);
    }

    /// <summary>
    /// Claims the next block: <see cref="Block"/> members while more than 2·threads blocks are left, then a
    /// (2·threads)-th of what is left, rounded up to a multiple of <see cref="MinBlock"/>.
    /// </summary>
    public bool TryClaim(out int start, out int end)
    {
        while (true)
        {
            int s = Volatile.Read(ref _next);
            if (s >= Members)
            {
                start = end = s;
                return false;
            }
            long left = Members - s;
            long guided = (left / (2 * threads) + MinBlock - 1) / MinBlock * MinBlock;
            int size = (int)Math.Clamp(guided, MinBlock, Block);
            if (Interlocked.CompareExchange(ref _next, s + size, s) == s)
            {
                start = s;
                end = (int)Math.Min((long)s + size, Members);
                return true;
            }
        }
    }
}

/// <summary>
/// Host sink of an ensemble: scatters lane slots into the result's column buffers. Lanes are read out through
/// <see cref="IScalar{T}.ToLanes"/> once per value (a vector store), not slot by slot.
/// </summary>
internal struct EnsembleSink<T, TY>(EnsembleResult r, double[] saveTaus) : ISaveSink<T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    public static bool RecordsSteps => false;

    /// <summary>
    /// The first member when every lane is in <paramref name="mask"/> and the lanes hold consecutive members m₀, m₀ + 1,
    /// … in lane order (lanes that a refill filled together); −1 otherwise.
    /// </summary>
    private static long Consecutive(ReadOnlySpan<double> mask, ReadOnlySpan<double> members)
    {
        double m0 = members[0];
        if (!(m0 >= 0)) return -1;
        for (int lane = 0; lane < members.Length; lane++)
            if (mask[lane] == 0 || members[lane] != m0 + lane) return -1;
        return (long)m0;
    }

    /// <summary>Whether every lane holds the same value.</summary>
    private static bool Same(ReadOnlySpan<double> values)
    {
        for (int lane = 1; lane < values.Length; lane++)
            if (values[lane] != values[0]) return false;
        return true;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public readonly T SaveTau(T member, T index)
    {
        Span<double> idx = stackalloc double[T.Width], mem = stackalloc double[T.Width], tau = stackalloc double[T.Width];
        T.ToLanes(index, idx);
        T.ToLanes(member, mem);
        // Lanes that start together ask for the same save (every lane holding a member): one lookup.
        double first = idx[0];
        bool same = true;
        for (int lane = 0; lane < T.Width; lane++) same &= idx[lane] == first && mem[lane] >= 0;
        if (same) return T.From(first < saveTaus.Length ? saveTaus[(int)first] : double.PositiveInfinity);
        for (int lane = 0; lane < T.Width; lane++)
            tau[lane] = idx[lane] < saveTaus.Length && mem[lane] >= 0 ? saveTaus[(int)idx[lane]] : double.PositiveInfinity;
        return T.FromLanes(tau);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public readonly void Save(T mask, T member, T index, T t, in TY y)
    {
        long m = r.Members;
        int w = T.Width;
        Span<double> msk = stackalloc double[w], mem = stackalloc double[w], idx = stackalloc double[w], ys = stackalloc double[w * TY.Dim];
        T.ToLanes(mask, msk);
        T.ToLanes(member, mem);
        T.ToLanes(index, idx);
        long m0 = Consecutive(msk, mem);
        if (m0 >= 0 && Same(idx))
        {
            // Every lane saves the same index for consecutive members: each component is one contiguous store.
            long at0 = (long)idx[0] * m + m0;
            for (int c = 0; c < TY.Dim; c++) T.ToLanes(TY.Get(y, c), r.Saved[c].AsSpan((int)at0, w));
            return;
        }
        for (int c = 0; c < TY.Dim; c++) T.ToLanes(TY.Get(y, c), ys.Slice(c * w, w));
        for (int lane = 0; lane < w; lane++)
        {
            if (msk[lane] == 0) continue;
            long at = (long)idx[lane] * m + (long)mem[lane];
            for (int c = 0; c < TY.Dim; c++) r.Saved[c][at] = ys[c * w + lane];
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
        int w = T.Width;
        // Slots: 0 mask, 1 member, 2 result, 3 t, 4 steps, 5 accepted, 6 rejected, 7 nfe, 8… state components.
        Span<double> v = stackalloc double[w * (8 + TY.Dim)];
        T.ToLanes(mask, v[..w]);
        T.ToLanes(member, v.Slice(w, w));
        T.ToLanes(result, v.Slice(2 * w, w));
        T.ToLanes(t, v.Slice(3 * w, w));
        T.ToLanes(stats.Steps, v.Slice(4 * w, w));
        T.ToLanes(stats.Accepted, v.Slice(5 * w, w));
        T.ToLanes(stats.Rejected, v.Slice(6 * w, w));
        T.ToLanes(stats.Nfe, v.Slice(7 * w, w));
        long m0 = Consecutive(v[..w], v.Slice(w, w));
        if (m0 >= 0)
        {
            // Lanes that finish together with consecutive members (they started together): contiguous stores.
            int at = (int)m0;
            for (int c = 0; c < TY.Dim; c++) T.ToLanes(TY.Get(y, c), r.Final[c].AsSpan(at, w));
            T.ToLanes(t, r.TFinal.AsSpan(at, w));
            Span<ResultCode> results = r.Results.AsSpan(at, w);
            Span<int> steps = r.Steps.AsSpan(at, w), accepted = r.Accepted.AsSpan(at, w), rejected = r.Rejected.AsSpan(at, w), nfe = r.Nfe.AsSpan(at, w);
            for (int lane = 0; lane < w; lane++)
            {
                results[lane] = (ResultCode)(int)v[2 * w + lane];
                steps[lane] = (int)v[4 * w + lane];
                accepted[lane] = (int)v[5 * w + lane];
                rejected[lane] = (int)v[6 * w + lane];
                nfe[lane] = (int)v[7 * w + lane];
            }
            return;
        }
        for (int c = 0; c < TY.Dim; c++) T.ToLanes(TY.Get(y, c), v.Slice((8 + c) * w, w));
        for (int lane = 0; lane < w; lane++)
        {
            if (v[lane] == 0) continue;
            int m = (int)v[w + lane];
            if (m < 0) continue;
            for (int c = 0; c < TY.Dim; c++) r.Final[c][m] = v[(8 + c) * w + lane];
            r.TFinal[m] = v[3 * w + lane];
            r.Results[m] = (ResultCode)(int)v[2 * w + lane];
            r.Steps[m] = (int)v[4 * w + lane];
            r.Accepted[m] = (int)v[5 * w + lane];
            r.Rejected[m] = (int)v[6 * w + lane];
            r.Nfe[m] = (int)v[7 * w + lane];
        }
    }
}

/// <summary>
/// Loads the next unsolved members of an ensemble into finished lanes: their span, first step, initial state and
/// parameters (the part every refill shares; each refill then rebuilds its own term from <see cref="LaneParams"/>).
/// Slot values are gathered in plain double buffers and turned into lane values once per refill.
/// </summary>
internal sealed class MemberLoader<T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    private readonly EnsembleProblem p;
    private readonly MemberQueue queue;
    private readonly int nParams;
    private readonly double _dir;
    private readonly double[] _params;
    private int _next, _end;

    public MemberLoader(EnsembleProblem p, MemberQueue queue, int nParams)
    {
        this.p = p;
        this.queue = queue;
        this.nParams = nParams;
        _dir = p.T1 >= p.T0 ? 1 : -1;
        LaneParams = new T[Math.Max(nParams, 1)];
        _params = new double[Math.Max(nParams, 1) * T.Width];
    }

    /// <summary>Parameter values per lane slot, in the model's order.</summary>
    public T[] LaneParams { get; }

    /// <summary>How many members ahead of the one being loaded <see cref="Load"/> prefetches inputs.</summary>
    private const int Lookahead = 32;

    /// <summary>A hint to bring <paramref name="a"/>[<paramref name="i"/>] into the cache (nothing where out of range or on CPUs without SSE).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(double[] a, long i)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || (ulong)i >= (ulong)a.Length) return;
        fixed (double* q = &a[i]) System.Runtime.Intrinsics.X86.Sse.Prefetch0(q);
    }

    /// <summary>The problem being solved.</summary>
    public EnsembleProblem Problem => p;

    /// <summary>Loads members into the lanes of <paramref name="finished"/>; returns the lanes that got one (others get member −1).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public T Load(T finished, ref T tau, ref T tauEnd, ref TY y, ref T member, ref T h)
    {
        int dim = TY.Dim, w = T.Width;
        Span<double> fin = stackalloc double[w], mem = stackalloc double[w], fresh = stackalloc double[w], ys = stackalloc double[w * dim];
        double yes = T.GetLane(T.True, 0);
        bool any = false;
        if (T.All(finished) && _end - _next >= w)
        {
            // Every lane takes the next member of the claimed block: w consecutive members, whose inputs are contiguous.
            int m0 = _next;
            _next += w;
            ReadOnlySpan<double> y0s = p.Y0.AsSpan(m0 * dim, w * dim), ps = p.Params.AsSpan(m0 * nParams, w * nParams);
            for (int lane = 0; lane < w; lane++)
            {
                mem[lane] = m0 + lane;
                fresh[lane] = yes;
                for (int c = 0; c < dim; c++) ys[c * w + lane] = y0s[lane * dim + c];
                for (int q = 0; q < nParams; q++) _params[q * w + lane] = ps[lane * nParams + q];
            }
            for (int i = 0; i < w * dim; i += 8) Prefetch(p.Y0, ((long)m0 + Lookahead) * dim + i);
            for (int i = 0; i < w * nParams; i += 8) Prefetch(p.Params, ((long)m0 + Lookahead) * nParams + i);
            any = true;
        }
        else
        {
            T.ToLanes(finished, fin);
            T.ToLanes(member, mem);
            for (int c = 0; c < dim; c++) T.ToLanes(TY.Get(y, c), ys.Slice(c * w, w));
            for (int lane = 0; lane < w; lane++)
            {
                fresh[lane] = 0;
                if (fin[lane] == 0) continue;
                if (_next >= _end && !queue.TryClaim(out _next, out _end)) { mem[lane] = -1; continue; }
                int m = _next++;
                mem[lane] = m;
                for (int c = 0; c < dim; c++) ys[c * w + lane] = p.Y0[(long)m * dim + c];
                // The inputs of the members a few refills ahead: a refill comes every few dozen steps, too sparse for the
                // hardware's stream prefetcher, and its loads missed the cache (bench/README.md).
                Prefetch(p.Y0, ((long)m + Lookahead) * dim);
                Prefetch(p.Params, ((long)m + Lookahead) * nParams);
                fresh[lane] = yes;
                any = true;
            }
            // Parameters come from each lane's member id, fresh or not: the loader serves several lane groups, so
            // values left over from the last load may belong to another group's lanes.
            for (int lane = 0; lane < w; lane++)
            {
                if (mem[lane] < 0) continue;
                long m = (long)mem[lane];
                for (int q = 0; q < nParams; q++) _params[q * w + lane] = p.Params[m * nParams + q];
            }
        }
        member = T.FromLanes(mem);
        T freshMask = T.FromLanes(fresh);
        if (!any) return freshMask;
        tau = T.Select(freshMask, T.From(_dir * p.T0), tau);
        tauEnd = T.Select(freshMask, T.From(_dir * p.T1), tauEnd);
        h = T.Select(freshMask, T.From(p.Dt0 is { } d ? Math.Abs(d) : 0), h);
        for (int c = 0; c < dim; c++) TY.Set(ref y, c, T.FromLanes(ys.Slice(c * w, w)));
        for (int q = 0; q < nParams; q++) LaneParams[q] = T.FromLanes(_params.AsSpan(q * w, w));
        return freshMask;
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

/// <summary>Storage for the lane groups of a CPU worker.</summary>
internal static class GroupStorage
{
    /// <summary>
    /// <paramref name="count"/> zeroed lane groups starting on a 64-byte boundary (a cache line, one AVX-512 vector)
    /// when the group holds no object references; a plain array otherwise.
    /// </summary>
    public static Span<TG> Allocate<TG>(int count) where TG : struct
    {
        if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<TG>()) return new TG[count];
        int bytes = count * System.Runtime.CompilerServices.Unsafe.SizeOf<TG>();
        byte[] raw = GC.AllocateArray<byte>(bytes + 64, pinned: true);
        int offset;
        unsafe { offset = (int)((64 - ((nuint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref raw[0]) & 63)) & 63); }
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, TG>(raw.AsSpan(offset, bytes));
    }
}
