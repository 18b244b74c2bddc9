using System.Runtime.CompilerServices;
using Diffrax.Solvers.Lanes;

namespace Diffrax.Solvers.Integrate;

/// <summary>
/// Decides, per lane, whether a step is accepted and how long the next one is. Stateful per lane (a PID
/// controller remembers earlier errors) and branch-free: every lane keeps its own step size.
/// Times here are in the direction of integration (τ = ±t, increasing), so steps are positive.
/// </summary>
public interface IStepSizeController<T> where T : struct, IScalar<T>
{
    /// <summary>Whether the controller uses an error estimate (false: every step is accepted).</summary>
    static abstract bool Adaptive { get; }
    /// <summary>
    /// Whether every step is the same length and accepted, with no step or jump times to clip to: the loop may then
    /// take runs of plain steps (<see cref="IRunStepper{TTerm, T, TY, TC, TF}.Advance"/>) between saves.
    /// </summary>
    static abstract bool PlainSteps { get; }
    /// <summary>
    /// Whether the error norm is the max over components (<see cref="ErrorNorm.Max"/>) instead of Diffrax's default, the
    /// RMS norm. A type-level choice, so the loop compiles only the norm it uses.
    /// </summary>
    static abstract bool MaxNorm { get; }
    /// <summary>
    /// Whether <see cref="Clip"/> can shorten a step or end it on a jump (step or jump times); false promises it never
    /// does, which lets the host loop take plain adaptive steps in runs. The default is the safe answer.
    /// </summary>
    static virtual bool Clips => true;
    /// <summary>
    /// Judges a step of length <paramref name="h"/> whose scaled error has the squared norm <paramref name="errorMeanSquare"/>
    /// (the mean square for the RMS norm, the largest square for the max norm: ≤ 1 passes; NaN counts as +∞). The loop passes the square so that no square root
    /// sits on its step → error → step-size chain; err^(−β) is taken as (err²)^(−β/2). Sets the accepted mask, the
    /// next step, and the lanes that failed because the step would fall below dtmin.
    /// </summary>
    void Adapt(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed);
    /// <summary>
    /// <see cref="Adapt"/> to be inlined into its caller (the same operations, so the same bits): the form GPU kernels
    /// call through <see cref="InlineController{TCtl, T}"/>, where <see cref="Adapt"/> may be a JIT root of its own for
    /// the host.
    /// </summary>
    void AdaptInline(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed);
    /// <summary>
    /// <see cref="Adapt"/> for the host's runs of adaptive steps (the same bits): inlined, with rarely used parts (a PID
    /// controller's P and D terms) a JIT root of their own, so that a run of two lane groups fits the JIT's inlining
    /// budget (bench/README.md).
    /// </summary>
    void AdaptRun(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed);
    /// <summary>Forgets error history in the lanes of <paramref name="mask"/> (a new member starts there).</summary>
    void Reset(T mask);
    /// <summary>The first step of a member (its dt0, or the automatic choice) clamped to the controller's [dtmin, dtmax].</summary>
    T ClampFirstStep(T h);
    /// <summary>
    /// Clips a step of length <paramref name="h"/> starting at <paramref name="tau"/> to the controller's step
    /// and jump times. <paramref name="endsOnJump"/> marks lanes whose step ends just before a discontinuity;
    /// their next step restarts at <paramref name="nextTau"/> with a fresh vector-field evaluation.
    /// </summary>
    T Clip(T tau, T h, out T endsOnJump, out T nextTau);
    /// <summary>Relative tolerance (used to scale error norms; 0 for constant steps).</summary>
    T Rtol { get; }
    /// <summary>Absolute tolerance.</summary>
    T Atol { get; }
}

/// <summary>Constant step size: every step is accepted and the next step is the same.</summary>
public struct ConstantStepSize<T> : IStepSizeController<T> where T : struct, IScalar<T>
{
    /// <inheritdoc/>
    public static bool Adaptive => false;
    /// <inheritdoc/>
    public static bool PlainSteps => true;
    /// <inheritdoc/>
    public static bool MaxNorm => false;
    /// <inheritdoc/>
    public static bool Clips => false;
    /// <inheritdoc/>
    public readonly T Rtol => T.Zero;
    /// <inheritdoc/>
    public readonly T Atol => T.Zero;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Adapt(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
    {
        accept = active;
        hNext = h;
        dtMinFailed = T.Zero;
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void AdaptInline(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => Adapt(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void AdaptRun(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => Adapt(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    public readonly void Reset(T mask) { }
    /// <inheritdoc/>
    public readonly T ClampFirstStep(T h) => h;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T Clip(T tau, T h, out T endsOnJump, out T nextTau)
    {
        endsOnJump = T.Zero;
        nextTau = tau + h;
        return h;
    }
}

/// <summary>
/// The PID step-size controller (Söderlind 2003; Hairer, Nørsett &amp; Wanner I §II.4 for the I part): with
/// the inverse scaled errors εₙ = 1/‖err‖ of this and the last two accepted steps and q the order of the
/// embedded estimate, the step is multiplied by
/// <c>safety · εₙ^((p+i+d)/(q+1)) · εₙ₋₁^(−(p+2d)/(q+1)) · εₙ₋₂^(d/(q+1))</c>, clamped to
/// [factormin, factormax] (and to 1 after a rejection), then to [dtmin, dtmax]. With the defaults
/// (pcoeff = dcoeff = 0, icoeff = 1) it is the classic I controller.
/// </summary>
public struct PidController<T> : IStepSizeController<T> where T : struct, IScalar<T>
{
    private T _rtol, _atol, _prev1, _prev2;
    private double _beta1, _beta2, _beta3, _safety, _factorMin, _factorMax, _dtMin, _dtMax;
    // A byte, not a bool: ILGPU passes the controller as a kernel parameter, and those must be blittable.
    private byte _forceDtMin;

    /// <summary>Creates the controller. Validate options with <see cref="PidOptions.Validate"/> first.</summary>
    public PidController(PidOptions o, int errorOrder)
    {
        _rtol = T.From(o.Rtol);
        _atol = T.From(o.Atol);
        double q1 = errorOrder + 1;
        // Halved: the controller raises the mean square of the error (err²) to −β/2 (see Adapt).
        _beta1 = (o.Pcoeff + o.Icoeff + o.Dcoeff) / q1 / 2;
        _beta2 = -(o.Pcoeff + 2 * o.Dcoeff) / q1 / 2;
        _beta3 = o.Dcoeff / q1 / 2;
        _safety = o.Safety;
        _factorMin = o.FactorMin;
        _factorMax = o.FactorMax;
        _dtMin = o.DtMin;
        _dtMax = o.DtMax;
        _forceDtMin = o.ForceDtMin ? (byte)1 : (byte)0;
        _prev1 = T.One;
        _prev2 = T.One;
    }

    /// <inheritdoc/>
    public static bool PlainSteps => false;
    /// <inheritdoc/>
    public static bool Adaptive => true;
    /// <inheritdoc/>
    public static bool MaxNorm => false;
    /// <inheritdoc/>
    public static bool Clips => false;
    /// <inheritdoc/>
    public readonly T Rtol => _rtol;
    /// <inheritdoc/>
    public readonly T Atol => _atol;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public void Adapt(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => AdaptInline(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AdaptInline(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => AdaptCore<InlineHistory>(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AdaptRun(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => AdaptCore<RootHistory>(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);

    /// <summary>
    /// How <see cref="AdaptCore"/> applies the P and D terms (the error history): inlined, or through a JIT root of its
    /// own. A type, not a flag: ILGPU compiles a call even where a constant makes it dead.
    /// </summary>
    private interface IHistory
    {
        static abstract T Apply(in PidController<T> c, T factor);
    }

    private readonly struct InlineHistory : IHistory
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply(in PidController<T> c, T factor) => c.History(factor);
    }

    private readonly struct RootHistory : IHistory
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply(in PidController<T> c, T factor) => c._beta2 != 0 || c._beta3 != 0 ? Root(c, factor) : factor;

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static T Root(in PidController<T> c, T factor) => c.History(factor);
    }

    /// <summary>The step factor times the P and D terms: εₙ₋₁^(−β₂) and εₙ₋₂^(−β₃), in that order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly T History(T factor)
    {
        if (_beta2 != 0) factor = factor * T.PowApprox(_prev1, -_beta2);
        if (_beta3 != 0) factor = factor * T.PowApprox(_prev2, -_beta3);
        return factor;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AdaptCore<THistory>(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed) where THistory : IHistory
    {
        // A NaN error compares false: rejected, and shrunk by factormin below.
        T finite = T.IsFinite(errorMeanSquare);
        accept = T.And(active, T.LessEqual(errorMeanSquare, T.One));
        // (err²)^(−β/2) = err^(−β): no division or square root on the loop's critical path. err² is bounded below so
        // a zero error gives factormax; a non-finite one is replaced by factormin after the clamps.
        T err = T.Max(errorMeanSquare, T.From(1e-300));
        T factor = T.PowApproxScaled(_safety, err, -_beta1);
        factor = THistory.Apply(this, factor);
        T upper = T.Select(accept, T.From(_factorMax), T.One);
        factor = T.Min(T.Max(factor, T.From(_factorMin)), upper);
        factor = T.Select(finite, factor, T.From(_factorMin));
        // With the default dtmax = ∞ and dtmin = 0 their clamps change nothing (h·factor is positive and finite here),
        // so they stay off the step → step-size chain.
        T proposed = h * factor;
        if (_dtMax != double.PositiveInfinity) proposed = T.Min(proposed, T.From(_dtMax));
        T belowMin = T.Less(proposed, T.From(_dtMin));
        if (_forceDtMin != 0)
        {
            // Take dtmin and accept the step whatever its error.
            accept = T.Or(accept, T.And(active, T.LessEqual(h, T.From(_dtMin))));
            proposed = T.Max(proposed, T.From(_dtMin));
            dtMinFailed = T.Zero;
        }
        else
        {
            dtMinFailed = T.AndNot(T.And(active, belowMin), accept);
        }
        hNext = _dtMin > 0 ? T.Select(accept, T.Max(proposed, T.From(_dtMin)), proposed) : proposed;
        // Mean-square errors of the last two accepted steps (each ≤ 1); only the P and D parts use them.
        if (_beta2 != 0 || _beta3 != 0)
        {
            _prev2 = T.Select(accept, _prev1, _prev2);
            _prev1 = T.Select(accept, err, _prev1);
        }
    }

    /// <inheritdoc/>
    public readonly T ClampFirstStep(T h) => T.Min(T.Max(h, T.From(_dtMin)), T.From(_dtMax));

    /// <inheritdoc/>
    public void Reset(T mask)
    {
        _prev1 = T.Select(mask, T.One, _prev1);
        _prev2 = T.Select(mask, T.One, _prev2);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T Clip(T tau, T h, out T endsOnJump, out T nextTau)
    {
        endsOnJump = T.Zero;
        nextTau = tau + h;
        return h;
    }
}

/// <summary>How a step's scaled error is measured (Diffrax's <c>PIDController(norm=...)</c>).</summary>
public enum ErrorNorm
{
    /// <summary>The root mean square over components (Diffrax's default, Hairer–Wanner's).</summary>
    Rms,
    /// <summary>The largest component (Boost.Odeint's and SUNDIALS' choice for some solvers): stricter for the same tolerances.</summary>
    Max,
}

/// <summary>Options of the <see cref="PidController{T}"/>, with Diffrax's defaults.</summary>
public sealed record PidOptions
{
    /// <summary>Relative tolerance.</summary>
    public double Rtol { get; init; } = 1e-3;
    /// <summary>Absolute tolerance.</summary>
    public double Atol { get; init; } = 1e-6;
    /// <summary>Proportional coefficient.</summary>
    public double Pcoeff { get; init; }
    /// <summary>Integral coefficient.</summary>
    public double Icoeff { get; init; } = 1;
    /// <summary>Derivative coefficient.</summary>
    public double Dcoeff { get; init; }
    /// <summary>Smallest step; a smaller one ends the solve with DtMinReached unless <see cref="ForceDtMin"/>.</summary>
    public double DtMin { get; init; }
    /// <summary>Largest step.</summary>
    public double DtMax { get; init; } = double.PositiveInfinity;
    /// <summary>Safety factor.</summary>
    public double Safety { get; init; } = 0.9;
    /// <summary>Smallest factor by which a step may shrink.</summary>
    public double FactorMin { get; init; } = 0.2;
    /// <summary>Largest factor by which a step may grow.</summary>
    public double FactorMax { get; init; } = 10;
    /// <summary>The norm of the scaled error that the controller compares with 1 (also used by the automatic first step).</summary>
    public ErrorNorm Norm { get; init; } = ErrorNorm.Rms;
    /// <summary>At dtmin, step on (accepting the error) instead of failing.</summary>
    public bool ForceDtMin { get; init; }
    /// <summary>Times every step must land on (the solution is smooth there).</summary>
    public IReadOnlyList<double> StepTs { get; init; } = [];
    /// <summary>Times where the vector field is discontinuous: steps end just before and restart there.</summary>
    public IReadOnlyList<double> JumpTs { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Check(Rtol >= 0 && double.IsFinite(Rtol), "rtol", Rtol, "a finite number ≥ 0");
        Check(Atol >= 0 && double.IsFinite(Atol), "atol", Atol, "a finite number ≥ 0");
        Check(Rtol > 0 || Atol > 0, "rtol/atol", Rtol, "at least one tolerance > 0");
        Check(DtMin >= 0, "dtmin", DtMin, "≥ 0");
        Check(DtMax > 0 && DtMax >= DtMin, "dtmax", DtMax, "> 0 and ≥ dtmin");
        Check(Safety > 0 && Safety <= 1, "safety", Safety, "in (0, 1]");
        Check(FactorMin > 0 && FactorMin <= 1, "factormin", FactorMin, "in (0, 1]");
        Check(FactorMax >= 1, "factormax", FactorMax, "≥ 1");
        if (!Enum.IsDefined(Norm)) throw new ArgumentException($"PID controller option 'norm' = {(int)Norm} is invalid: expected rms or max.", "norm");
        foreach (double t in StepTs) Check(double.IsFinite(t), "step_ts", t, "finite times");
        foreach (double t in JumpTs) Check(double.IsFinite(t), "jump_ts", t, "finite times");
    }

    private static void Check(bool ok, string field, double value, string expected)
    {
        if (!ok) throw new ArgumentException($"PID controller option '{field}' = {value} is invalid: expected {expected}.", field);
    }
}

/// <summary>
/// Wraps a controller so steps land exactly on <c>step_ts</c> and stop just short of each <c>jump_ts</c> time,
/// restarting exactly at it with a fresh vector-field evaluation (the right-hand limit), as Diffrax does.
/// Holds arrays, so it runs on the host backends (CPU scalar and lanes), not inside kernels.
/// </summary>
public struct TimedController<TCtl, T> : IStepSizeController<T>
    where TCtl : struct, IStepSizeController<T>
    where T : struct, IScalar<T>
{
    private TCtl _inner;
    private readonly double[] _stepTaus, _jumpTaus;

    /// <summary>Wraps <paramref name="inner"/>; times are in τ = direction · t, any order.</summary>
    public TimedController(TCtl inner, IEnumerable<double> stepTaus, IEnumerable<double> jumpTaus)
    {
        _inner = inner;
        _stepTaus = stepTaus.Order().ToArray();
        _jumpTaus = jumpTaus.Order().ToArray();
    }

    /// <inheritdoc/>
    public static bool Adaptive => TCtl.Adaptive;
    /// <inheritdoc/>
    public static bool PlainSteps => false;
    /// <inheritdoc/>
    public static bool MaxNorm => TCtl.MaxNorm;
    /// <inheritdoc/>
    public static bool Clips => true;
    /// <inheritdoc/>
    public readonly T Rtol => _inner.Rtol;
    /// <inheritdoc/>
    public readonly T Atol => _inner.Atol;
    /// <inheritdoc/>
    public void Adapt(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => _inner.Adapt(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    public void AdaptInline(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => _inner.AdaptInline(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AdaptRun(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => _inner.AdaptRun(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    public void Reset(T mask) => _inner.Reset(mask);
    /// <inheritdoc/>
    public readonly T ClampFirstStep(T h) => _inner.ClampFirstStep(h);

    /// <inheritdoc/>
    public readonly T Clip(T tau, T h, out T endsOnJump, out T nextTau)
    {
        h = _inner.Clip(tau, h, out endsOnJump, out nextTau);
        for (int lane = 0; lane < T.Width; lane++)
        {
            double t = T.GetLane(tau, lane), step = T.GetLane(h, lane), end = t + step;
            double s = NextAfter(_stepTaus, t);
            double j = NextAfter(_jumpTaus, t);
            bool jump = false;
            if (s <= end) { end = s; step = s - t; }
            if (j <= end)
            {
                jump = true;
                end = j;
                step = PrevBefore(j) - t;
            }
            if (step <= 0) { step = j - t; jump = false; }
            h = T.WithLane(h, lane, step);
            nextTau = T.WithLane(nextTau, lane, jump ? j : t + step);
            endsOnJump = T.WithLane(endsOnJump, lane, jump ? T.GetLane(T.True, lane) : 0.0);
        }
        return h;
    }

    private static double NextAfter(double[] times, double t)
    {
        int i = Array.BinarySearch(times, t);
        i = i >= 0 ? i + 1 : ~i;
        while (i < times.Length && times[i] <= t) i++;
        return i < times.Length ? times[i] : double.PositiveInfinity;
    }

    private static double PrevBefore(double t) => Math.BitDecrement(t);
}

/// <summary>
/// <typeparamref name="TCtl"/> judging the error by its max norm over components (<see cref="ErrorNorm.Max"/>) instead
/// of the RMS norm; everything else is <typeparamref name="TCtl"/>'s. Blittable when <typeparamref name="TCtl"/> is,
/// so it runs in kernels too.
/// </summary>
public struct MaxNormController<TCtl, T> : IStepSizeController<T>
    where TCtl : struct, IStepSizeController<T>
    where T : struct, IScalar<T>
{
    private TCtl _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public MaxNormController(TCtl inner) => _inner = inner;

    /// <inheritdoc/>
    public static bool Adaptive => TCtl.Adaptive;
    /// <inheritdoc/>
    public static bool PlainSteps => TCtl.PlainSteps;
    /// <inheritdoc/>
    public static bool MaxNorm => true;
    /// <inheritdoc/>
    public static bool Clips => TCtl.Clips;
    /// <inheritdoc/>
    public readonly T Rtol => _inner.Rtol;
    /// <inheritdoc/>
    public readonly T Atol => _inner.Atol;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Adapt(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => _inner.Adapt(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AdaptInline(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => _inner.AdaptInline(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AdaptRun(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => _inner.AdaptRun(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    public void Reset(T mask) => _inner.Reset(mask);
    /// <inheritdoc/>
    public readonly T ClampFirstStep(T h) => _inner.ClampFirstStep(h);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T Clip(T tau, T h, out T endsOnJump, out T nextTau) => _inner.Clip(tau, h, out endsOnJump, out nextTau);
}

/// <summary>
/// <typeparamref name="TCtl"/> with its <see cref="IStepSizeController{T}.Adapt"/> always inlined into the caller: the
/// controller GPU kernels run (see <see cref="RungeKutta.InlineTableau{TTab}"/> for why). Everything else is
/// <typeparamref name="TCtl"/>'s, so results are bit for bit the same; blittable when <typeparamref name="TCtl"/> is.
/// </summary>
public struct InlineController<TCtl, T> : IStepSizeController<T>
    where TCtl : struct, IStepSizeController<T>
    where T : struct, IScalar<T>
{
    private TCtl _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public InlineController(TCtl inner) => _inner = inner;

    /// <inheritdoc/>
    public static bool Adaptive => TCtl.Adaptive;
    /// <inheritdoc/>
    public static bool PlainSteps => TCtl.PlainSteps;
    /// <inheritdoc/>
    public static bool MaxNorm => TCtl.MaxNorm;
    /// <inheritdoc/>
    public static bool Clips => TCtl.Clips;
    /// <inheritdoc/>
    public readonly T Rtol => _inner.Rtol;
    /// <inheritdoc/>
    public readonly T Atol => _inner.Atol;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Adapt(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => _inner.AdaptInline(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AdaptInline(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => _inner.AdaptInline(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AdaptRun(T active, T errorMeanSquare, T h, out T accept, out T hNext, out T dtMinFailed)
        => _inner.AdaptInline(active, errorMeanSquare, h, out accept, out hNext, out dtMinFailed);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Reset(T mask) => _inner.Reset(mask);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T ClampFirstStep(T h) => _inner.ClampFirstStep(h);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T Clip(T tau, T h, out T endsOnJump, out T nextTau) => _inner.Clip(tau, h, out endsOnJump, out nextTau);
}

/// <summary>Something to run with the controller that <see cref="PidOptions"/> describe, whatever its type.</summary>
public interface IControllerUser<T> where T : struct, IScalar<T>
{
    /// <summary>Runs with <paramref name="ctl"/>.</summary>
    void Use<TCtl>(ref TCtl ctl) where TCtl : struct, IStepSizeController<T>;
}

/// <summary>The one place that turns <see cref="PidOptions"/> into a controller type.</summary>
public static class Controllers
{
    /// <summary>
    /// Builds the controller <paramref name="o"/> describes — a <see cref="PidController{T}"/>, wrapped in a
    /// <see cref="TimedController{TCtl, T}"/> when it has step or jump times and in a
    /// <see cref="MaxNormController{TCtl, T}"/> for the max norm — and hands it to <paramref name="user"/>.
    /// Times are in τ = <paramref name="dir"/> · t.
    /// </summary>
    public static void Use<T, TUser>(PidOptions o, int errorOrder, double dir, ref TUser user)
        where T : struct, IScalar<T>
        where TUser : IControllerUser<T>, allows ref struct
    {
        var pid = new PidController<T>(o, errorOrder);
        if (o.StepTs.Count > 0 || o.JumpTs.Count > 0)
        {
            var timed = new TimedController<PidController<T>, T>(pid, o.StepTs.Select(t => dir * t), o.JumpTs.Select(t => dir * t));
            if (o.Norm == ErrorNorm.Max)
            {
                var max = new MaxNormController<TimedController<PidController<T>, T>, T>(timed);
                user.Use(ref max);
            }
            else user.Use(ref timed);
        }
        else if (o.Norm == ErrorNorm.Max)
        {
            var max = new MaxNormController<PidController<T>, T>(pid);
            user.Use(ref max);
        }
        else user.Use(ref pid);
    }
}
