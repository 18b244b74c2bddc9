using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;

namespace Diffrax.Solvers.Stochastic;

/// <summary>
/// A virtual Brownian tree (Li, Wong, Chen &amp; Duvenaud 2020, with the space–time Lévy area of Jelinčič, Foster &amp;
/// Kidger 2024): the Brownian motion W on [t0, t1] and its time integral U(t) = ∫W, generated on demand by
/// bisecting [t0, t1] down to the resolution <see cref="Depth"/> (from the tolerance) with the exact conditional
/// Gaussian law of the midpoint given the interval's ends. On an interval of length L with increment ΔW and
/// space–time Lévy area H: W_mid = W_a + ΔW/2 + 3H/2 + √(L/16)·Z₁ and
/// U_mid = U_a + (L/2)W_a + LΔW/8 + LH/2 + √(L³/192)·Z₂ (Z₁, Z₂ independent). The normals of each tree node come
/// from Philox keyed by (seed, member, node number, noise dimension), so the same (seed, member) always gives the
/// same path, whatever order it is queried in, with fixed memory (no cache). Below the resolution the path is the
/// conditional mean given the enclosing leaf (a smooth interpolant), so choose the tolerance well below the step.
/// </summary>
/// <remarks>
/// Member ids are held per lane slot as values of <typeparamref name="T"/> (lane refill sets <see cref="Member"/>);
/// each slot is computed in double precision on its own, so results are bit-identical across CPU lane widths.
/// Struct-only, no arrays: kernel-safe. On a GPU the transcendental functions may differ in the last ulp.
/// </remarks>
public struct VirtualBrownianTree<T, TX> : IBrownianPath<T, TX>
    where T : struct, IScalar<T>
    where TX : struct, IState<TX, T>
{
    /// <summary>Member id in each lane slot.</summary>
    public T Member;
    /// <summary>Key word 0 (low half of the seed).</summary>
    public uint Key0;
    /// <summary>Key word 1 (high half of the seed, tagged to separate this stream from others).</summary>
    public uint Key1;
    /// <summary>Start of the span.</summary>
    public double T0;
    /// <summary>End of the span.</summary>
    public double T1;
    /// <summary>Bisection levels: the leaves have length (t1 − t0)/2^Depth ≤ tol.</summary>
    public int Depth;

    private const uint TreeTag = 0xB5297A4Du;

    /// <summary>A tree on [t0, t1] with leaves no longer than <paramref name="tol"/>, for seed and member.</summary>
    public VirtualBrownianTree(ulong seed, double t0, double t1, double tol, T member)
    {
        if (!(t1 > t0) || !double.IsFinite(t0) || !double.IsFinite(t1))
            throw new ArgumentException($"Brownian tree span [{t0}, {t1}] must be finite with t0 < t1.", nameof(t1));
        if (!(tol > 0)) throw new ArgumentException($"Brownian tree tol = {tol} must be > 0.", nameof(tol));
        int depth = Math.Max(0, (int)Math.Ceiling(Math.Log2((t1 - t0) / tol)));
        if (depth > 48) throw new ArgumentException($"Brownian tree tol = {tol} needs {depth} levels on [{t0}, {t1}]; at most 48 are supported.", nameof(tol));
        Key0 = (uint)seed;
        Key1 = (uint)(seed >> 32) ^ TreeTag;
        T0 = t0;
        T1 = t1;
        Depth = depth;
        Member = member;
    }

    /// <inheritdoc/>
    public readonly bool Covers(double t0, double t1) => Math.Min(t0, t1) >= T0 && Math.Max(t0, t1) <= T1;

    /// <inheritdoc/>
    public readonly TX Increment(T t0, T t1, ref FixedStepNormals<T, TX> cache) => Increment(t0, t1);

    /// <inheritdoc/>
    public readonly long RunStart(double tau, double h, double dir, int steps) => -1;

    /// <inheritdoc/>
    public readonly TX Increment(T t0, T t1)
    {
        TX w = default;
        for (int d = 0; d < TX.Dim; d++)
        {
            T v = T.Zero;
            for (int lane = 0; lane < T.Width; lane++)
            {
                ulong m = (ulong)T.GetLane(Member, lane);
                Point(m, (uint)d, T.GetLane(t0, lane), out double w0, out _);
                Point(m, (uint)d, T.GetLane(t1, lane), out double w1, out _);
                v = T.WithLane(v, lane, w1 - w0);
            }
            TX.Set(ref w, d, v);
        }
        return w;
    }

    /// <inheritdoc/>
    public readonly void IncrementWithArea(T s, T t, out TX w, out TX h)
    {
        w = default;
        h = default;
        for (int d = 0; d < TX.Dim; d++)
        {
            T vw = T.Zero, vh = T.Zero;
            for (int lane = 0; lane < T.Width; lane++)
            {
                ulong m = (ulong)T.GetLane(Member, lane);
                double a = T.GetLane(s, lane), b = T.GetLane(t, lane);
                Point(m, (uint)d, a, out double wa, out double ua);
                Point(m, (uint)d, b, out double wb, out double ub);
                double len = b - a, dw = wb - wa;
                double area = len != 0 ? (ub - ua - len * wa) / len - 0.5 * dw : 0.0;
                vw = T.WithLane(vw, lane, dw);
                vh = T.WithLane(vh, lane, area);
            }
            TX.Set(ref w, d, vw);
            TX.Set(ref h, d, vh);
        }
    }

    /// <summary>W(τ) and U(τ) = ∫_{t0}^τ W for one member and noise dimension (τ clamped to the span).</summary>
    public readonly void Point(ulong member, uint dim, double tau, out double w, out double u)
    {
        double a = T0, b = T1;
        if (!(tau > a)) { w = 0; u = 0; return; }
        if (tau > b) tau = b;
        double len = b - a;
        Philox.Normal53Pair(Draw(0, member, dim), out double z1, out double z2);
        double wa = 0, ua = 0;
        double wb = Math.Sqrt(len) * z1;
        double ub = len * (Math.Sqrt(len / 12.0) * z2 + 0.5 * wb);
        ulong node = 1;
        for (int level = 0; level < Depth; level++)
        {
            if (tau == b) { w = wb; u = ub; return; }
            len = b - a;
            double mid = 0.5 * (a + b);
            double dw = wb - wa;
            double area = (ub - ua - len * wa) / len - 0.5 * dw;
            Philox.Normal53Pair(Draw(node, member, dim), out z1, out z2);
            double wm = wa + 0.5 * dw + 1.5 * area + Math.Sqrt(len / 16.0) * z1;
            double um = ua + 0.5 * len * wa + 0.125 * len * dw + 0.5 * len * area + Math.Sqrt(len * len * len / 192.0) * z2;
            if (tau == mid) { w = wm; u = um; return; }
            if (tau < mid) { b = mid; wb = wm; ub = um; node = 2 * node; }
            else { a = mid; wa = wm; ua = um; node = 2 * node + 1; }
        }
        if (tau == b) { w = wb; u = ub; return; }
        // Inside a leaf: the conditional mean given (ΔW, H) of the leaf.
        len = b - a;
        double r = tau - a;
        double dwl = wb - wa;
        double hl = (ub - ua - len * wa) / len - 0.5 * dwl;
        double x = r / len;
        w = wa + x * dwl + 6.0 * x * (1.0 - x) * hl;
        u = ua + r * wa + 0.5 * r * x * dwl + hl * r * x * (3.0 - 2.0 * x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly Philox4 Draw(ulong node, ulong member, uint dim)
        => Philox.Block(new Philox4((uint)node, (uint)(node >> 32) | (dim << 17), (uint)member, (uint)(member >> 32)), Key0, Key1);
}

/// <summary>
/// A fast Brownian stream for constant-step solves: the increment of step n = round((t0 − tStart)/dt) is
/// ±√dt·Zₙ over a full step (|t1 − t0| within 10⁻⁹ relative of dt) and ±√|t1 − t0|·Zₙ over a shorter one, with Zₙ
/// from Philox in the layout of bench/reference/gbm_em.c — key (seed low, seed high), counter (n/4, member low,
/// member high, noise dimension), normal n mod 4 by 32-bit Box–Muller. Not queryable
/// backwards or over other intervals: a query inside a step gets that step's normal scaled to the query's length
/// (correct variance, not a consistent path). Kernel-safe. The space–time Lévy area of step n is √(h/12)·Z′ₙ from the
/// counter with the dimension's top bit set.
/// </summary>
public struct FixedStepBrownian<T, TX> : IBrownianPath<T, TX>
    where T : struct, IScalar<T>
    where TX : struct, IState<TX, T>
{
    /// <summary>Member id in each lane slot.</summary>
    public T Member;
    /// <summary>Key word 0.</summary>
    public uint Key0;
    /// <summary>Key word 1.</summary>
    public uint Key1;
    /// <summary>Time of step 0.</summary>
    public double TStart;
    /// <summary>The step.</summary>
    public double Dt;
    /// <summary>√dt, the scale of a full step's increment.</summary>
    public double SqrtDt;
    /// <summary>End of the span (for <see cref="Covers"/>).</summary>
    public double TEnd;

    /// <summary>A stream for steps of <paramref name="dt"/> from <paramref name="tStart"/> to <paramref name="tEnd"/>.</summary>
    public FixedStepBrownian(ulong seed, double tStart, double tEnd, double dt, T member)
    {
        if (!(dt > 0) || !double.IsFinite(dt)) throw new ArgumentException($"dt = {dt} must be a finite step > 0.", nameof(dt));
        Key0 = (uint)seed;
        Key1 = (uint)(seed >> 32);
        TStart = tStart;
        TEnd = tEnd;
        Dt = dt;
        SqrtDt = Math.Sqrt(dt);
        Member = member;
    }

    /// <inheritdoc/>
    public readonly bool Covers(double t0, double t1) => Math.Min(t0, t1) >= Math.Min(TStart, TEnd) && Math.Max(t0, t1) <= Math.Max(TStart, TEnd);

    /// <summary>Normal of step <paramref name="step"/> for one member and dimension (the stream itself).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Normal(ulong member, uint dim, long step)
        => Philox.Normal32(Philox.Block(new Philox4((uint)(step >> 2), (uint)member, (uint)(member >> 32), dim), Key0, Key1), (int)(step & 3));

    /// <inheritdoc/>
    // Host lanes take the vectorised path (8 Philox counters at once); the scalar F64 path uses the same routine on
    // slot 0, so both give identical bits. Kernels (KernelF64) keep the plain scalar loop. Not marked for inlining:
    // inlined where the run loop might call it (the block cache's partial steps), it exhausted the loop's JIT inlining
    // budget and halved the GBM run's speed (measured).
    public readonly TX Increment(T t0, T t1) => T.Pick<IncrementOp, TX>(new IncrementOp(this, t0, t1));

    /// <summary>The increment over [t0, t1] in its two forms (<see cref="IHostVectorOp{TResult}"/>).</summary>
    private readonly struct IncrementOp(in FixedStepBrownian<T, TX> path, T t0, T t1) : IHostVectorOp<TX>
    {
        private readonly FixedStepBrownian<T, TX> _path = path;
        public TX Portable() => _path.IncrementPortable(t0, t1);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TX HostVector512() => _path.IncrementLanes(t0, t1);
    }

    /// <summary>The increment lane by lane from <see cref="Normal"/> (kernel-safe).</summary>
    private readonly TX IncrementPortable(T t0, T t1)
    {
        TX w = default;
        for (int d = 0; d < TX.Dim; d++)
        {
            T v = T.Zero;
            for (int lane = 0; lane < T.Width; lane++)
            {
                double a = T.GetLane(t0, lane), h = T.GetLane(t1, lane) - a;
                long n = (long)Math.Round((a - TStart) / Dt);
                double s = Scale(h);
                v = T.WithLane(v, lane, s * Normal((ulong)T.GetLane(Member, lane), (uint)d, n));
            }
            TX.Set(ref w, d, v);
        }
        return w;
    }

    /// <inheritdoc/>
    // Host vector lanes: IncrementCached (a block's four normals drawn together for all slots). Other lanes (kernels):
    // lane by lane, the normals of step n = round((t0 − tStart)/dt) through the block cache (Normal's arithmetic),
    // scaled as Increment does. Both give Increment's bits.
    public readonly TX Increment(T t0, T t1, ref FixedStepNormals<T, TX> cache)
    {
        if (!T.HostVector512) return IncrementByLane(t0, t1, ref cache);
        var r = T.Pick<CachedIncrementOp, CachedIncrement>(new CachedIncrementOp(this, t0, t1, cache));
        cache = r.Cache;
        return r.W;
    }

    /// <summary>An increment and the block cache after it.</summary>
    private readonly struct CachedIncrement(TX w, in FixedStepNormals<T, TX> cache)
    {
        public readonly TX W = w;
        public readonly FixedStepNormals<T, TX> Cache = cache;
    }

    /// <summary><see cref="Increment(T, T, ref FixedStepNormals{T, TX})"/> in its two forms (<see cref="IHostVectorOp{TResult}"/>).</summary>
    private readonly struct CachedIncrementOp(in FixedStepBrownian<T, TX> path, T t0, T t1, in FixedStepNormals<T, TX> cache) : IHostVectorOp<CachedIncrement>
    {
        private readonly FixedStepBrownian<T, TX> _path = path;
        private readonly FixedStepNormals<T, TX> _cache = cache;
        public CachedIncrement Portable()
        {
            var c = _cache;
            TX w = _path.IncrementByLane(t0, t1, ref c);
            return new(w, c);
        }
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public CachedIncrement HostVector512()
        {
            var c = _cache;
            TX w = _path.IncrementCached(t0, t1, ref c);
            return new(w, c);
        }
    }

    /// <summary>The lane-by-lane form of <see cref="Increment(T, T, ref FixedStepNormals{T, TX})"/> (kernel-safe).</summary>
    private readonly TX IncrementByLane(T t0, T t1, ref FixedStepNormals<T, TX> cache)
    {
        TX w = default;
        for (int lane = 0; lane < T.Width; lane++)
        {
            double a = T.GetLane(t0, lane), h = T.GetLane(t1, lane) - a;
            long n = (long)Math.Round((a - TStart) / Dt);
            double s = Scale(h);
            for (int d = 0; d < TX.Dim; d++)
                TX.Set(ref w, d, T.WithLane(TX.Get(w, d), lane, s * CachedNormal(n, lane, d, ref cache)));
        }
        return w;
    }

    /// <inheritdoc/>
    public readonly long RunStart(double tau, double h, double dir, int steps) => RunsByIndex(tau, h, dir, steps) ? StepIndex(tau) : -1;

    /// <summary>
    /// The increment over stream step <paramref name="step"/> (a full forward step of a run that <see cref="RunStart"/>
    /// accepted), bit for bit <see cref="Increment(T, T)"/> over that step, without a division or a cache. Kernel-safe.
    /// </summary>
    // A full forward step's increment is √dt·Zₙ (Scale of a full step): no division or scale test per step.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TX StepIncrement(long step)
    {
        TX w = default;
        for (int lane = 0; lane < T.Width; lane++)
            for (int d = 0; d < TX.Dim; d++)
                TX.Set(ref w, d, T.WithLane(TX.Get(w, d), lane, SqrtDt * Normal((ulong)T.GetLane(Member, lane), (uint)d, step)));
        return w;
    }

    /// <summary>
    /// The increments of stream steps 4·<paramref name="block"/> … 4·<paramref name="block"/> + 3 (full forward steps of
    /// a run that <see cref="RunStart"/> accepted), bit for bit four calls of <see cref="StepIncrement"/>, from the
    /// block's one Philox block per noise dimension. Kernel-safe.
    /// </summary>
    // Lane by lane (kernel-safe): the block's four normals of each slot and dimension (CachedNormal's draw), scaled by √dt.
    // One slot and one dimension without a loop: ILGPU does not unroll loops, even of one trip (a kernel's usual case).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void StepBlock(long block, out TX w0, out TX w1, out TX w2, out TX w3)
    {
        w0 = w1 = w2 = w3 = default;
        if (T.Width == 1 && TX.Dim == 1)
        {
            BlockSlot(block, 0, 0, ref w0, ref w1, ref w2, ref w3);
            return;
        }
        for (int lane = 0; lane < T.Width; lane++)
            for (int d = 0; d < TX.Dim; d++)
                BlockSlot(block, lane, d, ref w0, ref w1, ref w2, ref w3);
    }

    /// <summary>The four increments of <see cref="StepBlock"/> for one slot and noise dimension.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void BlockSlot(long block, int lane, int d, ref TX w0, ref TX w1, ref TX w2, ref TX w3)
    {
        ulong m = (ulong)T.GetLane(Member, lane);
        Philox.Normals32(Philox.Block(new Philox4((uint)block, (uint)m, (uint)(m >> 32), (uint)d), Key0, Key1),
            out double z0, out double z1, out double z2, out double z3);
        TX.Set(ref w0, d, T.WithLane(TX.Get(w0, d), lane, SqrtDt * z0));
        TX.Set(ref w1, d, T.WithLane(TX.Get(w1, d), lane, SqrtDt * z1));
        TX.Set(ref w2, d, T.WithLane(TX.Get(w2, d), lane, SqrtDt * z2));
        TX.Set(ref w3, d, T.WithLane(TX.Get(w3, d), lane, SqrtDt * z3));
    }

    /// <summary>
    /// Normal <paramref name="n"/> of one slot and noise dimension from <paramref name="cache"/>; a slot whose block or
    /// member differs from the cached one first draws its block's four normals (Philox.Normals32: Normal's arithmetic).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly double CachedNormal(long n, int lane, int dim, ref FixedStepNormals<T, TX> cache)
    {
        double key = (n >> 2) + 1.0, member = T.GetLane(Member, lane);
        if (T.GetLane(cache.Key, lane) != key || T.GetLane(cache.Member, lane) != member)
        {
            ulong m = (ulong)member;
            for (int d = 0; d < TX.Dim; d++)
            {
                Philox.Normals32(Philox.Block(new Philox4((uint)(n >> 2), (uint)m, (uint)(m >> 32), (uint)d), Key0, Key1),
                    out double z0, out double z1, out double z2, out double z3);
                TX.Set(ref cache.Z0, d, T.WithLane(TX.Get(cache.Z0, d), lane, z0));
                TX.Set(ref cache.Z1, d, T.WithLane(TX.Get(cache.Z1, d), lane, z1));
                TX.Set(ref cache.Z2, d, T.WithLane(TX.Get(cache.Z2, d), lane, z2));
                TX.Set(ref cache.Z3, d, T.WithLane(TX.Get(cache.Z3, d), lane, z3));
            }
            cache.Key = T.WithLane(cache.Key, lane, key);
            cache.Member = T.WithLane(cache.Member, lane, member);
        }
        int k = (int)(n & 3);
        TX z = k == 0 ? cache.Z0 : k == 1 ? cache.Z1 : k == 2 ? cache.Z2 : cache.Z3;
        return T.GetLane(TX.Get(z, dim), lane);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Slots(T v) => typeof(T) == typeof(Lane8)
        ? Unsafe.As<T, Lane8>(ref v).V
        : Vector512.CreateScalar(Unsafe.As<T, F64>(ref v).V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FromSlots(Vector512<double> v)
    {
        if (typeof(T) == typeof(Lane8)) { Lane8 l; l.V = v; return Unsafe.As<Lane8, T>(ref l); }
        F64 f = new(v.ToScalar());
        return Unsafe.As<F64, T>(ref f);
    }

    /// <summary>Whether <typeparamref name="T"/> takes the vectorised path (<see cref="Lane8"/> and <see cref="F64"/>).</summary>
    internal static bool Vectorised => T.HostVector512;

    /// <summary>
    /// The increments of up to 8 slots at once: step index n = round((t0 − tStart)/dt), Philox counter
    /// (n/4, member low, member high, dimension) and normal n mod 4 of the Box–Muller pairs — the layout of
    /// <see cref="Normal"/> — with the inlined kernels of <see cref="BoxMuller"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly TX IncrementLanes(T t0, T t1)
    {
        Index(t0, t1, out Vector512<double> root, out Vector512<long> n);
        Counter(n, out Vector512<ulong> block, out Vector512<ulong> memberLo, out Vector512<ulong> memberHi);
        Vector512<ulong> k = n.AsUInt64() & Vector512.Create(3UL);
        Vector512<ulong> firstPair = Vector512.LessThan(k, Vector512.Create(2UL));
        Vector512<double> even = Vector512.Equals(k & Vector512<ulong>.One, Vector512<ulong>.Zero).AsDouble();
        TX w = default;
        for (int d = 0; d < TX.Dim; d++)
        {
            Philox.Philox8(block, memberLo, memberHi, Vector512.Create((ulong)(uint)d), Key0, Key1,
                out Vector512<ulong> r0, out Vector512<ulong> r1, out Vector512<ulong> r2, out Vector512<ulong> r3);
            Vector512<double> radius = Radius(Vector512.ConditionalSelect(firstPair, r0, r2));
            BoxMuller.SinCosTurns(Uniform(Vector512.ConditionalSelect(firstPair, r1, r3)), out Vector512<double> sin, out Vector512<double> cos);
            TX.Set(ref w, d, FromSlots(root * (radius * Vector512.ConditionalSelect(even, cos, sin))));
        }
        return w;
    }

    /// <summary>
    /// The same increments as <see cref="Increment(T, T)"/> (bit for bit) for runs of constant steps: the four normals of a
    /// Philox block are computed together (two logarithms, two square roots, two sine–cosine pairs) and kept in
    /// <paramref name="cache"/> for the block's other steps, as a hand-written stream would; a lane whose member or block
    /// changed recomputes the block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal readonly TX IncrementCached(T t0, T t1, ref FixedStepNormals<T, TX> cache)
    {
        Index(t0, t1, out Vector512<double> root, out Vector512<long> n);
        // Block + 1 is the cache key, so that the zeroed cache of a new stepper matches no block ≥ 0.
        T key = FromSlots(Vector512.ConvertToDouble(n >> 2) + Vector512<double>.One);
        if (!T.All(T.And(T.Equal(key, cache.Key), T.Equal(Member, cache.Member))))
        {
            Counter(n, out Vector512<ulong> block, out Vector512<ulong> memberLo, out Vector512<ulong> memberHi);
            for (int d = 0; d < TX.Dim; d++)
            {
                Philox.Philox8(block, memberLo, memberHi, Vector512.Create((ulong)(uint)d), Key0, Key1,
                    out Vector512<ulong> r0, out Vector512<ulong> r1, out Vector512<ulong> r2, out Vector512<ulong> r3);
                BlockNormals(r0, r1, r2, r3, out Vector512<double> z0, out Vector512<double> z1, out Vector512<double> z2, out Vector512<double> z3);
                TX.Set(ref cache.Z0, d, FromSlots(z0));
                TX.Set(ref cache.Z1, d, FromSlots(z1));
                TX.Set(ref cache.Z2, d, FromSlots(z2));
                TX.Set(ref cache.Z3, d, FromSlots(z3));
            }
            cache.Key = key;
            cache.Member = Member;
        }
        Vector512<long> k = n & Vector512.Create(3L);
        Vector512<double> first = Vector512.LessThan(k, Vector512.Create(2L)).AsDouble();
        Vector512<double> even = Vector512.Equals(k & Vector512<long>.One, Vector512<long>.Zero).AsDouble();
        TX w = default;
        for (int d = 0; d < TX.Dim; d++)
        {
            Vector512<double> z = Vector512.ConditionalSelect(first,
                Vector512.ConditionalSelect(even, Slots(TX.Get(cache.Z0, d)), Slots(TX.Get(cache.Z1, d))),
                Vector512.ConditionalSelect(even, Slots(TX.Get(cache.Z2, d)), Slots(TX.Get(cache.Z3, d))));
            TX.Set(ref w, d, FromSlots(root * z));
        }
        return w;
    }

    /// <summary>
    /// The scale of the increment over a query of length h: ±√dt for a full step (|h| within 10⁻⁹ relative of dt — the
    /// step's true length, which t0 + h − t0 misses in its last bits), ±√|h| otherwise (a partial last step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    // A select, not Math.CopySign: ILGPU 1.5 emits PTX copysign with its operands swapped (sign and magnitude), which
    // on the GPU scaled every increment by h instead of √h (measured: the GBM call priced at 4.88 for 10.45). A
    // compiled-kernel test keeps copysign out of every shipped kernel.
    private readonly double Scale(double h)
    {
        double root = Math.Abs(Math.Abs(h) - Dt) <= 1e-9 * Dt ? SqrtDt : Math.Sqrt(Math.Abs(h));
        return h < 0 ? -root : root;
    }

    /// <summary>The increment scales of <see cref="Scale"/> and the step index n = round((t0 − tStart)/dt) of each slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Index(T t0, T t1, out Vector512<double> root, out Vector512<long> n)
    {
        Vector512<double> a = Slots(t0), h = Slots(t1) - a, ah = Vector512.Abs(h);
        Vector512<double> full = Vector512.LessThanOrEqual(Vector512.Abs(ah - Vector512.Create(Dt)), Vector512.Create(1e-9 * Dt));
        root = Vector512.CopySign(Vector512.ConditionalSelect(full, Vector512.Create(SqrtDt), Vector512.Sqrt(ah)), h);
        n = Vector512.ConvertToInt64(Vector512.Round((a - Vector512.Create(TStart)) / Vector512.Create(Dt)));
    }

    /// <summary>
    /// Whether a run of <paramref name="steps"/> steps of length <paramref name="h"/> forward from τ =
    /// <paramref name="tau"/> can take its increments by step number (<see cref="RunIncrement"/>): the run's step is the
    /// stream's (so step i of the run is stream step n₀ + i and a full step), and its times are small enough against
    /// dt (|t| ≤ 2²⁰ dt) that rounding can neither move an index nor make a step look partial.
    /// </summary>
    internal readonly bool RunsByIndex(double tau, double h, double dir, int steps)
    {
        double limit = 1048576.0 * Dt, end = tau + steps * h;
        return dir == 1 && h == Dt && Math.Abs(tau) <= limit && Math.Abs(end) <= limit
            && Math.Abs(tau - TStart) <= limit && Math.Abs(end - TStart) <= limit;
    }

    /// <summary>Readies <paramref name="noise"/> for a run: no block held, this stream's round keys and member words.</summary>
    internal readonly void BeginRun(ref FixedStepRunNoise<T, TX> noise)
    {
        noise.Block = -1;
        noise.Keys = Philox.RoundKeys(Key0, Key1);
        Counter(Vector512<long>.Zero, out _, out noise.MemberLo, out noise.MemberHi);
    }

    /// <summary>The stream's step index of time <paramref name="t"/> (the formula of <see cref="Increment(T, T)"/>).</summary>
    internal readonly long StepIndex(double t) => (long)Math.Round((t - TStart) / Dt);

    /// <summary>
    /// The increment of stream step <paramref name="n"/> (the same in every slot) over a full forward step, √dt·Zₙ:
    /// bit for bit what <see cref="Increment(T, T)"/> gives for that step. The block's four increments are computed when
    /// <paramref name="noise"/> holds another block, and kept for its other steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal readonly TX RunIncrement(long n, ref FixedStepRunNoise<T, TX> noise)
    {
        long block = n >> 2;
        if (block != noise.Block)
        {
            BlockIncrements(block, noise, out noise.W[0], out noise.W[1], out noise.W[2], out noise.W[3]);
            noise.Block = block;
        }
        return noise.W[(int)(n & 3)];
    }

    /// <summary>
    /// The increments of stream steps 4·<paramref name="block"/> … 4·<paramref name="block"/> + 3 over full forward steps
    /// (one Philox block per noise dimension): bit for bit what <see cref="RunIncrement"/> gives for those steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal readonly void BlockIncrements(long block, in FixedStepRunNoise<T, TX> noise, out TX w0, out TX w1, out TX w2, out TX w3)
    {
        w0 = w1 = w2 = w3 = default;
        Vector512<ulong> counter = Vector512.Create((ulong)block & 0xFFFFFFFFUL);
        Vector512<double> root = Vector512.Create(SqrtDt);
        for (int d = 0; d < TX.Dim; d++)
        {
            Philox.Philox8(counter, noise.MemberLo, noise.MemberHi, Vector512.Create((ulong)(uint)d), noise.Keys,
                out Vector512<ulong> r0, out Vector512<ulong> r1, out Vector512<ulong> r2, out Vector512<ulong> r3);
            BlockNormals(r0, r1, r2, r3, out Vector512<double> z0, out Vector512<double> z1, out Vector512<double> z2, out Vector512<double> z3);
            TX.Set(ref w0, d, FromSlots(root * z0));
            TX.Set(ref w1, d, FromSlots(root * z1));
            TX.Set(ref w2, d, FromSlots(root * z2));
            TX.Set(ref w3, d, FromSlots(root * z3));
        }
    }

    /// <summary>Philox counter words (n/4, member low, member high) of each slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Counter(Vector512<long> n, out Vector512<ulong> block, out Vector512<ulong> memberLo, out Vector512<ulong> memberHi)
    {
        Vector512<ulong> member = Vector512.ConvertToUInt64(Vector512.Max(Slots(Member), Vector512<double>.Zero));
        Vector512<ulong> lo32 = Vector512.Create(0xFFFFFFFFUL);
        block = (n.AsUInt64() >>> 2) & lo32;
        memberLo = member & lo32;
        memberHi = member >>> 32;
    }

    /// <summary>The four normals of a Philox block (r0 … r3): √(−2 ln u₀)·(cos, sin) 2πu₁ and √(−2 ln u₂)·(cos, sin) 2πu₃.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlockNormals(Vector512<ulong> r0, Vector512<ulong> r1, Vector512<ulong> r2, Vector512<ulong> r3,
        out Vector512<double> z0, out Vector512<double> z1, out Vector512<double> z2, out Vector512<double> z3)
    {
        Vector512<double> ra = Radius(r0), rb = Radius(r2);
        BoxMuller.SinCosTurns(Uniform(r1), out Vector512<double> sa, out Vector512<double> ca);
        BoxMuller.SinCosTurns(Uniform(r3), out Vector512<double> sb, out Vector512<double> cb);
        z0 = ra * ca; z1 = ra * sa; z2 = rb * cb; z3 = rb * sb;
    }

    /// <summary>√(−2 ln u) of the 32-bit uniform u = (r + ½)·2⁻³².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Radius(Vector512<ulong> r) => Vector512.Sqrt(Vector512.Create(-2.0) * BoxMuller.LogUnit(Uniform(r)));

    /// <summary>The 32-bit uniform u = (r + ½)·2⁻³² in (0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Uniform(Vector512<ulong> r)
        => (Vector512.ConvertToDouble(r) + Vector512.Create(0.5)) * Vector512.Create(1.0 / 4294967296.0);

    /// <inheritdoc/>
    public readonly void IncrementWithArea(T s, T t, out TX w, out TX h)
    {
        w = Increment(s, t);
        h = default;
        for (int d = 0; d < TX.Dim; d++)
        {
            T v = T.Zero;
            for (int lane = 0; lane < T.Width; lane++)
            {
                double a = T.GetLane(s, lane), len = Math.Abs(T.GetLane(t, lane) - a);
                long n = (long)Math.Round((a - TStart) / Dt);
                v = T.WithLane(v, lane, Math.Sqrt(len / 12.0) * Normal((ulong)T.GetLane(Member, lane), (uint)d | 0x80000000u, n));
            }
            TX.Set(ref h, d, v);
        }
    }
}

/// <summary>
/// The four normals of the current Philox block of each slot, kept by a stepper between the steps of a run
/// (<see cref="FixedStepBrownian{T, TX}"/>): key = block + 1 (0 = empty) and member of each slot.
/// </summary>
public struct FixedStepNormals<T, TX>
    where T : struct, IScalar<T>
    where TX : struct, IState<TX, T>
{
    /// <summary>Block index + 1 of each slot (0: nothing cached).</summary>
    public T Key;
    /// <summary>Member id of each slot.</summary>
    public T Member;
    /// <summary>Normals 0–3 of the block.</summary>
    public TX Z0, Z1, Z2, Z3;
}

/// <summary>
/// The four increments √dt·Zₙ of one Philox block of a <see cref="FixedStepBrownian{T, TX}"/> (every slot at the same
/// step, its own member), kept by a stepper through a run of constant steps taken by step number.
/// </summary>
public struct FixedStepRunNoise<T, TX>
    where T : struct, IScalar<T>
    where TX : struct, IState<TX, T>
{
    /// <summary>The block held (−1: none).</summary>
    public long Block;
    /// <summary>Increments of the block's steps 0–3.</summary>
    public Increments4<TX> W;
    /// <summary>The stream's Philox round keys.</summary>
    internal PhiloxRoundKeys Keys;
    /// <summary>Philox counter words of the slots' members (low and high halves).</summary>
    internal Vector512<ulong> MemberLo, MemberHi;
}

/// <summary>Four values of <typeparamref name="TX"/> in a row.</summary>
[InlineArray(4)]
public struct Increments4<TX>
{
    private TX _w;
}
