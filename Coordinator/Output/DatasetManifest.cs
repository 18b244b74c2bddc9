using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffrax.Coordinator.Output;

/// <summary>One batch written to the dataset: its member range, its part file and how many rows it holds.</summary>
/// <param name="Index">Batch index (the <c>&lt;batch&gt;</c> of <c>part-&lt;batch&gt;.parquet</c>).</param>
/// <param name="MemberStart">First member of the batch.</param>
/// <param name="MemberCount">Members in the batch.</param>
/// <param name="File">Part file name, relative to the dataset folder.</param>
/// <param name="Rows">Rows in the part file.</param>
/// <param name="RowGroups">Row groups in the part file.</param>
public sealed record DatasetBatch(int Index, int MemberStart, int MemberCount, string File, long Rows, int RowGroups);

/// <summary>Wall-clock seconds spent in each phase of a job.</summary>
/// <param name="PlanSeconds">Validating and expanding the job.</param>
/// <param name="CompileSeconds">Compiling models and kernels.</param>
/// <param name="SolveSeconds">Solving.</param>
/// <param name="WriteSeconds">Writing the dataset.</param>
/// <param name="TotalSeconds">Whole job, start to end (phases may overlap).</param>
public sealed record DatasetTimings(
    [property: System.Text.Json.Serialization.JsonPropertyName("plan")] double PlanSeconds,
    [property: System.Text.Json.Serialization.JsonPropertyName("compile")] double CompileSeconds,
    [property: System.Text.Json.Serialization.JsonPropertyName("solve")] double SolveSeconds,
    [property: System.Text.Json.Serialization.JsonPropertyName("write")] double WriteSeconds,
    [property: System.Text.Json.Serialization.JsonPropertyName("total")] double TotalSeconds);

/// <summary>Column lists of both dataset files.</summary>
/// <param name="Format">Layout of the part files.</param>
/// <param name="Parts">Columns of every <c>part-*.parquet</c>.</param>
/// <param name="Members">Columns of <c>members.parquet</c>.</param>
public sealed record ManifestSchema(DatasetFormat Format, IReadOnlyList<DatasetColumn> Parts, IReadOnlyList<DatasetColumn> Members);

/// <summary>
/// The contents of <c>_manifest.json</c>: which job wrote the dataset (name and job-file hash), the schema, the
/// batches completely written so far, and, once the job finished, the members file and timings. A batch is listed
/// only after its part file was renamed to its final name, so the manifest never names a partial file.
/// </summary>
public sealed record DatasetManifest
{
    /// <summary>File name of the manifest inside the dataset folder.</summary>
    public const string FileName = "_manifest.json";
    /// <summary>Version of this manifest layout.</summary>
    public const int CurrentLayout = 1;

    /// <summary>Version of the manifest layout.</summary>
    public int Layout { get; init; } = CurrentLayout;
    /// <summary>Job name.</summary>
    public required string JobName { get; init; }
    /// <summary>Hash of the job file; a dataset only ever holds results of one job hash.</summary>
    public required string JobHash { get; init; }
    /// <summary>When the dataset was first created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the manifest was last written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>True once every member was written and <c>members.parquet</c> exists.</summary>
    public bool Complete { get; init; }
    /// <summary>Members of the whole job.</summary>
    public required int Members { get; init; }
    /// <summary>State variable names in model order (the <c>index</c> of the long format counts into this list).</summary>
    public required IReadOnlyList<string> StateNames { get; init; }
    /// <summary>Varied quantities recorded in <c>members.parquet</c>.</summary>
    public required IReadOnlyList<string> VariedNames { get; init; }
    /// <summary>Width above which states are written long.</summary>
    public required int LongFormatThreshold { get; init; }
    /// <summary>Rows per row group.</summary>
    public required int RowGroupSize { get; init; }
    /// <summary>Columns and types of both files.</summary>
    public required ManifestSchema Schema { get; init; }
    /// <summary>Save times shared by every member (set by the first batch written).</summary>
    public IReadOnlyList<double>? SaveTimes { get; init; }
    /// <summary>Batches completely written, in batch-index order.</summary>
    public IReadOnlyList<DatasetBatch> Batches { get; init; } = [];
    /// <summary>Name of the members file once written, else null.</summary>
    public string? MembersFile { get; init; }
    /// <summary>Job timings, once the job finished.</summary>
    public DatasetTimings? Timings { get; init; }
    /// <summary>Versions of the program, Parquet library and runtime that wrote the dataset.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Reads <c>_manifest.json</c> from <paramref name="dir"/>; null when there is none.</summary>
    public static DatasetManifest? TryRead(string dir)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid dataset manifest: {e.Message}", e);
        }
    }

    /// <summary>Reads <c>_manifest.json</c> from <paramref name="dir"/>; throws if the folder holds no dataset.</summary>
    public static DatasetManifest Read(string dir) =>
        TryRead(dir) ?? throw new FileNotFoundException($"{dir} holds no dataset ({FileName} not found).", Path.Combine(dir, FileName));

    /// <summary>Writes the manifest atomically: a temporary file renamed over the old one.</summary>
    internal void WriteAtomically(string dir, bool flushToDisk)
    {
        string tmp = Path.Combine(dir, $"{DatasetWriter.TempPrefix}manifest-{Guid.NewGuid():N}");
        using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(fs, this, Json);
            fs.Flush(flushToDisk);
        }
        File.Move(tmp, Path.Combine(dir, FileName), overwrite: true);
    }
}
