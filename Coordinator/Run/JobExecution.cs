using System.Diagnostics;
using Akka.Actor;
using Diffrax.Contracts;
using Diffrax.Contracts.Cluster;
using Diffrax.Contracts.Jobs;
using Diffrax.Coordinator.Cluster;
using Diffrax.Coordinator.Jobs;
using Diffrax.Coordinator.Output;
using Diffrax.GpuNode.Node;
using Diffrax.Solvers.Ensembles;
using Serilog;

namespace Diffrax.Coordinator.Run;

/// <summary>How a job ended.</summary>
/// <param name="OutputDir">The dataset folder.</param>
/// <param name="Members">Members in the job.</param>
/// <param name="Failed">Members whose result code is neither Successful nor EventOccurred.</param>
/// <param name="ResultCounts">Members per result code.</param>
/// <param name="Timings">Seconds spent in each phase.</param>
/// <param name="BatchesSkipped">Batches already in the dataset from an earlier, interrupted run.</param>
public sealed record JobOutcome(string OutputDir, int Members, int Failed, IReadOnlyDictionary<ResultCode, int> ResultCounts, DatasetTimings Timings, int BatchesSkipped);

/// <summary>Progress of a running job (members done out of the total).</summary>
public interface IJobProgress
{
    /// <summary>Called after each written batch.</summary>
    void Report(int membersDone, int members, double elapsedSeconds);
}

/// <summary>
/// Runs a validated job: plan → batches through the node shard region of a cluster (the embedded default here) →
/// Parquet dataset. The coordinator owns all work state: it tracks every batch, retries a batch that timed out or
/// failed to reach a node, ignores duplicate results, and skips batches already written by an earlier run of the
/// same job (the dataset manifest records them).
/// </summary>
public static class JobExecution
{
    /// <summary>Batches in flight at once (one solving, one queued, so writing overlaps solving).</summary>
    public const int InFlight = 2;

    /// <summary>Runs <paramref name="job"/> (already loaded and validated) into <paramref name="outputDir"/>.</summary>
    public static async Task<JobOutcome> RunAsync(JobSpec job, string outputDir, IJobProgress? progress, ILogger log,
        TimeSpan? batchTimeout = null, CancellationToken ct = default)
    {
        var total = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        ResolvedModel model = BatchSolver.ResolveModel(job);
        JobPlan plan = JobPlanner.Plan(job, model.Info);
        double planSeconds = phase.Elapsed.TotalSeconds - model.CompileSeconds;
        log.Information("Planned {Job}: {Members} members in {Batches} batches, model {Model} ({States} states), solver {Solver}",
            job.Name, plan.Members, plan.Batches.Count, model.Info.Name, plan.StateNames.Count, job.Solver);

        var schema = new DatasetSchema(plan.StateNames, plan.VariedColumns, job.Output.LongFormatThreshold, job.Output.RowGroupSize);
        var done = DatasetWriter.BatchesDone(outputDir, job.SpecHash).Select(b => b.Index).ToHashSet();
        var writer = new DatasetWriter(outputDir, schema, job.SpecHash, job.Name, plan.Members);
        string jobId = $"{job.Name}-{job.SpecHash[..Math.Min(12, job.SpecHash.Length)]}";
        TimeSpan timeout = batchTimeout ?? TimeSpan.FromMinutes(30);

        await using EmbeddedCluster cluster = await EmbeddedCluster.StartAsync($"embedded@{Environment.MachineName}", ct).ConfigureAwait(false);
        log.Information("Cluster of one up; shard region {Region} ready", ClusterNames.NodeRegion);

        double solveSeconds = 0, writeSeconds = 0, compileSeconds = model.CompileSeconds;
        int membersDone = done.Sum(i => plan.Batches[i].Count);
        var pending = new Queue<JobBatch>(plan.Batches.Where(b => !done.Contains(b.Index)));
        var inFlight = new List<(JobBatch Batch, Task<object> Reply, int Attempt)>();
        var solveClock = Stopwatch.StartNew();
        while (pending.Count > 0 || inFlight.Count > 0)
        {
            while (inFlight.Count < InFlight && pending.Count > 0)
            {
                JobBatch b = pending.Dequeue();
                inFlight.Add((b, Send(cluster.Region, jobId, job, plan, b, timeout, ct), 1));
            }
            Task<object> finished = await Task.WhenAny(inFlight.Select(f => f.Reply)).ConfigureAwait(false);
            int at = inFlight.FindIndex(f => f.Reply == finished);
            var (batch, reply, attempt) = inFlight[at];
            inFlight.RemoveAt(at);
            object result;
            try
            {
                result = await reply.ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                if (attempt >= 3) throw new InvalidOperationException($"batch {batch.Index} did not complete after {attempt} attempts.", e);
                log.Warning("Batch {Batch} timed out (attempt {Attempt}); re-sending", batch.Index, attempt);
                inFlight.Add((batch, Send(cluster.Region, jobId, job, plan, batch, timeout, ct), attempt + 1));
                continue;
            }
            switch (result)
            {
                case BatchSolved s when !writer.IsDone(s.BatchIndex):
                    solveSeconds += s.SolveSeconds;
                    compileSeconds = Math.Max(compileSeconds, s.CompileSeconds);
                    var w = Stopwatch.StartNew();
                    BatchOutput o = s.Output;
                    var r = new EnsembleResult(o.Members, o.Dim, o.Ts, o.Saved, o.Final, o.TFinal, o.Results, o.Steps, o.Accepted, o.Rejected, o.Nfe);
                    int varied = plan.VariedColumns.Count;
                    writer.WriteBatch(s.BatchIndex, s.MemberOffset, r, plan.VariedValues.AsMemory(batch.Start * varied, batch.Count * varied));
                    writeSeconds += w.Elapsed.TotalSeconds;
                    membersDone += batch.Count;
                    log.Debug("Batch {Batch} ({Members} members) solved on {Node} in {SolveSeconds:F3} s, written in {WriteSeconds:F3} s",
                        s.BatchIndex, batch.Count, s.Node, s.SolveSeconds, w.Elapsed.TotalSeconds);
                    progress?.Report(membersDone, plan.Members, solveClock.Elapsed.TotalSeconds);
                    break;
                case BatchSolved dup:
                    log.Debug("Duplicate result for batch {Batch} ignored", dup.BatchIndex);
                    break;
                case BatchFailed f:
                    throw new InvalidOperationException($"batch {f.BatchIndex} failed on {f.Node}: {f.Error}");
                default:
                    throw new InvalidOperationException($"unexpected reply {result.GetType().Name} for batch {batch.Index}.");
            }
        }

        var timings = new DatasetTimings(planSeconds, compileSeconds, solveSeconds, writeSeconds, total.Elapsed.TotalSeconds);
        DatasetManifest manifest = writer.Complete(timings);
        timings = manifest.Timings ?? timings;
        var counts = CountResults(outputDir);
        int failed = counts.Where(kv => kv.Key is not (ResultCode.Successful or ResultCode.EventOccurred)).Sum(kv => kv.Value);
        log.Information("Job {Job} done: {Members} members, {Failed} failed, total {Total:F2} s (solve {Solve:F2} s, write {Write:F2} s) -> {Dir}",
            job.Name, plan.Members, failed, timings.TotalSeconds, solveSeconds, writeSeconds, outputDir);
        return new JobOutcome(outputDir, plan.Members, failed, counts, timings, done.Count);
    }

    private static Task<object> Send(IActorRef region, string jobId, JobSpec job, JobPlan plan, JobBatch b, TimeSpan timeout, CancellationToken ct)
    {
        int dim = plan.StateNames.Count, np = plan.ParamNames.Count;
        var msg = new SolveBatch(jobId, b.Index, b.Start, b.Count, job,
            plan.Y0.AsSpan(b.Start * dim, b.Count * dim).ToArray(), plan.Params.AsSpan(b.Start * np, b.Count * np).ToArray());
        return region.Ask<object>(msg, timeout, ct);
    }

    private static Dictionary<ResultCode, int> CountResults(string dir)
    {
        var summary = DatasetInspector.Summarize(dir);
        return summary.ResultCounts.ToDictionary(kv => Enum.Parse<ResultCode>(kv.Key), kv => kv.Value);
    }
}
