namespace Diffrax.Coordinator.Output;

/// <summary>How trajectory rows are laid out in the <c>part-*.parquet</c> files.</summary>
public enum DatasetFormat
{
    /// <summary><c>member</c>, <c>t</c>, then one <c>double</c> column per state variable.</summary>
    Wide,
    /// <summary><c>member</c>, <c>t</c>, <c>index</c> (state component), <c>value</c>: one row per component.</summary>
    Long,
}

/// <summary>One column of a dataset file: its name and its Parquet physical type (<c>int32</c>, <c>int64</c>, <c>double</c>, <c>string</c>).</summary>
/// <param name="Name">Column name.</param>
/// <param name="Type">Type name as recorded in the manifest.</param>
public sealed record DatasetColumn(string Name, string Type);

/// <summary>Fixed column names of the dataset files.</summary>
public static class DatasetColumns
{
    /// <summary>Member index (int64) in both files.</summary>
    public const string Member = "member";
    /// <summary>Save time (double).</summary>
    public const string T = "t";
    /// <summary>State component index (int32), long format only.</summary>
    public const string Index = "index";
    /// <summary>State component value (double), long format only.</summary>
    public const string Value = "value";
    /// <summary>Result code as text (the <see cref="Diffrax.Contracts.ResultCode"/> name).</summary>
    public const string Result = "result";
    /// <summary>Steps attempted (int32).</summary>
    public const string Steps = "steps";
    /// <summary>Steps accepted (int32).</summary>
    public const string Accepted = "accepted";
    /// <summary>Steps rejected (int32).</summary>
    public const string Rejected = "rejected";
    /// <summary>Vector-field evaluations (int32).</summary>
    public const string Nfe = "nfe";
    /// <summary>Time the member ended at (double).</summary>
    public const string TFinal = "t_final";
    /// <summary>Prefix of the final-state columns: <c>final_&lt;state&gt;</c>.</summary>
    public const string FinalPrefix = "final_";
    /// <summary>Physical type names used in <see cref="DatasetColumn.Type"/>.</summary>
    public const string Int32 = "int32", Int64 = "int64", Double = "double", String = "string";
}

/// <summary>
/// What a job's dataset holds: the state variables (in model order), the varied quantities recorded per member,
/// the state width above which trajectories are written long instead of wide, and the rows per Parquet row group.
/// Column names must be unique within each file; the constructor checks that.
/// </summary>
public sealed class DatasetSchema
{
    /// <summary>Default <see cref="LongFormatThreshold"/>.</summary>
    public const int DefaultLongFormatThreshold = 16;
    /// <summary>Default <see cref="RowGroupSize"/> (rows).</summary>
    public const int DefaultRowGroupSize = 1 << 20;

    /// <summary>Creates a schema; throws <see cref="ArgumentException"/> for empty or clashing names or non-positive sizes.</summary>
    public DatasetSchema(IReadOnlyList<string> stateNames, IReadOnlyList<string> variedNames,
        int longFormatThreshold = DefaultLongFormatThreshold, int rowGroupSize = DefaultRowGroupSize)
    {
        if (stateNames.Count == 0) throw new ArgumentException("a dataset needs at least one state variable.", nameof(stateNames));
        if (longFormatThreshold < 1) throw new ArgumentException($"long_format_threshold = {longFormatThreshold} must be at least 1.", nameof(longFormatThreshold));
        if (rowGroupSize < 1) throw new ArgumentException($"row_group_size = {rowGroupSize} must be at least 1.", nameof(rowGroupSize));
        StateNames = stateNames.ToArray();
        VariedNames = variedNames.ToArray();
        LongFormatThreshold = longFormatThreshold;
        RowGroupSize = rowGroupSize;
        PartColumns = Format == DatasetFormat.Wide
            ? [new(DatasetColumns.Member, DatasetColumns.Int64), new(DatasetColumns.T, DatasetColumns.Double), .. StateNames.Select(n => new DatasetColumn(n, DatasetColumns.Double))]
            : [new(DatasetColumns.Member, DatasetColumns.Int64), new(DatasetColumns.T, DatasetColumns.Double), new(DatasetColumns.Index, DatasetColumns.Int32), new(DatasetColumns.Value, DatasetColumns.Double)];
        MemberColumns =
        [
            new(DatasetColumns.Member, DatasetColumns.Int64),
            .. VariedNames.Select(n => new DatasetColumn(n, DatasetColumns.Double)),
            new(DatasetColumns.Result, DatasetColumns.String),
            new(DatasetColumns.Steps, DatasetColumns.Int32),
            new(DatasetColumns.Accepted, DatasetColumns.Int32),
            new(DatasetColumns.Rejected, DatasetColumns.Int32),
            new(DatasetColumns.Nfe, DatasetColumns.Int32),
            new(DatasetColumns.TFinal, DatasetColumns.Double),
            .. StateNames.Select(n => new DatasetColumn(DatasetColumns.FinalPrefix + n, DatasetColumns.Double)),
        ];
        CheckNames(PartColumns, "part file");
        CheckNames(MemberColumns, "members.parquet");
    }

    /// <summary>State variable names in model order.</summary>
    public IReadOnlyList<string> StateNames { get; }
    /// <summary>Varied quantities recorded per member (e.g. <c>y0.x</c>, <c>params.rho</c>).</summary>
    public IReadOnlyList<string> VariedNames { get; }
    /// <summary>States with more components than this are written long.</summary>
    public int LongFormatThreshold { get; }
    /// <summary>Rows per Parquet row group (a part file has as many row groups as it needs).</summary>
    public int RowGroupSize { get; }
    /// <summary>Wide when the state has at most <see cref="LongFormatThreshold"/> components, else long.</summary>
    public DatasetFormat Format => StateNames.Count > LongFormatThreshold ? DatasetFormat.Long : DatasetFormat.Wide;
    /// <summary>Columns of every <c>part-*.parquet</c> file, in order.</summary>
    public IReadOnlyList<DatasetColumn> PartColumns { get; }
    /// <summary>Columns of <c>members.parquet</c>, in order.</summary>
    public IReadOnlyList<DatasetColumn> MemberColumns { get; }

    private static void CheckNames(IReadOnlyList<DatasetColumn> cols, string file)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in cols)
        {
            if (string.IsNullOrWhiteSpace(c.Name)) throw new ArgumentException($"{file} would have a column with an empty name.");
            // DuckDB and most readers treat column names case-insensitively.
            if (!seen.Add(c.Name)) throw new ArgumentException($"{file} would have two columns named '{c.Name}' (names are compared ignoring case).");
        }
    }
}
