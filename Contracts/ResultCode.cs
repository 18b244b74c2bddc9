namespace Diffrax.Contracts;

/// <summary>
/// Outcome of one solve (one ensemble member). Numerical failures are results, never exceptions.
/// The numeric values are stable: they are stored in datasets and carried inside lane types as doubles.
/// </summary>
public enum ResultCode
{
    /// <summary>The solve reached <c>t1</c>.</summary>
    Successful = 0,
    /// <summary>The step budget <c>max_steps</c> ran out before <c>t1</c>.</summary>
    MaxStepsReached = 1,
    /// <summary>The controller asked for a step below <c>dtmin</c> (and force-dtmin was off).</summary>
    DtMinReached = 2,
    /// <summary>The state or the vector field became NaN or infinite.</summary>
    NonFinite = 3,
    /// <summary>A terminating event fired; the solution ends at the event time.</summary>
    EventOccurred = 4,
}
