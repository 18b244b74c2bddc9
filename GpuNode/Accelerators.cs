using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Diffrax.GpuNode;

/// <summary>ILGPU context and accelerator selection for the solver kernels.</summary>
public static class Accelerators
{
    /// <summary>
    /// A context with CUDA (where a driver is present) and the CPU emulator, and ILGPU's algorithms extension
    /// (double-precision <c>Math.Pow</c> and friends on the GPU need it).
    /// </summary>
    public static Context CreateContext() => Context.Create(b => b.Cuda().CPU().EnableAlgorithms());

    /// <summary>Whether <paramref name="context"/> has a CUDA device.</summary>
    public static bool HasCuda(Context context) => context.GetCudaDevices().Count > 0;

    /// <summary>The first CUDA device if there is one, else ILGPU's CPU accelerator (an emulator: for tests, not speed).</summary>
    public static Accelerator CreateBest(Context context)
        => HasCuda(context) ? context.CreateCudaAccelerator(0) : CreateCpu(context);

    /// <summary>ILGPU's CPU accelerator.</summary>
    public static Accelerator CreateCpu(Context context) => context.CreateCPUAccelerator(0);
}
