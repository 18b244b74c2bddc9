using Diffrax.Solvers.Lanes;

namespace Diffrax.Solvers.RungeKutta;

/// <summary>
/// An explicit Runge–Kutta method given by its Butcher tableau. The generic engine
/// (<see cref="ExplicitRungeKuttaEngine"/>) applies any tableau; a solver is only its coefficients plus
/// order, FSAL and interpolant. Coefficients are compile-time constants (switches over constant indices that
/// the JIT and ILGPU fold), so the engine unrolls to straight-line code for each tableau.
/// </summary>
/// <remarks>
/// Stage i evaluates the term at <c>t0 + C(i)·h</c> and <c>y0 + Σⱼ A(i,j)·kⱼ</c>, where each <c>kⱼ</c> is the vector
/// field times the step's control (for an ODE, h·f). The step is <c>y1 = y0 + Σ B(i)·kᵢ</c> and the embedded
/// error estimate is <c>Σ E(i)·kᵢ</c> with <c>E = b − b̂</c>. Dense output is
/// <c>y(t0 + θh) = y0 + Σᵢ DenseWeight(i, θ)·kᵢ + DenseWeight(Stages, θ)·k_end</c>, where <c>k_end</c> is the
/// vector field at (t1, y1) times the control (for FSAL methods it equals the last stage).
/// </remarks>
public interface IExplicitRungeKutta
{
    /// <summary>The name used in job files.</summary>
    static abstract string Name { get; }
    /// <summary>Number of stages (at most <see cref="ExplicitRungeKuttaEngine.MaxStages"/>).</summary>
    static abstract int Stages { get; }
    /// <summary>Order of the propagated solution.</summary>
    static abstract int Order { get; }
    /// <summary>Order of the embedded solution used for the error estimate; 0 when there is none.</summary>
    static abstract int ErrorOrder { get; }
    /// <summary>Whether the last stage is the vector field at (t1, y1), reusable as the next first stage.</summary>
    static abstract bool Fsal { get; }
    /// <summary>Order of the dense interpolant.</summary>
    static abstract int DenseOrder { get; }
    /// <summary>Runge–Kutta matrix entry a[i, j] (j &lt; i).</summary>
    static abstract double A(int i, int j);
    /// <summary>Solution weight bᵢ.</summary>
    static abstract double B(int i);
    /// <summary>Node cᵢ.</summary>
    static abstract double C(int i);
    /// <summary>Error weight bᵢ − b̂ᵢ.</summary>
    static abstract double E(int i);
    /// <summary>Weight of stage i (or of k_end when i = Stages) in the dense output at fraction θ of the step.</summary>
    static abstract T DenseWeight<T>(int i, T theta) where T : struct, IScalar<T>;
}

/// <summary>Shared interpolants.</summary>
public static class Dense
{
    /// <summary>
    /// Cubic Hermite interpolation through y0, y1 and the derivatives at both ends, written as weights on the
    /// stages: y1 − y0 = Σ bᵢkᵢ, the start derivative is k₀ and the end derivative k_end.
    /// </summary>
    public static T Hermite<T, TTab>(int i, T theta) where T : struct, IScalar<T> where TTab : IExplicitRungeKutta
    {
        T t2 = theta * theta, t3 = t2 * theta;
        if (i == TTab.Stages) return t3 - t2;                              // h11
        T h01 = T.From(3.0) * t2 - T.From(2.0) * t3;
        T w = T.From(TTab.B(i)) * h01;
        if (i == 0) w = w + t3 - T.From(2.0) * t2 + theta;                   // h10
        return w;
    }
}

/// <summary>Checks that a tableau is consistent (the self-check every tableau passes before first use).</summary>
public static class TableauCheck
{
    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> unless: rows of A sum to C, weights B sum to 1, error
    /// weights E sum to 0, A is strictly lower triangular, dense weights at θ = 1 reproduce B, at θ = 0 vanish,
    /// and an FSAL tableau's last row equals B with C = 1.
    /// </summary>
    public static void Verify<TTab>() where TTab : IExplicitRungeKutta
    {
        int s = TTab.Stages;
        if (s < 1 || s > ExplicitRungeKuttaEngine.MaxStages) Fail<TTab>($"has {s} stages; the engine supports 1 to {ExplicitRungeKuttaEngine.MaxStages}");
        const double tol = 1e-12;
        double sb = 0, se = 0;
        for (int i = 0; i < s; i++)
        {
            double row = 0;
            for (int j = 0; j < i; j++) row += TTab.A(i, j);
            for (int j = i; j < s; j++) if (TTab.A(i, j) != 0) Fail<TTab>($"is not explicit: a[{i},{j}] = {TTab.A(i, j)}");
            if (Math.Abs(row - TTab.C(i)) > tol) Fail<TTab>($"row {i} of A sums to {row} but c[{i}] = {TTab.C(i)}");
            sb += TTab.B(i);
            se += TTab.E(i);
        }
        if (Math.Abs(sb - 1) > tol) Fail<TTab>($"weights b sum to {sb}, not 1");
        if (Math.Abs(se) > tol) Fail<TTab>($"error weights sum to {se}, not 0");
        if (TTab.Fsal)
        {
            if (TTab.C(s - 1) != 1) Fail<TTab>("is FSAL but its last node is not 1");
            for (int j = 0; j < s - 1; j++)
                if (Math.Abs(TTab.A(s - 1, j) - TTab.B(j)) > tol) Fail<TTab>($"is FSAL but a[{s - 1},{j}] differs from b[{j}]");
        }
        double endW = TTab.DenseWeight(s, new F64(1.0)).V;
        for (int i = 0; i < s; i++)
        {
            double w1 = TTab.DenseWeight(i, new F64(1.0)).V + (TTab.Fsal && i == s - 1 ? endW : 0);
            double w0 = TTab.DenseWeight(i, new F64(0.0)).V;
            if (Math.Abs(w1 - TTab.B(i)) > 1e-9) Fail<TTab>($"dense weight {i} at θ=1 is {w1}, not b[{i}] = {TTab.B(i)}");
            if (Math.Abs(w0) > 1e-12) Fail<TTab>($"dense weight {i} at θ=0 is {w0}, not 0");
        }
    }

    private static void Fail<TTab>(string what) where TTab : IExplicitRungeKutta
        => throw new InvalidOperationException($"Butcher tableau of {TTab.Name} {what}.");
}
