using Diffrax.Contracts;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime.CPU;
using Xunit;
using Xunit.Abstractions;

namespace Diffrax.GpuNode.Tests;

/// <summary>
/// The SDE ensemble kernel (constant steps on the fixed-step Brownian stream) against the CPU runner: the same loop,
/// the same (seed, member, step) → normal.
/// </summary>
public sealed class SdeKernelTests(CpuAcceleratorFixture fx, ITestOutputHelper output) : IClassFixture<CpuAcceleratorFixture>
{
    private static readonly SaveAt Quarters = new() { T0 = true, Ts = [0.25, 0.5, 0.75], T1 = true };

    private static EnsembleProblem Gbm(int n, double dt, SaveAt saveAt, long offset = 0)
    {
        var y0 = new double[n];
        var ps = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            y0[i] = 100 + (i % 7);
            ps[2 * i] = 0.05;
            ps[2 * i + 1] = 0.2 + 0.01 * (i % 5);
        }
        return new EnsembleProblem { Members = n, T0 = 0, T1 = 1, Dt0 = dt, Y0 = y0, Params = ps, SaveAt = saveAt, MemberOffset = offset };
    }

    private static EnsembleProblem Heston(int n)
    {
        var y0 = new double[2 * n];
        var ps = new double[5 * n];
        for (int i = 0; i < n; i++)
        {
            y0[2 * i] = 100.0 + i; y0[2 * i + 1] = 0.04;
            ps[5 * i] = 0.05; ps[5 * i + 1] = 2.0; ps[5 * i + 2] = 0.04; ps[5 * i + 3] = 0.3 + 0.01 * i; ps[5 * i + 4] = -0.7;
        }
        return new EnsembleProblem { Members = n, T0 = 0, T1 = 1, Dt0 = 1.0 / 50, Y0 = y0, Params = ps, SaveAt = Quarters };
    }

    /// <summary>GBM Euler–Maruyama on the CPU accelerator's kernel.</summary>
    private EnsembleResult GbmOnKernel(EnsembleProblem p, ulong seed)
        => GpuSdeEnsemble.Run<EulerMaruyama, GeometricBrownianMotion<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>,
            GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(fx.Accelerator, p, seed);

    [Fact]
    public void GbmEulerMaruyama_OnCpuAccelerator_IsBitIdenticalToHostLoopOnKernelF64()
    {
        var p = Gbm(37, 1.0 / 252, Quarters);
        var gpu = GbmOnKernel(p, seed: 12345);
        var host = SdeEnsembleRunner.Run<EulerMaruyama, GeometricBrownianMotion<KernelF64>, KernelF64, Vec1<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>,
            GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(p, seed: 12345, threads: 2);
        EnsembleKernelTests.AssertBitIdentical(host, gpu);
        Assert.All(gpu.Results, r => Assert.Equal(ResultCode.Successful, r));
        Assert.All(gpu.Steps, s => Assert.Equal(252, s));
        Assert.All(gpu.Saved, col => Assert.DoesNotContain(col, double.IsNaN));
        // Every member draws its own path: no two final values coincide.
        Assert.Equal(p.Members, gpu.Final[0].Distinct().Count());
    }

    [Fact]
    public void MethodsWithoutTheirOwnAdvance_AndAStatefulOne_OnCpuAccelerator_AreBitIdenticalToHostLoop()
    {
        // KernelSdeStepper takes runs only for methods with their own Advance (Euler–Maruyama); the others step through
        // the loop with the method's Step, and reversible Heun keeps its carry between steps (Commit).
        var p = Gbm(13, 1.0 / 64, Quarters);
        var heunGpu = GpuSdeEnsemble.Run<StratonovichHeun, GeometricBrownianMotion<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>,
            GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(fx.Accelerator, p, seed: 5);
        var heunHost = SdeEnsembleRunner.Run<StratonovichHeun, GeometricBrownianMotion<KernelF64>, KernelF64, Vec1<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>,
            GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(p, seed: 5, threads: 2);
        EnsembleKernelTests.AssertBitIdentical(heunHost, heunGpu);
        var revGpu = GpuSdeEnsemble.Run<ReversibleHeun, GeometricBrownianMotion<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>,
            GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(fx.Accelerator, p, seed: 5);
        var revHost = SdeEnsembleRunner.Run<ReversibleHeun, GeometricBrownianMotion<KernelF64>, KernelF64, Vec1<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>,
            GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(p, seed: 5, threads: 2);
        EnsembleKernelTests.AssertBitIdentical(revHost, revGpu);
        Assert.All(heunGpu.Steps, n => Assert.Equal(64, n));
        Assert.All(revGpu.Results, r => Assert.Equal(ResultCode.Successful, r));
        // Different methods on the same path: close (strong order), not equal.
        Assert.NotEqual(heunGpu.Final[0], revGpu.Final[0]);
        for (int i = 0; i < p.Members; i++)
            Assert.InRange(Math.Abs(heunGpu.Final[0][i] - revGpu.Final[0][i]) / heunGpu.Final[0][i], 0, 0.05);
    }

    [Fact]
    public void LaunchBounds_LaunchInGroupsOfTheirSize_WithTheSameResults()
    {
        // 75 members in groups of 32: three groups, the last partly idle (its threads past the end return at once).
        // The default CPU accelerator's groups hold 16 threads at most; this one's hold 32 (8 warps of 4).
        var p = Gbm(75, 1.0 / 252, Quarters);
        var free = GbmOnKernel(p, seed: 99);
        using var context = Context.Create(b => b.CPU(new CPUDevice(4, 8, 1)).EnableAlgorithms());
        using var acc = context.CreateCPUAccelerator(0);
        var bounded = GpuSdeEnsemble.Run<EulerMaruyama, GeometricBrownianMotion<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>,
            GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(acc, p, 99, new LaunchBounds(32, 8));
        EnsembleKernelTests.AssertBitIdentical(free, bounded);
        // Bounds whose groups the device cannot hold are refused before any work, naming the size.
        var tooBig = Assert.Throws<ArgumentOutOfRangeException>(() => GpuSdeEnsemble.Run<EulerMaruyama, GeometricBrownianMotion<KernelF64>, Vec1<KernelF64>,
            Vec1<KernelF64>, Vec1<KernelF64>, GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(fx.Accelerator, p, 99, new LaunchBounds(64, 2)));
        Assert.Contains("64", tooBig.Message);
        Assert.All(bounded.Steps, s => Assert.Equal(252, s));
    }

    [Fact]
    public void LaunchBounds_Defaults_BoundConstantStepKernelsOnCudaOnly()
    {
        // ILGPU's CPU accelerator: no bounds by default (its groups hold 16 threads), the requested ones when given.
        Assert.Equal(LaunchBounds.None, LaunchBounds.For(fx.Accelerator, LaunchBounds.ConstantSteps, requested: null));
        Assert.Equal(new LaunchBounds(32, 8), LaunchBounds.For(fx.Accelerator, LaunchBounds.ConstantSteps, requested: new LaunchBounds(32, 8)));
        Assert.Equal(LaunchBounds.None, LaunchBounds.Parse("none"));
        Assert.Equal(new LaunchBounds(256, 4), LaunchBounds.Parse("256,4"));
        Assert.Equal("256,4", LaunchBounds.ConstantSteps.ToString());
        Assert.Equal(LaunchBounds.None, LaunchBounds.For(fx.Accelerator, LaunchBounds.Adaptive, requested: null));
        Assert.Equal("256,2", LaunchBounds.Adaptive.ToString());
        Assert.Equal("128,5", LaunchBounds.OdeConstantSteps.ToString());
        Assert.Equal("tsit5-lorenz-pid 256,2, dopri5-lorenz-pid 256,2, rk4-lorenz-constant 128,5, em-gbm-constant 256,4",
            string.Join(", ", ShippedKernels.All.Select(k => $"{k.Name} {k.Bounds}")));
    }

    [Theory]
    [InlineData("0,1")]
    [InlineData("48,2")]
    [InlineData("2048,1")]
    [InlineData("256,0")]
    [InlineData("256")]
    [InlineData("a,b")]
    public void LaunchBounds_Invalid_AreRefusedWithTheirValue(string text)
    {
        var ex = Assert.ThrowsAny<Exception>(() => LaunchBounds.Parse(text));
        Assert.True(ex is FormatException or ArgumentOutOfRangeException, ex.GetType().Name);
        Assert.Contains(text.Split(',')[^1], ex.Message);
    }

    [Fact]
    public void GbmEulerMaruyama_OnCpuAccelerator_AgreesWithTheVectorisedLanesPath()
    {
        // Lane8 draws its normals with Vector512 Box–Muller kernels and FMAs, the kernel with the same series in scalar
        // form without FMA: the paths agree to rounding.
        var p = Gbm(37, 1.0 / 252, Quarters);
        var gpu = GbmOnKernel(p, seed: 12345);
        var lanes = SdeEnsembleRunner.Run<EulerMaruyama, GeometricBrownianMotion<Lane8>, Lane8, Vec1<Lane8>, Vec1<Lane8>, Vec1<Lane8>,
            GbmDrift<Lane8>, GbmDiffusion<Lane8>>(p, seed: 12345, threads: 2);
        double worst = 0;
        for (int i = 0; i < lanes.Saved[0].Length; i++)
            worst = Math.Max(worst, Math.Abs(lanes.Saved[0][i] - gpu.Saved[0][i]) / Math.Abs(lanes.Saved[0][i]));
        output.WriteLine($"worst relative difference to Lane8: {worst:E2}");
        Assert.True(worst < 1e-12, $"worst relative difference {worst:E2}");
    }

    [Fact]
    public void HestonTwoDimensionalNoise_OnCpuAccelerator_IsBitIdenticalToHostLoopOnKernelF64()
    {
        var p = Heston(19);
        var gpu = GpuSdeEnsemble.Run<EulerMaruyama, Heston<KernelF64>, Vec2<KernelF64>, Vec2<KernelF64>, Vec4<KernelF64>,
            HestonDrift<KernelF64>, HestonDiffusion<KernelF64>>(fx.Accelerator, p, seed: 11);
        var host = SdeEnsembleRunner.Run<EulerMaruyama, Heston<KernelF64>, KernelF64, Vec2<KernelF64>, Vec2<KernelF64>, Vec4<KernelF64>,
            HestonDrift<KernelF64>, HestonDiffusion<KernelF64>>(p, seed: 11, threads: 2);
        EnsembleKernelTests.AssertBitIdentical(host, gpu);
        Assert.All(gpu.Results, r => Assert.Equal(ResultCode.Successful, r));
        // Full truncation keeps the variance usable; the price and variance paths really move.
        Assert.Equal(p.Members, gpu.Final[1].Distinct().Count());
    }

    [Fact]
    public void MemberOffset_KeysThePaths_SoASplitEnsembleEqualsTheWhole()
    {
        // A coordinator splits an ensemble into shards by member offset; the shards' paths must be the whole's.
        var whole = Gbm(30, 1.0 / 100, SaveAt.Final);
        var all = GbmOnKernel(whole, seed: 7);
        var tail = new EnsembleProblem
        {
            Members = 12, T0 = 0, T1 = 1, Dt0 = 1.0 / 100, Y0 = whole.Y0[18..], Params = whole.Params[36..], SaveAt = SaveAt.Final, MemberOffset = 18,
        };
        var part = GbmOnKernel(tail, seed: 7);
        Assert.Equal(all.Final[0][18..], part.Final[0]);
        Assert.NotEqual(all.Final[0][..12], part.Final[0]);
    }

    [Fact]
    public void AdaptiveSteps_AndInvalidProblems_AreRefusedBeforeAnyWork()
    {
        var good = Gbm(4, 0.01, SaveAt.Final);
        var adaptive = new EnsembleProblem
        {
            Members = 4, T0 = 0, T1 = 1, Y0 = good.Y0, Params = good.Params, Pid = new PidOptions { Rtol = 1e-3, Atol = 1e-3 },
        };
        var ex = Assert.Throws<NotSupportedException>(() => GpuSdeEnsemble.Run<EulerHeun, GeometricBrownianMotion<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>,
            Vec1<KernelF64>, GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(fx.Accelerator, adaptive, seed: 1));
        Assert.Contains("Brownian tree", ex.Message);
        var shortY0 = new EnsembleProblem { Members = 4, T0 = 0, T1 = 1, Dt0 = 0.01, Y0 = new double[3], Params = good.Params };
        var bad = Assert.Throws<ArgumentException>(() => GbmOnKernel(shortY0, seed: 1));
        Assert.Contains("y0", bad.Message);
    }
}
