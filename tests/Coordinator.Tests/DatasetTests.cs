using System.Globalization;
using System.Text.Json;
using Diffrax.Contracts;
using Diffrax.Coordinator.Output;
using Diffrax.Solvers.Ensembles;
using Xunit;
using static Diffrax.Coordinator.Tests.DatasetTestData;

namespace Diffrax.Coordinator.Tests;

public class DatasetTests : IDisposable
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

    private static DatasetSchema LorenzSchema(int rowGroupSize = 500) => new(LorenzStates, LorenzVaried, rowGroupSize: rowGroupSize);

    [Fact]
    public void LorenzEnsemble_ForTheseTests_HasSuccessfulAndEarlyStoppedMembers()
    {
        var r = Lorenz.Result;
        Assert.Contains(ResultCode.Successful, r.Results);
        Assert.Contains(ResultCode.MaxStepsReached, r.Results);
        Assert.True(RowsReached(r) < (long)r.Members * r.Ts.Length, "some members should miss save times");
    }

    [Fact]
    public void WideDataset_ReadByDuckDb_HasExactRowsColumnsAndValues()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        WriteInBatches(dir, LorenzSchema(), r, varied, batchSize: 128);
        string parts = Path.Combine(dir, "part-*.parquet");

        Assert.Equal(RowsReached(r), Scalar($"SELECT count(*) FROM read_parquet({Lit(parts)})"));
        Assert.Equal([("member", "BIGINT"), ("t", "DOUBLE"), ("x", "DOUBLE"), ("y", "DOUBLE"), ("z", "DOUBLE")], Describe(parts));
        Assert.Empty(Query($"SELECT member, t FROM read_parquet({Lit(parts)}) GROUP BY member, t HAVING count(*) > 1"));

        var rows = Query($"SELECT member, t, x, y, z FROM read_parquet({Lit(parts)}) ORDER BY member, t");
        int i = 0;
        for (int m = 0; m < r.Members; m++)
            for (int k = 0; k < r.Ts.Length; k++)
            {
                if (double.IsNaN(r.At(k, m, 0))) continue;
                var row = rows[i++];
                Assert.Equal((long)m, row[0]);
                Assert.Equal(r.Ts[k], (double)row[1]!);
                for (int c = 0; c < 3; c++) Assert.Equal(r.At(k, m, c), (double)row[2 + c]!);
            }
        Assert.Equal(rows.Count, i);
        // A member that stopped early has rows only for the save times it reached, and at least one is missing.
        int stopped = Array.FindIndex(r.Results, c => c == ResultCode.MaxStepsReached);
        Assert.True(Scalar($"SELECT count(*) FROM read_parquet({Lit(parts)}) WHERE member = {stopped}") < r.Ts.Length);
    }

    [Fact]
    public void WideDataset_EveryPartFile_MatchesItsManifestEntry()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        WriteInBatches(dir, LorenzSchema(rowGroupSize: 500), r, varied, batchSize: 128);
        var manifest = DatasetManifest.Read(dir);
        Assert.Equal(3, manifest.Batches.Count);
        foreach (var b in manifest.Batches)
        {
            string f = Path.Combine(dir, b.File);
            Assert.Equal($"part-{b.Index:D5}.parquet", b.File);
            Assert.Equal(b.Rows, Scalar($"SELECT count(*) FROM read_parquet({Lit(f)})"));
            Assert.Equal(b.RowGroups, Scalar($"SELECT count(DISTINCT row_group_id) FROM parquet_metadata({Lit(f)})"));
            Assert.InRange(b.RowGroups, (b.Rows + 499) / 500, (b.Rows + 499) / 500 + 1); // groups hold whole members, so one more is possible
            Assert.True(b.Rows <= 500 || b.RowGroups >= 2, "500-row groups should split a batch of more rows");
            Assert.Equal(b.MemberStart, Scalar($"SELECT min(member) FROM read_parquet({Lit(f)})"));
            Assert.Equal(b.MemberStart + b.MemberCount - 1, Scalar($"SELECT max(member) FROM read_parquet({Lit(f)})"));
            Assert.True(Scalar($"SELECT max(c) FROM (SELECT count(*) AS c FROM parquet_metadata({Lit(f)}) GROUP BY row_group_id)") > 0);
        }
        Assert.Equal(r.Ts, manifest.SaveTimes);
        Assert.True(manifest.Complete);
        Assert.Equal(LorenzMembers, manifest.Members);
        Assert.Equal(DatasetFormat.Wide, manifest.Schema.Format);
        Assert.Equal(["member", "t", "x", "y", "z"], manifest.Schema.Parts.Select(c => c.Name));
        var t = manifest.Timings!;
        Assert.Equal((0.1, 0.2, 0.3), (t.PlanSeconds, t.CompileSeconds, t.SolveSeconds));
        // The members merge at Complete counts as writing: it is added to both write and total.
        Assert.True(t.TotalSeconds > 1.5 && t.WriteSeconds >= t.TotalSeconds - 1.5, $"write {t.WriteSeconds}, total {t.TotalSeconds}");
        Assert.Contains("parquet_net", manifest.Versions.Keys);
        // The manifest is plain JSON with snake_case names.
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, DatasetManifest.FileName)));
        Assert.Equal("wide", doc.RootElement.GetProperty("schema").GetProperty("format").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("batches").GetArrayLength());
        Assert.Equal("test-job", doc.RootElement.GetProperty("job_name").GetString());
        Assert.Equal(0.3, doc.RootElement.GetProperty("timings").GetProperty("solve").GetDouble());
        // No staging or temporary files are left in a complete dataset.
        Assert.False(Directory.Exists(Path.Combine(dir, DatasetWriter.StagingFolder)));
        Assert.Empty(Directory.GetFiles(dir, ".tmp-*"));
    }

    [Fact]
    public void MembersFile_ReadByDuckDb_HoldsEveryMemberWithVariedValuesStatsAndFinalState()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        WriteInBatches(dir, LorenzSchema(), r, varied, batchSize: 128);
        string f = Path.Combine(dir, DatasetWriter.MembersFileName);
        Assert.Equal(
            [("member", "BIGINT"), ("y0.x", "DOUBLE"), ("params.rho", "DOUBLE"), ("result", "VARCHAR"), ("steps", "INTEGER"),
             ("accepted", "INTEGER"), ("rejected", "INTEGER"), ("nfe", "INTEGER"), ("t_final", "DOUBLE"),
             ("final_x", "DOUBLE"), ("final_y", "DOUBLE"), ("final_z", "DOUBLE")],
            Describe(f));
        var rows = Query($"SELECT * FROM read_parquet({Lit(f)}) ORDER BY member");
        Assert.Equal(r.Members, rows.Count);
        for (int m = 0; m < r.Members; m++)
        {
            var row = rows[m];
            Assert.Equal((long)m, row[0]);
            Assert.Equal(varied[2 * m], (double)row[1]!);
            Assert.Equal(varied[2 * m + 1], (double)row[2]!);
            Assert.Equal(r.Results[m].ToString(), row[3]);
            Assert.Equal(r.Steps[m], row[4]);
            Assert.Equal(r.Accepted[m], row[5]);
            Assert.Equal(r.Rejected[m], row[6]);
            Assert.Equal(r.Nfe[m], row[7]);
            Assert.Equal(r.TFinal[m], (double)row[8]!);
            for (int c = 0; c < 3; c++) Assert.Equal(r.Final[c][m], (double)row[9 + c]!);
        }
        Assert.Equal(r.Results.Count(c => c == ResultCode.MaxStepsReached),
            Scalar($"SELECT count(*) FROM read_parquet({Lit(f)}) WHERE result = 'MaxStepsReached'"));
    }

    [Fact]
    public void StateWiderThanThreshold_IsWrittenLong_AndDuckDbReadsEveryValue()
    {
        const int n = 90;
        var r = Wide20(n, out var varied);
        string dir = Dir();
        var schema = new DatasetSchema(Enumerable.Range(0, 20).Select(c => $"s{c}").ToArray(), ["params.k"], longFormatThreshold: 16, rowGroupSize: 1000);
        Assert.Equal(DatasetFormat.Long, schema.Format);
        WriteInBatches(dir, schema, r, varied, batchSize: 40);
        string parts = Path.Combine(dir, "part-*.parquet");

        Assert.Equal([("member", "BIGINT"), ("t", "DOUBLE"), ("index", "INTEGER"), ("value", "DOUBLE")], Describe(parts));
        Assert.Equal(RowsReached(r) * 20, Scalar($"SELECT count(*) FROM read_parquet({Lit(parts)})"));
        Assert.Empty(Query($"SELECT member, t, index FROM read_parquet({Lit(parts)}) GROUP BY ALL HAVING count(*) > 1"));
        Assert.Equal(RowsReached(r), Scalar($"SELECT count(*) FROM (SELECT DISTINCT member, t FROM read_parquet({Lit(parts)}))"));
        var rows = Query($"SELECT member, t, index, value FROM read_parquet({Lit(parts)}) ORDER BY member, t, index");
        int i = 0;
        for (int m = 0; m < n; m++)
            for (int k = 0; k < r.Ts.Length; k++)
            {
                if (double.IsNaN(r.At(k, m, 0))) continue;
                for (int c = 0; c < 20; c++)
                {
                    var row = rows[i++];
                    Assert.Equal((long)m, row[0]);
                    Assert.Equal(r.Ts[k], (double)row[1]!);
                    Assert.Equal(c, row[2]);
                    Assert.Equal(r.At(k, m, c), (double)row[3]!);
                }
            }
        Assert.Equal(rows.Count, i);
        // Member 0 stops after its first save (0 mod 7 = 0), so it has exactly one time × 20 components.
        Assert.Equal(20, Scalar($"SELECT count(*) FROM read_parquet({Lit(parts)}) WHERE member = 0"));

        string members = Path.Combine(dir, DatasetWriter.MembersFileName);
        var cols = Describe(members);
        Assert.Equal(1 + 1 + 6 + 20, cols.Count);
        Assert.Equal(("final_s19", "DOUBLE"), cols[^1]);
        Assert.Equal(r.Final[19][37], (double)Query($"SELECT final_s19 FROM read_parquet({Lit(members)}) WHERE member = 37")[0][0]!);
        Assert.Equal(n / 5 + (n % 5 > 0 ? 1 : 0), Scalar($"SELECT count(*) FROM read_parquet({Lit(members)}) WHERE result = 'NonFinite'"));
        Assert.Equal(DatasetFormat.Long, DatasetManifest.Read(dir).Schema.Format);
    }

    [Theory]
    [InlineData("RowGroupWritten")]
    [InlineData("BeforeRename")]
    [InlineData("BeforeManifest")]
    public void WriteInterruptedMidBatch_LeavesNoFileUnderAFinalName_AndManifestListsOnlyCompleteBatches(string stage)
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        var w = new DatasetWriter(dir, LorenzSchema(rowGroupSize: 200), "hash-1", "test-job", r.Members);
        w.WriteBatch(0, 0, Slice(r, 0, 100), varied.AsMemory(0, 200));
        var at = Enum.Parse<DatasetWriter.Stage>(stage);
        w.TestHook = (s, b) => { if (s == at && b == 1) throw new IOException("simulated crash"); };
        Assert.Throws<IOException>(() => w.WriteBatch(1, 100, Slice(r, 100, 100), varied.AsMemory(200, 200)));

        Assert.Equal(["part-00000.parquet"], Directory.GetFiles(dir, "*.parquet").Select(Path.GetFileName));
        Assert.Equal([0], DatasetManifest.Read(dir).Batches.Select(b => b.Index));
        Assert.Equal(100, Scalar($"SELECT count(DISTINCT member) FROM read_parquet({Lit(Path.Combine(dir, "*.parquet"))})"));
        Assert.Empty(Directory.GetFiles(dir, ".tmp-*", SearchOption.AllDirectories));
        // The writer goes on: batch 1 can be written after the failure.
        w.TestHook = null;
        w.WriteBatch(1, 100, Slice(r, 100, 100), varied.AsMemory(200, 200));
        Assert.Equal([0, 1], DatasetManifest.Read(dir).Batches.Select(b => b.Index));
    }

    [Fact]
    public void KilledWriter_LeftoversAreInvisibleToGlobs_AndRemovedOnRestart()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        WriteInBatches(dir, LorenzSchema(), r, varied, batchSize: 100, complete: false, only: [0]);
        // What a kill leaves behind: a half-written temporary part file, and a complete part file renamed just before the
        // manifest would have listed it.
        File.WriteAllBytes(Path.Combine(dir, ".tmp-part-00001.parquet-0123456789abcdef"), [0x50, 0x41, 0x52, 0x31, 1, 2, 3]);
        File.Copy(Path.Combine(dir, "part-00000.parquet"), Path.Combine(dir, "part-00002.parquet"));
        // DuckDB's *.parquet glob does not see the temporary file (it would fail to read it).
        Assert.Equal(2, Scalar($"SELECT count(DISTINCT filename) FROM read_parquet({Lit(Path.Combine(dir, "*.parquet"))}, filename=true)"));

        var w = new DatasetWriter(dir, LorenzSchema(), "hash-1", "test-job", r.Members);
        Assert.Equal(["part-00000.parquet"], Directory.GetFiles(dir, "*.parquet").Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(dir, ".tmp-*"));
        Assert.True(w.IsDone(0));
    }

    [Fact]
    public void RestartedJob_SkipsBatchesInManifest_AndCompletesTheSameDataset()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        WriteInBatches(dir, LorenzSchema(), r, varied, batchSize: 100, complete: false, only: [0, 2]);

        var done = DatasetWriter.BatchesDone(dir, "hash-1");
        Assert.Equal([0, 2], done.Select(b => b.Index));
        Assert.Equal([0, 200], done.Select(b => b.MemberStart));
        var w = new DatasetWriter(dir, LorenzSchema(), "hash-1", "test-job", r.Members);
        Assert.True(w.IsDone(0) && w.IsDone(2) && !w.IsDone(1));
        Assert.Throws<InvalidOperationException>(() => w.WriteBatch(0, 0, Slice(r, 0, 100), varied.AsMemory(0, 200)));
        Assert.Throws<InvalidOperationException>(() => w.Complete(new DatasetTimings(0, 0, 0, 0, 0)));
        w.WriteBatch(1, 100, Slice(r, 100, 100), varied.AsMemory(200, 200));
        w.Complete(new DatasetTimings(0, 0, 0, 0, 0));

        string parts = Path.Combine(dir, "part-*.parquet");
        Assert.Equal(RowsReached(r), Scalar($"SELECT count(*) FROM read_parquet({Lit(parts)})"));
        Assert.Empty(Query($"SELECT member, t FROM read_parquet({Lit(parts)}) GROUP BY member, t HAVING count(*) > 1"));
        var members = Query($"SELECT member, steps FROM read_parquet({Lit(Path.Combine(dir, DatasetWriter.MembersFileName))})");
        Assert.Equal(Enumerable.Range(0, r.Members).Select(m => (long)m), members.Select(row => (long)row[0]!));
        Assert.Equal(r.Steps, members.Select(row => (int)row[1]!));
    }

    [Fact]
    public void ManifestOfAnotherJobHash_IsRefused()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        WriteInBatches(dir, LorenzSchema(), r, varied, batchSize: 100, complete: false, only: [0]);
        var e = Assert.Throws<DatasetConflictException>(() => DatasetWriter.BatchesDone(dir, "hash-2"));
        Assert.Contains("hash-1", e.Message);
        Assert.Throws<DatasetConflictException>(() => new DatasetWriter(dir, LorenzSchema(), "hash-2", "test-job", r.Members));
        Assert.Throws<DatasetConflictException>(() => new DatasetWriter(dir, LorenzSchema(), "hash-1", "test-job", r.Members + 1));
        Assert.Throws<DatasetConflictException>(() => new DatasetWriter(dir, new DatasetSchema(LorenzStates, ["y0.x"]), "hash-1", "test-job", r.Members));
        Assert.Empty(DatasetWriter.BatchesDone(Dir(), "hash-2"));
        Assert.Equal([0], DatasetManifest.Read(dir).Batches.Select(b => b.Index));
    }

    [Fact]
    public void BatchOverlappingAnotherOrOutsideTheJob_IsRefused()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        var w = new DatasetWriter(dir, LorenzSchema(), "hash-1", "test-job", r.Members);
        w.WriteBatch(0, 0, Slice(r, 0, 100), varied.AsMemory(0, 200));
        var overlap = Assert.Throws<InvalidOperationException>(() => w.WriteBatch(1, 50, Slice(r, 50, 100), varied.AsMemory(100, 200)));
        Assert.Contains("overlaps batch 0", overlap.Message);
        Assert.Throws<ArgumentException>(() => w.WriteBatch(5, 250, Slice(r, 0, 100), varied.AsMemory(0, 200)));
        Assert.Throws<ArgumentException>(() => w.WriteBatch(1, 100, Slice(r, 100, 100), varied.AsMemory(0, 10)));
        Assert.Equal([0], DatasetManifest.Read(dir).Batches.Select(b => b.Index));
    }

    [Fact]
    public void BatchesWrittenFromSeveralThreads_AllLandInOneConsistentManifest()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        var w = new DatasetWriter(dir, LorenzSchema(), "hash-1", "test-job", r.Members);
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 3 }, b =>
            w.WriteBatch(b, b * 50, Slice(r, b * 50, 50), varied.AsMemory(b * 100, 100)));
        w.Complete(new DatasetTimings(0, 0, 0, w.WriteSeconds, 0));
        Assert.Equal(Enumerable.Range(0, 6), DatasetManifest.Read(dir).Batches.Select(b => b.Index));
        Assert.Equal(RowsReached(r), Scalar($"SELECT count(*) FROM read_parquet({Lit(Path.Combine(dir, "part-*.parquet"))})"));
        Assert.Equal(r.Members, Scalar($"SELECT count(*) FROM read_parquet({Lit(Path.Combine(dir, DatasetWriter.MembersFileName))})"));
    }

    [Fact]
    public void Schema_WithClashingColumnNames_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new DatasetSchema(["t", "y"], []));
        Assert.Throws<ArgumentException>(() => new DatasetSchema(["x", "X"], []));
        Assert.Throws<ArgumentException>(() => new DatasetSchema(["x"], ["steps"]));
        Assert.Throws<ArgumentException>(() => new DatasetSchema([], []));
    }

    [Fact]
    public void Reader_ReturnsTrajectoriesAndMembersEqualToTheResult()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        WriteInBatches(dir, LorenzSchema(rowGroupSize: 300), r, varied, batchSize: 128);
        var reader = DatasetReader.Open(dir);
        long[] pick = [299, 3, 150];
        var trs = reader.ReadTrajectories([.. pick, 5000]);
        Assert.Equal(pick, trs.Select(t => t.Member));
        foreach (var tr in trs)
        {
            int m = (int)tr.Member;
            var reached = Enumerable.Range(0, r.Ts.Length).Where(k => !double.IsNaN(r.At(k, m, 0))).ToArray();
            Assert.Equal(reached.Select(k => r.Ts[k]), tr.T);
            for (int c = 0; c < 3; c++) Assert.Equal(reached.Select(k => r.At(k, m, c)), tr.States[c]);
        }
        var table = reader.ReadMembers();
        Assert.Equal(r.Nfe, table.Nfe);
        Assert.Equal(r.Final[2], table.Final[2]);
        Assert.Equal(varied.Where((_, i) => i % 2 == 1), table.Varied["params.rho"]);
    }

    [Fact]
    public void Quantiles_EqualDuckDbQuantileCont_PerSaveTime()
    {
        var (r, varied) = Lorenz;
        string dir = Dir();
        WriteInBatches(dir, LorenzSchema(), r, varied, batchSize: 128);
        double[] probs = [0.05, 0.25, 0.5, 0.75, 0.95];
        var q = DatasetReader.Open(dir).ReadQuantiles(probs);
        Assert.Equal(r.Members, q.MembersUsed);
        string parts = Lit(Path.Combine(dir, "part-*.parquet"));
        var rows = Query($"SELECT t, {string.Join(", ", probs.Select(p => string.Create(CultureInfo.InvariantCulture, $"quantile_cont(y, {p})")))} FROM read_parquet({parts}) GROUP BY t ORDER BY t");
        Assert.Equal(r.Ts.Length, rows.Count);
        for (int k = 0; k < rows.Count; k++)
        {
            Assert.Equal(q.T[k], (double)rows[k][0]!);
            for (int p = 0; p < probs.Length; p++) Assert.Equal((double)rows[k][1 + p]!, q.Values[1][p][k], 1e-9);
        }
        // Subsampling keeps every k-th member.
        var sub = DatasetReader.Open(dir).ReadQuantiles(probs, maxMembers: 100);
        Assert.Equal(100, sub.MembersUsed);
    }

    [Fact]
    public void FinalStateOnlyJob_HasEmptyPartFilesReadableByDuckDb_AndFinalsInMembersFile()
    {
        var (full, varied) = Lorenz;
        var r = new EnsembleResult(50, 3, []);
        for (int m = 0; m < 50; m++)
        {
            for (int c = 0; c < 3; c++) r.Final[c][m] = full.Final[c][m];
            r.Results[m] = full.Results[m]; r.Steps[m] = full.Steps[m];
        }
        string dir = Dir();
        var w = new DatasetWriter(dir, LorenzSchema(), "hash-1", "final-only", 50);
        w.WriteBatch(0, 0, r, varied.AsMemory(0, 100));
        w.Complete(new DatasetTimings(0, 0, 0, 0, 0));
        string part = Path.Combine(dir, "part-00000.parquet");
        Assert.Equal(0, Scalar($"SELECT count(*) FROM read_parquet({Lit(part)})"));
        Assert.Equal(["member", "t", "x", "y", "z"], Describe(part).Select(c => c.Name));
        Assert.Equal(full.Final[0][49], (double)Query($"SELECT final_x FROM read_parquet({Lit(Path.Combine(dir, DatasetWriter.MembersFileName))}) WHERE member = 49")[0][0]!);
    }
}
