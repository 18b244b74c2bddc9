namespace Diffrax.Solvers.Expressions;

/// <summary>
/// The state struct for n components: <c>Vec1</c>…<c>Vec4</c> up to 4, else a balanced tree of <c>Cat</c> over
/// <c>Vec4</c> chunks and a remainder (6 → <c>Cat&lt;Vec4&lt;T&gt;, Vec2&lt;T&gt;, T&gt;</c>), with the field
/// path of each component (<c>A.X</c>, <c>B.Y</c>).
/// </summary>
internal sealed class StateLayout
{
    private static readonly string[] Fields = ["X", "Y", "Z", "W"];
    private readonly Node _root;
    private readonly string[] _paths;

    private StateLayout(Node root, int dim)
    {
        _root = root;
        Dim = dim;
        _paths = new string[dim];
        Fill(root, "");
    }

    /// <summary>Number of components.</summary>
    public int Dim { get; }

    /// <summary>The layout for <paramref name="dim"/> components (dim ≥ 1).</summary>
    public static StateLayout For(int dim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        var chunks = new List<int>();
        for (int left = dim; left > 0; left -= 4) chunks.Add(Math.Min(4, left));
        return new StateLayout(Build(chunks, 0, chunks.Count), dim);
    }

    /// <summary>C# type name over the scalar type parameter <paramref name="t"/>.</summary>
    public string TypeName(string t) => Name(_root, t);

    /// <summary>Field path of component <paramref name="i"/>, without a leading dot.</summary>
    public string Path(int i) => _paths[i];

    private abstract record Node;
    private sealed record Leaf(int Size, int Offset) : Node;
    private sealed record Pair(Node A, Node B) : Node;

    private static Node Build(List<int> chunks, int lo, int hi)
    {
        if (hi - lo == 1) return new Leaf(chunks[lo], lo * 4);
        int mid = lo + (hi - lo + 1) / 2;
        return new Pair(Build(chunks, lo, mid), Build(chunks, mid, hi));
    }

    private static string Name(Node n, string t) => n switch
    {
        Leaf l => $"Vec{l.Size}<{t}>",
        Pair p => $"Cat<{Name(p.A, t)}, {Name(p.B, t)}, {t}>",
        _ => throw new InvalidOperationException(),
    };

    private void Fill(Node n, string prefix)
    {
        switch (n)
        {
            case Leaf l:
                for (int k = 0; k < l.Size; k++) _paths[l.Offset + k] = prefix + Fields[k];
                break;
            case Pair p:
                Fill(p.A, prefix + "A.");
                Fill(p.B, prefix + "B.");
                break;
        }
    }
}
