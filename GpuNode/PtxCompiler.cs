using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Diffrax.GpuNode;

/// <summary>
/// Compiles kernels to PTX with no GPU present (ILGPU's <see cref="PTXBackend"/> without NVVM), for sm_90 and
/// PTX ISA 7.8 — the newest the CUDA 11.8 <c>ptxas</c> used to check the output accepts.
/// </summary>
public static class PtxCompiler
{
    /// <summary>Target architecture.</summary>
    public static CudaArchitecture Architecture => CudaArchitecture.SM_90;
    /// <summary>Target PTX instruction set.</summary>
    public static CudaInstructionSet InstructionSet => CudaInstructionSet.ISA_78;

    /// <summary>
    /// Compiles the implicitly grouped kernel <paramref name="kernel"/> (first parameter an index) to PTX in a fresh
    /// context, so a failure cannot poison another compile. Throws what ILGPU throws when the kernel uses
    /// something a kernel cannot (a class, <c>throw</c>, <c>stackalloc</c>, ...). With <paramref name="bounds"/>, the PTX
    /// carries them (<c>.maxntid</c>, <c>.minnctapersm</c>) as the GPU backend compiles it under them.
    /// </summary>
    public static string Compile(MethodInfo kernel, LaunchBounds? bounds = null)
    {
        using var context = Context.Create(b => b.EnableAlgorithms());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(Architecture), Architecture, InstructionSet, nvvmAPI: null);
        var entry = EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
        var compiled = backend.Compile(entry, bounds is { IsBounded: true } b ? b.Specialization : KernelSpecialization.Empty);
        return ((PTXCompiledKernel)compiled).PTXAssembly;
    }
}
