using Diffrax.Contracts;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.States;

namespace Diffrax.Solvers.Integrate;

/// <summary>
/// The result of one solve: saved times and states, the dense interpolant when it was kept, statistics and a
/// result code. A failed solve is still a solution: it holds what was computed up to the failure.
/// </summary>
public sealed class Solution<TY> where TY : struct, IState<TY, F64>
{
    private readonly DenseSteps<TY>? _dense;

    internal Solution(double t0, double t1, double[] ts, TY[] ys, ResultCode result, double tFinal, TY yFinal,
        SolveStatistics stats, DenseSteps<TY>? dense)
    {
        T0 = t0; T1 = t1; Ts = ts; Ys = ys; Result = result; TFinal = tFinal; YFinal = yFinal; Stats = stats; _dense = dense;
    }

    /// <summary>Start of the span.</summary>
    public double T0 { get; }
    /// <summary>Requested end of the span.</summary>
    public double T1 { get; }
    /// <summary>Saved times.</summary>
    public double[] Ts { get; }
    /// <summary>Saved states, one per entry of <see cref="Ts"/>.</summary>
    public TY[] Ys { get; }
    /// <summary>How the solve ended.</summary>
    public ResultCode Result { get; }
    /// <summary>Where the solve ended: t1, the event time, or where it failed.</summary>
    public double TFinal { get; }
    /// <summary>The state at <see cref="TFinal"/>.</summary>
    public TY YFinal { get; }
    /// <summary>The event time when <see cref="Result"/> is <see cref="ResultCode.EventOccurred"/>.</summary>
    public double? EventTime => Result == ResultCode.EventOccurred ? TFinal : null;
    /// <summary>Step statistics.</summary>
    public SolveStatistics Stats { get; }
    /// <summary>Whether <see cref="Evaluate"/> is available (SaveAt dense).</summary>
    public bool HasDense => _dense is not null;

    /// <summary>The solution at any t in the solved span, from the solver's dense interpolant.</summary>
    public TY Evaluate(double t) => Dense.Evaluate(t);
    /// <summary>dy/dt at any t in the solved span: the exact derivative of the dense interpolant.</summary>
    public TY Derivative(double t) => Dense.Derivative(t);

    private DenseSteps<TY> Dense => _dense ?? throw new InvalidOperationException("This solution kept no dense output: solve with SaveAt { Dense = true }.");
}

/// <summary>Step statistics of one solve.</summary>
/// <param name="Steps">Steps attempted.</param>
/// <param name="Accepted">Steps accepted.</param>
/// <param name="Rejected">Steps rejected.</param>
/// <param name="Nfe">Vector-field evaluations.</param>
public readonly record struct SolveStatistics(long Steps, long Accepted, long Rejected, long Nfe);
