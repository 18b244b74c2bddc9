using System.Runtime.CompilerServices;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;
using Xunit;

namespace Diffrax.Solvers.Tests;

/// <summary>The CPU workers' lane groups start on a cache line, so that no vector load or store of the loop splits.</summary>
public class GroupStorageTests
{
    private struct WithReference { public double[]? Data; }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public unsafe void LaneGroups_StartOnA64ByteBoundary_Zeroed(int count)
    {
        for (int attempt = 0; attempt < 16; attempt++)
        {
            var groups = GroupStorage.Allocate<LaneGroup<ErkStepper<Rk4, OdeTerm<Lorenz<Lane8>, Lane8, Vec3<Lane8>>, Lane8, Vec3<Lane8>, Lane8, Vec3<Lane8>>,
                OdeTerm<Lorenz<Lane8>, Lane8, Vec3<Lane8>>, ConstantStepSize<Lane8>, Lane8, Vec3<Lane8>, Vec3<Lane8>>>(count);
            Assert.Equal(count, groups.Length);
            for (int g = 0; g < count; g++)
            {
                Assert.Equal(0ul, (ulong)Unsafe.AsPointer(ref groups[g]) % 64);
                Assert.Equal(0ul, (ulong)Unsafe.AsPointer(ref groups[g].S.Y) % 64);
                Assert.Equal(0ul, (ulong)Unsafe.AsPointer(ref groups[g].Term) % 64);
                Assert.Equal(0.0, Lane8.GetLane(groups[g].S.Y.X, 7));
            }
        }
    }

    [Fact]
    public void GroupsHoldingReferences_GetAPlainArray()
    {
        var groups = GroupStorage.Allocate<WithReference>(5);
        Assert.Equal(5, groups.Length);
        groups[4].Data = [1.0];
        GC.Collect();
        Assert.Equal(1.0, groups[4].Data![0]);
    }
}

/// <summary>The shared member queue of CPU ensembles: every member handed out once, in blocks sized for the threads.</summary>
public class MemberQueueTests
{
    [Theory]
    [InlineData(1, 1, 64)]
    [InlineData(10_000, 2, 192)]       // 5,000 a thread: 1/32 is 157, rounded up to a multiple of 64
    [InlineData(1_000_000, 2, 1024)]   // capped
    [InlineData(100, 16, 64)]          // floored
    public void Blocks_AreMultiplesOf64_AboutAThirtySecondOfAThreadsShare(int members, int threads, int expected)
        => Assert.Equal(expected, MemberQueue.For(members, threads).Block);

    /// <summary>Full blocks while many are left, then shrinking blocks, down to 64 members, for a balanced end.</summary>
    [Fact]
    public void Blocks_ShrinkTowardsTheEnd_DownTo64()
    {
        var queue = MemberQueue.For(10_000, 2);
        var sizes = new List<int>();
        int next = 0;
        while (queue.TryClaim(out int start, out int end))
        {
            Assert.Equal(next, start);
            sizes.Add(end - start);
            next = end;
        }
        Assert.Equal(10_000, next);
        Assert.Equal(192, sizes[0]);
        Assert.True(sizes.Zip(sizes.Skip(1)).All(p => p.Second <= p.First), string.Join(", ", sizes));
        Assert.Equal(64, sizes[^2]);
        Assert.True(sizes[^1] <= 64);
        Assert.Contains(sizes, s => s is > 64 and < 192);
        Assert.False(queue.TryClaim(out _, out _));
    }

    [Fact]
    public void EveryMember_IsClaimedExactlyOnce_AcrossThreads()
    {
        const int members = 100_003;
        var queue = MemberQueue.For(members, 3);
        var seen = new int[members];
        Parallel.For(0, 3, _ =>
        {
            while (queue.TryClaim(out int start, out int end))
                for (int m = start; m < end; m++) Interlocked.Increment(ref seen[m]);
        });
        Assert.All(seen, c => Assert.Equal(1, c));
    }
}

/// <summary>A tableau stepper's chunk of a run (one step a visit) is its Advance, with the FSAL field carried.</summary>
public class ErkChunkTests
{
    private static void Check<TTab>() where TTab : struct, IExplicitRungeKutta
    {
        var term = new OdeTerm<Lorenz<F64>, F64, Vec3<F64>>(new Lorenz<F64>(new(10), new(28), new(8.0 / 3.0)));
        var stepper = default(ErkStepper<TTab, OdeTerm<Lorenz<F64>, F64, Vec3<F64>>, F64, Vec3<F64>, F64, Vec3<F64>>);
        var y0 = new Vec3<F64>(new(1.5), new(-2.0), new(20.0));
        F64 t0 = new(0.25), h = new(0.01);
        var f0 = term.Vf(t0, y0);
        stepper.Advance(term, t0, h, y0, f0, out var y1, out var fLast);
        stepper.Advance(term, t0 + h, h, y1, TTab.Fsal ? fLast : term.Vf(t0 + h, y1), out var y2, out var fLast2);

        F64 t = t0;
        var y = y0;
        var f = f0;
        Assert.Equal(1, stepper.AdvanceChunk(term, ref t, h, ref y, ref f, true, 5));
        Assert.Equal((t0 + h).V, t.V);
        Assert.Equal(y1.X.V, y.X.V); Assert.Equal(y1.Y.V, y.Y.V); Assert.Equal(y1.Z.V, y.Z.V);
        // The second step evaluates its start field itself unless the stepper carries it (FSAL).
        Assert.Equal(1, stepper.AdvanceChunk(term, ref t, h, ref y, ref f, false, 4));
        Assert.Equal(y2.X.V, y.X.V); Assert.Equal(y2.Y.V, y.Y.V); Assert.Equal(y2.Z.V, y.Z.V);
        if (TTab.Fsal) Assert.Equal(fLast2.X.V, f.X.V);
    }

    [Fact] public void Rk4_ChunkIsAdvance() => Check<Rk4>();
    [Fact] public void Tsit5_ChunkIsAdvance_CarryingTheFsalField() => Check<Tsit5>();
}
