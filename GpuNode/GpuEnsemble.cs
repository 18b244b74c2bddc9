using System.Diagnostics;
using Diffrax.Contracts;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
using Diffrax.Solvers.Terms;
using ILGPU;
using ILGPU.Runtime;

namespace Diffrax.GpuNode;

/// <summary>
/// Runs an <see cref="EnsembleProblem"/> on an ILGPU accelerator, one thread per member, and returns the same
/// <see cref="EnsembleResult"/> the CPU runner (<see cref="EnsembleRunner"/>) returns.
/// </summary>
public static class GpuEnsemble
{
    /// <summary>Solves every member of <paramref name="p"/> with tableau <typeparamref name="TTab"/> on <paramref name="accelerator"/>.</summary>
    public static EnsembleResult Run<TTab, TModel, TY>(Accelerator accelerator, EnsembleProblem p, LaunchBounds? bounds = null)
        where TTab : struct, IExplicitRungeKutta
        where TModel : struct, IModel<TModel, KernelF64, TY>
        where TY : struct, IState<TY, KernelF64>
    {
        using var run = Prepare<TTab, TModel, TY>(accelerator, p, bounds);
        run.Launch();
        return run.Result();
    }

    /// <summary>
    /// Validates <paramref name="p"/>, uploads it, allocates the output buffers and compiles the kernel, so that
    /// <see cref="PreparedEnsemble.Launch"/> measures the solve alone; <paramref name="bounds"/> compiles the kernel under
    /// launch bounds (default: <see cref="LaunchBounds.For"/>). Throws <see cref="ArgumentException"/> for an invalid problem and
    /// <see cref="NotSupportedException"/> for step/jump times (host-only controller).
    /// </summary>
    public static PreparedEnsemble Prepare<TTab, TModel, TY>(Accelerator accelerator, EnsembleProblem p, LaunchBounds? bounds = null)
        where TTab : struct, IExplicitRungeKutta
        where TModel : struct, IModel<TModel, KernelF64, TY>
        where TY : struct, IState<TY, KernelF64>
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(p);
        TableauChecks<TTab>.Ensure();
        int dim = TY.Dim, nParams = TModel.Info.Params.Count;
        EnsembleRunner.Validate(p, dim, nParams);
        StepSize stepSize = p.Pid is { } pid ? StepSize.Adaptive(pid) : StepSize.Constant;
        double dir = Diffeq.Validate(TTab.Name, TTab.ErrorOrder, p.T0, p.T1, p.Dt0, stepSize, p.MaxSteps);
        if (p.Pid is { } o && (o.StepTs.Count > 0 || o.JumpTs.Count > 0))
            throw new NotSupportedException("step_ts and jump_ts are not supported by the GPU backend; use the CPU ensemble runner.");
        double[] saveTaus = p.SaveAt.Taus(p.T0, p.T1);
        var run = new PreparedEnsemble(accelerator, p, dim, nParams, dir, saveTaus);
        var opt = new LoopOptions(dir, p.MaxSteps);
        if (p.Pid is { } options)
        {
            var pidCtl = new PidController<KernelF64>(options, TTab.ErrorOrder);
            if (options.Norm == ErrorNorm.Max) SetAdaptiveLaunch(new MaxNormController<PidController<KernelF64>, KernelF64>(pidCtl));
            else SetAdaptiveLaunch(pidCtl);
        }
        else
        {
            var kernel = KernelLoader.Load<Action<AcceleratorStream, Index1D, EnsembleBuffers, ConstantStepSize<KernelF64>, LoopOptions>>(
                accelerator, EnsembleKernels.OdeMethod<TTab, TModel, TY, ConstantStepSize<KernelF64>>(), LaunchBounds.For(accelerator, LaunchBounds.OdeConstantSteps, bounds), out var owned);
            run.SetLaunch(b => kernel(accelerator.DefaultStream, p.Members, b, default, opt), owned);
        }
        return run;

        // The adaptive kernel for the controller's type (the error norm is a type-level choice).
        void SetAdaptiveLaunch<TCtl>(TCtl ctl) where TCtl : struct, IStepSizeController<KernelF64>
        {
            var kernel = KernelLoader.Load<Action<AcceleratorStream, Index1D, EnsembleBuffers, TCtl, LoopOptions>>(
                accelerator, EnsembleKernels.OdeMethod<TTab, TModel, TY, TCtl>(), LaunchBounds.For(accelerator, LaunchBounds.Adaptive, bounds), out var owned);
            run.SetLaunch(b => kernel(accelerator.DefaultStream, p.Members, b, ctl, opt), owned);
        }
    }
}

/// <summary>
/// Runs an SDE <see cref="EnsembleProblem"/> in constant steps on an ILGPU accelerator, one thread per member, on the
/// fixed-step Brownian stream keyed by (seed, member index) — the stream the CPU runner
/// (<see cref="SdeEnsembleRunner"/>) draws from — and returns the same <see cref="EnsembleResult"/>.
/// </summary>
public static class GpuSdeEnsemble
{
    /// <summary>Solves every member of <paramref name="p"/> with <typeparamref name="TMethod"/> on <paramref name="accelerator"/>.</summary>
    public static EnsembleResult Run<TMethod, TModel, TY, TX, TG, TDrift, TDiff>(Accelerator accelerator, EnsembleProblem p, ulong seed,
        LaunchBounds? bounds = null)
        where TMethod : struct, ISdeMethod
        where TModel : struct, ISdeModel<TModel, KernelF64, TY, TX, TG, TDrift, TDiff>
        where TY : struct, IState<TY, KernelF64>
        where TX : struct, IState<TX, KernelF64>
        where TG : struct, IState<TG, KernelF64>
        where TDrift : struct, IVectorField<KernelF64, TY>
        where TDiff : struct, IDiffusion<KernelF64, TY, TX, TG>
    {
        using var run = Prepare<TMethod, TModel, TY, TX, TG, TDrift, TDiff>(accelerator, p, seed, bounds);
        run.Launch();
        return run.Result();
    }

    /// <summary>
    /// Validates <paramref name="p"/> (as the CPU runner does: the method must accept the diffusion's noise, and the
    /// solve must take constant steps, <c>Dt0</c> given and no controller), uploads it and compiles the kernel.
    /// Throws <see cref="ArgumentException"/> for an invalid problem and <see cref="NotSupportedException"/> for
    /// adaptive steps (the virtual Brownian tree is not in a kernel yet). <paramref name="bounds"/> as for ODE ensembles.
    /// </summary>
    public static PreparedEnsemble Prepare<TMethod, TModel, TY, TX, TG, TDrift, TDiff>(Accelerator accelerator, EnsembleProblem p, ulong seed,
        LaunchBounds? bounds = null)
        where TMethod : struct, ISdeMethod
        where TModel : struct, ISdeModel<TModel, KernelF64, TY, TX, TG, TDrift, TDiff>
        where TY : struct, IState<TY, KernelF64>
        where TX : struct, IState<TX, KernelF64>
        where TG : struct, IState<TG, KernelF64>
        where TDrift : struct, IVectorField<KernelF64, TY>
        where TDiff : struct, IDiffusion<KernelF64, TY, TX, TG>
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(p);
        Sde.Check<TMethod, TDiff, KernelF64, TY, TX, TG>();
        int dim = TY.Dim, nParams = TModel.Info.Params.Count;
        EnsembleRunner.Validate(p, dim, nParams);
        if (p.Pid is not null)
            throw new NotSupportedException("Adaptive SDE steps (the virtual Brownian tree) are not supported by the GPU backend; use the CPU ensemble runner.");
        double dir = Diffeq.Validate(TMethod.Name, TMethod.ErrorOrder, p.T0, p.T1, p.Dt0, StepSize.Constant, p.MaxSteps);
        double[] saveTaus = p.SaveAt.Taus(p.T0, p.T1);
        var run = new PreparedEnsemble(accelerator, p, dim, nParams, dir, saveTaus);
        var opt = new LoopOptions(dir, p.MaxSteps);
        var path = new FixedStepBrownian<KernelF64, TX>(seed, p.T0, p.T1, Math.Abs(p.Dt0!.Value), KernelF64.Zero);
        long offset = p.MemberOffset;
        var kernel = KernelLoader.Load<Action<AcceleratorStream, Index1D, EnsembleBuffers, FixedStepBrownian<KernelF64, TX>, long, LoopOptions>>(
            accelerator, EnsembleKernels.SdeMethod<TMethod, TModel, TY, TX, TG, TDrift, TDiff>(), LaunchBounds.For(accelerator, LaunchBounds.ConstantSteps, bounds), out var owned);
        run.SetLaunch(b => kernel(accelerator.DefaultStream, p.Members, b, path, offset, opt), owned);
        return run;
    }
}

/// <summary>An ensemble uploaded to an accelerator with its kernel compiled: launch it (repeatedly, for timing) and read the result.</summary>
public sealed class PreparedEnsemble : IDisposable
{
    private readonly Accelerator _acc;
    private readonly int _members, _dim, _saves;
    private readonly double[] _ts;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _y0, _params, _saveTaus, _saved, _final, _tFinal;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _stats;
    private readonly EnsembleBuffers _buffers;
    private Action<EnsembleBuffers>? _launch;
    private IDisposable? _kernel;

    internal PreparedEnsemble(Accelerator acc, EnsembleProblem p, int dim, int nParams, double dir, double[] saveTaus)
    {
        _acc = acc;
        _members = p.Members;
        _dim = dim;
        _saves = saveTaus.Length;
        _ts = saveTaus.Select(tau => dir * tau).ToArray();
        long members = p.Members;
        _y0 = acc.Allocate1D(p.Y0);
        _params = acc.Allocate1D(nParams > 0 ? p.Params : [0.0]);
        _saveTaus = acc.Allocate1D(_saves > 0 ? saveTaus : [double.PositiveInfinity]);
        var savedInit = new double[Math.Max(1, dim * _saves * members)];
        Array.Fill(savedInit, double.NaN);
        _saved = acc.Allocate1D(savedInit);
        _final = acc.Allocate1D<double>(dim * members);
        _tFinal = acc.Allocate1D<double>(members);
        _stats = acc.Allocate1D<int>(5 * members);
        _buffers = new EnsembleBuffers
        {
            Y0 = _y0.View,
            Params = _params.View,
            SaveTaus = _saveTaus.View,
            Saved = _saved.View,
            Final = _final.View,
            TFinal = _tFinal.View,
            Stats = _stats.View,
            Members = p.Members,
            NParams = nParams,
            Saves = _saves,
            Tau0 = dir * p.T0,
            TauEnd = dir * p.T1,
            H0 = p.Dt0 is { } d ? Math.Abs(d) : 0,
        };
    }

    /// <summary>The accelerator this ensemble runs on.</summary>
    public Accelerator Accelerator => _acc;

    internal void SetLaunch(Action<EnsembleBuffers> launch, IDisposable? kernel)
    {
        _launch = launch;
        _kernel = kernel;
    }

    /// <summary>Solves every member once and waits for the device; returns the elapsed wall time of the launch.</summary>
    public TimeSpan Launch()
    {
        var sw = Stopwatch.StartNew();
        _launch!(_buffers);
        _acc.Synchronize();
        return sw.Elapsed;
    }

    /// <summary>Copies the outputs of the last launch back into an <see cref="EnsembleResult"/>.</summary>
    public EnsembleResult Result()
    {
        var r = new EnsembleResult(_members, _dim, _ts);
        double[] saved = _saved.GetAsArray1D(), final = _final.GetAsArray1D(), tFinal = _tFinal.GetAsArray1D();
        int[] stats = _stats.GetAsArray1D();
        long plane = (long)_saves * _members;
        for (int c = 0; c < _dim; c++)
        {
            if (plane > 0) Array.Copy(saved, c * plane, r.Saved[c], 0, plane);
            Array.Copy(final, (long)c * _members, r.Final[c], 0, _members);
        }
        Array.Copy(tFinal, r.TFinal, _members);
        for (int m = 0; m < _members; m++) r.Results[m] = (ResultCode)stats[m];
        Array.Copy(stats, _members, r.Steps, 0, _members);
        Array.Copy(stats, 2L * _members, r.Accepted, 0, _members);
        Array.Copy(stats, 3L * _members, r.Rejected, 0, _members);
        Array.Copy(stats, 4L * _members, r.Nfe, 0, _members);
        return r;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _y0.Dispose(); _params.Dispose(); _saveTaus.Dispose(); _saved.Dispose();
        _final.Dispose(); _tFinal.Dispose(); _stats.Dispose();
        _kernel?.Dispose();
    }
}
