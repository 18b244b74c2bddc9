using System.Buffers.Binary;
using Diffrax.Coordinator.Output;
using Diffrax.Coordinator.Plots;
using ScottPlot;
using Xunit;
using static Diffrax.Coordinator.Tests.DatasetTestData;

namespace Diffrax.Coordinator.Tests;

public class PlotTests : IDisposable
{
    private readonly List<string> _dirs = [];

    private string Dir()
    {
        string d = TempDir();
        _dirs.Add(d);
        return d;
    }

    public void Dispose()
    {
        foreach (string d in _dirs)
            if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
    }

    private static readonly Lazy<string> _lorenzDir = new(() =>
    {
        var (r, varied) = LorenzDense;
        string dir = TempDir();
        WriteInBatches(dir, new DatasetSchema(LorenzStates, LorenzVaried), r, varied, batchSize: 32);
        return dir;
    });

    /// <summary>Width and height from a PNG's IHDR chunk, after checking the signature.</summary>
    private static (int Width, int Height) PngSize(string file)
    {
        byte[] b = File.ReadAllBytes(file);
        Assert.True(b.Length > 33, "PNG too short");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, b[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(b, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(20)));
    }

    [Theory]
    [InlineData(PlotKind.Trajectories, 900, 600)]
    [InlineData(PlotKind.Phase, 640, 640)]
    [InlineData(PlotKind.Quantiles, 1000, 700)]
    public void SinglePlot_IsPngOfRequestedSize(PlotKind kind, int width, int height)
    {
        string file = Path.Combine(Dir(), $"{kind}.png");
        PlotRenderer.Render(_lorenzDir.Value, kind, file, width, height, members: kind == PlotKind.Phase ? [0, 30, 59] : null);
        Assert.Equal((width, height), PngSize(file));
    }

    [Theory]
    [InlineData(PlotKind.Trajectories, 3)]
    [InlineData(PlotKind.Phase, 1)]
    [InlineData(PlotKind.Quantiles, 3)]
    public void SinglePlot_HasOnePanelPerStateOrOneForPhase(PlotKind kind, int panels)
    {
        var figure = PlotRenderer.Build(DatasetReader.Open(_lorenzDir.Value), kind, null);
        Assert.Equal(panels, figure.Subplots.Count);
        Assert.All(figure.GetPlots(), p => Assert.NotEmpty(p.GetPlottables()));
    }

    [Fact]
    public void Overview_OfThreeStateEnsemble_HasTrajectoryBandAndPhasePanels()
    {
        var figure = PlotRenderer.BuildOverview(DatasetReader.Open(_lorenzDir.Value), [0, 1]);
        Assert.Equal(3 + 3 + 1, figure.Subplots.Count);
        Assert.All(figure.GetPlots(), p => Assert.NotEmpty(p.GetPlottables()));
        Assert.Equal(2, figure.GetPlot(0).GetPlottables().Count());
    }

    [Fact]
    public void Overview_IsPngOfRequestedSize()
    {
        string file = Path.Combine(Dir(), "overview.png");
        PlotRenderer.Render(_lorenzDir.Value, [1, 2, 3], file, 1500, 900);
        Assert.Equal((1500, 900), PngSize(file));
    }

    [Fact]
    public void RenderAll_ForThreeStateEnsemble_WritesTrajectoriesPhaseAndQuantiles()
    {
        string outDir = Dir();
        var files = PlotRenderer.RenderAll(_lorenzDir.Value, outDir, 400, 300);
        Assert.Equal(["trajectories.png", "phase.png", "quantiles.png"], files.Select(Path.GetFileName));
        Assert.All(files, f => Assert.Equal((400, 300), PngSize(f)));
    }

    [Fact]
    public void WideState_GetsTrajectoriesAndBands_ButPhasePortraitIsRefused()
    {
        var r = Wide20(40, out var varied);
        string dir = Dir();
        WriteInBatches(dir, new DatasetSchema(Enumerable.Range(0, 20).Select(c => $"s{c}").ToArray(), ["params.k"]), r, varied, batchSize: 40);
        var files = PlotRenderer.RenderAll(dir, Path.Combine(dir, "plots"), 500, 400);
        Assert.Equal(["trajectories.png", "quantiles.png"], files.Select(Path.GetFileName));
        Assert.All(files, f => Assert.Equal((500, 400), PngSize(f)));
        Assert.Throws<ArgumentException>(() => PlotRenderer.Render(dir, PlotKind.Phase, Path.Combine(dir, "p.png"), 500, 400));
        Assert.Throws<ArgumentException>(() => PlotRenderer.Render(dir, PlotKind.Trajectories, Path.Combine(dir, "p.png"), 500, 400, [1000]));
    }
}
