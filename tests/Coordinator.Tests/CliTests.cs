using Diffrax.Coordinator.Cli;
using Xunit;
using static Diffrax.Coordinator.Tests.DatasetTestData;

namespace Diffrax.Coordinator.Tests;

/// <summary>The program end to end: every example through the embedded cluster, read back with DuckDB.</summary>
[Collection("cli")]
public class CliTests
{
    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    private static async Task<(int Code, string Out, string Err)> Diffrax(params string[] args)
    {
        var outWriter = new StringWriter();
        var errWriter = new StringWriter();
        TextWriter o = Console.Out, e = Console.Error;
        Console.SetOut(outWriter);
        Console.SetError(errWriter);
        try
        {
            int code = await DiffraxCli.RunAsync(args);
            return (code, outWriter.ToString(), errWriter.ToString());
        }
        finally
        {
            Console.SetOut(o);
            Console.SetError(e);
        }
    }

    [Theory]
    [InlineData("ode_lorenz.yaml", 1, 1001)]
    [InlineData("lorenz_ensemble.yaml", 10000, 101)]
    [InlineData("parameter_sweep.yaml", 20, -1)]
    [InlineData("equations_vanderpol.yaml", 64, 501)]
    [InlineData("sde_gbm.yaml", 100000, 53)]
    [InlineData("sde_heston.yaml", 20000, 53)]
    [InlineData("cde_eurostoxx.yaml", 4, 711)]
    public async Task Example_Runs_AndDuckDbReadsEveryRowOnce(string example, int members, int saves)
    {
        string dir = Path.Combine(TempDir(), "out");
        var (code, stdout, stderr) = await Diffrax("run", Example(example), "--out", dir, "--quiet");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Equal(members, Scalar($"SELECT count(*) FROM read_parquet({Lit(Path.Combine(dir, "members.parquet"))})"));
        string parts = Lit(Path.Combine(dir, "part-*.parquet"));
        long distinctTimes = Scalar($"SELECT count(DISTINCT t) FROM read_parquet({parts})");
        if (saves > 0) Assert.Equal(saves, distinctTimes);
        Assert.Equal(members * distinctTimes, Scalar($"SELECT count(*) FROM read_parquet({parts})"));
        Assert.Equal(0, Scalar($"SELECT count(*) FROM (SELECT member, t FROM read_parquet({parts}) GROUP BY member, t HAVING count(*) > 1)"));
        Assert.Equal(members, Scalar($"SELECT count(*) FROM read_parquet({Lit(Path.Combine(dir, "members.parquet"))}) WHERE result = 'Successful'"));
        Assert.Empty(Directory.GetFiles(dir, ".tmp*"));
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task EquationModel_GivesTheSameNumbersAsTheBuiltinModel()
    {
        string root = TempDir();
        string builtin = Path.Combine(root, "builtin.yaml"), equations = Path.Combine(root, "equations.yaml");
        const string common = """
            y0: [1.0, 2.0, 20.0]
            t0: 0
            t1: 2
            solver: dopri5
            stepsize: {controller: pid, rtol: 1.0e-7, atol: 1.0e-9}
            saveat: {ts: [0.5, 1.0, 1.5]}
            ensemble:
              members: 40
              vary:
                params.rho: {linspace: [10, 40]}
            """;
        File.WriteAllText(builtin, "name: b\nmodel: {builtin: lorenz, params: {sigma: 10, rho: 28, beta: 2.6666666666666665}}\n" + common);
        File.WriteAllText(equations, """
            name: e
            model:
              state: [x, y, z]
              params: {sigma: 10, rho: 28, beta: 2.6666666666666665}
              drift:
                x: sigma * (y - x)
                y: x * (rho - z) - y
                z: x * y - beta * z

            """ + common);
        Assert.Equal(0, (await Diffrax("run", builtin, "--out", Path.Combine(root, "b"), "--quiet")).Code);
        Assert.Equal(0, (await Diffrax("run", equations, "--out", Path.Combine(root, "e"), "--quiet")).Code);
        double maxDiff = Convert.ToDouble(Query($"""
            SELECT max(abs(b.x - e.x) + abs(b.y - e.y) + abs(b.z - e.z))
            FROM read_parquet({Lit(Path.Combine(root, "b", "part-*.parquet"))}) b
            JOIN read_parquet({Lit(Path.Combine(root, "e", "part-*.parquet"))}) e USING (member, t)
            """)[0][0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(maxDiff < 1e-10, $"max difference {maxDiff}");
    }

    [Fact]
    public async Task InvalidJob_ExitsWithTwo_NamingLineColumnAndField_AndWritesNothing()
    {
        string root = TempDir();
        string job = Path.Combine(root, "bad.yaml");
        File.WriteAllText(job, "name: bad\nmodel: {builtin: lorenz}\ny0: [1, 1, 1]\nt0: 0\nt1: 1\nsolver: tsit6\nstepsize: {controller: pid, rtol: -1.0e-6}\n");
        string dir = Path.Combine(root, "out");
        var (code, _, err) = await Diffrax("run", job, "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("bad.yaml:6:9", err);
        Assert.Contains("tsit5", err);
        Assert.Contains("rtol", err);
        Assert.False(Directory.Exists(dir));
        Assert.Equal(2, (await Diffrax("validate", job)).Code);
    }

    [Fact]
    public async Task MembersThatFail_GiveExitCodeOne_WithTheirResultCodesInTheDataset()
    {
        string root = TempDir();
        string job = Path.Combine(root, "tight.yaml");
        File.WriteAllText(job, """
            name: tight
            model: {builtin: lorenz}
            y0: [1, 1, 1]
            t0: 0
            t1: 5
            solver: tsit5
            stepsize: {controller: pid, rtol: 1.0e-8, atol: 1.0e-8}
            max_steps: 200
            ensemble:
              members: 16
              vary:
                params.rho: {linspace: [0.5, 60]}
            """);
        string dir = Path.Combine(root, "out");
        var (code, _, _) = await Diffrax("run", job, "--out", dir, "--quiet");
        Assert.Equal(1, code);
        string members = Lit(Path.Combine(dir, "members.parquet"));
        Assert.True(Scalar($"SELECT count(*) FROM read_parquet({members}) WHERE result = 'MaxStepsReached'") > 0);
        Assert.True(Scalar($"SELECT count(*) FROM read_parquet({members}) WHERE result = 'Successful'") > 0);
    }

    [Fact]
    public async Task Validate_Inspect_AndPlot_Work_OnAWrittenDataset()
    {
        string root = TempDir();
        string dir = Path.Combine(root, "sweep");
        Assert.Equal(0, (await Diffrax("validate", Example("parameter_sweep.yaml"))).Code);
        Assert.Equal(0, (await Diffrax("run", Example("parameter_sweep.yaml"), "--out", dir, "--quiet")).Code);
        var (code, text, _) = await Diffrax("inspect", dir);
        Assert.Equal(0, code);
        Assert.Contains("Successful", text);
        string png = Path.Combine(root, "p.png");
        Assert.Equal(0, (await Diffrax("plot", dir, "--out", png, "--width", "640", "--height", "480")).Code);
        byte[] head = File.ReadAllBytes(png)[..24];
        Assert.Equal(640, (head[16] << 24) | (head[17] << 16) | (head[18] << 8) | head[19]);
        Assert.Equal(480, (head[20] << 24) | (head[21] << 16) | (head[22] << 8) | head[23]);
        Assert.Equal(2, (await Diffrax("inspect", Path.Combine(root, "missing"))).Code);
        Assert.Equal(2, (await Diffrax("frobnicate")).Code);
    }
}
