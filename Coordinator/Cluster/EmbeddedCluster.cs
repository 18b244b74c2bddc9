using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Diffrax.Contracts.Cluster;
using Diffrax.GpuNode.Node;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Diffrax.Coordinator.Cluster;

/// <summary>Registry key of the node shard region.</summary>
public sealed class NodeRegion;

/// <summary>
/// The embedded default: one process that is both coordinator and node, a cluster of one on loopback with no seed
/// nodes to configure. Jobs go through the same shard region a multi-machine cluster uses (DESIGN.md §2, §4):
/// sharding state in distributed data, remember-entities off, no idle passivation, keep-majority split-brain resolver.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedCluster(IHost host, ActorSystem system, IActorRef region)
    {
        _host = host;
        System = system;
        Region = region;
    }

    /// <summary>The actor system.</summary>
    public ActorSystem System { get; }
    /// <summary>The node shard region: send <see cref="SolveBatch"/> here.</summary>
    public IActorRef Region { get; }

    /// <summary>Starts the cluster of one and waits until this member is up and its shard region is registered.</summary>
    public static async Task<EmbeddedCluster> StartAsync(string nodeName, CancellationToken ct = default)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(ClusterNames.System, (b, _) =>
        {
            b.AddHocon("""
                akka.loglevel = ERROR
                akka.stdout-loglevel = OFF
                akka.cluster.sharding.passivate-idle-entity-after = off
                akka.cluster.sharding.remember-entities = off
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """, HoconAddMode.Prepend)
             .WithRemoting("127.0.0.1", 0)
             .WithClustering(new ClusterOptions
             {
                 Roles = [ClusterNames.NodeRole, ClusterNames.CoordinatorRole],
                 SplitBrainResolver = new KeepMajorityOption(),
             })
             .WithShardRegion<NodeRegion>(ClusterNames.NodeRegion, _ => Props.Create(() => new NodeEntity(nodeName)),
                 new BatchMessageExtractor(64),
                 new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false, Role = ClusterNames.NodeRole, ShouldPassivateIdleEntities = false });
        });
        IHost host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        var system = host.Services.GetRequiredService<ActorSystem>();
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        IActorRef region = await ActorRegistry.For(system).GetAsync<NodeRegion>(ct).ConfigureAwait(false);
        return new EmbeddedCluster(host, system, region);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(cts.Token).ConfigureAwait(false);
        _host.Dispose();
    }
}
