using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;

namespace Diffrax.Solvers.Ensembles;

/// <summary>
/// Many solves of one model that differ in initial values and/or parameters. Every member has the same span,
/// solver and controller settings; each keeps its own adaptive t and dt.
/// </summary>
public sealed class EnsembleProblem
{
    /// <summary>Number of members.</summary>
    public required int Members { get; init; }
    /// <summary>Start time.</summary>
    public required double T0 { get; init; }
    /// <summary>End time (may be below <see cref="T0"/>).</summary>
    public required double T1 { get; init; }
    /// <summary>First (or constant) step; null chooses the first step automatically (adaptive only).</summary>
    public double? Dt0 { get; init; }
    /// <summary>Initial states, member-major: <c>Y0[member * dim + component]</c>.</summary>
    public required double[] Y0 { get; init; }
    /// <summary>Parameters, member-major: <c>Params[member * nParams + p]</c>.</summary>
    public required double[] Params { get; init; }
    /// <summary>What to save (times and/or final state; steps and dense are not kept for ensembles).</summary>
    public SaveAt SaveAt { get; init; } = SaveAt.Final;
    /// <summary>PID controller options; null means constant steps of <see cref="Dt0"/>.</summary>
    public PidOptions? Pid { get; init; }
    /// <summary>Step budget per member.</summary>
    public int MaxSteps { get; init; } = Diffeq.DefaultMaxSteps;
    /// <summary>
    /// Job index of member 0 of this problem (a batch of a larger job): random streams are keyed by the job member
    /// index, so a member gets the same Brownian path whichever batch carries it.
    /// </summary>
    public long MemberOffset { get; init; }
}

/// <summary>
/// What an ensemble solve produced, in preallocated column buffers: saved states as <c>Saved[component][save * Members + member]</c>,
/// final states, and per-member result codes and step statistics.
/// </summary>
public sealed class EnsembleResult
{
    /// <summary>Allocates buffers for <paramref name="members"/> members of dimension <paramref name="dim"/> saved at <paramref name="ts"/>.</summary>
    public EnsembleResult(int members, int dim, double[] ts)
    {
        Members = members; Dim = dim; Ts = ts;
        Saved = new double[dim][];
        Final = new double[dim][];
        for (int c = 0; c < dim; c++)
        {
            Saved[c] = new double[(long)ts.Length * members];
            Array.Fill(Saved[c], double.NaN);
            Final[c] = new double[members];
        }
        TFinal = new double[members];
        Results = new ResultCode[members];
        Steps = new int[members]; Accepted = new int[members]; Rejected = new int[members]; Nfe = new int[members];
    }

    /// <summary>Wraps existing column buffers (results received from another process).</summary>
    public EnsembleResult(int members, int dim, double[] ts, double[][] saved, double[][] final, double[] tFinal,
        ResultCode[] results, int[] steps, int[] accepted, int[] rejected, int[] nfe)
    {
        Members = members; Dim = dim; Ts = ts; Saved = saved; Final = final; TFinal = tFinal;
        Results = results; Steps = steps; Accepted = accepted; Rejected = rejected; Nfe = nfe;
    }

    /// <summary>Number of members.</summary>
    public int Members { get; }
    /// <summary>State dimension.</summary>
    public int Dim { get; }
    /// <summary>Save times (real t), in the order saved.</summary>
    public double[] Ts { get; }
    /// <summary>Saved states: <c>Saved[c][save * Members + member]</c>; NaN where a member stopped before that time.</summary>
    public double[][] Saved { get; }
    /// <summary>Final states: <c>Final[c][member]</c>.</summary>
    public double[][] Final { get; }
    /// <summary>Where each member ended.</summary>
    public double[] TFinal { get; }
    /// <summary>Result code per member.</summary>
    public ResultCode[] Results { get; }
    /// <summary>Steps attempted per member.</summary>
    public int[] Steps { get; }
    /// <summary>Steps accepted per member.</summary>
    public int[] Accepted { get; }
    /// <summary>Steps rejected per member.</summary>
    public int[] Rejected { get; }
    /// <summary>Vector-field evaluations per member.</summary>
    public int[] Nfe { get; }

    /// <summary>Saved component <paramref name="c"/> of <paramref name="member"/> at save <paramref name="save"/>.</summary>
    public double At(int save, int member, int c) => Saved[c][(long)save * Members + member];
}
