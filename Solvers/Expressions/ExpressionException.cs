namespace Diffrax.Solvers.Expressions;

/// <summary>
/// An error in an equation written in a job file: a syntax error, an unknown name, a wrong number of function
/// arguments, or an invalid model (a missing drift, a duplicate name, an aux cycle). The message names the place
/// as <c>file:line:column: field: reason</c>, e.g.
/// <c>job.yaml:12:15: drift.x: unknown variable 'xx' (known: x, y, z, sigma, rho, beta, t)</c>.
/// </summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates the error; <paramref name="line"/> 0 means the position is unknown.</summary>
    /// <param name="reason">What is wrong, without the position.</param>
    /// <param name="field">The job-file field holding the expression (<c>drift.x</c>), or null.</param>
    /// <param name="line">1-based line in <paramref name="file"/>, or 0 when unknown.</param>
    /// <param name="column">1-based column, or 0 when unknown.</param>
    /// <param name="file">The job file, or null.</param>
    public ExpressionException(string reason, string? field, int line, int column, string? file = null)
        : base(Format(reason, field, line, column, file))
    {
        Reason = reason;
        Field = field;
        Line = line;
        Column = column;
        File = file;
    }

    /// <summary>What is wrong, without the position prefix.</summary>
    public string Reason { get; }
    /// <summary>The job-file field holding the expression (<c>drift.x</c>, <c>aux.r</c>), or null.</summary>
    public string? Field { get; }
    /// <summary>1-based line of the error in the job file; 0 when unknown.</summary>
    public int Line { get; }
    /// <summary>1-based column of the error in the job file; 0 when unknown.</summary>
    public int Column { get; }
    /// <summary>The job file, or null.</summary>
    public string? File { get; }

    private static string Format(string reason, string? field, int line, int column, string? file)
    {
        var parts = new List<string>(4);
        if (!string.IsNullOrEmpty(file)) parts.Add(file);
        if (line > 0) { parts.Add(line.ToString(System.Globalization.CultureInfo.InvariantCulture)); parts.Add(column.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        string where = parts.Count > 0 ? string.Join(':', parts) + ": " : "";
        string what = string.IsNullOrEmpty(field) ? "" : field + ": ";
        return where + what + reason;
    }
}
