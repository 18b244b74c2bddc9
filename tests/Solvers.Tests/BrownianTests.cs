using System.Runtime.Intrinsics;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
using Xunit;

namespace Diffrax.Solvers.Tests;

public class BrownianTests
{
    private static VirtualBrownianTree<F64, Vec1<F64>> Tree(long member, double tol = 1e-4)
        => new(42, 0, 1, tol, new F64(member));

    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Philox4x32_10_MatchesRandom123KnownAnswers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint r0, uint r1, uint r2, uint r3)
    {
        var o = Philox.Block(new Philox4(c0, c1, c2, c3), k0, k1);
        Assert.Equal((r0, r1, r2, r3), (o.X0, o.X1, o.X2, o.X3));
    }

    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Philox8_EightCountersAtOnce_MatchesTheKnownAnswersInEverySlot(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint r0, uint r1, uint r2, uint r3)
    {
        static System.Runtime.Intrinsics.Vector512<ulong> V(uint x) => System.Runtime.Intrinsics.Vector512.Create((ulong)x);
        Philox.Philox8(V(c0), V(c1), V(c2), V(c3), k0, k1, out var o0, out var o1, out var o2, out var o3);
        for (int lane = 0; lane < 8; lane++)
            Assert.Equal(((ulong)r0, (ulong)r1, (ulong)r2, (ulong)r3), (o0.GetElement(lane), o1.GetElement(lane), o2.GetElement(lane), o3.GetElement(lane)));
    }

    [Fact]
    public void Philox8_MatchesTheScalarBlock_ForDifferentCountersPerSlot()
    {
        var rng = new Random(7);
        uint[][] c = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 8).Select(_ => (uint)rng.NextInt64(0, 1L << 32)).ToArray()).ToArray();
        static System.Runtime.Intrinsics.Vector512<ulong> V(uint[] x) => System.Runtime.Intrinsics.Vector512.Create(x.Select(v => (ulong)v).ToArray());
        Philox.Philox8(V(c[0]), V(c[1]), V(c[2]), V(c[3]), 0xdeadbeefu, 0x12345678u, out var o0, out var o1, out var o2, out var o3);
        for (int lane = 0; lane < 8; lane++)
        {
            var b = Philox.Block(new Philox4(c[0][lane], c[1][lane], c[2][lane], c[3][lane]), 0xdeadbeefu, 0x12345678u);
            Assert.Equal(((ulong)b.X0, (ulong)b.X1, (ulong)b.X2, (ulong)b.X3), (o0.GetElement(lane), o1.GetElement(lane), o2.GetElement(lane), o3.GetElement(lane)));
        }
    }

    [Fact]
    public void VirtualBrownianTree_Increments_HaveZeroMeanAndVarianceOfTheirLength()
    {
        const int n = 4000;
        double s = 0.3, t = 0.7, len = t - s;
        var w = new double[n];
        var h = new double[n];
        var w2 = new double[n];
        for (int m = 0; m < n; m++)
        {
            var tree = Tree(m);
            tree.IncrementWithArea(new F64(s), new F64(t), out var dw, out var area);
            w[m] = dw.X.V;
            h[m] = area.X.V;
            w2[m] = tree.Increment(new F64(0.0), new F64(0.25)).X.V;
        }
        double se = Math.Sqrt(len / n);
        Assert.InRange(w.Average(), -4 * se, 4 * se);
        Assert.InRange(Var(w) / len, 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n));
        Assert.InRange(Var(h) / (len / 12), 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n));
        // W and H independent; disjoint increments independent.
        Assert.InRange(Corr(w, h), -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
        Assert.InRange(Corr(w, w2), -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
        Assert.InRange(Var(w2) / 0.25, 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n));
    }

    [Fact]
    public void VirtualBrownianTree_Requeried_InAnyOrder_GivesIdenticalValues()
    {
        var rng = new Random(7);
        var intervals = Enumerable.Range(0, 200).Select(_ => { double a = rng.NextDouble(), b = rng.NextDouble(); return (Math.Min(a, b), Math.Max(a, b)); }).ToArray();
        var tree = Tree(3);
        var first = intervals.Select(iv => tree.Increment(new F64(iv.Item1), new F64(iv.Item2)).X.V).ToArray();
        var order = Enumerable.Range(0, intervals.Length).OrderBy(_ => rng.Next()).ToArray();
        var again = new double[intervals.Length];
        var tree2 = Tree(3);
        foreach (int i in order) again[i] = tree2.Increment(new F64(intervals[i].Item1), new F64(intervals[i].Item2)).X.V;
        Assert.Equal(first, again);
        // Additivity: W(a, c) = W(a, b) + W(b, c) for any b.
        for (int i = 0; i < 50; i++)
        {
            var (a, c) = intervals[i];
            double b = 0.5 * (a + c) + 0.1 * (c - a);
            double whole = tree.Increment(new F64(a), new F64(c)).X.V;
            double parts = tree.Increment(new F64(a), new F64(b)).X.V + tree.Increment(new F64(b), new F64(c)).X.V;
            Assert.Equal(whole, parts, 1e-12);
        }
    }

    [Fact]
    public void VirtualBrownianTree_TwoMembers_NeverShareAStream()
    {
        const int members = 1000;
        var ends = new HashSet<double>();
        for (int m = 0; m < members; m++) Assert.True(ends.Add(Tree(m).Increment(new F64(0.0), new F64(1.0)).X.V));
        // Increments of neighbouring members over the same 64 intervals are uncorrelated.
        var a = new List<double>();
        var b = new List<double>();
        for (int m = 0; m < 200; m++)
            for (int k = 0; k < 64; k++)
            {
                a.Add(Tree(m).Increment(new F64(k / 64.0), new F64((k + 1) / 64.0)).X.V);
                b.Add(Tree(m + 1).Increment(new F64(k / 64.0), new F64((k + 1) / 64.0)).X.V);
            }
        Assert.InRange(Corr(a.ToArray(), b.ToArray()), -4 / Math.Sqrt(a.Count), 4 / Math.Sqrt(a.Count));
        // Different noise dimensions of one member are different streams too.
        var two = new VirtualBrownianTree<F64, Vec2<F64>>(42, 0, 1, 1e-4, new F64(5)).Increment(new F64(0.0), new F64(1.0));
        Assert.NotEqual(two.X.V, two.Y.V);
        Assert.Equal(Tree(5).Increment(new F64(0.0), new F64(1.0)).X.V, two.X.V);
    }

    [Fact]
    public void VirtualBrownianTree_OnLane8_GivesEachSlotItsOwnMembersPath()
    {
        Lane8 members = default;
        for (int l = 0; l < 8; l++) members = Lane8.WithLane(members, l, 100 + l);
        var lanes = new VirtualBrownianTree<Lane8, Vec1<Lane8>>(42, 0, 1, 1e-4, members);
        Lane8 s = Lane8.From(0.125), t = Lane8.From(0.8);
        lanes.IncrementWithArea(s, t, out var w, out var h);
        for (int l = 0; l < 8; l++)
        {
            Tree(100 + l).IncrementWithArea(new F64(0.125), new F64(0.8), out var ws, out var hs);
            Assert.Equal(ws.X.V, Lane8.GetLane(w.X, l));
            Assert.Equal(hs.X.V, Lane8.GetLane(h.X, l));
        }
    }

    [Fact]
    public void FixedStepBrownian_Increments_HaveStepVariance_AndFollowTheGbmReferenceLayout()
    {
        const int n = 20000;
        var path = new FixedStepBrownian<F64, Vec1<F64>>(12345, 0, 1, 0.01, F64.Zero);
        var z = new double[n];
        for (int m = 0; m < n; m++)
        {
            path.Member = new F64(m);
            z[m] = path.Increment(new F64(0.37), new F64(0.38)).X.V / 0.1;
        }
        Assert.InRange(z.Average(), -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
        Assert.InRange(Var(z), 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n));
        // Step 37 = block 9, normal 1 of the block with counter (9, member, 0, 0): the sine half of Box–Muller on (u0, u1).
        path.Member = new F64(77);
        var b = Philox.Block(new Philox4(9, 77, 0, 0), 12345, 0);
        double expect = Math.Sqrt(-2 * Math.Log((b.X0 + 0.5) / 4294967296.0)) * Math.Sin(2 * Math.PI * (b.X1 + 0.5) / 4294967296.0);
        Assert.Equal(expect * 0.1, path.Increment(new F64(0.37), new F64(0.38)).X.V, 1e-14);
    }

    [Fact]
    public void BoxMullerKernels_MatchTheLibraryLogSinAndCos()
    {
        // The stream's inlined ln u and sin/cos 2πx (truncated series) against Math.Log/Sin/Cos on every 32-bit uniform
        // pattern class: random words, both ends of (0, 1), the √½ split of the logarithm and the quadrant edges.
        var rng = new Random(5);
        var xs = new List<double> { 0.5 / 4294967296.0, (4294967295 + 0.5) / 4294967296.0, 1.0, 0.5, Math.Sqrt(0.5), Math.Sqrt(0.5) * (1 + 1e-16), 0.125, 0.25, 0.375, 0.75, 0.875 };
        for (int i = 0; i < 20000; i++) xs.Add(((uint)rng.NextInt64(0, 1L << 32) + 0.5) / 4294967296.0);
        double worstLog = 0, worstTrig = 0, worstScalarLog = 0, worstScalarTrig = 0;
        for (int i = 0; i + 8 <= xs.Count; i += 8)
        {
            var u = System.Runtime.Intrinsics.Vector512.Create(xs.Skip(i).Take(8).ToArray());
            var ln = BoxMuller.LogUnit(u);
            BoxMuller.SinCosTurns(u, out var sin, out var cos);
            for (int l = 0; l < 8; l++)
            {
                double x = xs[i + l];
                double exact = Math.Log(x);
                worstLog = Math.Max(worstLog, exact == 0 ? Math.Abs(ln[l]) : Math.Abs(ln[l] - exact) / Math.Abs(exact));
                worstTrig = Math.Max(worstTrig, Math.Max(Math.Abs(sin[l] - Math.Sin(2 * Math.PI * x)), Math.Abs(cos[l] - Math.Cos(2 * Math.PI * x))));
                // The scalar forms (GPU kernels: the same series without fused multiply-adds).
                double lnS = BoxMuller.LogUnit(x);
                BoxMuller.SinCosTurns(x, out double sinS, out double cosS);
                worstScalarLog = Math.Max(worstScalarLog, exact == 0 ? Math.Abs(lnS) : Math.Abs(lnS - exact) / Math.Abs(exact));
                worstScalarTrig = Math.Max(worstScalarTrig, Math.Max(Math.Abs(sinS - Math.Sin(2 * Math.PI * x)), Math.Abs(cosS - Math.Cos(2 * Math.PI * x))));
            }
        }
        Assert.True(worstLog < 1e-15, $"ln: worst relative error {worstLog:E2}");
        Assert.True(worstTrig < 2e-15, $"sin/cos: worst absolute error {worstTrig:E2}");
        Assert.True(worstScalarLog < 2e-15, $"scalar ln: worst relative error {worstScalarLog:E2}");
        Assert.True(worstScalarTrig < 3e-15, $"scalar sin/cos: worst absolute error {worstScalarTrig:E2}");
    }

    [Fact]
    public void FixedStepBrownian_BlockCache_GivesTheStreamsBits_AcrossBlocksMembersAndPartialSteps()
    {
        // The kernels' cached increments (one Philox block per four steps) against the stream queried afresh: full steps
        // through several blocks, a partial step, a restart off the block boundary, another member, two noise dimensions.
        var path = new FixedStepBrownian<KernelF64, Vec2<KernelF64>>(99, 0, 1, 0.01, KernelF64.From(3));
        var cache = default(FixedStepNormals<KernelF64, Vec2<KernelF64>>);
        var queries = new List<(double T0, double T1, double Member)>();
        for (int i = 0; i < 11; i++) queries.Add((0.01 * i, 0.01 * (i + 1), 3));
        queries.Add((0.11, 0.115, 3));                                       // a partial step inside block 2
        for (int i = 5; i < 9; i++) queries.Add((0.01 * i, 0.01 * (i + 1), 8)); // another member, mid-block
        queries.Add((0.09, 0.10, 3));                                        // the same block (2), the first member again
        for (int i = 0; i < 3; i++) queries.Add((0.01 * i, 0.01 * (i + 1), 3)); // back to the first member and block 0
        foreach (var (t0, t1, member) in queries)
        {
            path.Member = KernelF64.From(member);
            var fresh = path.Increment(KernelF64.From(t0), KernelF64.From(t1));
            var cached = path.Increment(KernelF64.From(t0), KernelF64.From(t1), ref cache);
            Assert.Equal(BitConverter.DoubleToInt64Bits(fresh.X.V), BitConverter.DoubleToInt64Bits(cached.X.V));
            Assert.Equal(BitConverter.DoubleToInt64Bits(fresh.Y.V), BitConverter.DoubleToInt64Bits(cached.Y.V));
            Assert.Equal(Math.Round(t0 / 0.01) / 4 - Math.Round(t0 / 0.01) % 4 / 4 + 1, cache.Key.V);   // the block held, + 1
            Assert.Equal(member, cache.Member.V);
        }
    }

    [Fact]
    public void FixedStepBrownian_RunsByStepNumber_GiveTheStreamsBits_AndOnlyOnItsGrid()
    {
        // A run's increments by grid step (no division per step), one at a time and by Philox block, against the stream
        // queried by time: from a block boundary and from inside one, for two members, in two noise dimensions.
        var path = new FixedStepBrownian<KernelF64, Vec2<KernelF64>>(4242, 0, 1, 0.01, KernelF64.From(6));
        foreach (var (start, member) in new[] { (0, 6.0), (7, 6.0), (7, 9.0), (30, 6.0) })
        {
            path.Member = KernelF64.From(member);
            long step = path.RunStart(0.01 * start, 0.01, 1, 10);
            Assert.Equal(start, step);
            for (int i = 0; i < 10; i++, step++)
            {
                double t0 = 0.01 * (start + i);
                var fresh = path.Increment(KernelF64.From(t0), KernelF64.From(t0 + 0.01));
                var byStep = path.StepIncrement(step);
                Assert.Equal(BitConverter.DoubleToInt64Bits(fresh.X.V), BitConverter.DoubleToInt64Bits(byStep.X.V));
                Assert.Equal(BitConverter.DoubleToInt64Bits(fresh.Y.V), BitConverter.DoubleToInt64Bits(byStep.Y.V));
                path.StepBlock(step >> 2, out var w0, out var w1, out var w2, out var w3);
                var byBlock = (step & 3) switch { 0 => w0, 1 => w1, 2 => w2, _ => w3 };
                Assert.Equal(BitConverter.DoubleToInt64Bits(fresh.X.V), BitConverter.DoubleToInt64Bits(byBlock.X.V));
                Assert.Equal(BitConverter.DoubleToInt64Bits(fresh.Y.V), BitConverter.DoubleToInt64Bits(byBlock.Y.V));
            }
        }
        // Not on the grid: another step length, backwards, or past the stream's index range; the tree has no grid.
        Assert.Equal(-1, path.RunStart(0.0, 0.02, 1, 10));
        Assert.Equal(-1, path.RunStart(0.5, 0.01, -1, 10));
        Assert.Equal(-1, path.RunStart(1e5, 0.01, 1, 10));
        var tree = new VirtualBrownianTree<KernelF64, Vec2<KernelF64>>(4242, 0, 1, 1e-6, KernelF64.From(6));
        Assert.Equal(-1, tree.RunStart(0.0, 0.01, 1, 10));
    }

    internal static double Var(double[] x) { double m = x.Average(); return x.Sum(v => (v - m) * (v - m)) / (x.Length - 1); }

    internal static double Corr(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my); }
        return sxy / Math.Sqrt(sxx * syy);
    }
}
