using System.Diagnostics;
using Diffrax.Contracts;
using Diffrax.Coordinator.Output;
using Diffrax.Solvers.Ensembles;
using Xunit;
using Xunit.Abstractions;
using static Diffrax.Coordinator.Tests.DatasetTestData;

namespace Diffrax.Coordinator.Tests;

/// <summary>
/// Measures writing a 1,000,000-member, 11-save Lorenz-sized ensemble (11 M wide rows). The rate is printed, not asserted
/// (speed claims live in bench/); the test checks that every row arrived.
/// </summary>
public class DatasetThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public void MillionMembersElevenSaves_AreAllWritten_AndTheRateIsReported()
    {
        const int members = 1_000_000, saves = 11, batch = 250_000;
        double[] ts = Enumerable.Range(0, saves).Select(k => 0.1 * k).ToArray();
        var r = new EnsembleResult(members, 3, ts);
        var varied = new double[members * 2];
        // Chaotic-looking values with full-entropy mantissas, like real Lorenz states; every 1000th member stops halfway.
        ulong s = 0x9E3779B97F4A7C15;
        for (int m = 0; m < members; m++)
        {
            int reached = m % 1000 == 0 ? saves / 2 : saves;
            for (int k = 0; k < reached; k++)
                for (int c = 0; c < 3; c++)
                {
                    s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                    r.Saved[c][(long)k * members + m] = (s >> 11) * (1.0 / (1UL << 53)) * 40 - 20;
                }
            for (int c = 0; c < 3; c++) r.Final[c][m] = r.Saved[c][(long)(reached - 1) * members + m];
            r.TFinal[m] = ts[reached - 1];
            r.Results[m] = reached == saves ? ResultCode.Successful : ResultCode.MaxStepsReached;
            r.Steps[m] = 100 + m % 37; r.Accepted[m] = 90 + m % 31; r.Rejected[m] = r.Steps[m] - r.Accepted[m]; r.Nfe[m] = 6 * r.Steps[m] + 1;
            varied[2 * m] = m; varied[2 * m + 1] = 28 + 1e-6 * m;
        }
        long expectedRows = (long)members * saves - (members / 1000) * (saves - saves / 2);
        var slices = Enumerable.Range(0, members / batch).Select(b => Slice(r, b * batch, batch)).ToArray();

        string dir = TempDir();
        try
        {
            var w = new DatasetWriter(dir, new DatasetSchema(LorenzStates, LorenzVaried), "bench", "throughput", members);
            var clock = Stopwatch.StartNew();
            for (int b = 0; b < slices.Length; b++)
                w.WriteBatch(b, b * batch, slices[b], varied.AsMemory(b * batch * 2, batch * 2));
            double parts = clock.Elapsed.TotalSeconds;
            w.Complete(new DatasetTimings(0, 0, 0, w.WriteSeconds, 0));
            double all = clock.Elapsed.TotalSeconds;
            long bytes = Directory.GetFiles(dir, "*.parquet").Sum(f => new FileInfo(f).Length);
            output.WriteLine($"{expectedRows:N0} rows in {slices.Length} batches: part files {parts:F2} s = {expectedRows / parts / 1e6:F2} M rows/s; " +
                $"with members.parquet {all:F2} s = {expectedRows / all / 1e6:F2} M rows/s; {bytes / 1e6:F0} MB on disk; {Environment.ProcessorCount} cores");

            Assert.Equal(expectedRows, DatasetManifest.Read(dir).Batches.Sum(b => b.Rows));
            Assert.Equal(expectedRows, Scalar($"SELECT count(*) FROM read_parquet({Lit(Path.Combine(dir, "part-*.parquet"))})"));
            Assert.Equal(members, Scalar($"SELECT count(*) FROM read_parquet({Lit(Path.Combine(dir, DatasetWriter.MembersFileName))})"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
