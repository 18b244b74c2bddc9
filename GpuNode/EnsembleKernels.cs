using System.Reflection;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;
using ILGPU;

namespace Diffrax.GpuNode;

/// <summary>
/// ILGPU ensemble kernels: one thread per member, each running the one generic integrate loop
/// (<see cref="Integrator.Run{TSolver, TTerm, TCtl, TSink, TEvent, TRefill, T, TY, TC, TF}"/>) on
/// <see cref="KernelF64"/> with its own t and dt — the same code the CPU runner and single solves use.
/// </summary>
public static class EnsembleKernels
{
    /// <summary>
    /// Solves member <paramref name="index"/> of an ODE ensemble of model <typeparamref name="TModel"/> with tableau
    /// <typeparamref name="TTab"/> and controller <typeparamref name="TCtl"/> (a per-thread copy of
    /// <paramref name="controller"/>), writing through a <see cref="DeviceSink{TY}"/> into <paramref name="b"/>.
    /// </summary>
    public static void Ode<TTab, TModel, TY, TCtl>(Index1D index, EnsembleBuffers b, TCtl controller, LoopOptions opt)
        where TTab : struct, IExplicitRungeKutta
        where TModel : struct, IModel<TModel, KernelF64, TY>
        where TY : struct, IState<TY, KernelF64>
        where TCtl : struct, IStepSizeController<KernelF64>
    {
        int m = index;
        if (m >= b.Members) return;
        long dim = TY.Dim;
        var p = new ViewParams(b.Params, (long)m * b.NParams);
        var term = new OdeTerm<TModel, KernelF64, TY>(TModel.Create(p));
        var s = default(LaneState<KernelF64, TY, TY>);
        s.Member = KernelF64.From(m);
        s.Tau = KernelF64.From(b.Tau0);
        s.TauEnd = KernelF64.From(b.TauEnd);
        s.H = KernelF64.From(b.H0);
        s.Active = KernelF64.True;
        for (int c = 0; c < TY.Dim; c++) TY.Set(ref s.Y, c, KernelF64.From(b.Y0[m * dim + c]));
        var ctl = controller;
        var sink = new DeviceSink<TY>(b);
        var solver = default(ErkStepper<TTab, OdeTerm<TModel, KernelF64, TY>, KernelF64, TY, KernelF64, TY>);
        var ev = default(NoEvent<KernelF64, TY>);
        var refill = default(NoRefill<OdeTerm<TModel, KernelF64, TY>, KernelF64, TY>);
        Integrator.Run<ErkStepper<TTab, OdeTerm<TModel, KernelF64, TY>, KernelF64, TY, KernelF64, TY>, OdeTerm<TModel, KernelF64, TY>, TCtl,
            DeviceSink<TY>, NoEvent<KernelF64, TY>, NoRefill<OdeTerm<TModel, KernelF64, TY>, KernelF64, TY>, KernelF64, TY, KernelF64, TY>(
            ref solver, ref s, ref term, ref ctl, ref sink, ev, ref refill, opt);
    }

    /// <summary>The <see cref="Ode{TTab, TModel, TY, TCtl}"/> instantiation for the given types, as a kernel method.</summary>
    public static MethodInfo OdeMethod<TTab, TModel, TY, TCtl>()
        where TTab : struct, IExplicitRungeKutta
        where TModel : struct, IModel<TModel, KernelF64, TY>
        where TY : struct, IState<TY, KernelF64>
        where TCtl : struct, IStepSizeController<KernelF64>
        => ((Action<Index1D, EnsembleBuffers, TCtl, LoopOptions>)Ode<TTab, TModel, TY, TCtl>).Method;
}

/// <summary>A kernel instantiation this assembly ships (each is compiled to PTX in the tests).</summary>
/// <param name="Name">Short name: tableau, model, controller.</param>
/// <param name="Kernel">The closed generic kernel method.</param>
public sealed record ShippedKernel(string Name, MethodInfo Kernel);

/// <summary>Every kernel instantiation the GPU backend launches.</summary>
public static class ShippedKernels
{
    /// <summary>Adaptive Tsit5, Dopri5 and constant-step RK4 on the Lorenz system.</summary>
    public static IReadOnlyList<ShippedKernel> All { get; } =
    [
        new("tsit5-lorenz-pid", EnsembleKernels.OdeMethod<Tsit5, Lorenz<KernelF64>, Vec3<KernelF64>, PidController<KernelF64>>()),
        new("dopri5-lorenz-pid", EnsembleKernels.OdeMethod<Dopri5, Lorenz<KernelF64>, Vec3<KernelF64>, PidController<KernelF64>>()),
        new("rk4-lorenz-constant", EnsembleKernels.OdeMethod<Rk4, Lorenz<KernelF64>, Vec3<KernelF64>, ConstantStepSize<KernelF64>>()),
    ];
}
