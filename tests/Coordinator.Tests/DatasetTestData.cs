using System.Globalization;
using Diffrax.Contracts;
using Diffrax.Coordinator.Output;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using DuckDB.NET.Data;

namespace Diffrax.Coordinator.Tests;

/// <summary>Ensembles and helpers shared by the dataset, inspect and plot tests.</summary>
internal static class DatasetTestData
{
    public const int LorenzMembers = 300;
    public static readonly string[] LorenzStates = ["x", "y", "z"];
    public static readonly string[] LorenzVaried = ["y0.x", "params.rho"];

    private static readonly Lazy<(EnsembleResult Result, double[] Varied)> _lorenz = new(() => SolveLorenz(LorenzMembers, 11, maxSteps: 70));
    private static readonly Lazy<(EnsembleResult Result, double[] Varied)> _lorenzDense = new(() => SolveLorenz(60, 1001, maxSteps: 100_000));

    /// <summary>
    /// A Lorenz sweep (ρ from 0 to 60, varied x0) on [0, 2] saved at 11 times, solved with a step budget so small that
    /// the members with large ρ stop early with <see cref="ResultCode.MaxStepsReached"/>.
    /// </summary>
    public static (EnsembleResult Result, double[] Varied) Lorenz => _lorenz.Value;

    /// <summary>60 Lorenz members (ρ = 28, spread initial x) on [0, 25] saved at 1001 times: for plots.</summary>
    public static (EnsembleResult Result, double[] Varied) LorenzDense => _lorenzDense.Value;

    private static (EnsembleResult, double[]) SolveLorenz(int n, int saves, int maxSteps)
    {
        bool sweep = saves == 11;
        var y0 = new double[n * 3];
        var ps = new double[n * 3];
        var varied = new double[n * 2];
        for (int i = 0; i < n; i++)
        {
            double x0 = sweep ? 1 + 0.01 * (i % 13) : -8 + 0.3 * i, rho = sweep ? 60.0 * i / (n - 1) : 28;
            y0[3 * i] = x0; y0[3 * i + 1] = 1; y0[3 * i + 2] = 1;
            ps[3 * i] = 10; ps[3 * i + 1] = rho; ps[3 * i + 2] = 8.0 / 3.0;
            varied[2 * i] = x0; varied[2 * i + 1] = rho;
        }
        double t1 = sweep ? 2 : 25;
        var p = new EnsembleProblem
        {
            Members = n, T0 = 0, T1 = t1, Y0 = y0, Params = ps, MaxSteps = maxSteps,
            Pid = new PidOptions { Rtol = 1e-6, Atol = 1e-8 },
            SaveAt = new SaveAt { T0 = true, Ts = SaveAt.Linspace(0, t1, saves), T1 = true },
        };
        var r = EnsembleRunner.Run<Tsit5, Lorenz<Lane8>, Lane8, Vec3<Lane8>>(p, threads: 2);
        return (r, varied);
    }

    /// <summary>A synthetic 20-component result: value = member + 0.01·component + t; member m stops after save m mod 7 when m mod 5 = 0.</summary>
    public static EnsembleResult Wide20(int members, out double[] varied)
    {
        double[] ts = [0, 0.5, 1, 1.5, 2, 2.5, 3];
        var r = new EnsembleResult(members, 20, ts);
        varied = new double[members];
        for (int m = 0; m < members; m++)
        {
            bool stops = m % 5 == 0;
            int last = stops ? m % 7 : ts.Length - 1;
            for (int k = 0; k <= last; k++)
                for (int c = 0; c < 20; c++) r.Saved[c][(long)k * members + m] = m + 0.01 * c + ts[k];
            for (int c = 0; c < 20; c++) r.Final[c][m] = m + 0.01 * c + ts[last];
            r.TFinal[m] = ts[last];
            r.Results[m] = stops ? ResultCode.NonFinite : ResultCode.Successful;
            r.Steps[m] = 10 + m; r.Accepted[m] = 8 + m; r.Rejected[m] = 2; r.Nfe[m] = 6 * (10 + m) + 1;
            varied[m] = 0.5 * m;
        }
        return r;
    }

    /// <summary>Members × saves reached (rows of a wide dataset).</summary>
    public static long RowsReached(EnsembleResult r)
    {
        long rows = 0;
        for (int m = 0; m < r.Members; m++)
            for (int k = 0; k < r.Ts.Length; k++)
                if (!double.IsNaN(r.At(k, m, 0))) rows++;
        return rows;
    }

    /// <summary>Writes <paramref name="r"/> as batches of <paramref name="batchSize"/> members (each batch a slice) and completes.</summary>
    public static DatasetWriter WriteInBatches(string dir, DatasetSchema schema, EnsembleResult r, double[] varied, int batchSize,
        string hash = "hash-1", bool complete = true, IEnumerable<int>? only = null)
    {
        var w = new DatasetWriter(dir, schema, hash, "test-job", r.Members);
        int nv = schema.VariedNames.Count;
        var which = only?.ToHashSet();
        for (int b = 0, start = 0; start < r.Members; b++, start += batchSize)
        {
            int count = Math.Min(batchSize, r.Members - start);
            if (which is not null && !which.Contains(b)) continue;
            w.WriteBatch(b, start, Slice(r, start, count), varied.AsMemory(start * nv, count * nv));
        }
        if (complete) w.Complete(new DatasetTimings(0.1, 0.2, 0.3, w.WriteSeconds, 1.5));
        return w;
    }

    /// <summary>Members <paramref name="start"/> … + <paramref name="count"/> − 1 of <paramref name="r"/> as their own result.</summary>
    public static EnsembleResult Slice(EnsembleResult r, int start, int count)
    {
        var s = new EnsembleResult(count, r.Dim, r.Ts);
        for (int c = 0; c < r.Dim; c++)
        {
            for (int k = 0; k < r.Ts.Length; k++)
                Array.Copy(r.Saved[c], (long)k * r.Members + start, s.Saved[c], (long)k * count, count);
            Array.Copy(r.Final[c], start, s.Final[c], 0, count);
        }
        Array.Copy(r.TFinal, start, s.TFinal, 0, count);
        Array.Copy(r.Results, start, s.Results, 0, count);
        Array.Copy(r.Steps, start, s.Steps, 0, count);
        Array.Copy(r.Accepted, start, s.Accepted, 0, count);
        Array.Copy(r.Rejected, start, s.Rejected, 0, count);
        Array.Copy(r.Nfe, start, s.Nfe, 0, count);
        return s;
    }

    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "diffrax-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>A DuckDB query as rows of boxed values.</summary>
    public static List<object?[]> Query(string sql)
    {
        using var conn = new DuckDBConnection("Data Source=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var rd = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (rd.Read())
        {
            var row = new object?[rd.FieldCount];
            for (int i = 0; i < rd.FieldCount; i++) row[i] = rd.IsDBNull(i) ? null : rd.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public static long Scalar(string sql) => Convert.ToInt64(Query(sql)[0][0], CultureInfo.InvariantCulture);

    /// <summary>A path as a DuckDB string literal.</summary>
    public static string Lit(string path) => "'" + path.Replace("'", "''") + "'";

    /// <summary>(column name, DuckDB type) of a Parquet file or glob.</summary>
    public static List<(string Name, string Type)> Describe(string fileOrGlob) =>
        Query($"DESCRIBE SELECT * FROM read_parquet({Lit(fileOrGlob)})").Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
}
