using Diffrax.Contracts.Jobs;

namespace Diffrax.Contracts.Cluster;

/// <summary>Marker for every message that crosses the cluster (one serializer is bound to it).</summary>
public interface IClusterMessage;

/// <summary>
/// Solve members [<paramref name="MemberOffset"/>, +<paramref name="Members"/>) of a job. Self-contained and idempotent:
/// any node gives the same result for the same message (every random stream is keyed by job seed and member index).
/// </summary>
/// <param name="JobId">Job identity (its spec hash plus a run id).</param>
/// <param name="BatchIndex">Batch number within the job.</param>
/// <param name="MemberOffset">Index of the first member of the batch.</param>
/// <param name="Members">Number of members in the batch.</param>
/// <param name="Job">The validated job.</param>
/// <param name="Y0">Initial states of the batch's members, member-major.</param>
/// <param name="Params">Parameters of the batch's members, member-major.</param>
public sealed record SolveBatch(string JobId, int BatchIndex, int MemberOffset, int Members, JobSpec Job, double[] Y0, double[] Params) : IClusterMessage;

/// <summary>Column buffers of a solved batch (the wire form of an ensemble result).</summary>
/// <param name="Members">Members in the batch.</param>
/// <param name="Dim">State dimension.</param>
/// <param name="Ts">Save times.</param>
/// <param name="Saved">Saved states: <c>Saved[c][save * Members + m]</c> (NaN after a member stopped).</param>
/// <param name="Final">Final states: <c>Final[c][m]</c>.</param>
/// <param name="TFinal">Where each member ended.</param>
/// <param name="Results">Result codes.</param>
/// <param name="Steps">Attempted steps.</param>
/// <param name="Accepted">Accepted steps.</param>
/// <param name="Rejected">Rejected steps.</param>
/// <param name="Nfe">Vector-field evaluations.</param>
public sealed record BatchOutput(int Members, int Dim, double[] Ts, double[][] Saved, double[][] Final, double[] TFinal,
    ResultCode[] Results, int[] Steps, int[] Accepted, int[] Rejected, int[] Nfe);

/// <summary>A batch solved (numerical failures are per-member result codes inside <paramref name="Output"/>).</summary>
/// <param name="JobId">Job identity.</param>
/// <param name="BatchIndex">Batch number.</param>
/// <param name="MemberOffset">First member.</param>
/// <param name="Output">The results.</param>
/// <param name="CompileSeconds">Time the node spent compiling the model (0 when cached).</param>
/// <param name="SolveSeconds">Time the node spent solving.</param>
/// <param name="Node">Which node solved it, and on which backend.</param>
public sealed record BatchSolved(string JobId, int BatchIndex, int MemberOffset, BatchOutput Output, double CompileSeconds, double SolveSeconds, string Node) : IClusterMessage;

/// <summary>A batch could not be solved at all (a bug or an unsupported job, not a numerical failure).</summary>
/// <param name="JobId">Job identity.</param>
/// <param name="BatchIndex">Batch number.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="Node">Which node.</param>
public sealed record BatchFailed(string JobId, int BatchIndex, string Error, string Node) : IClusterMessage;

/// <summary>Names shared by the coordinator and the nodes.</summary>
public static class ClusterNames
{
    /// <summary>Actor system name.</summary>
    public const string System = "diffrax";
    /// <summary>Shard region of the solver nodes.</summary>
    public const string NodeRegion = "gpu-node";
    /// <summary>Cluster role of solver nodes.</summary>
    public const string NodeRole = "node";
    /// <summary>Cluster role of the coordinator.</summary>
    public const string CoordinatorRole = "coordinator";
}
