using System.Globalization;
using System.Text;

namespace Diffrax.Coordinator.Output;

/// <summary>Minimum, median, mean and maximum of a per-member count (steps, evaluations).</summary>
/// <param name="Min">Smallest value.</param>
/// <param name="Median">Median (mean of the two middle values for an even count).</param>
/// <param name="Mean">Mean.</param>
/// <param name="Max">Largest value.</param>
public sealed record CountStatistics(long Min, double Median, double Mean, long Max)
{
    /// <summary>Statistics of <paramref name="values"/>; all zero when empty.</summary>
    public static CountStatistics Of(int[] values)
    {
        if (values.Length == 0) return new(0, 0, 0, 0);
        var s = (int[])values.Clone();
        Array.Sort(s);
        int n = s.Length;
        double median = n % 2 == 1 ? s[n / 2] : 0.5 * ((double)s[n / 2 - 1] + s[n / 2]);
        return new(s[0], median, s.Average(v => (double)v), s[^1]);
    }
}

/// <summary>A file of the dataset with its size and, for Parquet files, its row count.</summary>
/// <param name="Name">File name relative to the dataset folder.</param>
/// <param name="Bytes">Size on disk.</param>
/// <param name="Rows">Rows (null for the manifest).</param>
public sealed record DatasetFileInfo(string Name, long Bytes, long? Rows);

/// <summary>What <c>diffrax inspect</c> shows about a dataset.</summary>
/// <param name="Folder">Dataset folder.</param>
/// <param name="JobName">Job name.</param>
/// <param name="JobHash">Job file hash.</param>
/// <param name="CreatedAt">When the dataset was created.</param>
/// <param name="Complete">Whether the job finished.</param>
/// <param name="Format">Part file layout.</param>
/// <param name="Members">Members planned.</param>
/// <param name="MembersWritten">Members written so far.</param>
/// <param name="Rows">Trajectory rows in all part files.</param>
/// <param name="Batches">Batches written.</param>
/// <param name="StateNames">State variables.</param>
/// <param name="VariedNames">Varied quantities.</param>
/// <param name="SaveTimes">Number of save times.</param>
/// <param name="ResultCounts">Members per result code name.</param>
/// <param name="Steps">Steps attempted per member.</param>
/// <param name="Accepted">Accepted steps per member.</param>
/// <param name="Rejected">Rejected steps per member.</param>
/// <param name="Nfe">Vector-field evaluations per member.</param>
/// <param name="Timings">Job timings (null until complete).</param>
/// <param name="Files">Files of the dataset.</param>
public sealed record DatasetSummary(string Folder, string JobName, string JobHash, DateTimeOffset CreatedAt, bool Complete,
    DatasetFormat Format, int Members, long MembersWritten, long Rows, int Batches, IReadOnlyList<string> StateNames,
    IReadOnlyList<string> VariedNames, int SaveTimes, IReadOnlyDictionary<string, int> ResultCounts, CountStatistics Steps,
    CountStatistics Accepted, CountStatistics Rejected, CountStatistics Nfe, DatasetTimings? Timings, IReadOnlyList<DatasetFileInfo> Files);

/// <summary>Summarizes a dataset folder for the <c>inspect</c> command, and renders the summary as text.</summary>
public static class DatasetInspector
{
    /// <summary>Reads the manifest and member table of <paramref name="dir"/> and summarizes them.</summary>
    public static DatasetSummary Summarize(string dir)
    {
        var reader = DatasetReader.Open(dir);
        var m = reader.Manifest;
        var members = reader.ReadMembers();
        var counts = members.Result.GroupBy(r => r, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var files = new List<DatasetFileInfo>();
        foreach (var b in m.Batches) files.Add(new(b.File, Size(reader.Folder, b.File), b.Rows));
        if (m.MembersFile is { } mf) files.Add(new(mf, Size(reader.Folder, mf), members.Member.LongLength));
        files.Add(new(DatasetManifest.FileName, Size(reader.Folder, DatasetManifest.FileName), null));
        return new DatasetSummary(reader.Folder, m.JobName, m.JobHash, m.CreatedAt, m.Complete, m.Schema.Format, m.Members,
            reader.MembersWritten, m.Batches.Sum(b => b.Rows), m.Batches.Count, m.StateNames, m.VariedNames, m.SaveTimes?.Count ?? 0,
            counts, CountStatistics.Of(members.Steps), CountStatistics.Of(members.Accepted), CountStatistics.Of(members.Rejected),
            CountStatistics.Of(members.Nfe), m.Timings, files);
    }

    /// <summary>Plain-text rendering of <paramref name="s"/> (invariant culture, one fact per line).</summary>
    public static string Render(DatasetSummary s)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        void Line(string label, string value) => sb.Append(ci, $"{label,-14}{value}\n");
        Line("dataset", s.Folder);
        Line("job", $"{s.JobName} (hash {s.JobHash})");
        Line("created", s.CreatedAt.ToString("u", ci));
        Line("status", s.Complete ? "complete" : $"incomplete: {s.MembersWritten} of {s.Members} members written");
        Line("members", s.Members.ToString(ci));
        Line("format", $"{s.Format.ToString().ToLowerInvariant()}, {s.StateNames.Count} states: {string.Join(", ", s.StateNames)}");
        Line("varied", s.VariedNames.Count == 0 ? "(none)" : string.Join(", ", s.VariedNames));
        Line("save times", s.SaveTimes.ToString(ci));
        Line("rows", $"{s.Rows} in {s.Batches} part files");
        sb.Append("results\n");
        foreach (var (code, n) in s.ResultCounts)
            sb.Append(ci, $"  {code,-20}{n,10}  {(s.MembersWritten == 0 ? 0 : 100.0 * n / s.MembersWritten),6:F2} %\n");
        sb.Append(ci, $"{"per member",-14}{"min",10}{"median",12}{"mean",12}{"max",10}\n");
        void Stat(string label, CountStatistics c) => sb.Append(ci, $"  {label,-12}{c.Min,10}{c.Median,12:F1}{c.Mean,12:F1}{c.Max,10}\n");
        Stat("steps", s.Steps);
        Stat("accepted", s.Accepted);
        Stat("rejected", s.Rejected);
        Stat("nfe", s.Nfe);
        if (s.Timings is { } t)
            Line("timings (s)", string.Create(ci, $"plan {t.PlanSeconds:F3}, compile {t.CompileSeconds:F3}, solve {t.SolveSeconds:F3}, write {t.WriteSeconds:F3}, total {t.TotalSeconds:F3}"));
        sb.Append("files\n");
        foreach (var f in s.Files)
            sb.Append(ci, $"  {f.Name,-24}{f.Bytes,14} B{(f.Rows is { } r ? $"{r,14} rows" : "")}\n");
        return sb.ToString();
    }

    private static long Size(string dir, string name)
    {
        var fi = new FileInfo(Path.Combine(dir, name));
        return fi.Exists ? fi.Length : 0;
    }
}
