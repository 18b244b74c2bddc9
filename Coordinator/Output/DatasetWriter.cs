using System.Buffers;
using System.Diagnostics;
using System.Reflection;
using Diffrax.Contracts;
using Diffrax.Solvers.Ensembles;
using Parquet;
using Parquet.Schema;

namespace Diffrax.Coordinator.Output;

/// <summary>A dataset folder already holds results of another job (different job hash) or another schema.</summary>
public sealed class DatasetConflictException(string message) : Exception(message);

/// <summary>
/// Writes one job's dataset folder: a <c>part-&lt;batch&gt;.parquet</c> per batch (member-major rows, one or more
/// row groups), <c>members.parquet</c> (one row per member) and <c>_manifest.json</c>.
/// <para>
/// Every file is written under a temporary name starting with <see cref="TempPrefix"/> (no <c>.parquet</c>
/// suffix, so <c>*.parquet</c> globs never see it) and renamed when complete; the manifest is rewritten
/// atomically after each batch and lists only batches whose files are complete. A restarted job opens the same
/// folder with the same job hash and skips <see cref="BatchesDone(string, string)"/>; a different job hash is
/// refused with <see cref="DatasetConflictException"/>. Per-member rows of each batch are staged in
/// <c>_members/</c> (ignored by readers of <c>*.parquet</c> in the folder) and merged into <c>members.parquet</c>
/// by <see cref="Complete"/>.
/// </para>
/// <para>
/// Members that stopped early have rows only for the save times they reached (<see cref="EnsembleResult.Saved"/>
/// holds NaN in every component after that). <see cref="WriteBatch"/> may be called from several threads at
/// once for different batches; one writer per folder.
/// </para>
/// </summary>
public sealed class DatasetWriter
{
    /// <summary>Prefix of every temporary file name.</summary>
    public const string TempPrefix = ".tmp-";
    /// <summary>Name of the per-member table.</summary>
    public const string MembersFileName = "members.parquet";
    /// <summary>Folder where each batch's member rows wait for <see cref="Complete"/>.</summary>
    public const string StagingFolder = "_members";

    /// <summary>Part file name of batch <paramref name="batch"/> (zero-padded so names sort in batch order).</summary>
    public static string PartFileName(int batch) => $"part-{batch:D5}.parquet";

    internal static string StagedFileName(int batch) => $"batch-{batch:D5}.parquet";

    /// <summary>Where writing a batch can be interrupted in tests (the hook may throw to simulate a crash).</summary>
    internal enum Stage { RowGroupWritten, BeforeRename, BeforeManifest }

    /// <summary>Test hook called at each <see cref="Stage"/> with the batch index.</summary>
    internal Action<Stage, int>? TestHook { get; set; }

    private static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Snappy };
    private static readonly string[] ResultNames = Enum.GetValues<ResultCode>().Select(r => r.ToString()).ToArray();

    private readonly object _gate = new();
    private readonly string _dir, _staging;
    private readonly DatasetSchema _schema;
    private readonly bool _flushToDisk;
    private readonly ParquetSchema _partSchema, _memberSchema;
    private readonly Dictionary<int, (int Start, int Count)> _inFlight = [];
    private DatasetManifest _manifest;
    private long _writeTicks;

    /// <summary>
    /// Opens (or creates) the dataset folder <paramref name="dir"/> for job <paramref name="jobName"/> with hash
    /// <paramref name="jobHash"/> and <paramref name="members"/> members. An existing manifest must carry the same
    /// job hash, schema and member count (else <see cref="DatasetConflictException"/>); its batches count as done.
    /// Leftovers of an interrupted run (temporary files, part files the manifest does not list) are removed.
    /// With <paramref name="flushToDisk"/>, every file is flushed to the device before it is renamed (survives
    /// power loss, slower); without it, files survive a killed process but not a machine crash.
    /// </summary>
    public DatasetWriter(string dir, DatasetSchema schema, string jobHash, string jobName, int members, bool flushToDisk = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        ArgumentException.ThrowIfNullOrWhiteSpace(jobHash);
        if (members < 1) throw new ArgumentException($"members = {members} must be at least 1.", nameof(members));
        _dir = Path.GetFullPath(dir);
        _staging = Path.Combine(_dir, StagingFolder);
        _schema = schema;
        _flushToDisk = flushToDisk;
        _partSchema = ToParquet(schema.PartColumns);
        _memberSchema = ToParquet(schema.MemberColumns);
        Directory.CreateDirectory(_dir);

        var manifestSchema = new ManifestSchema(schema.Format, schema.PartColumns, schema.MemberColumns);
        var existing = DatasetManifest.TryRead(_dir);
        if (existing is not null)
        {
            CheckSameJob(existing, _dir, jobHash);
            if (existing.Members != members)
                throw new DatasetConflictException($"{_dir} holds a dataset of {existing.Members} members, not {members}.");
            if (!existing.Schema.Parts.SequenceEqual(manifestSchema.Parts) || !existing.Schema.Members.SequenceEqual(manifestSchema.Members)
                || existing.Schema.Format != manifestSchema.Format)
                throw new DatasetConflictException($"{_dir} holds a dataset with other columns ({Describe(existing.Schema)}) than this job ({Describe(manifestSchema)}).");
            _manifest = existing;
        }
        else
        {
            _manifest = new DatasetManifest
            {
                JobName = jobName, JobHash = jobHash, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                Members = members, StateNames = schema.StateNames, VariedNames = schema.VariedNames,
                LongFormatThreshold = schema.LongFormatThreshold, RowGroupSize = schema.RowGroupSize,
                Schema = manifestSchema, Versions = Versions(),
            };
        }
        RemoveLeftovers();
        Directory.CreateDirectory(_staging);
        if (existing is null) _manifest.WriteAtomically(_dir, _flushToDisk);
    }

    /// <summary>
    /// Batches already complete in the dataset at <paramref name="dir"/>, for skipping on restart: empty when the folder
    /// has no manifest; <see cref="DatasetConflictException"/> when the manifest belongs to another job hash.
    /// </summary>
    public static IReadOnlyList<DatasetBatch> BatchesDone(string dir, string jobHash)
    {
        var m = DatasetManifest.TryRead(dir);
        if (m is null) return [];
        CheckSameJob(m, dir, jobHash);
        return m.Batches;
    }

    /// <summary>The dataset folder (full path).</summary>
    public string Folder => _dir;

    /// <summary>The current manifest (batches written so far).</summary>
    public DatasetManifest Manifest { get { lock (_gate) return _manifest; } }

    /// <summary>True if batch <paramref name="batchIndex"/> is already complete.</summary>
    public bool IsDone(int batchIndex)
    {
        lock (_gate) return _manifest.Batches.Any(b => b.Index == batchIndex);
    }

    /// <summary>Seconds spent inside <see cref="WriteBatch"/> and <see cref="Complete"/>, summed over threads.</summary>
    public double WriteSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _writeTicks)).TotalSeconds;

    /// <summary>
    /// Writes batch <paramref name="batchIndex"/>: members <paramref name="memberOffset"/> … + <c>result.Members</c> − 1
    /// of the job, with their varied values <paramref name="variedValues"/> (member-major, this batch only:
    /// <c>variedValues[m * VariedNames.Count + k]</c>). Returns the manifest entry once the batch is durable in the
    /// manifest. Throws <see cref="InvalidOperationException"/> for a batch already written or a member range that
    /// overlaps another batch, and <see cref="ArgumentException"/> for shapes that do not match the schema.
    /// </summary>
    public DatasetBatch WriteBatch(int batchIndex, int memberOffset, EnsembleResult result, ReadOnlyMemory<double> variedValues)
    {
        long t0 = Stopwatch.GetTimestamp();
        Validate(batchIndex, memberOffset, result, variedValues);
        Reserve(batchIndex, memberOffset, result);
        string partTmp = Path.Combine(_dir, $"{TempPrefix}{PartFileName(batchIndex)}-{Guid.NewGuid():N}");
        string stagedTmp = Path.Combine(_staging, $"{TempPrefix}{StagedFileName(batchIndex)}-{Guid.NewGuid():N}");
        string? renamed = null;
        try
        {
            // The member rows go to their staging file on another thread while this one writes the part file.
            var staged = Task.Run(() =>
            {
                WriteFile(stagedTmp, s => WriteMemberRowsAsync(s, memberOffset, result, variedValues).GetAwaiter().GetResult());
                File.Move(stagedTmp, Path.Combine(_staging, StagedFileName(batchIndex)), overwrite: true);
            });
            var (rows, groups) = (0L, 0);
            try
            {
                WriteFile(partTmp, s => (rows, groups) = WritePartAsync(s, batchIndex, memberOffset, result).GetAwaiter().GetResult());
            }
            finally { Task.WaitAny(staged); }
            staged.GetAwaiter().GetResult();
            TestHook?.Invoke(Stage.BeforeRename, batchIndex);
            string file = PartFileName(batchIndex);
            renamed = Path.Combine(_dir, file);
            File.Move(partTmp, renamed, overwrite: true);
            var batch = new DatasetBatch(batchIndex, memberOffset, result.Members, file, rows, groups);
            lock (_gate)
            {
                TestHook?.Invoke(Stage.BeforeManifest, batchIndex);
                var next = _manifest with
                {
                    UpdatedAt = DateTimeOffset.UtcNow,
                    SaveTimes = _manifest.SaveTimes ?? result.Ts.ToArray(),
                    Batches = _manifest.Batches.Append(batch).OrderBy(b => b.Index).ToArray(),
                };
                next.WriteAtomically(_dir, _flushToDisk);
                _manifest = next;
            }
            return batch;
        }
        catch when (renamed is not null)
        {
            // The manifest is the truth: a part file it does not list must not stay visible.
            TryDelete(renamed);
            throw;
        }
        finally
        {
            TryDelete(partTmp);
            TryDelete(stagedTmp);
            lock (_gate) _inFlight.Remove(batchIndex);
            Interlocked.Add(ref _writeTicks, Stopwatch.GetElapsedTime(t0).Ticks);
        }
    }

    /// <summary>
    /// Finishes the dataset: checks that the batches cover every member exactly once, merges the staged member rows into
    /// <c>members.parquet</c> (one row group per batch, in member order), and records <paramref name="timings"/> and
    /// completion in the manifest. On a dataset that is already complete it changes nothing.
    /// Throws <see cref="InvalidOperationException"/> naming the first members not written.
    /// </summary>
    public DatasetManifest Complete(DatasetTimings timings)
    {
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            lock (_gate)
            {
                if (_inFlight.Count > 0) throw new InvalidOperationException($"batches {string.Join(", ", _inFlight.Keys)} are still being written.");
                if (_manifest.Complete) return _manifest;
                var batches = _manifest.Batches.OrderBy(b => b.MemberStart).ToArray();
                int next = 0;
                foreach (var b in batches)
                {
                    if (b.MemberStart != next) break;
                    next += b.MemberCount;
                }
                if (next != _manifest.Members)
                    throw new InvalidOperationException($"members from {next} on were never written ({_manifest.Members} planned, {batches.Sum(b => (long)b.MemberCount)} written).");

                string tmp = Path.Combine(_dir, $"{TempPrefix}{MembersFileName}-{Guid.NewGuid():N}");
                try
                {
                    WriteFile(tmp, s => MergeMembersAsync(s, batches).GetAwaiter().GetResult());
                    File.Move(tmp, Path.Combine(_dir, MembersFileName), overwrite: true);
                }
                finally { TryDelete(tmp); }
                // The members merge is part of writing: count it in the reported write (and total) time.
                double merge = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                timings = timings with { WriteSeconds = timings.WriteSeconds + merge, TotalSeconds = timings.TotalSeconds + merge };
                var done = _manifest with { UpdatedAt = DateTimeOffset.UtcNow, Complete = true, MembersFile = MembersFileName, Timings = timings };
                done.WriteAtomically(_dir, _flushToDisk);
                _manifest = done;
                Directory.Delete(_staging, recursive: true);
                return done;
            }
        }
        finally { Interlocked.Add(ref _writeTicks, Stopwatch.GetElapsedTime(t0).Ticks); }
    }

    private void Validate(int batchIndex, int memberOffset, EnsembleResult r, ReadOnlyMemory<double> varied)
    {
        if (batchIndex < 0) throw new ArgumentException($"batch index {batchIndex} is negative.", nameof(batchIndex));
        if (memberOffset < 0 || (long)memberOffset + r.Members > _manifest.Members)
            throw new ArgumentException($"batch {batchIndex} covers members {memberOffset}…{(long)memberOffset + r.Members - 1}, outside the job's 0…{_manifest.Members - 1}.", nameof(memberOffset));
        if (r.Dim != _schema.StateNames.Count)
            throw new ArgumentException($"batch {batchIndex} has states of dimension {r.Dim}, but the schema names {_schema.StateNames.Count} state variables.", nameof(r));
        long need = (long)r.Members * _schema.VariedNames.Count;
        if (varied.Length != need)
            throw new ArgumentException($"batch {batchIndex} has {varied.Length} varied values but {r.Members} members × {_schema.VariedNames.Count} varied names need {need}.", nameof(varied));
        if (r.Ts.Distinct().Count() != r.Ts.Length)
            throw new ArgumentException($"batch {batchIndex} has repeated save times; (member, t) would not be unique.", nameof(r));
    }

    private void Reserve(int batchIndex, int start, EnsembleResult r)
    {
        lock (_gate)
        {
            if (_manifest.Complete) throw new InvalidOperationException($"the dataset in {_dir} is already complete.");
            if (_manifest.Batches.Any(b => b.Index == batchIndex) || _inFlight.ContainsKey(batchIndex))
                throw new InvalidOperationException($"batch {batchIndex} is already written (or being written) in {_dir}.");
            var other = _manifest.Batches.Select(b => (Index: b.Index, MemberStart: b.MemberStart, MemberCount: b.MemberCount))
                .Concat(_inFlight.Select(kv => (Index: kv.Key, MemberStart: kv.Value.Start, MemberCount: kv.Value.Count)))
                .FirstOrDefault(b => b.MemberStart < start + r.Members && start < b.MemberStart + b.MemberCount && b.MemberCount > 0);
            if (other.MemberCount > 0)
                throw new InvalidOperationException($"batch {batchIndex} (members {start}…{start + r.Members - 1}) overlaps batch {other.Index} (members {other.MemberStart}…{other.MemberStart + other.MemberCount - 1}).");
            if (_manifest.SaveTimes is { } ts && !ts.SequenceEqual(r.Ts))
                throw new ArgumentException($"batch {batchIndex} was saved at other times than the batches before it.", nameof(r));
            _inFlight.Add(batchIndex, (start, r.Members));
        }
    }

    private static void CheckSameJob(DatasetManifest m, string dir, string jobHash)
    {
        if (!string.Equals(m.JobHash, jobHash, StringComparison.Ordinal))
            throw new DatasetConflictException($"{dir} holds results of job '{m.JobName}' with hash {m.JobHash}, not of job hash {jobHash}; choose another output folder or remove it.");
    }

    private static string Describe(ManifestSchema s) =>
        $"{s.Format.ToString().ToLowerInvariant()}: {string.Join(", ", s.Parts.Select(c => c.Name))} | {string.Join(", ", s.Members.Select(c => c.Name))}";

    /// <summary>Deletes temporary files, part files and staged files the manifest does not list, and a members file of an unfinished dataset.</summary>
    private void RemoveLeftovers()
    {
        var listed = _manifest.Batches.Select(b => b.File).ToHashSet(StringComparer.Ordinal);
        var staged = _manifest.Batches.Select(b => StagedFileName(b.Index)).ToHashSet(StringComparer.Ordinal);
        foreach (string f in Directory.EnumerateFiles(_dir))
        {
            string name = Path.GetFileName(f);
            if (name.StartsWith(TempPrefix, StringComparison.Ordinal)
                || (name.StartsWith("part-", StringComparison.Ordinal) && name.EndsWith(".parquet", StringComparison.Ordinal) && !listed.Contains(name))
                || (name == MembersFileName && !_manifest.Complete))
                File.Delete(f);
        }
        if (!Directory.Exists(_staging)) return;
        if (_manifest.Complete) { Directory.Delete(_staging, recursive: true); return; }
        foreach (string f in Directory.EnumerateFiles(_staging))
            if (!staged.Contains(Path.GetFileName(f))) File.Delete(f);
    }

    private void WriteFile(string path, Action<Stream> write)
    {
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        write(fs);
        fs.Flush(_flushToDisk);
    }

    private static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException) { }
    }

    private static Dictionary<string, string> Versions() => new()
    {
        ["diffrax"] = typeof(DatasetWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(DatasetWriter).Assembly.GetName().Version?.ToString() ?? "unknown",
        ["parquet_net"] = typeof(ParquetWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(ParquetWriter).Assembly.GetName().Version?.ToString() ?? "unknown",
        ["dotnet"] = Environment.Version.ToString(),
    };

    internal static ParquetSchema ToParquet(IReadOnlyList<DatasetColumn> cols) => new(cols.Select(c => (Field)(c.Type switch
    {
        DatasetColumns.Int32 => new DataField<int>(c.Name),
        DatasetColumns.Int64 => new DataField<long>(c.Name),
        DatasetColumns.Double => new DataField<double>(c.Name),
        DatasetColumns.String => new DataField<string>(c.Name, nullable: false),
        _ => throw new ArgumentException($"unknown column type '{c.Type}' for column '{c.Name}'."),
    })));

    /// <summary>True if the member reached the save at flat index <paramref name="at"/> (some component is not NaN).</summary>
    private static bool Saved(EnsembleResult r, long at)
    {
        for (int c = 0; c < r.Dim; c++)
            if (!double.IsNaN(r.Saved[c][at])) return true;
        return false;
    }

    /// <summary>Cuts the batch's members into row groups of at most <c>rowsPerGroup</c> rows (at least one member each).</summary>
    private static List<(int From, int To, int Rows)> RowGroups(EnsembleResult r, int rowsPerSave, int rowGroupSize, out long total)
    {
        var groups = new List<(int, int, int)>();
        int S = r.Ts.Length, M = r.Members;
        int from = 0; long rows = 0; total = 0;
        for (int m = 0; m < M; m++)
        {
            int n = 0;
            for (int s = 0; s < S; s++) if (Saved(r, (long)s * M + m)) n++;
            long mr = (long)n * rowsPerSave;
            if (rows > 0 && rows + mr > rowGroupSize) { groups.Add((from, m, (int)rows)); from = m; rows = 0; }
            rows += mr; total += mr;
            if (rows > int.MaxValue) throw new InvalidOperationException($"member {m} alone has {rows} rows; too many for one row group.");
        }
        if (rows > 0) groups.Add((from, M, (int)rows));
        return groups;
    }

    /// <summary>Column buffers of one row group: member, t, and either the state columns (wide) or index + value (long).</summary>
    private sealed class RowGroupBuffers
    {
        public RowGroupBuffers(int cap, int doubles, bool index)
        {
            Member = ArrayPool<long>.Shared.Rent(cap);
            T = ArrayPool<double>.Shared.Rent(cap);
            Index = index ? ArrayPool<int>.Shared.Rent(cap) : [];
            Doubles = new double[doubles][];
            for (int c = 0; c < doubles; c++) Doubles[c] = ArrayPool<double>.Shared.Rent(cap);
        }
        public long[] Member { get; }
        public double[] T { get; }
        public int[] Index { get; }
        public double[][] Doubles { get; }
        public void Return()
        {
            ArrayPool<long>.Shared.Return(Member);
            ArrayPool<double>.Shared.Return(T);
            if (Index.Length > 0) ArrayPool<int>.Shared.Return(Index);
            foreach (var d in Doubles) ArrayPool<double>.Shared.Return(d);
        }
    }

    /// <summary>Fills wide rows of members [from, to): one row per save reached.</summary>
    private static int FillWide(EnsembleResult r, int offset, int from, int to, RowGroupBuffers b)
    {
        int S = r.Ts.Length, M = r.Members, D = r.Dim, row = 0;
        for (int m = from; m < to; m++)
            for (int k = 0; k < S; k++)
            {
                long at = (long)k * M + m;
                if (!Saved(r, at)) continue;
                b.Member[row] = offset + m; b.T[row] = r.Ts[k];
                for (int c = 0; c < D; c++) b.Doubles[c][row] = r.Saved[c][at];
                row++;
            }
        return row;
    }

    /// <summary>Fills long rows of members [from, to): one row per save reached and component.</summary>
    private static int FillLong(EnsembleResult r, int offset, int from, int to, RowGroupBuffers b)
    {
        int S = r.Ts.Length, M = r.Members, D = r.Dim, row = 0;
        double[] value = b.Doubles[0];
        for (int m = from; m < to; m++)
            for (int k = 0; k < S; k++)
            {
                long at = (long)k * M + m;
                if (!Saved(r, at)) continue;
                for (int c = 0; c < D; c++, row++)
                {
                    b.Member[row] = offset + m; b.T[row] = r.Ts[k]; b.Index[row] = c; value[row] = r.Saved[c][at];
                }
            }
        return row;
    }

    /// <summary>
    /// Writes the batch's trajectory rows as row groups. The next row group is filled on another thread while the
    /// current one is encoded, so the transpose from save-major buffers costs little wall time.
    /// </summary>
    private async Task<(long Rows, int Groups)> WritePartAsync(Stream s, int batch, int offset, EnsembleResult r)
    {
        bool wide = _schema.Format == DatasetFormat.Wide;
        var groups = RowGroups(r, wide ? 1 : r.Dim, _schema.RowGroupSize, out long total);
        int cap = groups.Count == 0 ? 0 : groups.Max(g => g.Rows);
        var fields = _partSchema.DataFields;
        var buffers = new RowGroupBuffers[Math.Min(2, groups.Count)];
        for (int i = 0; i < buffers.Length; i++) buffers[i] = new RowGroupBuffers(cap, wide ? r.Dim : 1, !wide);
        Task<int> Fill(int gi) => Task.Run(() =>
        {
            var (from, to, n) = groups[gi];
            int rows = wide ? FillWide(r, offset, from, to, buffers[gi % 2]) : FillLong(r, offset, from, to, buffers[gi % 2]);
            return rows == n ? rows : throw new InvalidOperationException($"row group {gi} of batch {batch} filled {rows} rows, expected {n}.");
        });
        Task<int>? next = groups.Count > 0 ? Fill(0) : null;
        try
        {
            await using var w = await ParquetWriter.CreateAsync(_partSchema, s, Options);
            for (int gi = 0; gi < groups.Count; gi++)
            {
                int n = await next!;
                next = gi + 1 < groups.Count ? Fill(gi + 1) : null;
                var b = buffers[gi % 2];
                using var g = w.CreateRowGroup();
                await g.WriteAsync(fields[0], new ReadOnlyMemory<long>(b.Member, 0, n));
                await g.WriteAsync(fields[1], new ReadOnlyMemory<double>(b.T, 0, n));
                if (wide)
                    for (int c = 0; c < r.Dim; c++) await g.WriteAsync(fields[2 + c], new ReadOnlyMemory<double>(b.Doubles[c], 0, n));
                else
                {
                    await g.WriteAsync(fields[2], new ReadOnlyMemory<int>(b.Index, 0, n));
                    await g.WriteAsync(fields[3], new ReadOnlyMemory<double>(b.Doubles[0], 0, n));
                }
                TestHook?.Invoke(Stage.RowGroupWritten, batch);
            }
        }
        finally
        {
            // A fill still running must finish before its buffers go back to the pool.
            if (next is not null) Task.WaitAny(next);
            foreach (var b in buffers) b.Return();
        }
        return (total, groups.Count);
    }

    private async Task WriteMemberRowsAsync(Stream s, int offset, EnsembleResult r, ReadOnlyMemory<double> varied)
    {
        int M = r.Members, V = _schema.VariedNames.Count;
        var f = _memberSchema.DataFields;
        await using var w = await ParquetWriter.CreateAsync(_memberSchema, s, Options);
        using var g = w.CreateRowGroup();
        int i = 0;
        var member = new long[M];
        for (int m = 0; m < M; m++) member[m] = offset + m;
        await g.WriteAsync(f[i++], (ReadOnlyMemory<long>)member);
        var col = new double[M];
        for (int k = 0; k < V; k++)
        {
            var src = varied.Span;
            for (int m = 0; m < M; m++) col[m] = src[m * V + k];
            await g.WriteAsync(f[i++], (ReadOnlyMemory<double>)col);
        }
        await g.WriteAsync(f[i++], r.Results.Select(c => (int)c >= 0 && (int)c < ResultNames.Length ? ResultNames[(int)c] : c.ToString()).ToArray());
        await g.WriteAsync(f[i++], (ReadOnlyMemory<int>)r.Steps);
        await g.WriteAsync(f[i++], (ReadOnlyMemory<int>)r.Accepted);
        await g.WriteAsync(f[i++], (ReadOnlyMemory<int>)r.Rejected);
        await g.WriteAsync(f[i++], (ReadOnlyMemory<int>)r.Nfe);
        await g.WriteAsync(f[i++], (ReadOnlyMemory<double>)r.TFinal);
        for (int c = 0; c < r.Dim; c++) await g.WriteAsync(f[i++], (ReadOnlyMemory<double>)r.Final[c]);
    }

    /// <summary>
    /// Copies every staged batch file, in member order, into one members file (a row group per batch); the next file is
    /// read on another thread while the current one is written.
    /// </summary>
    private async Task MergeMembersAsync(Stream s, IReadOnlyList<DatasetBatch> batches)
    {
        var f = _memberSchema.DataFields;
        Task<List<(string Name, Array Data)>> Read(int i) => Task.Run(() =>
            DatasetReader.ReadAllColumns(Path.Combine(_staging, StagedFileName(batches[i].Index))).ToList());
        Task<List<(string Name, Array Data)>>? next = batches.Count > 0 ? Read(0) : null;
        try
        {
            await using var w = await ParquetWriter.CreateAsync(_memberSchema, s, Options);
            for (int i = 0; i < batches.Count; i++)
            {
                var cols = await next!;
                next = i + 1 < batches.Count ? Read(i + 1) : null;
                if (!cols.Select(c => c.Name).SequenceEqual(f.Select(x => x.Name)))
                    throw new InvalidDataException($"staged members of batch {batches[i].Index} have columns {string.Join(", ", cols.Select(c => c.Name))}, expected {string.Join(", ", f.Select(x => x.Name))}.");
                using var g = w.CreateRowGroup();
                for (int c = 0; c < f.Length; c++)
                {
                    switch (cols[c].Data)
                    {
                        case long[] a: await g.WriteAsync(f[c], (ReadOnlyMemory<long>)a); break;
                        case int[] a: await g.WriteAsync(f[c], (ReadOnlyMemory<int>)a); break;
                        case double[] a: await g.WriteAsync(f[c], (ReadOnlyMemory<double>)a); break;
                        case string[] a: await g.WriteAsync(f[c], a); break;
                        default: throw new InvalidDataException($"staged column '{f[c].Name}' has unexpected type {cols[c].Data.GetType().Name}.");
                    }
                }
            }
        }
        finally
        {
            if (next is not null) Task.WaitAny(next);
        }
    }
}
