using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;

namespace Diffrax.Solvers.Terms;

/// <summary>A path x(t) that can be queried for its increment over any interval (a control for a CDE or SDE).</summary>
public interface IPath<T, TX> where T : struct, IScalar<T>
{
    /// <summary>x(t1) − x(t0).</summary>
    TX Increment(T t0, T t1);
}

/// <summary>
/// A vector field whose value is a linear map from control increments to state changes: g(t, y) · dx.
/// The map's representation <typeparamref name="TF"/> is the model's choice (a full matrix, a diagonal, ...).
/// </summary>
public interface IControlledField<T, TY, TX, TF>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TF : struct, IState<TF, T>
{
    /// <summary>g(t, y).</summary>
    TF Vf(T t, in TY y);
    /// <summary>g · dx.</summary>
    TY Prod(in TF g, in TX dx);
}

/// <summary>A term g(t, y) dx(t) driven by a path: the CDE term, and with a Brownian path, the diffusion of an SDE.</summary>
public struct ControlTerm<TField, TPath, T, TY, TX, TF> : ITerm<T, TY, TX, TF>
    where TField : struct, IControlledField<T, TY, TX, TF>
    where TPath : struct, IPath<T, TX>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TX : struct, IState<TX, T>
    where TF : struct, IState<TF, T>
{
    /// <summary>The vector field.</summary>
    public TField Field;
    /// <summary>The driving path.</summary>
    public TPath Path;

    /// <summary>Combines a field and a path.</summary>
    public ControlTerm(TField field, TPath path) { Field = field; Path = path; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TF Vf(T t, in TY y) => Field.Vf(t, y);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TX Contr(T t0, T t1) => Path.Increment(t0, t1);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TX StepContr(T t0, T h) => Path.Increment(t0, t0 + h);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TY Prod(in TF vf, in TX control) => Field.Prod(vf, control);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TY VfProd(T t, in TY y, in TX control) => Field.Prod(Field.Vf(t, y), control);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TX ScaleControl(T a, in TX control) => TX.Scale(a, control);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TY ProdAdd(in TY y, in TF vf, in TX control) => TY.Add(y, Field.Prod(vf, control));
}
