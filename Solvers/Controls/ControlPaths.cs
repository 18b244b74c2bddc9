using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Controls;

/// <summary>
/// Observed samples of a control X(t) at increasing, possibly irregular times, with NaN marking missing values
/// per channel. Missing values are filled before a path is built: a gap between two observations by linear
/// interpolation in time (or by carrying the last observation forward, for <see cref="RectilinearPath{TX}"/>),
/// leading gaps with the first observation and trailing gaps with the last. Host-side: holds arrays, so the
/// paths built from it run on the CPU backends (scalar and lanes with a shared control), not inside kernels.
/// </summary>
public sealed class ControlSamples
{
    /// <summary>Sample times, strictly increasing.</summary>
    public double[] Ts { get; }
    /// <summary>Values, <c>Xs[i][c]</c> = channel c at time i (NaN filled).</summary>
    public double[][] Xs { get; }
    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    private ControlSamples(double[] ts, double[][] xs) { Ts = ts; Xs = xs; Channels = xs[0].Length; }

    /// <summary>Checks and fills the samples. <paramref name="forwardFill"/> carries values forward over gaps instead of interpolating.</summary>
    public static ControlSamples Create(IReadOnlyList<double> ts, IReadOnlyList<double[]> xs, bool forwardFill = false)
    {
        if (ts.Count < 2) throw new ArgumentException($"A control path needs at least 2 samples, got {ts.Count}.", nameof(ts));
        if (xs.Count != ts.Count) throw new ArgumentException($"{ts.Count} times but {xs.Count} values.", nameof(xs));
        int channels = xs[0].Length;
        for (int i = 0; i < ts.Count; i++)
        {
            if (!double.IsFinite(ts[i])) throw new ArgumentException($"ts[{i}] = {ts[i]} is not finite.", nameof(ts));
            if (i > 0 && !(ts[i] > ts[i - 1])) throw new ArgumentException($"ts must increase strictly: ts[{i}] = {ts[i]} after {ts[i - 1]}.", nameof(ts));
            if (xs[i].Length != channels) throw new ArgumentException($"xs[{i}] has {xs[i].Length} channels, expected {channels}.", nameof(xs));
        }
        var t = ts.ToArray();
        var x = new double[t.Length][];
        for (int i = 0; i < t.Length; i++) x[i] = (double[])xs[i].Clone();
        for (int c = 0; c < channels; c++)
        {
            int first = Array.FindIndex(x, r => !double.IsNaN(r[c]));
            if (first < 0) throw new ArgumentException($"Channel {c} has no observed value.", nameof(xs));
            for (int i = 0; i < first; i++) x[i][c] = x[first][c];
            int last = first;
            for (int i = first + 1; i < t.Length; i++)
            {
                if (double.IsNaN(x[i][c])) continue;
                for (int j = last + 1; j < i; j++)
                    x[j][c] = forwardFill ? x[last][c] : x[last][c] + (x[i][c] - x[last][c]) * (t[j] - t[last]) / (t[i] - t[last]);
                last = i;
            }
            for (int j = last + 1; j < t.Length; j++) x[j][c] = x[last][c];
        }
        return new ControlSamples(t, x);
    }

    /// <summary>Index i of the interval [tᵢ, tᵢ₊₁] holding t (clamped to the first and last intervals).</summary>
    internal int Interval(double t)
    {
        int i = Array.BinarySearch(Ts, t);
        if (i < 0) i = ~i - 1;
        return Math.Clamp(i, 0, Ts.Length - 2);
    }
}

/// <summary>Shared evaluation of control paths over a state type.</summary>
internal static class ControlPathOps
{
    public static TX Build<TX>(int channels, Func<int, double> value) where TX : struct, IState<TX, F64>
    {
        if (TX.Dim != channels) throw new InvalidOperationException($"The control has {channels} channels but the path's type has {TX.Dim}.");
        TX r = default;
        for (int c = 0; c < channels; c++) TX.Set(ref r, c, new F64(value(c)));
        return r;
    }

    public static void CheckDim<TX>(ControlSamples s) where TX : struct, IState<TX, F64>
    {
        if (TX.Dim != s.Channels) throw new ArgumentException($"The samples have {s.Channels} channels but {typeof(TX).Name} has {TX.Dim}.", "samples");
    }
}

/// <summary>The piecewise-linear path through the samples (Diffrax's <c>LinearInterpolation</c>); constant outside them.</summary>
public readonly struct LinearInterpolationPath<TX> : IPath<F64, TX> where TX : struct, IState<TX, F64>
{
    /// <summary>The filled samples.</summary>
    public ControlSamples Samples { get; }

    /// <summary>A path through the samples.</summary>
    public LinearInterpolationPath(ControlSamples samples) { ControlPathOps.CheckDim<TX>(samples); Samples = samples; }

    /// <summary>X(t).</summary>
    public TX Evaluate(double t)
    {
        var s = Samples;
        if (t <= s.Ts[0]) return ControlPathOps.Build<TX>(s.Channels, c => s.Xs[0][c]);
        if (t >= s.Ts[^1]) return ControlPathOps.Build<TX>(s.Channels, c => s.Xs[^1][c]);
        int i = s.Interval(t);
        double f = (t - s.Ts[i]) / (s.Ts[i + 1] - s.Ts[i]);
        return ControlPathOps.Build<TX>(s.Channels, c => s.Xs[i][c] + f * (s.Xs[i + 1][c] - s.Xs[i][c]));
    }

    /// <summary>dX/dt (the slope of the interval holding t; zero outside the samples).</summary>
    public TX Derivative(double t)
    {
        var s = Samples;
        if (t < s.Ts[0] || t > s.Ts[^1]) return default;
        int i = s.Interval(t);
        return ControlPathOps.Build<TX>(s.Channels, c => (s.Xs[i + 1][c] - s.Xs[i][c]) / (s.Ts[i + 1] - s.Ts[i]));
    }

    /// <inheritdoc/>
    public TX Increment(F64 t0, F64 t1) => TX.Sub(Evaluate(t1.V), Evaluate(t0.V));
}

/// <summary>
/// The forward-filled step path: X(t) = xᵢ on [tᵢ, tᵢ₊₁), jumping at each sample time. Online-safe (X(t) uses no
/// sample after t). Its derivative is zero between samples (the jumps are in the increments).
/// </summary>
public readonly struct RectilinearPath<TX> : IPath<F64, TX> where TX : struct, IState<TX, F64>
{
    /// <summary>The filled samples (forward-filled gaps).</summary>
    public ControlSamples Samples { get; }

    /// <summary>A path through samples built with forward fill.</summary>
    public RectilinearPath(ControlSamples samples) { ControlPathOps.CheckDim<TX>(samples); Samples = samples; }

    /// <summary>X(t).</summary>
    public TX Evaluate(double t)
    {
        var s = Samples;
        int i = t >= s.Ts[^1] ? s.Ts.Length - 1 : t <= s.Ts[0] ? 0 : s.Interval(t);
        return ControlPathOps.Build<TX>(s.Channels, c => s.Xs[i][c]);
    }

    /// <summary>dX/dt between jumps: zero.</summary>
    public TX Derivative(double t) => default;

    /// <inheritdoc/>
    public TX Increment(F64 t0, F64 t1) => TX.Sub(Evaluate(t1.V), Evaluate(t0.V));
}

/// <summary>
/// Cubic Hermite interpolation with backward differences (Diffrax's <c>backward_hermite_coefficients</c> +
/// <c>CubicInterpolation</c>): on [tᵢ, tᵢ₊₁] the cubic through xᵢ and xᵢ₊₁ whose slope at tᵢ is the backward
/// difference (xᵢ − xᵢ₋₁)/(tᵢ − tᵢ₋₁) (the interval's own slope on the first interval) and at tᵢ₊₁ the interval's
/// slope. C¹, passes through every sample, and online-safe: the interval [tᵢ, tᵢ₊₁] uses no sample after tᵢ₊₁.
/// </summary>
public readonly struct CubicHermitePath<TX> : IPath<F64, TX> where TX : struct, IState<TX, F64>
{
    /// <summary>The filled samples.</summary>
    public ControlSamples Samples { get; }

    /// <summary>A path through the samples.</summary>
    public CubicHermitePath(ControlSamples samples) { ControlPathOps.CheckDim<TX>(samples); Samples = samples; }

    private static double Slope(ControlSamples s, int i, int c) => (s.Xs[i + 1][c] - s.Xs[i][c]) / (s.Ts[i + 1] - s.Ts[i]);

    /// <summary>X(t) (constant outside the samples).</summary>
    public TX Evaluate(double t)
    {
        var s = Samples;
        if (t <= s.Ts[0]) return ControlPathOps.Build<TX>(s.Channels, c => s.Xs[0][c]);
        if (t >= s.Ts[^1]) return ControlPathOps.Build<TX>(s.Channels, c => s.Xs[^1][c]);
        int i = s.Interval(t);
        double h = s.Ts[i + 1] - s.Ts[i], u = (t - s.Ts[i]) / h, u2 = u * u, u3 = u2 * u;
        double h00 = 2 * u3 - 3 * u2 + 1, h10 = u3 - 2 * u2 + u, h01 = -2 * u3 + 3 * u2, h11 = u3 - u2;
        return ControlPathOps.Build<TX>(s.Channels, c =>
            h00 * s.Xs[i][c] + h10 * h * Slope(s, i == 0 ? 0 : i - 1, c) + h01 * s.Xs[i + 1][c] + h11 * h * Slope(s, i, c));
    }

    /// <summary>dX/dt (zero outside the samples).</summary>
    public TX Derivative(double t)
    {
        var s = Samples;
        if (t < s.Ts[0] || t > s.Ts[^1]) return default;
        int i = s.Interval(t);
        double h = s.Ts[i + 1] - s.Ts[i], u = (t - s.Ts[i]) / h, u2 = u * u;
        double d00 = 6 * u2 - 6 * u, d10 = 3 * u2 - 4 * u + 1, d01 = -6 * u2 + 6 * u, d11 = 3 * u2 - 2 * u;
        return ControlPathOps.Build<TX>(s.Channels, c =>
            (d00 * s.Xs[i][c] + d01 * s.Xs[i + 1][c]) / h + d10 * Slope(s, i == 0 ? 0 : i - 1, c) + d11 * Slope(s, i, c));
    }

    /// <inheritdoc/>
    public TX Increment(F64 t0, F64 t1) => TX.Sub(Evaluate(t1.V), Evaluate(t0.V));
}
