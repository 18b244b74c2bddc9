using System.CommandLine;
using System.Globalization;
using Diffrax.Contracts.Jobs;
using Diffrax.Coordinator.Jobs;
using Diffrax.Coordinator.Output;
using Diffrax.Coordinator.Run;
using Diffrax.GpuNode.Node;
using Diffrax.Solvers.Expressions;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Spectre.Console;

namespace Diffrax.Coordinator.Cli;

/// <summary>The command-line program.</summary>
public static class DiffraxCli
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>The job ran, but some members failed.</summary>
    public const int MembersFailed = 1;
    /// <summary>Invalid job or arguments.</summary>
    public const int Invalid = 2;

    /// <summary>The job run when <c>diffrax run</c> is given no file: a Lorenz ensemble (see <c>examples/lorenz_ensemble.yaml</c>).</summary>
    public const string DefaultJob = """
        # The embedded default job: 10,000 Lorenz trajectories from perturbed initial values over a range of rho.
        name: lorenz_default
        model: {builtin: lorenz, params: {sigma: 10, rho: 28, beta: 2.6666666666666665}}
        y0: [1.0, 1.0, 1.0]
        t0: 0
        t1: 10
        solver: tsit5
        stepsize: {controller: pid, rtol: 1.0e-6, atol: 1.0e-8}
        saveat: {ts: {linspace: {start: 0, stop: 10, num: 101}}}
        seed: 1
        ensemble:
          members: 10000
          vary:
            y0.x: {normal: {mean: 1.0, std: 0.01}}
            params.rho: {linspace: [20, 30]}
        output:
          dir: results/{name}
        """;

    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        RootCommand root = Build();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine("Run 'diffrax --help' for usage.");
            return Invalid;
        }
        return await parsed.InvokeAsync().ConfigureAwait(false);
    }

    private static RootCommand Build()
    {
        var jobArg = new Argument<string?>("job") { Description = "Job file (YAML or JSON). Without one, runs the embedded default Lorenz ensemble.", Arity = ArgumentArity.ZeroOrOne };
        var outOpt = new Option<string?>("--out") { Description = "Dataset folder (overrides the job's output.dir)." };
        var quietOpt = new Option<bool>("--quiet") { Description = "No progress and no log lines on the console." };
        var logJsonOpt = new Option<string?>("--log-json") { Description = "Also write structured JSON logs to this file." };
        var run = new Command("run", "Plan, solve and write a job's dataset.\n\nExamples:\n  diffrax run\n  diffrax run examples/lorenz_ensemble.yaml --out out/lorenz\n  diffrax run examples/parameter_sweep.yaml --quiet")
        { jobArg, outOpt, quietOpt, logJsonOpt };
        run.SetAction((p, ct) => Run(p.GetValue(jobArg), p.GetValue(outOpt), p.GetValue(quietOpt), p.GetValue(logJsonOpt), ct));

        var validateArg = new Argument<string>("job") { Description = "Job file to check." };
        var validate = new Command("validate", "Check a job without running it: every error names file, line, column and field.\n\nExample:\n  diffrax validate examples/lorenz_ensemble.yaml")
        { validateArg };
        validate.SetAction(p => Validate(p.GetValue(validateArg)!));

        var dirArg = new Argument<string>("dir") { Description = "A dataset folder written by 'diffrax run'." };
        var inspect = new Command("inspect", "Summarise a dataset: members, result codes, step statistics, timings.\n\nExample:\n  diffrax inspect results/lorenz_default")
        { dirArg };
        inspect.SetAction(p => Inspect(p.GetValue(dirArg)!));

        var plotDir = new Argument<string>("dir") { Description = "A dataset folder." };
        var membersOpt = new Option<int[]>("--members") { Description = "Members to draw as trajectories (default: quantile bands for large ensembles, else the first few).", AllowMultipleArgumentsPerToken = true };
        var plotOut = new Option<string?>("--out") { Description = "PNG file (default: <dir>/plot.png)." };
        var widthOpt = new Option<int>("--width") { Description = "Width in pixels.", DefaultValueFactory = _ => 1200 };
        var heightOpt = new Option<int>("--height") { Description = "Height in pixels.", DefaultValueFactory = _ => 800 };
        var plot = new Command("plot", "Draw trajectories, a phase portrait, or ensemble quantile bands (5/25/50/75/95 %) as PNG.\n\nExamples:\n  diffrax plot results/lorenz_default\n  diffrax plot results/lorenz_default --members 0 1 2 --out lorenz.png")
        { plotDir, membersOpt, plotOut, widthOpt, heightOpt };
        plot.SetAction(p => Plot(p.GetValue(plotDir)!, p.GetValue(membersOpt), p.GetValue(plotOut), p.GetValue(widthOpt), p.GetValue(heightOpt)));

        return new RootCommand("diffrax — ODE, SDE and CDE ensembles solved on SIMD lanes, GPUs and clusters, written as Parquet datasets.")
        { run, validate, inspect, plot };
    }

    private static (JobSpec? Job, int Code) Load(string? path)
    {
        try
        {
            return (path is null ? JobLoader.Parse(DefaultJob, "<default job>") : JobLoader.Load(path), Ok);
        }
        catch (JobValidationException e)
        {
            Console.Error.WriteLine(e.Message);
            return (null, Invalid);
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine($"error: job file not found: {e.FileName ?? path}");
            return (null, Invalid);
        }
    }

    private static async Task<int> Run(string? path, string? outDir, bool quiet, string? logJson, CancellationToken ct)
    {
        var (job, code) = Load(path);
        if (job is null) return code;
        var logConfig = new LoggerConfiguration().MinimumLevel.Debug().Enrich.WithProperty("Job", job.Name);
        bool terminal = !Console.IsOutputRedirected && !quiet;
        if (!quiet && !terminal) logConfig = logConfig.WriteTo.Console(LogEventLevel.Information, standardErrorFromLevel: LogEventLevel.Warning);
        if (logJson is not null) logConfig = logConfig.WriteTo.File(new CompactJsonFormatter(), logJson);
        using Serilog.Core.Logger log = logConfig.CreateLogger();
        string dir = outDir ?? JobPlanner.ResolveOutputDir(job, DateTimeOffset.Now);
        try
        {
            JobOutcome outcome;
            if (terminal)
            {
                outcome = null!;
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask($"{job.Name}: members");
                        outcome = await JobExecution.RunAsync(job, dir, new SpectreProgress(task), log, null, ct).ConfigureAwait(false);
                    }).ConfigureAwait(false);
            }
            else
            {
                outcome = await JobExecution.RunAsync(job, dir, quiet ? null : new LogProgress(log), log, null, ct).ConfigureAwait(false);
            }
            if (!quiet)
            {
                Console.WriteLine($"{outcome.Members} members -> {Path.GetFullPath(outcome.OutputDir)}");
                Console.WriteLine("results: " + string.Join(", ", outcome.ResultCounts.Select(kv => $"{kv.Key} {kv.Value}")));
                var t = outcome.Timings;
                Console.WriteLine($"timings (s): plan {t.PlanSeconds:F3}, compile {t.CompileSeconds:F3}, solve {t.SolveSeconds:F3}, write {t.WriteSeconds:F3}, total {t.TotalSeconds:F3}"
                    + (outcome.BatchesSkipped > 0 ? $"; {outcome.BatchesSkipped} batches already written earlier were skipped" : ""));
            }
            return outcome.Failed > 0 ? MembersFailed : Ok;
        }
        catch (ExpressionException e)
        {
            Console.Error.WriteLine(e.Message);
            return Invalid;
        }
        catch (NotSupportedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Invalid;
        }
    }

    private static int Validate(string path)
    {
        var (job, code) = Load(path);
        if (job is null) return code;
        try
        {
            ResolvedModel model = BatchSolver.ResolveModel(job);
            JobPlan plan = JobPlanner.Plan(job, model.Info);
            Console.WriteLine($"{path}: valid. {job.Kind} job '{job.Name}': model {model.Info.Name} (states {string.Join(", ", model.Info.States)}), solver {job.Solver}, {plan.Members} members in {plan.Batches.Count} batches, t in [{job.T0}, {job.T1}].");
            return Ok;
        }
        catch (ExpressionException e)
        {
            Console.Error.WriteLine(e.Message);
            return Invalid;
        }
        catch (NotSupportedException e)
        {
            Console.Error.WriteLine($"{path}: error: {e.Message}");
            return Invalid;
        }
    }

    private static int Inspect(string dir)
    {
        if (!Directory.Exists(dir)) { Console.Error.WriteLine($"error: no dataset folder '{dir}'."); return Invalid; }
        Console.WriteLine(DatasetInspector.Render(DatasetInspector.Summarize(dir)));
        return Ok;
    }

    private static int Plot(string dir, int[]? members, string? outFile, int width, int height)
    {
        if (!Directory.Exists(dir)) { Console.Error.WriteLine($"error: no dataset folder '{dir}'."); return Invalid; }
        if (width < 100 || height < 100) { Console.Error.WriteLine($"error: --width/--height must be at least 100 pixels (got {width}×{height})."); return Invalid; }
        string file = outFile ?? Path.Combine(dir, "plot.png");
        Diffrax.Coordinator.Plots.PlotRenderer.Render(dir, members is { Length: > 0 } ? members : null, file, width, height);
        Console.WriteLine(file);
        return Ok;
    }

    private sealed class SpectreProgress(ProgressTask task) : IJobProgress
    {
        public void Report(int membersDone, int members, double elapsedSeconds)
        {
            task.MaxValue = members;
            task.Value = membersDone;
        }
    }

    private sealed class LogProgress(ILogger log) : IJobProgress
    {
        private double _last = -10;
        public void Report(int membersDone, int members, double elapsedSeconds)
        {
            if (elapsedSeconds - _last < 2 && membersDone < members) return;
            _last = elapsedSeconds;
            double rate = membersDone / Math.Max(elapsedSeconds, 1e-9);
            double eta = (members - membersDone) / Math.Max(rate, 1e-9);
            log.Information("{Done}/{Members} members ({Rate:F0}/s, ETA {Eta:F1} s)", membersDone, members, rate, eta);
        }
    }
}
