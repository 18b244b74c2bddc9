// GPU ensemble benchmark: the Lorenz ensemble on a CUDA accelerator (or ILGPU's CPU emulator with --cpu),
// adaptive Tsit5 and Dopri5, fixed-step RK4, and the ρ sweep (ρ = linspace(0, 50, N), t ∈ [0, 5]) with adaptive Tsit5 —
// the CPU benchmark's cases — and the GBM Euler–Maruyama Monte Carlo of issue 4 (252 steps, call at K = 100); one
// JSON line per case on stdout.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Diffrax.Contracts;
using Diffrax.GpuNode;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
using ILGPU.Runtime;

bool cpu = false, gbm = true, odes = true;
string? ptxDir = null;
int reps = 5, check = 1000, gbmSteps = 252;
LaunchBounds? bounds = null;
HashSet<string>? cases = null;
var sizes = new List<int>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--cpu": cpu = true; break;
        case "--ptx": ptxDir = args[++i]; break;
        case "--only-gbm": odes = false; break;
        case "--no-gbm": gbm = false; break;
        // Only the named ODE cases (comma-separated: tsit5-adaptive, dopri5-adaptive, rk4-fixed-dt1e-3, tsit5-sweep-t5).
        case "--cases": cases = [.. args[++i].Split(',')]; break;
        case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--check": check = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        // Launch bounds for every kernel ("GROUP,MIN": groups of GROUP threads, at least MIN of them per multiprocessor).
        case "--bounds": bounds = LaunchBounds.Parse(args[++i]); break;
        // Steps of the GBM case over T = 1 (default 252; the hand-written CUDA kernel takes -DNSTEPS=N).
        case "--gbm-steps": gbmSteps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: sizes.Add((int)double.Parse(args[i], CultureInfo.InvariantCulture)); break;
    }
}
if (ptxDir is not null)
{
    // Writes the PTX of every shipped kernel (no GPU needed) for inspection, e.g. with ptxas -v.
    Directory.CreateDirectory(ptxDir);
    foreach (var k in ShippedKernels.All) File.WriteAllText(Path.Combine(ptxDir, k.Name + ".ptx"), PtxCompiler.Compile(k.Kernel, bounds ?? k.Bounds));
    return 0;
}
if (sizes.Count == 0) sizes.AddRange(cpu ? [64] : [100_000, 1_000_000]);
reps = Math.Max(reps, 5);

using var context = Accelerators.CreateContext();
if (!cpu && !Accelerators.HasCuda(context))
{
    Console.Error.WriteLine("no CUDA device found (use --cpu to run on ILGPU's CPU emulator)");
    return 2;
}
using var acc = cpu ? Accelerators.CreateCpu(context) : Accelerators.CreateBest(context);
Emit(new Dictionary<string, object?>
{
    ["device"] = acc.Name,
    ["accelerator"] = acc.AcceleratorType.ToString(),
    ["memory_bytes"] = acc.MemorySize,
    ["dotnet"] = Environment.Version.ToString(),
    ["ilgpu"] = typeof(Accelerator).Assembly.GetName().Version?.ToString(),
    ["launch_bounds"] = bounds?.ToString() ?? $"default (on CUDA: SDE kernels {LaunchBounds.ConstantSteps}, constant-step ODE kernels {LaunchBounds.OdeConstantSteps}, adaptive {LaunchBounds.Adaptive})",
});

var pid = new PidOptions { Rtol = 1e-6, Atol = 1e-8 };
foreach (int n in sizes)
{
    if (gbm) GbmCase(n);
    if (!odes) continue;
    if (Wanted("tsit5-adaptive")) Case<Tsit5>("tsit5-adaptive", Problem(n, pid, null));
    if (Wanted("dopri5-adaptive")) Case<Dopri5>("dopri5-adaptive", Problem(n, pid, null));
    if (Wanted("rk4-fixed-dt1e-3")) Case<Rk4>("rk4-fixed-dt1e-3", Problem(n, null, 1e-3));
    if (Wanted("tsit5-sweep-t5")) Case<Tsit5>("tsit5-sweep-t5", Sweep(n, pid));
}
return 0;

bool Wanted(string name) => cases is null || cases.Contains(name);

static EnsembleProblem Problem(int members, PidOptions? pid, double? dt0)
{
    var y0 = new double[3L * members];
    var prm = new double[3L * members];
    for (int i = 0; i < members; i++)
    {
        y0[3L * i] = 10 + (i % 1000) * 1e-4;
        y0[3L * i + 1] = 10;
        y0[3L * i + 2] = 25;
        prm[3L * i] = 10;
        prm[3L * i + 1] = 28;
        prm[3L * i + 2] = 8.0 / 3.0;
    }
    return new EnsembleProblem
    {
        Members = members, T0 = 0, T1 = 1, Dt0 = dt0, Y0 = y0, Params = prm, Pid = pid,
        SaveAt = SaveAt.Final, MaxSteps = 100_000,
    };
}

// The CPU benchmark's ρ sweep: y0 = (1, 1, 1), ρ = linspace(0, 50, N), t ∈ [0, 5]; members need very different step counts.
static EnsembleProblem Sweep(int members, PidOptions pid)
{
    var y0 = new double[3L * members];
    var prm = new double[3L * members];
    for (int i = 0; i < members; i++)
    {
        y0[3L * i] = 1;
        y0[3L * i + 1] = 1;
        y0[3L * i + 2] = 1;
        prm[3L * i] = 10;
        prm[3L * i + 1] = members == 1 ? 0 : 50.0 * i / (members - 1);
        prm[3L * i + 2] = 8.0 / 3.0;
    }
    return new EnsembleProblem
    {
        Members = members, T0 = 0, T1 = 5, Y0 = y0, Params = prm, Pid = pid, SaveAt = SaveAt.Final, MaxSteps = 100_000,
    };
}

void Case<TTab>(string name, EnsembleProblem p) where TTab : struct, IExplicitRungeKutta
{
    var compile = Stopwatch.StartNew();
    using var run = GpuEnsemble.Prepare<TTab, Lorenz<KernelF64>, Vec3<KernelF64>>(acc, p, bounds);
    double compileS = compile.Elapsed.TotalSeconds;
    var (warmS, times, median) = Timed(run);
    var res = run.Result();
    long totalSteps = res.Steps.Sum(s => (long)s);

    // Final-state agreement with the CPU runner (F64 lanes, all cores) on k members spread evenly over the ensemble
    // (the sweep's members differ along it).
    int k = Math.Min(check, p.Members);
    int stride = p.Members / k;
    var pick = Enumerable.Range(0, k).Select(j => j * stride).ToArray();
    var sub = new EnsembleProblem
    {
        Members = k, T0 = p.T0, T1 = p.T1, Dt0 = p.Dt0,
        Y0 = pick.SelectMany(m => p.Y0[(3 * m)..(3 * m + 3)]).ToArray(),
        Params = pick.SelectMany(m => p.Params[(3 * m)..(3 * m + 3)]).ToArray(),
        Pid = p.Pid, SaveAt = p.SaveAt, MaxSteps = p.MaxSteps,
    };
    var cpuSw = Stopwatch.StartNew();
    var host = EnsembleRunner.Run<TTab, Lorenz<F64>, F64, Vec3<F64>>(sub, 0);
    double cpuS = cpuSw.Elapsed.TotalSeconds;
    double worst = 0;
    int stepMismatch = 0;
    for (int j = 0; j < k; j++)
    {
        int m = pick[j];
        for (int c = 0; c < 3; c++)
            worst = Math.Max(worst, Math.Abs(host.Final[c][j] - res.Final[c][m]) / (1 + Math.Abs(host.Final[c][j])));
        if (host.Steps[j] != res.Steps[m]) stepMismatch++;
    }
    Emit(new Dictionary<string, object?>
    {
        ["case"] = name,
        ["device"] = acc.Name,
        ["members"] = p.Members,
        ["compile_s"] = compileS,
        ["warmup_s"] = warmS,
        ["kernel_median_s"] = median,
        ["kernel_runs_s"] = times,
        ["members_per_s"] = p.Members / median,
        ["member_steps_per_s"] = totalSteps / median,
        ["mean_steps"] = (double)totalSteps / p.Members,
        ["min_steps"] = res.Steps.Min(),
        ["max_steps"] = res.Steps.Max(),
        ["all_successful"] = res.Results.All(r => r == ResultCode.Successful),
        ["member0_final"] = new[] { res.Final[0][0], res.Final[1][0], res.Final[2][0] },
        ["cpu_check_members"] = k,
        ["cpu_check_stride"] = stride,
        ["cpu_check_s"] = cpuS,
        ["cpu_check_members_per_s"] = k / cpuS,
        ["max_rel_diff_vs_cpu"] = worst,
        ["step_count_mismatches_vs_cpu"] = stepMismatch,
    });
}

// GBM dS = μS dt + σS dW (μ = 0.05, σ = 0.2, S0 = 100, T = 1), 252 Euler–Maruyama steps on the fixed-step stream of
// seed 12345 — the CPU benchmark's case and bench/reference/gbm_em.cu's; the discounted call payoff at K = 100.
void GbmCase(int n)
{
    var y0 = Enumerable.Repeat(100.0, n).ToArray();
    var ps = new double[2L * n];
    for (int i = 0; i < n; i++) { ps[2L * i] = 0.05; ps[2L * i + 1] = 0.2; }
    var p = new EnsembleProblem { Members = n, T0 = 0, T1 = 1, Dt0 = 1.0 / gbmSteps, Y0 = y0, Params = ps, SaveAt = SaveAt.Final };
    const ulong seed = 12345;
    var compile = Stopwatch.StartNew();
    using var run = GpuSdeEnsemble.Prepare<EulerMaruyama, GeometricBrownianMotion<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>, Vec1<KernelF64>,
        GbmDrift<KernelF64>, GbmDiffusion<KernelF64>>(acc, p, seed, bounds);
    double compileS = compile.Elapsed.TotalSeconds;
    var (warmS, times, median) = Timed(run);
    var res = run.Result();
    double disc = Math.Exp(-0.05), sum = 0, sum2 = 0;
    foreach (double sT in res.Final[0]) { double pay = disc * Math.Max(sT - 100, 0); sum += pay; sum2 += pay * pay; }
    double price = sum / n, se = Math.Sqrt((sum2 / n - price * price) / (n - 1));
    double d1 = (0.05 + 0.5 * 0.2 * 0.2) / 0.2, d2 = d1 - 0.2;
    double bs = 100 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, d1) - 100 * disc * MathNet.Numerics.Distributions.Normal.CDF(0, 1, d2);
    // The same members on the CPU's vectorised lanes (Lane8, all cores): the same stream to rounding.
    int k = Math.Min(check, n);
    var sub = new EnsembleProblem { Members = k, T0 = 0, T1 = 1, Dt0 = 1.0 / gbmSteps, Y0 = y0[..k], Params = ps[..(2 * k)], SaveAt = SaveAt.Final };
    var host = SdeEnsembleRunner.Run<EulerMaruyama, GeometricBrownianMotion<Lane8>, Lane8, Vec1<Lane8>, Vec1<Lane8>, Vec1<Lane8>,
        GbmDrift<Lane8>, GbmDiffusion<Lane8>>(sub, seed);
    double worst = 0;
    for (int m = 0; m < k; m++) worst = Math.Max(worst, Math.Abs(host.Final[0][m] - res.Final[0][m]) / host.Final[0][m]);
    Emit(new Dictionary<string, object?>
    {
        ["case"] = $"em-gbm-{gbmSteps}",
        ["device"] = acc.Name,
        ["members"] = n,
        ["compile_s"] = compileS,
        ["warmup_s"] = warmS,
        ["kernel_median_s"] = median,
        ["kernel_runs_s"] = times,
        ["members_per_s"] = n / median,
        ["member_steps_per_s"] = (double)n * gbmSteps / median,
        ["all_successful"] = res.Results.All(r => r == ResultCode.Successful) && res.Steps.All(s => s == gbmSteps),
        ["price"] = price,
        ["stderr"] = se,
        ["bs_price"] = bs,
        ["z_score"] = (price - bs) / se,
        ["member0_final"] = new[] { res.Final[0][0] },
        ["cpu_check_members"] = k,
        ["max_rel_diff_vs_cpu_lane8"] = worst,
    });
}

// A warm-up launch, then `reps` timed launches (sorted) and their median.
(double WarmS, List<double> Times, double Median) Timed(PreparedEnsemble run)
{
    double warm = run.Launch().TotalSeconds;
    var times = new List<double>();
    for (int r = 0; r < reps; r++) times.Add(run.Launch().TotalSeconds);
    times.Sort();
    return (warm, times, times[times.Count / 2]);
}

static void Emit(Dictionary<string, object?> row) => Console.WriteLine(JsonSerializer.Serialize(row));
