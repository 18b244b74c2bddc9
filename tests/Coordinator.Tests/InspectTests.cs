using Diffrax.Contracts;
using Diffrax.Coordinator.Output;
using Xunit;
using static Diffrax.Coordinator.Tests.DatasetTestData;

namespace Diffrax.Coordinator.Tests;

public class InspectTests : IDisposable
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

    private static double Median(int[] xs)
    {
        var s = xs.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2.0;
    }

    [Fact]
    public void Summary_OfCompleteDataset_MatchesTheEnsembleResult()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        WriteInBatches(dir, new DatasetSchema(LorenzStates, LorenzVaried), r, varied, batchSize: 128);
        var s = DatasetInspector.Summarize(dir);

        Assert.True(s.Complete);
        Assert.Equal(r.Members, s.Members);
        Assert.Equal(r.Members, s.MembersWritten);
        Assert.Equal(3, s.Batches);
        Assert.Equal(RowsReached(r), s.Rows);
        Assert.Equal(r.Ts.Length, s.SaveTimes);
        Assert.Equal(DatasetFormat.Wide, s.Format);
        Assert.Equal(LorenzVaried, s.VariedNames);
        var expected = r.Results.GroupBy(c => c.ToString()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(kv => kv.Key), s.ResultCounts.OrderBy(kv => kv.Key));
        Assert.True(s.ResultCounts[nameof(ResultCode.MaxStepsReached)] > 0);
        Assert.Equal(new CountStatistics(r.Steps.Min(), Median(r.Steps), r.Steps.Average(), r.Steps.Max()), s.Steps);
        Assert.Equal(new CountStatistics(r.Nfe.Min(), Median(r.Nfe), r.Nfe.Average(), r.Nfe.Max()), s.Nfe);
        Assert.Equal(r.Rejected.Max(), s.Rejected.Max);
        Assert.Equal(r.Accepted.Min(), s.Accepted.Min);
        Assert.Equal(0.3, s.Timings!.SolveSeconds);
        Assert.Equal(["part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "members.parquet", "_manifest.json"], s.Files.Select(f => f.Name));
        Assert.All(s.Files, f => Assert.Equal(new FileInfo(Path.Combine(dir, f.Name)).Length, f.Bytes));
        Assert.Equal(r.Members, s.Files.Single(f => f.Name == "members.parquet").Rows);

        string text = DatasetInspector.Render(s);
        Assert.Contains("status        complete", text);
        Assert.Contains($"rows          {RowsReached(r)} in 3 part files", text);
        Assert.Contains($"MaxStepsReached", text);
        Assert.Contains($"{s.ResultCounts[nameof(ResultCode.MaxStepsReached)],10}", text);
        Assert.Contains("solve 0.300", text);
    }

    [Fact]
    public void Summary_OfUnfinishedDataset_CountsOnlyTheBatchesWritten()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        WriteInBatches(dir, new DatasetSchema(LorenzStates, LorenzVaried), r, varied, batchSize: 100, complete: false, only: [1]);
        var s = DatasetInspector.Summarize(dir);
        Assert.False(s.Complete);
        Assert.Equal(100, s.MembersWritten);
        Assert.Equal(100, s.ResultCounts.Values.Sum());
        Assert.Equal(r.Steps.Skip(100).Take(100).Max(), s.Steps.Max);
        Assert.Null(s.Timings);
        Assert.Contains("incomplete: 100 of 300 members written", DatasetInspector.Render(s));
    }
}
