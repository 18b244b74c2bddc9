using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;
using Xunit;
using Xunit.Abstractions;

namespace Diffrax.GpuNode.Tests;

public sealed partial class PtxCompileTests(ITestOutputHelper output)
{
    public static TheoryData<string> ShippedKernelNames => new(ShippedKernels.All.Select(k => k.Name));

    [Theory]
    [MemberData(nameof(ShippedKernelNames))]
    public void ShippedKernel_CompilesToPtxThatPtxasAcceptsForSm90(string name)
    {
        var shipped = ShippedKernels.All.Single(k => k.Name == name);
        string ptx = PtxCompiler.Compile(shipped.Kernel, shipped.Bounds);
        // ILGPU writes the lowest architecture the kernel needs (sm_80 here); ptxas then builds it for sm_90.
        Match target = PtxTarget().Match(ptx);
        Assert.True(target.Success && int.Parse(target.Groups[1].Value) <= 90, "PTX .target missing or above sm_90");
        Assert.Contains(".version 7.8", ptx);
        // ILGPU 1.5 writes PTX copysign with sign and magnitude swapped (PTX: copysign d, a, b copies a's sign onto
        // b); the GPU then computed wrong Brownian increments. No shipped kernel may contain it.
        Assert.DoesNotContain("copysign", ptx);
        // ILGPU 1.5 implements double Math.Pow/Exp/Log by CORDIC iterations (functions named *Hyperbolic*): on a
        // solver's path they cost more than the step (KernelF64 writes the controller's power out instead).
        Assert.DoesNotContain("Hyperbolic", ptx);
        string ptxas = Ptxas.Path();
        string file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"diffrax-{name}-{Environment.ProcessId}.ptx");
        File.WriteAllText(file, ptx);
        try
        {
            var (code, text) = Ptxas.Run(ptxas, $"-v -arch=sm_90 \"{file}\" -o \"{file}.cubin\"");
            output.WriteLine($"{name}: {ptx.Length} bytes of PTX, .target sm_{target.Groups[1].Value}, ptxas -arch=sm_90");
            foreach (string line in text.Split('\n').Where(l => l.Contains("registers") || l.Contains("spill")))
                output.WriteLine(line.Trim());
            Assert.True(code == 0, $"ptxas exited with {code}:\n{text}");
            Assert.Matches(UsedRegisters(), text);
            // Compiled under the bounds it ships with on CUDA: no more registers than they leave a thread.
            if (shipped.Bounds.IsBounded)
                Assert.InRange(int.Parse(UsedRegisterCount().Match(text).Groups[1].Value), 1,
                    65536 / (shipped.Bounds.GroupSize * shipped.Bounds.MinGroupsPerMultiprocessor));
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".cubin");
        }
    }

    [Theory]
    [InlineData("tsit5-lorenz-pid")]
    [InlineData("dopri5-lorenz-pid")]
    [InlineData("rk4-lorenz-constant")]
    [InlineData("em-gbm-constant")]
    public void Kernels_KeepTheirStateInRegisters_NoCallsAndNoStackFrame(string name)
    {
        // Integrator.RunInline: any call left in the kernel that takes the lane state, stages or controller by
        // reference (a NoInlining JIT root, even in a branch a static property makes dead) makes ILGPU keep them in
        // local memory — a 1,288-byte stack frame and 2.4x slower adaptive kernels on the H200 (bench/README.md). The SDE
        // kernel's stepper (KernelSdeStepper) has no block cache indexed by step either.
        var shipped = ShippedKernels.All.Single(k => k.Name == name);
        string ptx = PtxCompiler.Compile(shipped.Kernel, LaunchBounds.None);
        Assert.DoesNotContain(".func", ptx);
        Assert.DoesNotContain(".local", ptx);
        string file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"diffrax-regs-{name}-{Environment.ProcessId}.ptx");
        File.WriteAllText(file, ptx);
        try
        {
            var (code, text) = Ptxas.Run(Ptxas.Path(), $"-v -arch=sm_90 \"{file}\" -o \"{file}.cubin\"");
            Assert.True(code == 0, text);
            output.WriteLine(string.Join(" | ", text.Split('\n').Where(l => l.Contains("stack") || l.Contains("registers")).Select(l => l.Trim())));
            Assert.Contains("0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads", text);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".cubin");
        }
    }

    [Theory]
    [InlineData(256, 4, 64)]
    [InlineData(256, 3, 80)]
    [InlineData(128, 4, 128)]
    public void LaunchBounds_ReachThePtx_AndCapTheRegistersPtxasUses(int group, int minGroups, int cap)
    {
        MethodInfo kernel = ShippedKernels.All.Single(k => k.Name == "em-gbm-constant").Kernel;
        string ptx = PtxCompiler.Compile(kernel, new LaunchBounds(group, minGroups));
        Assert.Contains($".maxntid {group}", ptx);
        Assert.Contains($".minnctapersm {minGroups}", ptx);
        string file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"diffrax-bounds-{group}-{minGroups}-{Environment.ProcessId}.ptx");
        File.WriteAllText(file, ptx);
        try
        {
            var (code, text) = Ptxas.Run(Ptxas.Path(), $"-v -arch=sm_90 \"{file}\" -o \"{file}.cubin\"");
            Assert.True(code == 0, $"ptxas exited with {code}:\n{text}");
            int used = int.Parse(UsedRegisterCount().Match(text).Groups[1].Value);
            output.WriteLine($"bounds ({group}, {minGroups}): {used} registers (cap {cap})");
            // 65,536 registers per multiprocessor shared by group × minGroups threads (ptxas rounds to its allocation unit).
            Assert.InRange(used, 1, cap);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".cubin");
        }
    }

    private sealed class Box
    {
        public double V;
    }

    private static void ClassKernel(Index1D i, ArrayView<double> o)
    {
        var b = new Box { V = i };
        o[i] = b.V;
    }

    private static void GoodKernel(Index1D i, ArrayView<double> o) => o[i] = 2.0 * i;

    [Fact]
    public void KernelUsingAClass_FailsToCompile_AndAFreshContextStillCompiles()
    {
        var bad = ((Action<Index1D, ArrayView<double>>)ClassKernel).Method;
        Assert.ThrowsAny<Exception>(() => PtxCompiler.Compile(bad));
        var good = ((Action<Index1D, ArrayView<double>>)GoodKernel).Method;
        Assert.Contains(".entry", PtxCompiler.Compile(good));
    }

    [GeneratedRegex(@"\.target sm_(\d+)")]
    private static partial Regex PtxTarget();

    [GeneratedRegex(@"Used \d+ registers")]
    private static partial Regex UsedRegisters();

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex UsedRegisterCount();
}

/// <summary>Finds NVIDIA's ptxas: $PTXAS (CI sets it), else tools/ptxas/get-ptxas.sh from the repository.</summary>
internal static class Ptxas
{
    private static readonly Lazy<string> Found = new(Locate);

    public static string Path() => Found.Value;

    private static string Locate()
    {
        string? env = Environment.GetEnvironmentVariable("PTXAS");
        if (!string.IsNullOrEmpty(env))
        {
            Assert.True(File.Exists(env), $"PTXAS={env} does not exist.");
            return env;
        }
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Diffrax.Cluster.sln"))) dir = dir.Parent;
        Assert.True(dir != null, "PTXAS is not set and the repository root (Diffrax.Cluster.sln) was not found above the test binaries.");
        string script = System.IO.Path.Combine(dir!.FullName, "tools", "ptxas", "get-ptxas.sh");
        var (code, text) = Run("bash", $"\"{script}\"", captureStdoutOnly: true);
        string path = text.Trim().Split('\n').Last().Trim();
        Assert.True(code == 0 && File.Exists(path),
            $"PTXAS is not set and tools/ptxas/get-ptxas.sh failed (exit {code}); set PTXAS=/path/to/ptxas (CUDA ≥ 11.8). Output:\n{text}");
        return path;
    }

    public static (int Code, string Text) Run(string exe, string args, bool captureStdoutOnly = false)
    {
        var psi = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var proc = Process.Start(psi)!;
        var err = proc.StandardError.ReadToEndAsync();
        string stdout = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        return (proc.ExitCode, captureStdoutOnly ? stdout : stdout + err.Result);
    }
}
