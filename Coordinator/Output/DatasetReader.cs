using Parquet;
using Parquet.Schema;

namespace Diffrax.Coordinator.Output;

/// <summary>One member's saved trajectory: <c>States[c][k]</c> is state <c>c</c> at <c>T[k]</c>.</summary>
/// <param name="Member">Member index.</param>
/// <param name="T">Save times reached, ascending in save order.</param>
/// <param name="States">Saved values per state variable.</param>
public sealed record Trajectory(long Member, double[] T, double[][] States);

/// <summary>
/// Quantiles across members at each save time: <c>Values[c][q][k]</c> is quantile <c>Probabilities[q]</c> of state
/// <c>c</c> over the members that reached save time <c>T[k]</c> (NaN where none did).
/// </summary>
/// <param name="T">Save times.</param>
/// <param name="Probabilities">Probabilities in [0, 1].</param>
/// <param name="Values">Quantiles per state, probability and save time.</param>
/// <param name="MembersUsed">Members that entered the computation (all, or an evenly spaced subset).</param>
public sealed record QuantileBands(double[] T, double[] Probabilities, double[][][] Values, int MembersUsed);

/// <summary>The per-member table (<c>members.parquet</c>, or the staged rows of an unfinished dataset), column by column.</summary>
/// <param name="Member">Member index.</param>
/// <param name="Varied">Varied values by name.</param>
/// <param name="Result">Result code names.</param>
/// <param name="Steps">Steps attempted.</param>
/// <param name="Accepted">Steps accepted.</param>
/// <param name="Rejected">Steps rejected.</param>
/// <param name="Nfe">Vector-field evaluations.</param>
/// <param name="TFinal">Where each member ended.</param>
/// <param name="Final">Final state per state variable: <c>Final[c][row]</c>.</param>
public sealed record MemberTable(long[] Member, IReadOnlyDictionary<string, double[]> Varied, string[] Result, int[] Steps,
    int[] Accepted, int[] Rejected, int[] Nfe, double[] TFinal, double[][] Final);

/// <summary>
/// Reads a dataset folder written by <see cref="DatasetWriter"/>: the manifest, the member table, chosen members'
/// trajectories and per-save-time quantiles. Only files the manifest lists are read.
/// </summary>
public sealed class DatasetReader
{
    private DatasetReader(string dir, DatasetManifest manifest) { Folder = dir; Manifest = manifest; }

    /// <summary>Opens the dataset in <paramref name="dir"/>; throws <see cref="FileNotFoundException"/> if it has no manifest.</summary>
    public static DatasetReader Open(string dir)
    {
        string full = Path.GetFullPath(dir);
        return new DatasetReader(full, DatasetManifest.Read(full));
    }

    /// <summary>The dataset folder (full path).</summary>
    public string Folder { get; }
    /// <summary>The manifest.</summary>
    public DatasetManifest Manifest { get; }
    /// <summary>Full paths of the part files, in batch order.</summary>
    public IReadOnlyList<string> PartFiles => Manifest.Batches.Select(b => Path.Combine(Folder, b.File)).ToArray();
    /// <summary>Members whose rows are in the dataset.</summary>
    public long MembersWritten => Manifest.Batches.Sum(b => (long)b.MemberCount);

    /// <summary>
    /// Reads the member table: <c>members.parquet</c> of a complete dataset, else the staged rows of the batches
    /// written so far. Rows are in member order.
    /// </summary>
    public MemberTable ReadMembers()
    {
        var files = Manifest.MembersFile is { } mf
            ? [Path.Combine(Folder, mf)]
            : Manifest.Batches.OrderBy(b => b.MemberStart).Select(b => Path.Combine(Folder, DatasetWriter.StagingFolder, DatasetWriter.StagedFileName(b.Index))).ToArray();
        var cols = new Dictionary<string, List<Array>>(StringComparer.Ordinal);
        foreach (string f in files)
            foreach (var (name, data) in ReadAllColumns(f))
            {
                if (!cols.TryGetValue(name, out var list)) cols[name] = list = [];
                list.Add(data);
            }
        T[] Col<T>(string name) => cols.TryGetValue(name, out var parts) ? parts.SelectMany(p => (T[])p).ToArray() : [];
        return new MemberTable(
            Col<long>(DatasetColumns.Member),
            Manifest.VariedNames.ToDictionary(n => n, n => Col<double>(n)),
            Col<string>(DatasetColumns.Result),
            Col<int>(DatasetColumns.Steps), Col<int>(DatasetColumns.Accepted), Col<int>(DatasetColumns.Rejected), Col<int>(DatasetColumns.Nfe),
            Col<double>(DatasetColumns.TFinal),
            Manifest.StateNames.Select(n => Col<double>(DatasetColumns.FinalPrefix + n)).ToArray());
    }

    /// <summary>Reads the trajectories of <paramref name="members"/> (members not in the dataset are left out), in the order asked.</summary>
    public IReadOnlyList<Trajectory> ReadTrajectories(IReadOnlyCollection<long> members)
    {
        var want = members.ToHashSet();
        int dim = Manifest.StateNames.Count;
        var ts = new Dictionary<long, List<double>>();
        var vals = new Dictionary<long, List<double>[]>();
        foreach (var b in Manifest.Batches)
        {
            if (!want.Any(m => m >= b.MemberStart && m < b.MemberStart + b.MemberCount)) continue;
            long last = want.Where(m => m >= b.MemberStart && m < b.MemberStart + b.MemberCount).Max();
            ScanPart(Path.Combine(Folder, b.File), want, stopAfter: last, (m, t, c, v) =>
            {
                if (!ts.TryGetValue(m, out var tl)) { ts[m] = tl = []; vals[m] = Enumerable.Range(0, dim).Select(_ => new List<double>()).ToArray(); }
                if (c == 0) tl.Add(t);
                vals[m][c].Add(v);
            });
        }
        return members.Where(ts.ContainsKey).Distinct()
            .Select(m => new Trajectory(m, ts[m].ToArray(), vals[m].Select(l => l.ToArray()).ToArray())).ToArray();
    }

    /// <summary>
    /// Quantiles (linear interpolation between order statistics, as numpy's default) of every state at every save time
    /// across members. With more than <paramref name="maxMembers"/> members, every k-th member is used (k the smallest
    /// stride that fits), which keeps memory bounded for huge ensembles.
    /// </summary>
    public QuantileBands ReadQuantiles(IReadOnlyList<double> probabilities, int maxMembers = 200_000)
    {
        foreach (double p in probabilities)
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"quantile probability {p} is outside [0, 1].", nameof(probabilities));
        double[] times = (Manifest.SaveTimes ?? []).ToArray();
        var slot = new Dictionary<double, int>();
        for (int k = 0; k < times.Length; k++) slot[times[k]] = k;
        int dim = Manifest.StateNames.Count;
        long written = MembersWritten;
        long stride = Math.Max(1, (written + maxMembers - 1) / Math.Max(1, maxMembers));
        var samples = new List<double>[dim, times.Length];
        for (int c = 0; c < dim; c++) for (int k = 0; k < times.Length; k++) samples[c, k] = [];
        long used = 0;
        foreach (var b in Manifest.Batches)
        {
            used += Enumerable.Range(0, b.MemberCount).LongCount(i => (b.MemberStart + i) % stride == 0);
            ScanPart(Path.Combine(Folder, b.File), null, long.MaxValue, (m, t, c, v) =>
            {
                if (m % stride == 0 && slot.TryGetValue(t, out int k) && !double.IsNaN(v)) samples[c, k].Add(v);
            });
        }
        var values = new double[dim][][];
        for (int c = 0; c < dim; c++)
        {
            values[c] = new double[probabilities.Count][];
            for (int q = 0; q < probabilities.Count; q++) values[c][q] = new double[times.Length];
            for (int k = 0; k < times.Length; k++)
            {
                var xs = samples[c, k].ToArray();
                Array.Sort(xs);
                for (int q = 0; q < probabilities.Count; q++) values[c][q][k] = Quantile(xs, probabilities[q]);
            }
        }
        return new QuantileBands(times, probabilities.ToArray(), values, (int)Math.Min(int.MaxValue, used));
    }

    /// <summary>Quantile <paramref name="p"/> of sorted <paramref name="xs"/> by linear interpolation (numpy "linear"); NaN when empty.</summary>
    public static double Quantile(double[] xs, double p)
    {
        if (xs.Length == 0) return double.NaN;
        double h = (xs.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, xs.Length - 1);
        return xs[lo] + (h - lo) * (xs[hi] - xs[lo]);
    }

    /// <summary>
    /// Calls <paramref name="visit"/>(member, t, component, value) for every value in a part file (wide or long),
    /// for the members in <paramref name="only"/> (all when null), stopping after row groups past <paramref name="stopAfter"/>.
    /// </summary>
    private void ScanPart(string path, HashSet<long>? only, long stopAfter, Action<long, double, int, double> visit)
    {
        bool wide = Manifest.Schema.Format == DatasetFormat.Wide;
        int dim = Manifest.StateNames.Count;
        Run(async () =>
        {
            await using var reader = await ParquetReader.CreateAsync(path);
            DataField[] f = reader.Schema.DataFields;
            for (int gi = 0; gi < reader.RowGroupCount; gi++)
            {
                using var rg = reader.OpenRowGroupReader(gi);
                int n = checked((int)rg.RowCount);
                var member = new long[n];
                await rg.ReadAsync<long>(Field(f, DatasetColumns.Member), member);
                if (n > 0 && only is not null && !member.Any(only.Contains)) { if (member[0] > stopAfter) return; continue; }
                var t = new double[n];
                await rg.ReadAsync<double>(Field(f, DatasetColumns.T), t);
                if (wide)
                {
                    for (int c = 0; c < dim; c++)
                    {
                        var v = new double[n];
                        await rg.ReadAsync<double>(Field(f, Manifest.StateNames[c]), v);
                        for (int i = 0; i < n; i++)
                            if (only is null || only.Contains(member[i])) visit(member[i], t[i], c, v[i]);
                    }
                }
                else
                {
                    var index = new int[n];
                    var v = new double[n];
                    await rg.ReadAsync<int>(Field(f, DatasetColumns.Index), index);
                    await rg.ReadAsync<double>(Field(f, DatasetColumns.Value), v);
                    for (int i = 0; i < n; i++)
                        if ((only is null || only.Contains(member[i])) && index[i] >= 0 && index[i] < dim) visit(member[i], t[i], index[i], v[i]);
                }
                if (n > 0 && member[n - 1] > stopAfter) return;
            }
        });
    }

    /// <summary>Every column of every row group of <paramref name="path"/>, by name, as typed arrays (strings for text).</summary>
    internal static IEnumerable<(string Name, Array Data)> ReadAllColumns(string path)
    {
        var result = new List<(string, Array)>();
        Run(async () =>
        {
            await using var reader = await ParquetReader.CreateAsync(path);
            foreach (var field in reader.Schema.DataFields)
            {
                var parts = new List<Array>();
                for (int gi = 0; gi < reader.RowGroupCount; gi++)
                {
                    using var rg = reader.OpenRowGroupReader(gi);
                    int n = checked((int)rg.RowCount);
                    Array a;
                    if (field.ClrType == typeof(long)) { var x = new long[n]; await rg.ReadAsync<long>(field, x); a = x; }
                    else if (field.ClrType == typeof(int)) { var x = new int[n]; await rg.ReadAsync<int>(field, x); a = x; }
                    else if (field.ClrType == typeof(double)) { var x = new double[n]; await rg.ReadAsync<double>(field, x); a = x; }
                    else if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>)) { var x = new string?[n]; await rg.ReadAsync(field, (Memory<string?>)x); a = x.Select(s => s ?? "").ToArray(); }
                    else throw new InvalidDataException($"{path}: column '{field.Name}' has unsupported type {field.ClrType.Name}.");
                    parts.Add(a);
                }
                result.Add((field.Name, Concat(parts)));
            }
        });
        return result;
    }

    private static Array Concat(List<Array> parts)
    {
        if (parts.Count == 1) return parts[0];
        var all = Array.CreateInstance(parts[0].GetType().GetElementType()!, parts.Sum(p => p.Length));
        int at = 0;
        foreach (var p in parts) { Array.Copy(p, 0, all, at, p.Length); at += p.Length; }
        return all;
    }

    private static DataField Field(DataField[] fields, string name) =>
        fields.FirstOrDefault(f => f.Name == name) ?? throw new InvalidDataException($"column '{name}' is missing.");

    // Parquet.Net is async-only; these readers are used from synchronous CLI code and tests.
    private static void Run(Func<Task> work) => Task.Run(work).GetAwaiter().GetResult();
}
