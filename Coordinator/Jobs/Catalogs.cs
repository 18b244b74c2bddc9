using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;

namespace Diffrax.Coordinator.Jobs;

/// <summary>An ODE/CDE solver a job file may name.</summary>
/// <param name="Name">Name in job files.</param>
/// <param name="Order">Order of accuracy.</param>
/// <param name="ErrorOrder">Order of the embedded error estimate; 0 when it has none (constant steps only).</param>
public sealed record OdeSolverInfo(string Name, int Order, int ErrorOrder);

/// <summary>The solver names job files may use: the one place both lists are defined.</summary>
public static class SolverCatalog
{
    private static OdeSolverInfo Of<TTab>() where TTab : struct, IExplicitRungeKutta => new(TTab.Name, TTab.Order, TTab.ErrorOrder);

    /// <summary>Explicit Runge–Kutta solvers for ODEs and CDEs, from the tableaus themselves.</summary>
    public static IReadOnlyList<OdeSolverInfo> Ode { get; } =
    [
        Of<Tsit5>(), Of<Dopri5>(), Of<Dopri8>(), Of<Bosh3>(), Of<Rk4>(), Of<Euler>(), Of<Heun>(), Of<Midpoint>(), Of<Ralston>(),
    ];

    /// <summary>
    /// SDE solver names (Solvers/Stochastic: <c>SdeMethods.cs</c>, <c>AdditiveSrkMethods.cs</c>). Which noise shapes each one
    /// accepts is checked by the SDE engine when the job is wired.
    /// </summary>
    public static IReadOnlyList<string> Sde { get; } =
    [
        "euler_maruyama", "heun", "euler_heun", "ito_milstein", "stratonovich_milstein", "reversible_heun", "sra1", "shark", "sea",
    ];

    /// <summary>The ODE solver called <paramref name="name"/>, or null.</summary>
    public static OdeSolverInfo? FindOde(string name) => Ode.FirstOrDefault(s => s.Name == name);

    /// <summary>Whether <paramref name="name"/> is an SDE solver.</summary>
    public static bool IsSde(string name) => Sde.Contains(name);

    /// <summary>Whether <paramref name="name"/> names only an SDE solver (not also an ODE solver, like <c>heun</c>).</summary>
    public static bool IsSdeOnly(string name) => IsSde(name) && FindOde(name) is null;
}

/// <summary>Names, parameters and defaults of the built-in models, read from each model's static <c>Info</c>.</summary>
public static class ModelCatalog
{
    /// <summary>Built-in ODE models by job-file name.</summary>
    public static IReadOnlyDictionary<string, ModelInfo> Builtins { get; } = new[]
    {
        Lorenz<F64>.Info, LotkaVolterra<F64>.Info, VanDerPol<F64>.Info, HarmonicOscillator<F64>.Info, Kepler<F64>.Info, Arenstorf<F64>.Info,
    }.ToDictionary(i => i.Name, StringComparer.Ordinal);

    /// <summary>Built-in SDE models (Solvers/Models/StochasticModels.cs) by job-file name; a job naming one is an SDE.</summary>
    public static IReadOnlyDictionary<string, ModelInfo> SdeBuiltins { get; } = new[]
    {
        GeometricBrownianMotion<F64>.Info, OrnsteinUhlenbeck<F64>.Info, CoxIngersollRoss<F64>.Info, Heston<F64>.Info, DoubleWellLangevin<F64>.Info,
    }.ToDictionary(i => i.Name, StringComparer.Ordinal);

    /// <summary>Every built-in name, ODE models first.</summary>
    public static IReadOnlyList<string> Names { get; } = Builtins.Keys.Concat(SdeBuiltins.Keys).ToArray();

    /// <summary>The built-in model (ODE or SDE) called <paramref name="name"/>, or null.</summary>
    public static ModelInfo? FindBuiltin(string name)
        => Builtins.TryGetValue(name, out var info) ? info : SdeBuiltins.TryGetValue(name, out var sde) ? sde : null;
}
