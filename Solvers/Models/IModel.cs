using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Models;

/// <summary>Parameter values handed to a model when it is built (one value per lane slot).</summary>
public interface IParams<T> where T : struct, IScalar<T>
{
    /// <summary>Parameter <paramref name="i"/> in the order of <see cref="ModelInfo.Params"/>.</summary>
    T Get(int i);
}

/// <summary>Parameters from an array (host side).</summary>
public readonly struct ArrayParams<T>(T[] values) : IParams<T> where T : struct, IScalar<T>
{
    /// <inheritdoc/>
    public T Get(int i) => values[i];
}

/// <summary>Names and defaults of a model: what job files, datasets and plots call its parts.</summary>
/// <param name="Name">Name used in job files (<c>builtin: lorenz</c>).</param>
/// <param name="States">State variable names, in component order.</param>
/// <param name="Params">Parameter names, in order.</param>
/// <param name="DefaultParams">Default parameter values.</param>
/// <param name="DefaultY0">A typical initial state.</param>
public sealed record ModelInfo(string Name, IReadOnlyList<string> States, IReadOnlyList<string> Params, IReadOnlyList<double> DefaultParams, IReadOnlyList<double> DefaultY0);

/// <summary>
/// An ODE model: a vector field struct whose parameters are fields of the lane type, so one value holds a
/// different parameter set in each lane slot. Built-in, plugin and compiled equation models all have this shape.
/// </summary>
public interface IModel<TSelf, T, TY> : IVectorField<T, TY>
    where TSelf : struct, IModel<TSelf, T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    /// <summary>Names and defaults.</summary>
    static abstract ModelInfo Info { get; }
    /// <summary>Builds the model from parameter values.</summary>
    static abstract TSelf Create<TP>(in TP p) where TP : struct, IParams<T>;
}
