using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Stochastic;

/// <summary>
/// The SDE front door: builds the term <c>MultiTerm(OdeTerm(drift), ControlTerm(diffusion, W))</c>, checks that a
/// method accepts the diffusion's noise and the path (throwing before any work), and solves through the one
/// integrate loop (<see cref="Diffeq.SolveWith{TSolver, TTerm, TY, TC, TF, TEvent}"/>).
/// </summary>
public static class Sde
{
    /// <summary>The SDE term dy = f dt + g dW.</summary>
    public static MultiTerm<OdeTerm<TDrift, T, TY>, T, TY, ControlTerm<TDiff, TPath, T, TY, TX, TG>, TX, TG, T, TY>
        Term<TDrift, TDiff, TPath, T, TY, TX, TG>(TDrift drift, TDiff diffusion, TPath path)
        where TDrift : struct, IVectorField<T, TY> where TDiff : struct, IDiffusion<T, TY, TX, TG> where TPath : struct, IBrownianPath<T, TX>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
        => new(new OdeTerm<TDrift, T, TY>(drift), new ControlTerm<TDiff, TPath, T, TY, TX, TG>(diffusion, path));

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <typeparamref name="TMethod"/> cannot solve noise of
    /// <typeparamref name="TDiff"/> (a noise-structure mismatch), or when scalar noise is declared with a noise vector
    /// of more than one component.
    /// </summary>
    public static void Check<TMethod, TDiff, T, TY, TX, TG>()
        where TMethod : struct, ISdeMethod where TDiff : struct, IDiffusion<T, TY, TX, TG>
        where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TX : struct, IState<TX, T> where TG : struct, IState<TG, T>
    {
        NoiseKind noise = TDiff.Noise;
        if ((noise & NoiseKind.Scalar) != 0 && TX.Dim != 1)
            throw new ArgumentException($"Diffusion {typeof(TDiff).Name} declares scalar noise but its noise vector has {TX.Dim} components.", "diffusion");
        bool diagonalShapes = typeof(TX) == typeof(TY) && typeof(TG) == typeof(TY);
        if ((noise & NoiseKind.Diagonal) != 0 && !diagonalShapes)
            throw new ArgumentException($"Diffusion {typeof(TDiff).Name} declares diagonal noise, which needs the noise vector and g to have the state's type.", "diffusion");
        if (TMethod.Refuses(noise, diagonalShapes) is { } why)
            throw new ArgumentException($"Solver {TMethod.Name} cannot solve this SDE: {why}", "solver");
    }

    /// <summary>
    /// Solves dy = f(t, y) dt + g(t, y) dW from t0 to t1 with <typeparamref name="TMethod"/> on one scalar lane.
    /// Adaptive steps need a method with an error estimate and a path that can be queried anywhere
    /// (<see cref="VirtualBrownianTree{T, TX}"/>).
    /// </summary>
    public static Solution<TY> Solve<TMethod, TDrift, TDiff, TPath, TY, TX, TG>(TDrift drift, TDiff diffusion, TPath path,
        double t0, double t1, double? dt0, TY y0, StepSize? stepSize = null, SaveAt? saveAt = null, int maxSteps = Diffeq.DefaultMaxSteps)
        where TMethod : struct, ISdeMethod
        where TDrift : struct, IVectorField<F64, TY> where TDiff : struct, IDiffusion<F64, TY, TX, TG> where TPath : struct, IBrownianPath<F64, TX>
        where TY : struct, IState<TY, F64> where TX : struct, IState<TX, F64> where TG : struct, IState<TG, F64>
    {
        Check<TMethod, TDiff, F64, TY, TX, TG>();
        if (!path.Covers(t0, t1))
            throw new ArgumentException($"The Brownian path does not cover the solve's span [{t0}, {t1}].", nameof(path));
        if (stepSize?.Pid is not null && path is FixedStepBrownian<F64, TX>)
            throw new ArgumentException("A fixed-step Brownian stream cannot be re-queried over other intervals: use a VirtualBrownianTree for adaptive steps.", nameof(path));
        var term = Term<TDrift, TDiff, TPath, F64, TY, TX, TG>(drift, diffusion, path);
        return Diffeq.SolveWith<SdeStepper<TMethod, TDrift, TDiff, TPath, F64, TY, TX, TG>,
            MultiTerm<OdeTerm<TDrift, F64, TY>, F64, TY, ControlTerm<TDiff, TPath, F64, TY, TX, TG>, TX, TG, F64, TY>,
            TY, Pair<F64, TX>, Cat<TY, TG, F64>, NoEvent<F64, TY>>(default, term, t0, t1, dt0, y0, stepSize, saveAt, maxSteps, default);
    }
}
