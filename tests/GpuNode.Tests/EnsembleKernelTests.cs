using Diffrax.Contracts;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using ILGPU;
using ILGPU.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace Diffrax.GpuNode.Tests;

/// <summary>One CPU-accelerator context for the kernel-equivalence tests of this class.</summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public Context Context { get; } = Accelerators.CreateContext();
    public Accelerator Accelerator { get; }
    public CpuAcceleratorFixture() { Accelerator = Accelerators.CreateCpu(Context); }
    public void Dispose() { Accelerator.Dispose(); Context.Dispose(); }
}

public sealed class EnsembleKernelTests(CpuAcceleratorFixture fx, ITestOutputHelper output) : IClassFixture<CpuAcceleratorFixture>
{
    /// <summary>Lorenz members with different x0 and ρ, so each takes its own step sequence.</summary>
    internal static EnsembleProblem Lorenz(int members, PidOptions? pid, double? dt0, SaveAt saveAt)
    {
        var y0 = new double[members * 3];
        var prm = new double[members * 3];
        for (int m = 0; m < members; m++)
        {
            y0[3 * m] = 1 + 0.37 * m;
            y0[3 * m + 1] = 1 - 0.05 * m;
            y0[3 * m + 2] = 20 + 0.11 * m;
            prm[3 * m] = 10;
            prm[3 * m + 1] = 14 + 0.5 * m;
            prm[3 * m + 2] = 8.0 / 3.0;
        }
        return new EnsembleProblem { Members = members, T0 = 0, T1 = 1, Dt0 = dt0, Y0 = y0, Params = prm, SaveAt = saveAt, Pid = pid };
    }

    private static readonly PidOptions Tight = new() { Rtol = 1e-6, Atol = 1e-8 };
    private static readonly SaveAt FewTimes = new() { T0 = true, Ts = [0.25, 0.5, 0.75], T1 = true };

    internal static void AssertBitIdentical(EnsembleResult expected, EnsembleResult actual)
    {
        Assert.Equal(expected.Members, actual.Members);
        Assert.Equal(expected.Ts, actual.Ts);
        Assert.Equal(expected.Results, actual.Results);
        Assert.Equal(expected.Steps, actual.Steps);
        Assert.Equal(expected.Accepted, actual.Accepted);
        Assert.Equal(expected.Rejected, actual.Rejected);
        Assert.Equal(expected.Nfe, actual.Nfe);
        Assert.Equal(expected.TFinal, actual.TFinal);
        for (int c = 0; c < expected.Dim; c++)
        {
            // Bitwise: same doubles, not merely close.
            Assert.Equal(expected.Final[c].Select(BitConverter.DoubleToInt64Bits), actual.Final[c].Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected.Saved[c].Select(BitConverter.DoubleToInt64Bits), actual.Saved[c].Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Fact]
    public void Tsit5Lorenz_OnCpuAccelerator_IsBitIdenticalToHostLoopOnKernelF64()
    {
        var p = Lorenz(96, Tight, null, FewTimes);
        var gpu = GpuEnsemble.Run<Tsit5, Lorenz<KernelF64>, Vec3<KernelF64>>(fx.Accelerator, p);
        var host = EnsembleRunner.Run<Tsit5, Lorenz<KernelF64>, KernelF64, Vec3<KernelF64>>(p, 2);
        AssertBitIdentical(host, gpu);
        Assert.All(gpu.Results, r => Assert.Equal(ResultCode.Successful, r));
        Assert.All(gpu.Saved, col => Assert.DoesNotContain(col, double.IsNaN));
        // The members really do differ: more than a handful of distinct step counts, and some rejections.
        Assert.True(gpu.Steps.Distinct().Count() > 10, $"distinct step counts: {gpu.Steps.Distinct().Count()}");
        Assert.True(gpu.Rejected.Sum() > 0);
        output.WriteLine($"steps {gpu.Steps.Min()}..{gpu.Steps.Max()}, rejected total {gpu.Rejected.Sum()}");
    }

    [Fact]
    public void MaxNormKernel_OnCpuAccelerator_IsBitIdenticalToHostLoop_AndDiffersFromRms()
    {
        var p = Lorenz(32, Tight with { Norm = ErrorNorm.Max }, null, FewTimes);
        var gpu = GpuEnsemble.Run<Tsit5, Lorenz<KernelF64>, Vec3<KernelF64>>(fx.Accelerator, p);
        var host = EnsembleRunner.Run<Tsit5, Lorenz<KernelF64>, KernelF64, Vec3<KernelF64>>(p, 2);
        AssertBitIdentical(host, gpu);
        var rms = GpuEnsemble.Run<Tsit5, Lorenz<KernelF64>, Vec3<KernelF64>>(fx.Accelerator, Lorenz(32, Tight, null, FewTimes));
        Assert.True(gpu.Steps.Sum() > rms.Steps.Sum(), $"max norm {gpu.Steps.Sum()} steps, rms {rms.Steps.Sum()}");
    }

    [Fact]
    public void Tsit5Lorenz_OnCpuAccelerator_AgreesWithF64LanesPath()
    {
        var p = Lorenz(96, Tight, null, FewTimes);
        var gpu = GpuEnsemble.Run<Tsit5, Lorenz<KernelF64>, Vec3<KernelF64>>(fx.Accelerator, p);
        var f64 = EnsembleRunner.Run<Tsit5, Lorenz<F64>, F64, Vec3<F64>>(p, 2);
        Assert.Equal(f64.Results, gpu.Results);
        double worst = 0;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < f64.Saved[c].Length; i++)
                worst = Math.Max(worst, Math.Abs(f64.Saved[c][i] - gpu.Saved[c][i]) / (1 + Math.Abs(f64.Saved[c][i])));
        output.WriteLine($"worst relative difference to F64: {worst:E2}; steps differ in {f64.Steps.Zip(gpu.Steps).Count(z => z.First != z.Second)} members");
        // Same method and tolerances; only FMA contraction and the controller's power differ.
        Assert.True(worst < 1e-8, $"worst relative difference {worst:E2}");
        for (int m = 0; m < p.Members; m++) Assert.InRange(gpu.Steps[m] - f64.Steps[m], -2, 2);
    }

    [Fact]
    public void Dopri5Lorenz_OnCpuAccelerator_IsBitIdenticalToHostLoopOnKernelF64()
    {
        var p = Lorenz(24, Tight, 1e-3, FewTimes);
        var gpu = GpuEnsemble.Run<Dopri5, Lorenz<KernelF64>, Vec3<KernelF64>>(fx.Accelerator, p);
        var host = EnsembleRunner.Run<Dopri5, Lorenz<KernelF64>, KernelF64, Vec3<KernelF64>>(p, 2);
        AssertBitIdentical(host, gpu);
        Assert.All(gpu.Results, r => Assert.Equal(ResultCode.Successful, r));
    }

    [Fact]
    public void Rk4ConstantStep_OnCpuAccelerator_IsBitIdenticalToHostLoopAndTakesExactlyTheStepCount()
    {
        var p = Lorenz(16, null, 0.01, FewTimes);
        var gpu = GpuEnsemble.Run<Rk4, Lorenz<KernelF64>, Vec3<KernelF64>>(fx.Accelerator, p);
        var host = EnsembleRunner.Run<Rk4, Lorenz<KernelF64>, KernelF64, Vec3<KernelF64>>(p, 2);
        AssertBitIdentical(host, gpu);
        Assert.All(gpu.Steps, s => Assert.InRange(s, 100, 101));
        Assert.All(gpu.Rejected, r => Assert.Equal(0, r));
        Assert.All(gpu.TFinal, t => Assert.Equal(1.0, t));
    }

    [Fact]
    public void MaxStepsReached_IsAResultNotACrash_AndMatchesHost()
    {
        var p = Lorenz(8, Tight, null, SaveAt.Final);
        p = new EnsembleProblem { Members = p.Members, T0 = 0, T1 = 1, Y0 = p.Y0, Params = p.Params, Pid = Tight, SaveAt = FewTimes, MaxSteps = 20 };
        var gpu = GpuEnsemble.Run<Tsit5, Lorenz<KernelF64>, Vec3<KernelF64>>(fx.Accelerator, p);
        var host = EnsembleRunner.Run<Tsit5, Lorenz<KernelF64>, KernelF64, Vec3<KernelF64>>(p, 1);
        AssertBitIdentical(host, gpu);
        Assert.All(gpu.Results, r => Assert.Equal(ResultCode.MaxStepsReached, r));
        // Saves after the stop stay NaN.
        Assert.Contains(gpu.Saved[0], double.IsNaN);
    }

    [Fact]
    public void InvalidProblems_AreRejectedBeforeAnyWork()
    {
        var good = Lorenz(4, Tight, null, SaveAt.Final);
        var shortY0 = new EnsembleProblem { Members = 4, T0 = 0, T1 = 1, Y0 = new double[11], Params = good.Params, Pid = Tight };
        var ex = Assert.Throws<ArgumentException>(() => GpuEnsemble.Run<Tsit5, Lorenz<KernelF64>, Vec3<KernelF64>>(fx.Accelerator, shortY0));
        Assert.Contains("y0", ex.Message);
        var timed = new EnsembleProblem { Members = 4, T0 = 0, T1 = 1, Y0 = good.Y0, Params = good.Params, Pid = Tight with { JumpTs = [0.5] } };
        Assert.Throws<NotSupportedException>(() => GpuEnsemble.Run<Tsit5, Lorenz<KernelF64>, Vec3<KernelF64>>(fx.Accelerator, timed));
    }
}
