using System.Globalization;
using Diffrax.Contracts.Jobs;
using YamlDotNet.RepresentationModel;

namespace Diffrax.Coordinator.Jobs;

/// <summary>Reads typed values out of YAML nodes, recording a <see cref="JobError"/> with the node's position for every mismatch.</summary>
internal sealed class YamlFields(string? file, List<JobError> errors)
{
    public string? File { get; } = file;
    public List<JobError> Errors { get; } = errors;

    public static SourceMark MarkOf(YamlNode node) => new((int)node.Start.Line, (int)node.Start.Column);

    public void Error(YamlNode? node, string field, string message)
        => Errors.Add(new JobError(File, node is null ? 0 : (int)node.Start.Line, node is null ? 0 : (int)node.Start.Column, field, message));

    public void Error(SourceMark at, string field, string message) => Errors.Add(new JobError(File, at.Line, at.Column, field, message));

    public static string Join(string parent, string child) => parent.Length == 0 ? child : parent + "." + child;

    /// <summary>A short description of what a node is, for "got …" in messages.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode { Value: null or "" } s when s.Style is YamlDotNet.Core.ScalarStyle.Plain => "nothing",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "an unsupported node",
    };

    public YamlMappingNode? Mapping(YamlNode node, string field, string expected = "a mapping")
    {
        if (node is YamlMappingNode m) return m;
        Error(node, field, $"expected {expected}, got {Describe(node)}");
        return null;
    }

    /// <summary>The entries of a mapping, reporting keys that are not scalars or not among <paramref name="known"/>.</summary>
    public List<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, string field, IReadOnlyList<string>? known)
    {
        var list = new List<(string, YamlScalarNode, YamlNode)>();
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode ks || ks.Value is null)
            {
                Error(k, field, $"expected a field name, got {Describe(k)}");
                continue;
            }
            if (known is not null && !known.Contains(ks.Value))
            {
                Error(k, Join(field, ks.Value), $"unknown field '{ks.Value}' (known fields: {string.Join(", ", known)})");
                continue;
            }
            list.Add((ks.Value, ks, v));
        }
        return list;
    }

    public static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    public double? Double(YamlNode node, string field)
    {
        if (node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s && s.Value is { } v)
        {
            string t = v.Trim();
            if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)) return d;
            switch (t)
            {
                case ".inf" or ".Inf" or ".INF" or "+.inf" or "inf" or "Infinity": return double.PositiveInfinity;
                case "-.inf" or "-.Inf" or "-.INF" or "-inf" or "-Infinity": return double.NegativeInfinity;
            }
        }
        Error(node, field, $"expected a number, got {Describe(node)}");
        return null;
    }

    /// <summary>A finite number.</summary>
    public double? Finite(YamlNode node, string field)
    {
        double? d = Double(node, field);
        if (d is { } x && !double.IsFinite(x)) { Error(node, field, $"expected a finite number, got {Describe(node)}"); return null; }
        return d;
    }

    public long? Integer(YamlNode node, string field)
    {
        if (node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s && s.Value is { } v
            && long.TryParse(v.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n))
            return n;
        Error(node, field, $"expected a whole number, got {Describe(node)}");
        return null;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int? Int(YamlNode node, string field, long min, long max = int.MaxValue)
    {
        long? n = Integer(node, field);
        if (n is null) return null;
        if (n < min || n > max)
        {
            Error(node, field, max == int.MaxValue ? $"expected a whole number ≥ {min}, got {n}" : $"expected a whole number in [{min}, {max}], got {n}");
            return null;
        }
        return (int)n;
    }

    public bool? Bool(YamlNode node, string field)
    {
        if (node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s)
        {
            switch (s.Value?.Trim())
            {
                case "true" or "True" or "TRUE" or "yes" or "on": return true;
                case "false" or "False" or "FALSE" or "no" or "off": return false;
            }
        }
        Error(node, field, $"expected true or false, got {Describe(node)}");
        return null;
    }

    public string? String(YamlNode node, string field, string expected = "a text value")
    {
        if (node is YamlScalarNode s && !IsNull(node) && s.Value is { Length: > 0 } v) return v;
        Error(node, field, $"expected {expected}, got {Describe(node)}");
        return null;
    }

    public YamlSequenceNode? Sequence(YamlNode node, string field, string expected = "a list")
    {
        if (node is YamlSequenceNode q) return q;
        Error(node, field, $"expected {expected}, got {Describe(node)}");
        return null;
    }

    /// <summary>A list of finite numbers; null (with errors recorded) if any item is not one.</summary>
    public List<double>? Numbers(YamlNode node, string field)
    {
        var q = Sequence(node, field, "a list of numbers");
        if (q is null) return null;
        var r = new List<double>(q.Children.Count);
        bool ok = true;
        for (int i = 0; i < q.Children.Count; i++)
        {
            double? d = Finite(q.Children[i], $"{field}[{i}]");
            if (d is null) ok = false; else r.Add(d.Value);
        }
        return ok ? r : null;
    }

    public List<string>? Names(YamlNode node, string field)
    {
        var q = Sequence(node, field, "a list of names");
        if (q is null) return null;
        var r = new List<string>(q.Children.Count);
        bool ok = true;
        for (int i = 0; i < q.Children.Count; i++)
        {
            string? s = String(q.Children[i], $"{field}[{i}]", "a name");
            if (s is null) ok = false; else r.Add(s);
        }
        return ok ? r : null;
    }
}
