using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;

namespace Diffrax.Solvers.Terms;

/// <summary>
/// A term of a differential equation dy = f(t, y) · dx(t): a vector field <see cref="Vf"/>, a control increment
/// <see cref="Contr"/> over a step, and the product <see cref="Prod"/> of the two. For an ODE the control is time
/// (dx = dt); for an SDE a Brownian path; for a CDE a path built from data. Solvers only ever ask for
/// <c>Prod(Vf(t, y), StepContr(t0, h))</c>, so one solver serves all three.
/// </summary>
/// <typeparam name="T">Scalar or lane type.</typeparam>
/// <typeparam name="TY">State.</typeparam>
/// <typeparam name="TC">Control increment (a scalar for dt, a noise vector for an SDE).</typeparam>
/// <typeparam name="TF">Value of the vector field (a state for an ODE, a matrix or diagonal for noise).</typeparam>
public interface ITerm<T, TY, TC, TF>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TF : struct, IState<TF, T>
{
    /// <summary>The vector field at (t, y).</summary>
    TF Vf(T t, in TY y);
    /// <summary>The control's increment over [t0, t1]; the same interval always gives the same increment.</summary>
    TC Contr(T t0, T t1);
    /// <summary>
    /// The control's increment over a step of length <paramref name="h"/> from <paramref name="t0"/>, what solvers step
    /// with: time's increment is h itself (as DifferentialEquations.jl and hand-written integrators take it, not the
    /// rounded difference (t0 + h) − t0 of <see cref="Contr"/>, which costs two operations a step and makes the increment
    /// of a constant step vary in its last bits); a path's is <c>Contr(t0, t0 + h)</c>.
    /// </summary>
    TC StepContr(T t0, T h);
    /// <summary>The vector field applied to a control increment.</summary>
    TY Prod(in TF vf, in TC control);
    /// <summary><c>Prod(Vf(t, y), control)</c>: what a solver stage needs (Diffrax's <c>vf_prod</c>).</summary>
    TY VfProd(T t, in TY y, in TC control);
    /// <summary>The control increment scaled by a coefficient, a·ΔC (stage updates of the low-stage tableaus).</summary>
    TC ScaleControl(T a, in TC control);
    /// <summary>y + <c>Prod(vf, control)</c>, fused where the term allows (an ODE term: one FMA per component).</summary>
    TY ProdAdd(in TY y, in TF vf, in TC control);
}

/// <summary>A right-hand side f(t, y) of an ODE, with its parameters as fields (one value per lane slot).</summary>
public interface IVectorField<T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    /// <summary>dy/dt at (t, y).</summary>
    TY Vf(T t, in TY y);
}

/// <summary>An ODE term: dy = f(t, y) dt.</summary>
public struct OdeTerm<TField, T, TY> : ITerm<T, TY, T, TY>
    where TField : struct, IVectorField<T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    /// <summary>The right-hand side.</summary>
    public TField Field;

    /// <summary>Wraps a vector field.</summary>
    public OdeTerm(TField field) { Field = field; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TY Vf(T t, in TY y) => Field.Vf(t, y);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T Contr(T t0, T t1) => t1 - t0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T StepContr(T t0, T h) => h;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TY Prod(in TY vf, in T control) => TY.Scale(control, vf);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TY VfProd(T t, in TY y, in T control) => TY.Scale(control, Field.Vf(t, y));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T ScaleControl(T a, in T control) => a * control;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TY ProdAdd(in TY y, in TY vf, in T control) => TY.Fma(control, vf, y);
}

/// <summary>Two values carried together: the control and vector-field value of a <see cref="MultiTerm{TA,TCA,TFA,TB,TCB,TFB,T,TY}"/>.</summary>
public struct Pair<TA, TB>
{
    /// <summary>First.</summary>
    public TA A;
    /// <summary>Second.</summary>
    public TB B;
    /// <summary>Pairs two values.</summary>
    public Pair(TA a, TB b) { A = a; B = b; }
}

/// <summary>
/// The sum of two terms (drift + diffusion for an SDE): each keeps its own control; the vector-field values
/// sit side by side in a <see cref="Cat{TA, TB, T}"/>.
/// </summary>
public struct MultiTerm<TA, TCA, TFA, TB, TCB, TFB, T, TY> : ITerm<T, TY, Pair<TCA, TCB>, Cat<TFA, TFB, T>>
    where TA : struct, ITerm<T, TY, TCA, TFA>
    where TB : struct, ITerm<T, TY, TCB, TFB>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
    where TFA : struct, IState<TFA, T>
    where TFB : struct, IState<TFB, T>
{
    /// <summary>First term.</summary>
    public TA First;
    /// <summary>Second term.</summary>
    public TB Second;

    /// <summary>Sums two terms.</summary>
    public MultiTerm(TA first, TB second) { First = first; Second = second; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Cat<TFA, TFB, T> Vf(T t, in TY y) => new(First.Vf(t, y), Second.Vf(t, y));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Pair<TCA, TCB> Contr(T t0, T t1) => new(First.Contr(t0, t1), Second.Contr(t0, t1));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Pair<TCA, TCB> StepContr(T t0, T h) => new(First.StepContr(t0, h), Second.StepContr(t0, h));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TY Prod(in Cat<TFA, TFB, T> vf, in Pair<TCA, TCB> control)
        => TY.Add(First.Prod(vf.A, control.A), Second.Prod(vf.B, control.B));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TY VfProd(T t, in TY y, in Pair<TCA, TCB> control) => TY.Add(First.VfProd(t, y, control.A), Second.VfProd(t, y, control.B));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Pair<TCA, TCB> ScaleControl(T a, in Pair<TCA, TCB> control) => new(First.ScaleControl(a, control.A), Second.ScaleControl(a, control.B));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TY ProdAdd(in TY y, in Cat<TFA, TFB, T> vf, in Pair<TCA, TCB> control)
        => Second.ProdAdd(First.ProdAdd(y, vf.A, control.A), vf.B, control.B);
}
