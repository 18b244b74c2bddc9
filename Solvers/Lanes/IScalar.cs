namespace Diffrax.Solvers.Lanes;

/// <summary>
/// The scalar of a solve: a plain <see cref="double"/>, a <see cref="float"/>, or a SIMD lane holding
/// several independent trajectories (one per lane slot). Solver code is written once over this interface
/// and runs unchanged as a CPU loop, as SIMD lanes, and inside an ILGPU kernel.
/// </summary>
/// <remarks>
/// Masks are values of the same type: <see cref="Less"/> and friends return a mask, and only
/// <see cref="Select"/>, <see cref="And"/>, <see cref="Or"/>, <see cref="AndNot"/>, <see cref="Any"/> and
/// <see cref="All"/> may interpret one. Each implementation picks its representation (all bits set for
/// SIMD, 1/0 for scalars). Nothing here may throw, allocate or use classes: kernels reach it.
/// </remarks>
public interface IScalar<T> where T : struct, IScalar<T>
{
    /// <summary>Number of independent trajectories held in one value.</summary>
    static abstract int Width { get; }
    /// <summary>
    /// Whether the value lives in the first <see cref="Width"/> slots of a <c>Vector512&lt;double&gt;</c> on the host
    /// (<see cref="Lane8"/> and <see cref="F64"/>), so host-only vectorised kernels (the Brownian stream's) may take it.
    /// False for <see cref="KernelF64"/>: code that tests it never reaches vector instructions inside a GPU kernel.
    /// </summary>
    static virtual bool HostVector512 => false;
    /// <summary>
    /// Runs <paramref name="op"/>'s <see cref="IHostVectorOp{TResult}.HostVector512"/> form where <see cref="HostVector512"/>
    /// holds, else its <see cref="IHostVectorOp{TResult}.Portable"/> form. Resolved per lane type, so a kernel's type
    /// never references the vector form (ILGPU compiles every call it sees, dead branches too).
    /// </summary>
    static virtual TResult Pick<TOp, TResult>(in TOp op) where TOp : struct, IHostVectorOp<TResult> => op.Portable();
    /// <summary>0 in every slot (also the "false" mask).</summary>
    static abstract T Zero { get; }
    /// <summary>1 in every slot.</summary>
    static abstract T One { get; }
    /// <summary>The "true" mask in every slot.</summary>
    static abstract T True { get; }
    /// <summary>Broadcasts a constant into every slot, rounded to the precision of <typeparamref name="T"/>.</summary>
    static abstract T From(double value);

    /// <summary>Sum.</summary>
    static abstract T operator +(T a, T b);
    /// <summary>Difference.</summary>
    static abstract T operator -(T a, T b);
    /// <summary>Product.</summary>
    static abstract T operator *(T a, T b);
    /// <summary>Quotient.</summary>
    static abstract T operator /(T a, T b);
    /// <summary>Negation.</summary>
    static abstract T operator -(T a);

    /// <summary><c>a * b + c</c>, fused where the backend has a fused instruction.</summary>
    static abstract T Fma(T a, T b, T c);
    /// <summary>
    /// <c>a * b − c</c>, fused like <see cref="Fma"/> (the same value as <c>Fma(a, b, −c)</c>: negation is exact). One
    /// instruction where the backend has a fused multiply-subtract (AVX-512's <c>vfmsub</c>); the .NET JIT does not fold
    /// the negation of <c>Fma(a, b, −c)</c> into one, so a vector field written with it pays an extra operation.
    /// </summary>
    static abstract T Fms(T a, T b, T c);
    /// <summary>Absolute value.</summary>
    static abstract T Abs(T a);
    /// <summary>Larger of the two (NaN behaviour unspecified; check finiteness with <see cref="IsFinite"/>).</summary>
    static abstract T Max(T a, T b);
    /// <summary>Smaller of the two.</summary>
    static abstract T Min(T a, T b);
    /// <summary>Square root.</summary>
    static abstract T Sqrt(T a);
    /// <summary>e^a.</summary>
    static abstract T Exp(T a);
    /// <summary>Natural logarithm.</summary>
    static abstract T Log(T a);
    /// <summary>Sine.</summary>
    static abstract T Sin(T a);
    /// <summary>Cosine.</summary>
    static abstract T Cos(T a);
    /// <summary>Tangent.</summary>
    static abstract T Tan(T a);
    /// <summary>Hyperbolic tangent.</summary>
    static abstract T Tanh(T a);
    /// <summary>a^b.</summary>
    static abstract T Pow(T a, T b);
    /// <summary>
    /// a^p for a &gt; 0 to about 1e-4 relative accuracy, cheap: used by step-size controllers, where the factor
    /// only has to be roughly right (DESIGN.md §6: exact pow per lane halves the speed).
    /// </summary>
    static abstract T PowApprox(T a, double p);
    /// <summary>
    /// c·<see cref="PowApprox"/>(a, p), the same bits: PowApprox ends by scaling by a power of two, which is exact, so
    /// lanes may fold c into that power of two and take the product off their dependency chain.
    /// </summary>
    static virtual T PowApproxScaled(double c, T a, double p) => T.From(c) * T.PowApprox(a, p);
    /// <summary>Rounds down to an integer value.</summary>
    static abstract T Floor(T a);

    /// <summary>Mask of slots where a &lt; b.</summary>
    static abstract T Less(T a, T b);
    /// <summary>Mask of slots where a &lt;= b.</summary>
    static abstract T LessEqual(T a, T b);
    /// <summary>Mask of slots where a == b.</summary>
    static abstract T Equal(T a, T b);
    /// <summary>Mask of slots holding a finite number (not NaN, not ±∞).</summary>
    static abstract T IsFinite(T a);
    /// <summary>Mask and.</summary>
    static abstract T And(T m1, T m2);
    /// <summary>Mask or.</summary>
    static abstract T Or(T m1, T m2);
    /// <summary><c>m1 and not m2</c>.</summary>
    static abstract T AndNot(T m1, T m2);
    /// <summary>Per slot: <paramref name="a"/> where the mask is set, else <paramref name="b"/>.</summary>
    static abstract T Select(T mask, T a, T b);
    /// <summary>Whether any slot of the mask is set.</summary>
    static abstract bool Any(T mask);
    /// <summary>Whether every slot of the mask is set.</summary>
    static abstract bool All(T mask);

    /// <summary>Reads one slot (host side: loading and storing ensemble buffers).</summary>
    static abstract double GetLane(T value, int lane);
    /// <summary>Returns <paramref name="value"/> with one slot replaced.</summary>
    static abstract T WithLane(T value, int lane, double x);

    /// <summary>
    /// Builds a value from one double per slot, <paramref name="lanes"/>[0 … Width−1] (host side: one vector load
    /// instead of Width single-slot writes, which stall on store forwarding).
    /// </summary>
    static abstract T FromLanes(ReadOnlySpan<double> lanes);
    /// <summary>Writes every slot to <paramref name="lanes"/>[0 … Width−1] (host side).</summary>
    static abstract void ToLanes(T value, Span<double> lanes);
}

/// <summary>
/// An operation written twice: with host <c>Vector512</c> instructions on the slots of a <see cref="IScalar{T}.HostVector512"/>
/// lane, and portably (kernel-safe) for any lane; <see cref="IScalar{T}.Pick{TOp, TResult}"/> chooses.
/// </summary>
public interface IHostVectorOp<TResult>
{
    /// <summary>The portable form.</summary>
    TResult Portable();
    /// <summary>The host-vector form.</summary>
    TResult HostVector512();
}
