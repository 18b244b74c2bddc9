using System.Reflection;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
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
        var term = new OdeTerm<TModel, KernelF64, TY>(TModel.Create(new ViewParams(b.Params, (long)m * b.NParams)));
        var s = Start<TY, TY>(m, b);
        // Everything inlined (Integrator.RunInline, InlineTableau, InlineController): the thread's lane state, stages and
        // controller then live in registers, not local memory (bench/README.md: 2.4x on the H200).
        var ctl = new InlineController<TCtl, KernelF64>(controller);
        var sink = new DeviceSink<TY>(b);
        var solver = default(ErkStepper<InlineTableau<TTab>, OdeTerm<TModel, KernelF64, TY>, KernelF64, TY, KernelF64, TY>);
        var ev = default(NoEvent<KernelF64, TY>);
        var refill = default(NoRefill<OdeTerm<TModel, KernelF64, TY>, KernelF64, TY>);
        Integrator.RunInline<ErkStepper<InlineTableau<TTab>, OdeTerm<TModel, KernelF64, TY>, KernelF64, TY, KernelF64, TY>, OdeTerm<TModel, KernelF64, TY>,
            InlineController<TCtl, KernelF64>, DeviceSink<TY>, NoEvent<KernelF64, TY>, NoRefill<OdeTerm<TModel, KernelF64, TY>, KernelF64, TY>,
            KernelF64, TY, KernelF64, TY>(ref solver, ref s, ref term, ref ctl, ref sink, ev, ref refill, opt);
    }

    /// <summary>
    /// Solves member <paramref name="index"/> of an SDE ensemble of model <typeparamref name="TModel"/> with stochastic
    /// method <typeparamref name="TMethod"/> in constant steps, on the fixed-step Brownian stream
    /// <paramref name="path"/> keyed by the job seed and the member's index (<paramref name="memberOffset"/> + index) —
    /// the same (seed, member, step) → normal as the CPU runner's stream, through the same integrate loop.
    /// </summary>
    public static void Sde<TMethod, TModel, TY, TX, TG, TDrift, TDiff>(Index1D index, EnsembleBuffers b,
        FixedStepBrownian<KernelF64, TX> path, long memberOffset, LoopOptions opt)
        where TMethod : struct, ISdeMethod
        where TModel : struct, ISdeModel<TModel, KernelF64, TY, TX, TG, TDrift, TDiff>
        where TY : struct, IState<TY, KernelF64>
        where TX : struct, IState<TX, KernelF64>
        where TG : struct, IState<TG, KernelF64>
        where TDrift : struct, IVectorField<KernelF64, TY>
        where TDiff : struct, IDiffusion<KernelF64, TY, TX, TG>
    {
        int m = index;
        if (m >= b.Members) return;
        var model = TModel.Create(new ViewParams(b.Params, (long)m * b.NParams));
        var w = path;
        w.Member = KernelF64.From(m + memberOffset);
        var term = Diffrax.Solvers.Stochastic.Sde.Term<TDrift, TDiff, FixedStepBrownian<KernelF64, TX>, KernelF64, TY, TX, TG>(model.Drift, model.Diffusion, w);
        var s = Start<TY, Cat<TY, TG, KernelF64>>(m, b);
        // Everything inlined (Integrator.RunInline, KernelSdeStepper, InlineController), as for the ODE kernels: the
        // thread's state lives in registers.
        var ctl = new InlineController<ConstantStepSize<KernelF64>, KernelF64>(default);
        var sink = new DeviceSink<TY>(b);
        var solver = default(KernelSdeStepper<TMethod, TDrift, TDiff, KernelF64, TY, TX, TG>);
        var refill = default(NoRefill<MultiTerm<OdeTerm<TDrift, KernelF64, TY>, KernelF64, TY, ControlTerm<TDiff, FixedStepBrownian<KernelF64, TX>, KernelF64, TY, TX, TG>, TX, TG, KernelF64, TY>, KernelF64, TY>);
        Integrator.RunInline<KernelSdeStepper<TMethod, TDrift, TDiff, KernelF64, TY, TX, TG>,
            MultiTerm<OdeTerm<TDrift, KernelF64, TY>, KernelF64, TY, ControlTerm<TDiff, FixedStepBrownian<KernelF64, TX>, KernelF64, TY, TX, TG>, TX, TG, KernelF64, TY>,
            InlineController<ConstantStepSize<KernelF64>, KernelF64>, DeviceSink<TY>, NoEvent<KernelF64, TY>,
            NoRefill<MultiTerm<OdeTerm<TDrift, KernelF64, TY>, KernelF64, TY, ControlTerm<TDiff, FixedStepBrownian<KernelF64, TX>, KernelF64, TY, TX, TG>, TX, TG, KernelF64, TY>, KernelF64, TY>,
            KernelF64, TY, Pair<KernelF64, TX>, Cat<TY, TG, KernelF64>>(
            ref solver, ref s, ref term, ref ctl, ref sink, default, ref refill, opt);
    }

    /// <summary>The lane state of member <paramref name="m"/> at its start: span, first step and initial state from the buffers.</summary>
    private static LaneState<KernelF64, TY, TF> Start<TY, TF>(int m, EnsembleBuffers b)
        where TY : struct, IState<TY, KernelF64>
        where TF : struct, IState<TF, KernelF64>
    {
        var s = default(LaneState<KernelF64, TY, TF>);
        s.Member = KernelF64.From(m);
        s.Tau = KernelF64.From(b.Tau0);
        s.TauEnd = KernelF64.From(b.TauEnd);
        s.H = KernelF64.From(b.H0);
        s.Active = KernelF64.True;
        long dim = TY.Dim;
        for (int c = 0; c < TY.Dim; c++) TY.Set(ref s.Y, c, KernelF64.From(b.Y0[m * dim + c]));
        return s;
    }

    /// <summary>The <see cref="Sde{TMethod, TModel, TY, TX, TG, TDrift, TDiff}"/> instantiation for the given types, as a kernel method.</summary>
    public static MethodInfo SdeMethod<TMethod, TModel, TY, TX, TG, TDrift, TDiff>()
        where TMethod : struct, ISdeMethod
        where TModel : struct, ISdeModel<TModel, KernelF64, TY, TX, TG, TDrift, TDiff>
        where TY : struct, IState<TY, KernelF64>
        where TX : struct, IState<TX, KernelF64>
        where TG : struct, IState<TG, KernelF64>
        where TDrift : struct, IVectorField<KernelF64, TY>
        where TDiff : struct, IDiffusion<KernelF64, TY, TX, TG>
        => ((Action<Index1D, EnsembleBuffers, FixedStepBrownian<KernelF64, TX>, long, LoopOptions>)Sde<TMethod, TModel, TY, TX, TG, TDrift, TDiff>).Method;

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
/// <param name="Bounds">The launch bounds it is compiled under on CUDA by default (<see cref="LaunchBounds.For"/>).</param>
public sealed record ShippedKernel(string Name, MethodInfo Kernel, LaunchBounds Bounds);

/// <summary>Every kernel instantiation the GPU backend launches.</summary>
public static class ShippedKernels
{
    /// <summary>Adaptive Tsit5, Dopri5 and constant-step RK4 on the Lorenz system; Euler–Maruyama on geometric Brownian motion.</summary>
    public static IReadOnlyList<ShippedKernel> All { get; } =
    [
        new("tsit5-lorenz-pid", EnsembleKernels.OdeMethod<Tsit5, Lorenz<KernelF64>, Vec3<KernelF64>, PidController<KernelF64>>(), LaunchBounds.Adaptive),
        new("dopri5-lorenz-pid", EnsembleKernels.OdeMethod<Dopri5, Lorenz<KernelF64>, Vec3<KernelF64>, PidController<KernelF64>>(), LaunchBounds.Adaptive),
        new("rk4-lorenz-constant", EnsembleKernels.OdeMethod<Rk4, Lorenz<KernelF64>, Vec3<KernelF64>, ConstantStepSize<KernelF64>>(), LaunchBounds.OdeConstantSteps),
        new("em-gbm-constant", EnsembleKernels.SdeMethod<EulerMaruyama, GeometricBrownianMotion<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>,
            GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(), LaunchBounds.ConstantSteps),
    ];
}
