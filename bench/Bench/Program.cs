using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Expressions;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;

// The solver-core benchmark: throughput ratios against hand-written native references measured in the same run.
// Usage: dotnet run -c Release --project bench/Bench -- [--quick] [--repeats N] [--rounds K] [--only SECTION] [--out FILE.json]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args.Contains("--compile-once"))
{
    // Child process: a cold compile of the Lorenz equations (Roslyn start-up included).
    var sw0 = Stopwatch.StartNew();
    EquationCompiler.Compile(LorenzEquations());
    Console.WriteLine(sw0.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
    return 0;
}
bool quick = args.Contains("--quick");
int repeats = ArgValue("--repeats") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : (quick ? 3 : 5);
// Rounds of (reference, ours) measured back to back; a row's ratio is the median of the rounds' ratios, so that the
// shared machine's drift between measurements cancels (both sides of a ratio are measured within seconds).
int rounds = ArgValue("--rounds") is { } rr ? int.Parse(rr, CultureInfo.InvariantCulture) : (quick ? 1 : 3);
string outPath = ArgValue("--out") ?? Path.Combine(RepoRoot(), "bench", "results", "core.json");
int threads = Environment.ProcessorCount;
string only = ArgValue("--only") ?? "";   // run only the sections whose name contains this (rk4, adaptive, equation, gbm, states)
bool Want(string section) => section.Contains(only, StringComparison.OrdinalIgnoreCase);
// BENCH_LANE_GROUPS=N / BENCH_SDE_LANE_GROUPS=N: lane groups per thread for constant-step ODE ensembles
// (EnsembleRunner.LaneGroups; default 4) and SDE ensembles (SdeEnsembleRunner.LaneGroups; default 2), for experiments.
if (Environment.GetEnvironmentVariable("BENCH_LANE_GROUPS") is { } lanesGroups) EnsembleRunner.LaneGroups = int.Parse(lanesGroups, CultureInfo.InvariantCulture);
if (Environment.GetEnvironmentVariable("BENCH_SDE_LANE_GROUPS") is { } sdeGroups) SdeEnsembleRunner.LaneGroups = int.Parse(sdeGroups, CultureInfo.InvariantCulture);
string refBin = Path.Combine(RepoRoot(), "bench", "reference", "bin");
Sh("bash", Path.Combine(RepoRoot(), "bench", "reference", "build.sh"));

var rows = new List<Row>();
string tmp = Directory.CreateTempSubdirectory("diffrax-bench").FullName;
Console.Error.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, Vector512 hardware: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");

// ---- 1. fixed-step RK4, Lorenz ensemble ----
foreach (int n in !Want("rk4") ? [] : quick ? new[] { 100_000 } : new[] { 10_000, 1_000_000 })
{
    var p = LorenzEnsemble(n, null);
    // The last variant is not RK4: constant-step Tsit5 (six field evaluations per step against RK4's four, so about
    // two thirds of RK4's rate is parity); it watches the runs of tableaus too large to inline (no target).
    var variants = new (string, Func<EnsembleResult>)[]
    {
        ("RK4 Lane16", () => EnsembleRunner.Run<Rk4, Lorenz<Lane16>, Lane16, Vec3<Lane16>>(p, Buffers(p), threads)),
        ("RK4 Lane8", () => EnsembleRunner.Run<Rk4, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, Buffers(p), threads)),
        ("Tsit5 Lane8, constant dt (6 evaluations/step)", () => EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, Buffers(p), threads)),
    };
    var cRates = new List<double>();
    var ours = variants.Select(_ => new List<double>()).ToArray();
    var accuracy = new string[variants.Length];
    for (int round = 0; round < rounds; round++)
    {
        cRates.Add(RunNative("lorenz_rk4", $"{n} {Reps(n)} {tmp}/rk4.bin").GetProperty("member_steps_per_second").GetDouble());
        double[] cFinal = ReadDoubles($"{tmp}/rk4.bin");
        for (int v = 0; v < variants.Length; v++)
        {
            var (sec, res) = Time(variants[v].Item2, Reps(n), warmUp: round == 0);
            ours[v].Add((double)n * 1000 / sec);
            // Checked now: the variants share one preallocated result buffer.
            accuracy[v] = $"max |Δ final| vs C = {MaxDiff(res, cFinal):E1}";
        }
    }
    for (int v = 0; v < variants.Length; v++)
        rows.Add(Paired("lorenz_rk4_dt1e-3", n, variants[v].Item1, "C gcc -O3 -march=native OpenMP SoA", ours[v], cRates, accuracy[v],
            variants[v].Item1.StartsWith("RK4") ? ">= 0.8" : "—"));
}

// ---- 2. adaptive Tsit5/Dopri5 vs Boost.Odeint dopri5 (ensemble and sweep) ----
foreach (var (mode, n, t1) in !Want("adaptive") ? [] : quick ? new[] { ("ensemble", 100_000, 1.0), ("sweep", 20_000, 5.0) } : new[] { ("ensemble", 10_000, 1.0), ("ensemble", 1_000_000, 1.0), ("sweep", 100_000, 5.0) })
{
    var pid = new PidOptions { Rtol = 1e-6, Atol = 1e-8 };
    var p = mode == "ensemble" ? LorenzEnsemble(n, pid) : LorenzSweep(n, pid);
    // The same with Boost.Odeint's error norm (the max over components) instead of Diffrax's RMS: like for like with
    // the reference's step-size control.
    var maxPid = pid with { Norm = ErrorNorm.Max };
    var pMax = mode == "ensemble" ? LorenzEnsemble(n, maxPid) : LorenzSweep(n, maxPid);
    // Reference solution: Dopri8 at rtol = atol = 1e-13 on the same members (evaluated on a subset for large n).
    int refN = Math.Min(n, 20_000);
    var refP = Subset(p, refN, new PidOptions { Rtol = 1e-13, Atol = 1e-13 });
    var reference = EnsembleRunner.Run<Dopri8, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(refP, threads);
    var variants = new (string, Func<EnsembleResult>)[]
    {
        ("Tsit5 Lane8", () => EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, Buffers(p), threads)),
        ("Dopri5 Lane8", () => EnsembleRunner.Run<Dopri5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, Buffers(p), threads)),
        ("Dopri5 scalar", () => EnsembleRunner.Run<Dopri5, Lorenz<F64>, F64, Vec3<F64>>(p, Buffers(p), threads)),
        ("Tsit5 Lane8, max norm", () => EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(pMax, Buffers(pMax), threads)),
        ("Dopri5 Lane8, max norm", () => EnsembleRunner.Run<Dopri5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(pMax, Buffers(pMax), threads)),
    };
    if (!quick && n > 100_000) variants = variants.Where(v => !v.Item1.EndsWith("scalar")).ToArray();
    var bRates = new List<double>();
    var ours = variants.Select(_ => new List<double>()).ToArray();
    var accuracy = new string[variants.Length];
    for (int round = 0; round < rounds; round++)
    {
        var boost = RunNative("lorenz_dopri5_odeint", $"{mode} {n} 1e-6 1e-8 {Reps(n)} {tmp}/odeint.bin");
        bRates.Add(n / boost.GetProperty("seconds_median").GetDouble());
        double bErr = MedianErr(ReadDoubles($"{tmp}/odeint.bin"), reference, refN);
        for (int v = 0; v < variants.Length; v++)
        {
            var (sec, res) = Time(variants[v].Item2, Reps(n), warmUp: round == 0);
            ours[v].Add(n / sec);
            // Checked now: the variants share one preallocated result buffer.
            double err = MedianErr(Flatten(res), reference, refN);
            accuracy[v] = $"median |err| ours {err:E1} vs odeint {bErr:E1}; steps ours {res.Accepted.Sum(x => (long)x)} odeint {boost.GetProperty("accepted_steps").GetInt64()}";
        }
    }
    for (int v = 0; v < variants.Length; v++)
        rows.Add(Paired($"lorenz_{mode}_adaptive", n, variants[v].Item1, "Boost.Odeint dopri5, OpenMP dynamic", ours[v], bRates, accuracy[v], ">= 5"));
}

// ---- 3. Equation model vs the built-in struct (issue 3) ----
if (Want("equation"))
{
    int n = quick ? 100_000 : 1_000_000;
    var p = LorenzEnsemble(n, new PidOptions { Rtol = 1e-6, Atol = 1e-8 });
    var compiled = EquationCompiler.Compile(LorenzEquations());
    var (bSec, bRes) = Time(() => EnsembleDispatch.Run("tsit5", typeof(Lorenz<>), p, Buffers(p), LaneWidth.Eight, threads), repeats);
    var bFinal = bRes.Final.Select(c => (double[])c.Clone()).ToArray();
    var (eSec, eRes) = Time(() => EnsembleDispatch.Run("tsit5", compiled.ModelTypeDefinition, p, Buffers(p), LaneWidth.Eight, threads), repeats);
    double maxDiff = 0;
    for (int c = 0; c < 3; c++) for (int m = 0; m < n; m++) maxDiff = Math.Max(maxDiff, Math.Abs(bFinal[c][m] - eRes.Final[c][m]));
    var cold = new List<double>();
    for (int i = 0; i < 3; i++)
        cold.Add(double.Parse(Sh("dotnet", $"\"{typeof(Row).Assembly.Location}\" --compile-once").Trim(), CultureInfo.InvariantCulture));
    cold.Sort();
    rows.Add(new Row("equation_model_lorenz_tsit5", n, "Lorenz as compiled equations", "built-in Lorenz<T> struct", n / eSec, n / bSec, bSec / eSec,
        $"max |Δ final| {maxDiff:E1}; cold compile in a new process {cold[1]:F2} s (median of 3)", ">= 0.9, compile < 2 s"));
}

// ---- 4. GBM Euler–Maruyama Monte Carlo (issue 4) ----
if (Want("gbm"))
{
    int n = quick ? 200_000 : 1_000_000;
    var y0 = Enumerable.Repeat(100.0, n).ToArray();
    var ps = new double[2 * n];
    for (int i = 0; i < n; i++) { ps[2 * i] = 0.05; ps[2 * i + 1] = 0.2; }
    var p = new EnsembleProblem { Members = n, T0 = 0, T1 = 1, Dt0 = 1.0 / 252, Y0 = y0, Params = ps };
    var cRates = new List<double>();
    var ourRates = new List<double>();
    JsonElement cRef = default;
    EnsembleResult res = null!;
    for (int round = 0; round < rounds; round++)
    {
        cRef = RunNative("gbm_em", $"{n} {repeats} 12345");
        cRates.Add(cRef.GetProperty("path_steps_per_second").GetDouble());
        (double sec, res) = Time(() => SdeEnsembleRunner.Run<EulerMaruyama, GeometricBrownianMotion<Lane8>, Lane8, Vec1<Lane8>, Vec1<Lane8>, Vec1<Lane8>, GbmDrift<Lane8>, GbmDiffusion<Lane8>>(p, 12345, Buffers(p, 1), threads), repeats, warmUp: round == 0);
        ourRates.Add((double)n * 252 / sec);
    }
    double disc = Math.Exp(-0.05), sum = 0, sum2 = 0;
    foreach (double sT in res.Final[0]) { double pay = disc * Math.Max(sT - 100, 0); sum += pay; sum2 += pay * pay; }
    double price = sum / n, se = Math.Sqrt((sum2 / n - price * price) / (n - 1));
    double bs = cRef.GetProperty("bs_price").GetDouble();
    rows.Add(Paired("gbm_em_252_steps", n, "EulerMaruyama Lane8 (generic loop)", "C gcc -O3 Philox+Box-Muller OpenMP", ourRates, cRates,
        $"price {price:F4} ± {se:F4} (BS {bs:F4}, z = {(price - bs) / se:F2}); C price {cRef.GetProperty("price").GetDouble():F4}", ">= 0.7"));
}

// ---- 5. States of more than four components: cost per component against four (no target; bench/README.md) ----
if (Want("states"))
{
    int n = quick ? 20_000 : 100_000;
    var rates = new Dictionary<int, List<double>>();
    var steps = new Dictionary<int, double>();
    foreach (int d in new[] { 4, 8, 16 }) rates[d] = [];
    var models = new Dictionary<int, Type>();
    var problems = new Dictionary<int, EnsembleProblem>();
    foreach (int d in rates.Keys)
    {
        models[d] = EquationCompiler.Compile(Lorenz96Equations(d)).ModelTypeDefinition;
        problems[d] = Lorenz96Ensemble(n, d);
    }
    for (int round = 0; round < rounds; round++)
        foreach (int d in rates.Keys)
        {
            var p = problems[d];
            var (sec, res) = Time(() => EnsembleDispatch.Run("tsit5", models[d], p, Buffers(p, d), LaneWidth.Eight, threads), repeats, warmUp: round == 0);
            steps[d] = res.Steps.Sum(x => (double)x);
            rates[d].Add(steps[d] * d / sec);   // member-component-steps per second
        }
    foreach (int d in new[] { 8, 16 })
        rows.Add(Paired($"states_lorenz96_{d}", n, $"Tsit5 Lane8, {d} states (compiled equations), per component", "the same with 4 states, per component",
            rates[d], rates[4], $"steps per member {steps[d] / n:F1} ({steps[4] / n:F1} with 4 states)", "—"));
}

Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
File.WriteAllText(outPath, JsonSerializer.Serialize(new { machine = MachineLine(), threads, repeats, rounds, rows }, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"Machine: {MachineLine()}; {threads} threads; {rounds} rounds of (reference, ours), each the median of {repeats} runs ({4 * repeats} at 10k members and fewer); ratio = median over rounds of ours / reference (higher is better), with the rounds' range.");
Console.WriteLine();
Console.WriteLine("| case | members | ours | reference | ours (/s) | reference (/s) | ratio | target | accuracy |");
Console.WriteLine("|---|---:|---|---|---:|---:|---:|---|---|");
foreach (var row in rows)
    Console.WriteLine($"| {row.Case} | {row.Members:N0} | {row.Ours} | {row.Reference} | {row.OursRate:E3} | {row.RefRate:E3} | **{row.Ratio:F2}×**{(row.RatioRange is { } range ? $" ({range})" : "")} | {row.Target} | {row.Accuracy} |");
return 0;

// ---------------------------------------------------------------------------------------------------------------
static EquationModelSpec LorenzEquations() => new("lorenz_eq", ["x", "y", "z"],
    [new ParamSpec("sigma", 10), new ParamSpec("rho", 28), new ParamSpec("beta", 8.0 / 3.0)], [],
    [new NamedExpr("x", "sigma * (y - x)"), new NamedExpr("y", "x * (rho - z) - y"), new NamedExpr("z", "x * y - beta * z")]);

// Lorenz-96, dxᵢ/dt = (xᵢ₊₁ − xᵢ₋₂)·xᵢ₋₁ − xᵢ + F (indices mod d): chaotic for F = 8 and any d ≥ 4.
static EquationModelSpec Lorenz96Equations(int d) => new($"lorenz96_{d}", Enumerable.Range(0, d).Select(i => $"x{i}").ToArray(),
    [new ParamSpec("F", 8.0)], [],
    Enumerable.Range(0, d).Select(i => new NamedExpr($"x{i}", $"(x{(i + 1) % d} - x{(i + d - 2) % d}) * x{(i + d - 1) % d} - x{i} + F")).ToArray());

static EnsembleProblem Lorenz96Ensemble(int n, int d)
{
    var y0 = new double[(long)d * n];
    var ps = new double[n];
    for (int i = 0; i < n; i++)
    {
        ps[i] = 7.9 + 0.2 * i / n;
        for (int c = 0; c < d; c++) y0[(long)d * i + c] = 8.0 + (c == 0 ? 0.01 : 0.0);
    }
    return new EnsembleProblem { Members = n, T0 = 0, T1 = 2, Y0 = y0, Params = ps, Pid = new PidOptions { Rtol = 1e-6, Atol = 1e-8 } };
}

static EnsembleProblem LorenzEnsemble(int n, PidOptions? pid)
{
    var y0 = new double[3 * n];
    var ps = new double[3 * n];
    for (int i = 0; i < n; i++)
    {
        y0[3 * i] = 10.0 + (double)(i % 1000) * 1e-4; y0[3 * i + 1] = 10.0; y0[3 * i + 2] = 25.0;
        ps[3 * i] = 10; ps[3 * i + 1] = 28; ps[3 * i + 2] = 8.0 / 3.0;
    }
    return new EnsembleProblem { Members = n, T0 = 0, T1 = 1, Dt0 = pid is null ? 1e-3 : null, Y0 = y0, Params = ps, Pid = pid };
}

static EnsembleProblem LorenzSweep(int n, PidOptions pid)
{
    var y0 = new double[3 * n];
    var ps = new double[3 * n];
    for (int i = 0; i < n; i++)
    {
        y0[3 * i] = 1; y0[3 * i + 1] = 1; y0[3 * i + 2] = 1;
        ps[3 * i] = 10; ps[3 * i + 1] = n == 1 ? 0 : 50.0 * i / (n - 1); ps[3 * i + 2] = 8.0 / 3.0;
    }
    return new EnsembleProblem { Members = n, T0 = 0, T1 = 5, Y0 = y0, Params = ps, Pid = pid };
}

static EnsembleProblem Subset(EnsembleProblem p, int n, PidOptions pid) =>
    new() { Members = n, T0 = p.T0, T1 = p.T1, Y0 = p.Y0[..(3 * n)], Params = p.Params[..(3 * n)], Pid = pid, MaxSteps = 100_000 };

// Result buffers allocated once per problem, outside the timed region — as the C and Boost references allocate theirs
// before timing; the solver resets and fills them in every run (EnsembleRunner.Run with preallocated buffers).
static EnsembleResult Buffers(EnsembleProblem p, int dim = 3)
{
    if (!BenchCache.Buffers.TryGetValue(p, out var r))
    {
        double dir = p.T1 >= p.T0 ? 1 : -1;
        r = new EnsembleResult(p.Members, dim, p.SaveAt.Taus(p.T0, p.T1).Select(tau => dir * tau).ToArray());
        BenchCache.Buffers[p] = r;
    }
    return r;
}

// Runs per side of a round: 4x more for 10k members and fewer, whose calls take a few milliseconds and whose medians
// of 5 still swung between rounds (both ours and the references').
int Reps(int members) => members <= 10_000 ? 4 * repeats : repeats;

static (double Seconds, EnsembleResult Result) Time(Func<EnsembleResult> run, int repeats, bool warmUp = true)
{
    // JIT and page faults, once per variant (later rounds are warm). Short calls (10k members: a few ms) warm up for
    // 40 calls or 2 s: .NET re-compiles a method after 30 calls in a background thread, and on two cores that thread
    // competed with the timed runs (10k rows swung 2-4x between rounds before).
    if (warmUp)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 40 && (i == 0 || warm.Elapsed.TotalSeconds < 2); i++) run();
    }
    var times = new List<double>();
    EnsembleResult last = null!;
    for (int i = 0; i < repeats; i++)
    {
        var sw = Stopwatch.StartNew();
        last = run();
        times.Add(sw.Elapsed.TotalSeconds);
        if (Environment.GetEnvironmentVariable("BENCH_VERBOSE") == "1") Console.Error.WriteLine($"  run {i}: {sw.Elapsed.TotalSeconds:F3} s");
    }
    times.Sort();
    return (times[times.Count / 2], last);
}

static double[] Flatten(EnsembleResult r)
{
    var f = new double[3 * r.Members];
    for (int m = 0; m < r.Members; m++) for (int c = 0; c < 3; c++) f[3 * m + c] = r.Final[c][m];
    return f;
}

static double MaxDiff(EnsembleResult r, double[] interleaved)
{
    double d = 0;
    for (int m = 0; m < r.Members; m++) for (int c = 0; c < 3; c++) d = Math.Max(d, Math.Abs(r.Final[c][m] - interleaved[3 * m + c]));
    return d;
}

static double MedianErr(double[] interleaved, EnsembleResult reference, int n)
{
    var e = new double[n];
    for (int m = 0; m < n; m++)
    {
        double s = 0;
        for (int c = 0; c < 3; c++) s = Math.Max(s, Math.Abs(interleaved[3 * m + c] - reference.Final[c][m]));
        e[m] = s;
    }
    Array.Sort(e);
    return e[n / 2];
}

static double[] ReadDoubles(string path)
{
    byte[] b = File.ReadAllBytes(path);
    var d = new double[b.Length / 8];
    Buffer.BlockCopy(b, 0, d, 0, d.Length * 8);
    return d;
}

// A row from rounds of (ours, reference) rates measured back to back: the median of the rounds' ratios, and their range.
static Row Paired(string @case, int members, string oursName, string reference, List<double> ours, List<double> refs, string accuracy, string target)
{
    var ratios = ours.Zip(refs, (o, r) => o / r).Order().ToArray();
    static double Median(IEnumerable<double> xs) { var a = xs.Order().ToArray(); return a.Length % 2 == 1 ? a[a.Length / 2] : 0.5 * (a[a.Length / 2 - 1] + a[a.Length / 2]); }
    string? range = ratios.Length > 1 ? $"{ratios[0]:F2}–{ratios[^1]:F2}" : null;
    return new Row(@case, members, oursName, reference, Median(ours), Median(refs), Median(ratios), accuracy, target, range);
}

JsonElement RunNative(string program, string arguments)
{
    string output = Sh(Path.Combine(refBin, program), arguments);
    string line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.TrimStart().StartsWith('{'));
    return JsonDocument.Parse(line).RootElement.Clone();
}

static string Sh(string file, string arguments)
{
    var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
    using var proc = Process.Start(psi)!;
    string stdout = proc.StandardOutput.ReadToEnd();
    string stderr = proc.StandardError.ReadToEnd();
    proc.WaitForExit();
    if (proc.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed ({proc.ExitCode}): {stderr}");
    return stdout;
}

static string RepoRoot()
{
    var d = new DirectoryInfo(AppContext.BaseDirectory);
    while (d is not null && !File.Exists(Path.Combine(d.FullName, "Diffrax.Cluster.sln"))) d = d.Parent;
    return d?.FullName ?? throw new InvalidOperationException("run from inside the repository");
}

static string MachineLine()
{
    string cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':')[1].Trim() ?? "?" : "?";
    return $"{cpu}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, AVX-512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}";
}

string? ArgValue(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }

internal sealed record Row(string Case, int Members, string Ours, string Reference, double OursRate, double RefRate, double Ratio, string Accuracy, string Target, string? RatioRange = null);

static class BenchCache
{
    /// <summary>Result buffers per problem (see Buffers).</summary>
    public static readonly Dictionary<EnsembleProblem, EnsembleResult> Buffers = new(ReferenceEqualityComparer.Instance);
}
