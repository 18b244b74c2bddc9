namespace Diffrax.Solvers.Integrate;

/// <summary>
/// What a solve keeps: the state at t0, at t1, at given times, at every accepted step, and/or a dense
/// interpolant usable anywhere in the span (<see cref="Solution{TY}.Evaluate"/>).
/// </summary>
public sealed record SaveAt
{
    /// <summary>Save the initial state.</summary>
    public bool T0 { get; init; }
    /// <summary>Save the final state.</summary>
    public bool T1 { get; init; } = true;
    /// <summary>Times to save at (inside [t0, t1], in the direction of integration).</summary>
    public IReadOnlyList<double> Ts { get; init; } = [];
    /// <summary>Save at every accepted step.</summary>
    public bool Steps { get; init; }
    /// <summary>Keep the dense interpolant of every step.</summary>
    public bool Dense { get; init; }

    /// <summary>Only the final state (the default).</summary>
    public static SaveAt Final { get; } = new();

    /// <summary>n equally spaced times from a to b inclusive.</summary>
    public static IReadOnlyList<double> Linspace(double a, double b, int n)
    {
        if (n < 1) throw new ArgumentException($"linspace needs at least 1 point, got {n}.", nameof(n));
        var r = new double[n];
        for (int i = 0; i < n; i++) r[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
        if (n > 1) r[^1] = b;
        return r;
    }

    /// <summary>
    /// The save times in τ = direction · t, sorted and deduplicated, including t0/t1 when asked. Throws when a time lies
    /// outside the span.
    /// </summary>
    public double[] Taus(double t0, double t1)
    {
        double dir = t1 >= t0 ? 1 : -1;
        double lo = Math.Min(t0, t1), hi = Math.Max(t0, t1);
        var taus = new List<double>();
        if (T0) taus.Add(dir * t0);
        foreach (double t in Ts)
        {
            if (!(t >= lo && t <= hi))
                throw new ArgumentException($"saveat ts contains {t}, outside the span [{lo}, {hi}].", "saveat.ts");
            taus.Add(dir * t);
        }
        if (T1) taus.Add(dir * t1);
        taus.Sort();
        return taus.Distinct().ToArray();
    }
}
