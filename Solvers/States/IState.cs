using Diffrax.Solvers.Lanes;

namespace Diffrax.Solvers.States;

/// <summary>
/// A state vector held in registers: one field per component (<see cref="Vec1{T}"/> … <see cref="Vec4{T}"/>)
/// or a composition of two smaller states (<see cref="Cat{TA, TB, T}"/>), which reaches any dimension without
/// arrays or classes. Solvers never index components: they combine states through these operations, so a new
/// backend or a new state shape touches no solver (the Boost.Odeint algebra seam).
/// </summary>
public interface IState<TSelf, T>
    where TSelf : struct, IState<TSelf, T>
    where T : struct, IScalar<T>
{
    /// <summary>Number of components.</summary>
    static abstract int Dim { get; }
    /// <summary>All components <paramref name="v"/>.</summary>
    static abstract TSelf Splat(T v);
    /// <summary>Component-wise sum.</summary>
    static abstract TSelf Add(in TSelf a, in TSelf b);
    /// <summary>Component-wise difference.</summary>
    static abstract TSelf Sub(in TSelf a, in TSelf b);
    /// <summary>Component-wise product (diagonal noise).</summary>
    static abstract TSelf Mul(in TSelf a, in TSelf b);
    /// <summary><c>s · a</c>.</summary>
    static abstract TSelf Scale(T s, in TSelf a);
    /// <summary><c>s · x + y</c>, fused per component.</summary>
    static abstract TSelf Fma(T s, in TSelf x, in TSelf y);
    /// <summary>Per slot: <paramref name="a"/> where the mask is set, else <paramref name="b"/>.</summary>
    static abstract TSelf Select(T mask, in TSelf a, in TSelf b);
    /// <summary>Σᵢ (errᵢ / (atol + rtol · max(|y0ᵢ|, |y1ᵢ|)))², the square of the scaled error before the RMS.</summary>
    static abstract T SumSquaredScaled(in TSelf err, in TSelf y0, in TSelf y1, T rtol, T atol);
    /// <summary>
    /// maxᵢ (errᵢ / (atol + rtol · max(|y0ᵢ|, |y1ᵢ|)))², the square of the scaled error's max norm; non-finite when any
    /// component is.
    /// </summary>
    static abstract T MaxSquaredScaled(in TSelf err, in TSelf y0, in TSelf y1, T rtol, T atol);
    /// <summary>Σᵢ aᵢ bᵢ.</summary>
    static abstract T Dot(in TSelf a, in TSelf b);
    /// <summary>Mask of slots where every component is finite.</summary>
    static abstract T AllFinite(in TSelf a);
    /// <summary>Component <paramref name="i"/> (host side and models; solvers do not index).</summary>
    static abstract T Get(in TSelf a, int i);
    /// <summary>Sets component <paramref name="i"/>.</summary>
    static abstract void Set(ref TSelf a, int i, T value);
}
