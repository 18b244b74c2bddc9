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
