using System.Collections.Concurrent;
using System.Reflection;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.Stochastic;

namespace Diffrax.Solvers.Ensembles;

/// <summary>Which CPU lane type an ensemble runs on.</summary>
public enum LaneWidth
{
    /// <summary>8 lanes: fastest for adaptive solves and, with the lane-group runs, for constant steps too (bench/README.md).</summary>
    Auto = 0,
    /// <summary>One trajectory per value (plain double).</summary>
    Scalar = 1,
    /// <summary>Eight trajectories per <see cref="Lane8"/>.</summary>
    Eight = 8,
    /// <summary>Sixteen trajectories per <see cref="Lane16"/>.</summary>
    Sixteen = 16,
}

/// <summary>
/// Runs ensembles chosen at run time (solver by name, model as a generic struct definition over the lane type, e.g.
/// <c>typeof(Lorenz&lt;&gt;)</c> or a compiled equation model), by closing <see cref="EnsembleRunner.Run{TTab, TModel, T, TY}(EnsembleProblem, int)"/>
/// once per combination and caching it.
/// </summary>
public static class EnsembleDispatch
{
    /// <summary>The explicit Runge–Kutta solvers by job-file name.</summary>
    public static IReadOnlyDictionary<string, Type> OdeSolvers { get; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["euler"] = typeof(Euler), ["heun"] = typeof(Heun), ["midpoint"] = typeof(Midpoint), ["ralston"] = typeof(Ralston),
        ["rk4"] = typeof(Rk4), ["bosh3"] = typeof(Bosh3), ["dopri5"] = typeof(Dopri5), ["tsit5"] = typeof(Tsit5), ["dopri8"] = typeof(Dopri8),
    };

    /// <summary>The built-in ODE models by job-file name, as generic definitions over the lane type.</summary>
    public static IReadOnlyDictionary<string, Type> BuiltinModels { get; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["lorenz"] = typeof(Lorenz<>), ["lotka_volterra"] = typeof(LotkaVolterra<>), ["van_der_pol"] = typeof(VanDerPol<>),
        ["harmonic_oscillator"] = typeof(HarmonicOscillator<>), ["kepler"] = typeof(Kepler<>), ["arenstorf"] = typeof(Arenstorf<>),
    };

    /// <summary>The SDE methods by job-file name.</summary>
    public static IReadOnlyDictionary<string, Type> SdeSolvers { get; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["euler_maruyama"] = typeof(EulerMaruyama), ["heun"] = typeof(StratonovichHeun), ["euler_heun"] = typeof(EulerHeun),
        ["ito_milstein"] = typeof(ItoMilstein), ["stratonovich_milstein"] = typeof(StratonovichMilstein), ["reversible_heun"] = typeof(ReversibleHeun),
        ["sra1"] = typeof(Sra1), ["shark"] = typeof(ShArk), ["sea"] = typeof(Sea),
    };

    /// <summary>The built-in SDE models by job-file name, as generic definitions over the lane type.</summary>
    public static IReadOnlyDictionary<string, Type> BuiltinSdeModels { get; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["gbm"] = typeof(GeometricBrownianMotion<>), ["ornstein_uhlenbeck"] = typeof(OrnsteinUhlenbeck<>), ["cir"] = typeof(CoxIngersollRoss<>),
        ["heston"] = typeof(Heston<>), ["double_well_langevin"] = typeof(DoubleWellLangevin<>),
    };

    private static readonly ConcurrentDictionary<(Type, Type, Type), MethodInfo> Closed = new();

    /// <summary>
    /// Solves an SDE ensemble with the named method on a built-in SDE model definition (8 lanes); Brownian paths are
    /// keyed by <paramref name="seed"/> and the member index.
    /// </summary>
    public static EnsembleResult RunSde(string solver, Type sdeModelDefinition, EnsembleProblem p, ulong seed, int threads = 0)
    {
        Type method = SdeSolvers.TryGetValue(solver, out Type? t)
            ? t
            : throw new ArgumentException($"unknown SDE solver '{solver}'; known: {string.Join(", ", SdeSolvers.Keys)}.", nameof(solver));
        MethodInfo m = Closed.GetOrAdd((method, sdeModelDefinition, typeof(SdeEnsembleRunner)), key =>
        {
            Type model = key.Item2.MakeGenericType(typeof(Lane8));
            Type[] a = model.GetInterfaces().First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISdeModel<,,,,,,>)).GetGenericArguments();
            return SdeRun.MakeGenericMethod(key.Item1, model, a[1], a[2], a[3], a[4], a[5], a[6]);
        });
        return Invoke(m, [p, seed, threads, null]);
    }

    /// <summary>Solves an SDE ensemble of an equation model compiled with a diffusion (8 lanes).</summary>
    public static EnsembleResult RunSde(string solver, Expressions.CompiledModel model, EnsembleProblem p, ulong seed, int threads = 0)
    {
        if (model.DiffusionTypeDefinition is null) throw new ArgumentException($"equation model '{model.Info.Name}' has no diffusion, so it is not an SDE.", nameof(model));
        Type method = SdeSolvers.TryGetValue(solver, out Type? t)
            ? t
            : throw new ArgumentException($"unknown SDE solver '{solver}'; known: {string.Join(", ", SdeSolvers.Keys)}.", nameof(solver));
        Type lane = typeof(Lane8);
        Type drift = model.MakeModelType(lane), diff = model.MakeDiffusionType(lane);
        Type ty = model.MakeStateType(lane), tx = model.MakeNoiseType(lane), tg = model.MakeDiffusionValueType(lane);
        Type adapter = typeof(EquationSdeModel<,,,,,>).MakeGenericType(drift, diff, lane, ty, tx, tg);
        MethodInfo m = Closed.GetOrAdd((method, adapter, typeof(SdeEnsembleRunner)), key =>
            SdeRun.MakeGenericMethod(key.Item1, key.Item2, lane, ty, tx, tg, drift, diff));
        return Invoke(m, [p, seed, threads, null]);
    }

    /// <summary>
    /// Solves a CDE ensemble: the compiled model's drift plus its controlled field (compiled as a general "diffusion"
    /// over the control channels) driven by <paramref name="samples"/> interpolated as <paramref name="interpolation"/>
    /// (<c>linear</c>, <c>rectilinear</c> or <c>cubic_hermite</c>).
    /// </summary>
    public static EnsembleResult RunCde(string solver, Expressions.CompiledModel model, Controls.ControlSamples samples, string interpolation, EnsembleProblem p, int threads = 0)
    {
        if (model.DiffusionTypeDefinition is null) throw new ArgumentException($"equation model '{model.Info.Name}' has no control field.", nameof(model));
        Type tab = SolverType(solver);
        Type lane = typeof(F64);
        Type drift = model.MakeModelType(lane), field = model.MakeDiffusionType(lane);
        Type ty = model.MakeStateType(lane), tx = model.MakeNoiseType(lane), tg = model.MakeDiffusionValueType(lane);
        Type pathDef = interpolation switch
        {
            "linear" => typeof(Controls.LinearInterpolationPath<>),
            "rectilinear" => typeof(Controls.RectilinearPath<>),
            "cubic_hermite" => typeof(Controls.CubicHermitePath<>),
            _ => throw new ArgumentException($"unknown interpolation '{interpolation}'; known: linear, rectilinear, cubic_hermite.", nameof(interpolation)),
        };
        Type path = pathDef.MakeGenericType(tx);
        object pathValue = Activator.CreateInstance(path, samples)!;
        MethodInfo m = typeof(CdeEnsembleRunner).GetMethod(nameof(CdeEnsembleRunner.Run))!.MakeGenericMethod(tab, drift, field, path, ty, tx, tg);
        return Invoke(m, [p, pathValue, threads]);
    }

    private static EnsembleResult Invoke(MethodInfo m, object?[] args)
    {
        try
        {
            return (EnsembleResult)m.Invoke(null, args)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>Names, parameters and defaults of a model definition (read from its static <c>Info</c> on <see cref="F64"/>).</summary>
    public static ModelInfo Info(Type modelTypeDefinition)
    {
        var closed = modelTypeDefinition.MakeGenericType(typeof(F64));
        return (ModelInfo)closed.GetProperty("Info", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }

    /// <summary>Whether a solver name is an explicit Runge–Kutta method with an embedded error estimate.</summary>
    public static bool IsAdaptive(string solver) => (int)SolverType(solver).GetProperty("ErrorOrder")!.GetValue(null)! > 0;

    /// <summary>Solves <paramref name="p"/> with the named solver on the model definition, on the chosen lanes.</summary>
    public static EnsembleResult Run(string solver, Type modelTypeDefinition, EnsembleProblem p, LaneWidth lanes = LaneWidth.Auto, int threads = 0)
        => Run(solver, modelTypeDefinition, p, null, lanes, threads);

    /// <summary>As <see cref="Run(string, Type, EnsembleProblem, LaneWidth, int)"/>, writing into <paramref name="into"/> when it is not null.</summary>
    public static EnsembleResult Run(string solver, Type modelTypeDefinition, EnsembleProblem p, EnsembleResult? into, LaneWidth lanes = LaneWidth.Auto, int threads = 0)
    {
        Type tab = SolverType(solver);
        Type lane = (lanes == LaneWidth.Auto ? LaneWidth.Eight : lanes) switch
        {
            LaneWidth.Scalar => typeof(F64),
            LaneWidth.Eight => typeof(Lane8),
            LaneWidth.Sixteen => typeof(Lane16),
            _ => throw new ArgumentOutOfRangeException(nameof(lanes)),
        };
        MethodInfo m = Closed.GetOrAdd((tab, modelTypeDefinition, lane), key =>
        {
            Type model = key.Item2.MakeGenericType(key.Item3);
            Type state = model.GetInterfaces().First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IModel<,,>)).GetGenericArguments()[2];
            return OdeRun.MakeGenericMethod(key.Item1, model, key.Item3, state);
        });
        return Invoke(m, [p, into, threads]);
    }

    // The overloads invoked here, picked by their parameter lists.
    private static readonly MethodInfo OdeRun = typeof(EnsembleRunner).GetMethod(nameof(EnsembleRunner.Run), 4, [typeof(EnsembleProblem), typeof(EnsembleResult), typeof(int)])!;
    private static readonly MethodInfo SdeRun = typeof(SdeEnsembleRunner).GetMethod(nameof(SdeEnsembleRunner.Run), 8,
        [typeof(EnsembleProblem), typeof(ulong), typeof(int), typeof(double?)])!;

    private static Type SolverType(string solver) => OdeSolvers.TryGetValue(solver, out Type? t)
        ? t
        : throw new ArgumentException($"unknown solver '{solver}'; known ODE solvers: {string.Join(", ", OdeSolvers.Keys)}.", nameof(solver));
}
