using Akka.Actor;
using Akka.Cluster.Sharding;
using Diffrax.Contracts.Cluster;

namespace Diffrax.GpuNode.Node;

/// <summary>
/// The sharding entity that solves one batch (entity id = job id + batch index). Stateless and idempotent: it runs
/// <see cref="BatchSolver.Solve"/> off the actor thread and replies to the sender; the coordinator owns all work state,
/// so a batch can be re-sent anywhere.
/// </summary>
public sealed class NodeEntity : ReceiveActor
{
    /// <summary>Creates the entity.</summary>
    public NodeEntity(string nodeName)
    {
        Receive<SolveBatch>(msg =>
        {
            IActorRef replyTo = Sender;
            Task.Run(() => BatchSolver.Solve(msg, nodeName)).PipeTo(replyTo,
                success: r => r,
                failure: e => new BatchFailed(msg.JobId, msg.BatchIndex, (e is AggregateException a ? a.InnerException ?? e : e).Message, nodeName));
        });
    }
}

/// <summary>Routes batches to entities: one entity per (job, batch), spread over shards by a stable hash.</summary>
public sealed class BatchMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    /// <inheritdoc/>
    public override string? EntityId(object message) => message switch
    {
        SolveBatch b => $"{b.JobId}-{b.BatchIndex}",
        _ => null,
    };
}
