using Diffrax.Coordinator.Output;
using ScottPlot;

namespace Diffrax.Coordinator.Plots;

/// <summary>Which single plot <see cref="PlotRenderer.Render(string, PlotKind, string, int, int, IReadOnlyList{int})"/> draws.</summary>
public enum PlotKind
{
    /// <summary>Each state over time for a few members, one panel per state.</summary>
    Trajectories,
    /// <summary>Phase portrait of a 2- or 3-state system: x–y for two states, x–z for three (Lorenz butterflies).</summary>
    Phase,
    /// <summary>5/25/50/75/95 % quantile bands over time across all members, one panel per state.</summary>
    Quantiles,
}

/// <summary>
/// Renders PNG plots of a dataset folder with ScottPlot (headless). Titles and axis labels come from the job name
/// and the model's state names. Wide states show at most <see cref="MaxPanels"/> state panels.
/// </summary>
public static class PlotRenderer
{
    /// <summary>Members drawn by default: the first few of the dataset.</summary>
    public const int DefaultMembers = 5;
    /// <summary>Most state panels in one picture.</summary>
    public const int MaxPanels = 6;
    /// <summary>Smallest ensemble for which <see cref="RenderAll"/> draws quantile bands.</summary>
    public const int QuantileMinMembers = 20;
    /// <summary>Probabilities of the quantile bands.</summary>
    public static readonly IReadOnlyList<double> BandProbabilities = [0.05, 0.25, 0.5, 0.75, 0.95];

    /// <summary>
    /// Draws an overview of the dataset in <paramref name="dir"/> into the PNG <paramref name="outFile"/> of
    /// <paramref name="width"/> × <paramref name="height"/> pixels: one row per state (at most <see cref="MaxPanels"/>)
    /// with the trajectories of <paramref name="members"/> (default: the first <see cref="DefaultMembers"/>) on the
    /// left, the quantile bands beside them when the ensemble has at least <see cref="QuantileMinMembers"/> members and
    /// more than one save time, and, for 2- or 3-state systems, the phase portrait in a column on the right.
    /// </summary>
    public static void Render(string dir, IReadOnlyList<int>? members, string outFile, int width = 1200, int height = 800)
    {
        CheckSize(width, height);
        Save(BuildOverview(DatasetReader.Open(dir), members), outFile, width, height);
    }

    /// <summary>The overview figure (see <see cref="Render(string, IReadOnlyList{int}, string, int, int)"/>).</summary>
    internal static Multiplot BuildOverview(DatasetReader reader, IReadOnlyList<int>? members)
    {
        var m = reader.Manifest;
        var trajectories = Select(reader, members);
        int panels = Math.Min(m.StateNames.Count, MaxPanels);
        bool bands = reader.MembersWritten >= QuantileMinMembers && (m.SaveTimes?.Count ?? 0) > 1;
        bool phase = m.StateNames.Count is 2 or 3;
        int cols = 1 + (bands ? 1 : 0) + (phase ? 1 : 0);
        var mp = EmptyFigure();
        var grid = new ScottPlot.MultiplotLayouts.CustomGrid();
        mp.Layout = grid;
        var left = new List<Plot>();
        for (int c = 0; c < panels; c++)
        {
            var p = mp.AddPlot();
            grid.Set(p, new GridCell(c, 0, panels, cols, 1, 1));
            DrawTrajectories(p, trajectories, m.StateNames[c], c, legend: c == 0 && trajectories.Count <= 10);
            if (c == panels - 1) p.XLabel("t");
            if (c == 0) p.Title(Title(reader, "trajectories"));
            left.Add(p);
        }
        if (bands)
        {
            var q = reader.ReadQuantiles(BandProbabilities);
            for (int c = 0; c < panels; c++)
            {
                var p = mp.AddPlot();
                grid.Set(p, new GridCell(c, 1, panels, cols, 1, 1));
                DrawBands(p, q, m.StateNames[c], c, legend: c == 0);
                if (c == panels - 1) p.XLabel("t");
                if (c == 0) p.Title($"quantiles over {q.MembersUsed} members");
                left.Add(p);
            }
        }
        mp.SharedAxes.ShareX(left);
        if (phase)
        {
            var p = mp.AddPlot();
            grid.Set(p, new GridCell(0, cols - 1, panels, cols, panels, 1));
            DrawPhase(p, trajectories, m.StateNames, legend: false);
        }
        return mp;
    }

    /// <summary>
    /// Draws one <paramref name="kind"/> of plot for the dataset in <paramref name="dir"/> into the PNG
    /// <paramref name="outFile"/> of <paramref name="width"/> × <paramref name="height"/> pixels. <paramref name="members"/>
    /// selects the members of trajectory and phase plots (default: the first <see cref="DefaultMembers"/>). Throws
    /// <see cref="ArgumentException"/> for a phase plot of a system without 2 or 3 states, or when no selected member is
    /// in the dataset.
    /// </summary>
    public static void Render(string dir, PlotKind kind, string outFile, int width = 1200, int height = 800, IReadOnlyList<int>? members = null)
    {
        CheckSize(width, height);
        Save(Build(DatasetReader.Open(dir), kind, members), outFile, width, height);
    }

    /// <summary>The figure of one <paramref name="kind"/> of plot.</summary>
    internal static Multiplot Build(DatasetReader reader, PlotKind kind, IReadOnlyList<int>? members)
    {
        var names = reader.Manifest.StateNames;
        int panels = Math.Min(names.Count, MaxPanels);
        var mp = EmptyFigure();
        switch (kind)
        {
            case PlotKind.Trajectories:
            {
                var trajectories = Select(reader, members);
                mp.AddPlots(panels);
                for (int c = 0; c < panels; c++)
                {
                    Plot p = mp.GetPlot(c);
                    DrawTrajectories(p, trajectories, names[c], c, legend: c == 0 && trajectories.Count <= 10);
                    if (c == panels - 1) p.XLabel("t");
                    if (c == 0) p.Title(Title(reader, names.Count > panels ? $"trajectories (first {panels} of {names.Count} states)" : "trajectories"));
                }
                mp.SharedAxes.ShareX(mp.GetPlots());
                break;
            }
            case PlotKind.Phase:
            {
                if (names.Count is not (2 or 3))
                    throw new ArgumentException($"a phase portrait needs 2 or 3 states; {reader.Manifest.JobName} has {names.Count}.", nameof(kind));
                var trajectories = Select(reader, members);
                Plot p = mp.AddPlot();
                DrawPhase(p, trajectories, names, legend: trajectories.Count <= 10);
                p.Title(Title(reader, PhaseTitle(names)));
                break;
            }
            case PlotKind.Quantiles:
            {
                var q = reader.ReadQuantiles(BandProbabilities);
                mp.AddPlots(panels);
                for (int c = 0; c < panels; c++)
                {
                    Plot p = mp.GetPlot(c);
                    DrawBands(p, q, names[c], c, legend: c == 0);
                    if (c == panels - 1) p.XLabel("t");
                    if (c == 0) p.Title(Title(reader, $"quantiles over {q.MembersUsed} members"));
                }
                mp.SharedAxes.ShareX(mp.GetPlots());
                break;
            }
            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }
        return mp;
    }

    /// <summary>
    /// Draws every single plot that fits the dataset into <paramref name="outDir"/>: <c>trajectories.png</c>,
    /// <c>phase.png</c> (2 or 3 states) and <c>quantiles.png</c> (at least <see cref="QuantileMinMembers"/> members and
    /// more than one save time). Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> RenderAll(string dir, string outDir, int width = 1200, int height = 800, IReadOnlyList<int>? members = null)
    {
        var m = DatasetManifest.Read(dir);
        var files = new List<string>();
        void One(PlotKind k, string name)
        {
            string f = Path.Combine(outDir, name);
            Render(dir, k, f, width, height, members);
            files.Add(f);
        }
        One(PlotKind.Trajectories, "trajectories.png");
        if (m.StateNames.Count is 2 or 3) One(PlotKind.Phase, "phase.png");
        if (m.Batches.Sum(b => (long)b.MemberCount) >= QuantileMinMembers && (m.SaveTimes?.Count ?? 0) > 1) One(PlotKind.Quantiles, "quantiles.png");
        return files;
    }

    /// <summary>A figure with no panels (a new <see cref="Multiplot"/> starts with one).</summary>
    private static Multiplot EmptyFigure()
    {
        var mp = new Multiplot();
        foreach (var p in mp.GetPlots().ToArray()) mp.RemovePlot(p);
        return mp;
    }

    private static void CheckSize(int width, int height)
    {
        if (width < 50 || height < 50) throw new ArgumentException($"plot size {width}×{height} is too small (at least 50×50).");
    }

    private static void Save(Multiplot mp, string outFile, int width, int height)
    {
        string? parent = Path.GetDirectoryName(Path.GetFullPath(outFile));
        if (parent is not null) Directory.CreateDirectory(parent);
        // Plain numbers on the axes: no digit grouping (t = 1998 reads as a year, not "1,998").
        foreach (var p in mp.GetPlots())
            foreach (var axis in new ScottPlot.IAxis[] { p.Axes.Bottom, p.Axes.Left })
                axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
                {
                    LabelFormatter = v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
                };
        mp.SavePng(outFile, width, height);
    }

    private static IReadOnlyList<Trajectory> Select(DatasetReader reader, IReadOnlyList<int>? members)
    {
        IReadOnlyList<long> want = members is { Count: > 0 }
            ? members.Select(i => (long)i).ToArray()
            : reader.Manifest.Batches.OrderBy(b => b.MemberStart)
                .SelectMany(b => Enumerable.Range(b.MemberStart, b.MemberCount).Select(i => (long)i)).Take(DefaultMembers).ToArray();
        var found = reader.ReadTrajectories(want);
        if (found.Count == 0) throw new ArgumentException($"none of the members {string.Join(", ", want.Take(10))} is in the dataset {reader.Folder}.", nameof(members));
        return found;
    }

    private static void DrawTrajectories(Plot p, IReadOnlyList<Trajectory> trajectories, string name, int c, bool legend)
    {
        foreach (var tr in trajectories)
        {
            var line = p.Add.ScatterLine(tr.T, tr.States[c]);
            line.LegendText = $"member {tr.Member}";
            line.MarkerSize = tr.T.Length <= 50 ? 4 : 0;
        }
        p.YLabel(name);
        Legend(p, legend);
    }

    private static void DrawPhase(Plot p, IReadOnlyList<Trajectory> trajectories, IReadOnlyList<string> names, bool legend)
    {
        int xi = 0, yi = names.Count == 3 ? 2 : 1;
        foreach (var tr in trajectories)
        {
            var line = p.Add.ScatterLine(tr.States[xi], tr.States[yi]);
            line.LegendText = $"member {tr.Member}";
            line.MarkerSize = tr.T.Length <= 50 ? 4 : 0;
        }
        p.XLabel(names[xi]);
        p.YLabel(names[yi]);
        p.Title(PhaseTitle(names));
        Legend(p, legend);
    }

    // ScottPlot shows a legend by itself once plottables have legend text; only the first panel should.
    private static void Legend(Plot p, bool show)
    {
        if (show) p.ShowLegend(Alignment.UpperRight);
        else p.HideLegend();
    }

    private static string PhaseTitle(IReadOnlyList<string> names) => $"phase portrait {names[0]}–{names[names.Count == 3 ? 2 : 1]}";

    private static void DrawBands(Plot p, QuantileBands q, string name, int c, bool legend)
    {
        var color = Colors.C0;
        var outer = p.Add.FillY(q.T, q.Values[c][0], q.Values[c][4]);
        outer.FillColor = color.WithAlpha(0.2);
        outer.LineColor = Colors.Transparent;
        outer.LegendText = "5–95 %";
        var inner = p.Add.FillY(q.T, q.Values[c][1], q.Values[c][3]);
        inner.FillColor = color.WithAlpha(0.4);
        inner.LineColor = Colors.Transparent;
        inner.LegendText = "25–75 %";
        var median = p.Add.ScatterLine(q.T, q.Values[c][2], color);
        median.LineWidth = 2;
        median.MarkerSize = 0;
        median.LegendText = "median";
        p.YLabel(name);
        Legend(p, legend);
    }

    private static string Title(DatasetReader reader, string what) => $"{reader.Manifest.JobName}: {what}";
}
