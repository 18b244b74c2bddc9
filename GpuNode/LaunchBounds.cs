using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Runtime;

namespace Diffrax.GpuNode;

/// <summary>
/// CUDA launch bounds of an ensemble kernel (PTX <c>.maxntid</c> and <c>.minnctapersm</c>, as <c>__launch_bounds__</c>
/// in CUDA C): groups of <paramref name="GroupSize"/> threads, and room for at least
/// <paramref name="MinGroupsPerMultiprocessor"/> of them on one multiprocessor — which caps the registers a thread may
/// use at 65,536 / (GroupSize × MinGroupsPerMultiprocessor) (rounded down by ptxas to its allocation unit), trading
/// registers for occupancy. <see cref="None"/> compiles a kernel unconstrained and lets ILGPU pick the group size that
/// maximises occupancy for the registers it uses.
/// </summary>
/// <remarks>
/// Defaults (<see cref="For"/>, CUDA only: other accelerators ignore bounds): SDE kernels (constant-step runs) get
/// <see cref="ConstantSteps"/>, constant-step ODE kernels <see cref="OdeConstantSteps"/>, adaptive ODE kernels
/// <see cref="Adaptive"/>. Measured on an NVIDIA H200 with 10⁷ members (bench/README.md, tenth session), with every
/// kernel's state in registers, the kernels' steps storing their stages always and the time control h
/// (Tsit5 202 registers unbounded, RK4 117, GBM 118): GBM Euler–Maruyama 189 G path-steps/s unbounded, 190 G at
/// (256, 2), 196 G at (256, 3), 197 G at (256, 4), 191 G at (128, 4); Lorenz RK4 298–302 G member-steps/s unbounded and
/// at (128, 4 / 5 / 6) and (256, 3 / 4), all within 1.5 %; Tsit5 1.11 G members/s at (128, 3), 1.08 G at (128, 4),
/// 1.12 G at (256, 2); Dopri5 1.08 / 1.16 / 1.13 G; the ρ sweep (Tsit5) 200 / 192 / 198 M. (256, 2) is within 2.2 % of
/// the best of the three in every adaptive case.
/// </remarks>
/// <param name="GroupSize">Threads per group (a multiple of the warp size, 32 … 1024).</param>
/// <param name="MinGroupsPerMultiprocessor">Groups that must fit on one multiprocessor at once (≥ 1).</param>
public readonly record struct LaunchBounds(int GroupSize, int MinGroupsPerMultiprocessor)
{
    /// <summary>No bounds: the kernel is compiled unconstrained and auto-grouped.</summary>
    public static LaunchBounds None => default;

    /// <summary>The default for SDE kernels (constant-step runs) on CUDA: groups of 256, four per multiprocessor (64 registers).</summary>
    public static LaunchBounds ConstantSteps => new(256, 4);

    /// <summary>The default for constant-step ODE kernels on CUDA: groups of 128, five per multiprocessor (96 registers).</summary>
    public static LaunchBounds OdeConstantSteps => new(128, 5);

    /// <summary>The default for adaptive kernels on CUDA: groups of 256, two per multiprocessor (128 registers).</summary>
    public static LaunchBounds Adaptive => new(256, 2);

    /// <summary>Whether these are real bounds (not <see cref="None"/>).</summary>
    public bool IsBounded => GroupSize != 0 || MinGroupsPerMultiprocessor != 0;

    /// <summary>
    /// The bounds a kernel is compiled under on <paramref name="accelerator"/>: <paramref name="requested"/> when
    /// given, else <paramref name="cudaDefault"/> on CUDA (<see cref="ConstantSteps"/>, <see cref="OdeConstantSteps"/> or
    /// <see cref="Adaptive"/>) and <see cref="None"/> elsewhere (ILGPU's CPU accelerator holds 16 threads a group).
    /// </summary>
    public static LaunchBounds For(Accelerator accelerator, LaunchBounds cudaDefault, LaunchBounds? requested)
        => requested ?? (accelerator.AcceleratorType == AcceleratorType.Cuda ? cudaDefault : None);

    /// <inheritdoc/>
    public override string ToString() => IsBounded ? $"{GroupSize},{MinGroupsPerMultiprocessor}" : "none";

    /// <summary>Parses "GROUP,MIN" (for example "256,3") or "none"; throws <see cref="FormatException"/> naming the value.</summary>
    public static LaunchBounds Parse(string text)
    {
        if (text == "none") return None;
        var parts = text.Split(',');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int g) || !int.TryParse(parts[1], out int m))
            throw new FormatException($"launch bounds '{text}' must be GROUP,MIN (for example 256,3).");
        var b = new LaunchBounds(g, m);
        b.Validate();
        return b;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a group size that is not 32 … 1024 in warps, or a minimum below 1.</summary>
    public void Validate()
    {
        if (!IsBounded) return;
        if (GroupSize < 32 || GroupSize > 1024 || GroupSize % 32 != 0)
            throw new ArgumentOutOfRangeException(nameof(GroupSize), GroupSize, "The group size must be a multiple of 32 from 32 to 1024.");
        if (MinGroupsPerMultiprocessor < 1)
            throw new ArgumentOutOfRangeException(nameof(MinGroupsPerMultiprocessor), MinGroupsPerMultiprocessor, "At least one group per multiprocessor.");
    }

    /// <summary>The ILGPU specialization that carries these bounds into the PTX.</summary>
    public KernelSpecialization Specialization => new(GroupSize, MinGroupsPerMultiprocessor);
}

/// <summary>Loads the implicitly grouped ensemble kernels, with or without <see cref="LaunchBounds"/>.</summary>
internal static class KernelLoader
{
    /// <summary>
    /// A launcher (first parameter the stream) for the implicitly grouped kernel <paramref name="method"/> (first
    /// parameter its index): auto-grouped for <see cref="LaunchBounds.None"/>, else compiled under the bounds and
    /// launched in groups of their size. <paramref name="owned"/> receives a kernel the caller must dispose (null when ILGPU's
    /// kernel cache owns it).
    /// </summary>
    public static TLauncher Load<TLauncher>(Accelerator accelerator, MethodInfo method, LaunchBounds b, out IDisposable? owned)
        where TLauncher : Delegate
    {
        owned = null;
        if (!b.IsBounded)
            return accelerator.LoadAutoGroupedKernel<TLauncher>(method);
        b.Validate();
        if (b.GroupSize > accelerator.MaxNumThreadsPerGroup)
            throw new ArgumentOutOfRangeException(nameof(b), b.GroupSize,
                $"Launch bounds with groups of {b.GroupSize} threads: {accelerator.Name} holds at most {accelerator.MaxNumThreadsPerGroup} per group.");
        var compiled = accelerator.GetBackend().Compile(EntryPointDescription.FromImplicitlyGroupedKernel(method), b.Specialization);
        var loaded = accelerator.LoadImplicitlyGroupedKernel(compiled, b.GroupSize);
        owned = loaded;
        return loaded.CreateLauncherDelegate<TLauncher>();
    }
}
