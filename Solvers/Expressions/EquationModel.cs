using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Diffrax.Solvers.Expressions;

/// <summary>A validated, parsed <see cref="EquationModelSpec"/>.</summary>
internal sealed class EquationModel
{
    public const string Time = "t";

    private static readonly HashSet<string> ReservedMembers = new(StringComparer.Ordinal)
    {
        "Info", "Create", "Vf", "Jvp", "Vjp", "JacobianColumn", "JacobianEntry", "DfDp", "DfDt", "Prod", "DgDy", "NoiseDimension",
        "Sq", "Cube", "Pow4", "Sign", "TScalar", "TP", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize",
    };

    public required EquationModelSpec Spec { get; init; }
    public required string TypeBase { get; init; }
    public required string[] States { get; init; }
    public required string[] Params { get; init; }
    public required double[] Defaults { get; init; }
    public required double[] DefaultY0 { get; init; }
    public required (string Name, Expr Expr)[] Aux { get; init; }
    public required Expr[] Drift { get; init; }
    public required NoiseShape Noise { get; init; }
    /// <summary>[state][noise]: one column for diagonal noise.</summary>
    public required Expr[][] Diffusion { get; init; }
    public required int NoiseDimension { get; init; }
    public required string Canonical { get; init; }
    public required string Hash { get; init; }

    public static EquationModel Parse(EquationModelSpec spec)
    {
        var errors = new List<ExpressionException>();
        var model = Build(spec, errors);
        if (errors.Count > 0) throw errors[0];
        return model!;
    }

    public static EquationModel? Build(EquationModelSpec spec, List<ExpressionException> errors)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string? file = spec.SourceFile;
        string F(string field) => spec.FieldPrefix.Length == 0 ? field
            : spec.FieldPrefix.EndsWith('.') ? spec.FieldPrefix + field : spec.FieldPrefix + "." + field;
        void Err(string field, string reason, int line = 0, int column = 0) => errors.Add(new ExpressionException(reason, F(field), line, column, file));
        int before = errors.Count;

        string typeBase = PascalCase(spec.Name ?? "");
        if (typeBase.Length == 0) Err("name", $"model name '{spec.Name}' needs at least one letter or digit");

        var states = (spec.States ?? []).ToArray();
        var pars = (spec.Params ?? []).ToArray();
        var aux = (spec.Aux ?? []).ToArray();
        if (states.Length == 0) Err("states", "a model needs at least one state");

        // Names: identifiers, not t, not a function, unique across states, params and aux.
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        void CheckName(string? name, string kind, string field)
        {
            if (string.IsNullOrEmpty(name)) { Err(field, $"{kind} name is empty"); return; }
            if (!IsIdentifier(name)) { Err(field, $"{kind} name '{name}' is not an identifier (letters, digits and '_', not starting with a digit)"); return; }
            if (name == Time) { Err(field, $"{kind} name 't' is reserved for time"); return; }
            if (ExpressionFunctions.Arity(name) is not null) { Err(field, $"{kind} name '{name}' is a function name (functions: {string.Join(", ", ExpressionFunctions.Names)})"); return; }
            if (seen.TryGetValue(name, out var other)) { Err(field, $"duplicate name '{name}': already used as a {other}"); return; }
            seen[name] = kind;
        }
        for (int i = 0; i < states.Length; i++) CheckName(states[i], "state", $"states[{i}]");
        for (int i = 0; i < pars.Length; i++)
        {
            var p = pars[i];
            CheckName(p?.Name, "parameter", $"params[{i}]");
            if (p is null) continue;
            if (p.Name is not null && (ReservedMembers.Contains(p.Name) || p.Name == typeBase + "Model" || p.Name == typeBase + "Diffusion"))
                Err($"params.{p.Name}", $"parameter name '{p.Name}' is reserved in the generated model (reserved: {string.Join(", ", ReservedMembers.Order(StringComparer.Ordinal))})");
            if (!double.IsFinite(p.Default)) Err($"params.{p.Name}", $"default value {p.Default.ToString(CultureInfo.InvariantCulture)} is not finite");
        }
        for (int i = 0; i < aux.Length; i++) CheckName(aux[i]?.Name, "aux", $"aux[{i}]");

        var stateNames = states.Select(s => s ?? "").ToArray();
        var paramNames = pars.Select(p => p?.Name ?? "").ToArray();
        var auxNames = aux.Select(a => a?.Name ?? "").ToArray();
        var known = stateNames.Concat(paramNames).Concat(auxNames).Append(Time).ToArray();
        var auxIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < auxNames.Length; i++) auxIndex.TryAdd(auxNames[i], i);

        Expr? ParseOne(ExprSource? src, string field, List<(string, int)>? refs = null)
        {
            if (src is null) { Err(field, "empty expression"); return null; }
            try
            {
                return ExpressionParser.Parse(src.Text ?? "", known, new SourcePosition(F(field), src.Line, src.Column, file), refs);
            }
            catch (ExpressionException ex) { errors.Add(ex); return null; }
        }

        // Aux: parse against every name, then reject references to the same or a later aux (forward use or cycle).
        var auxExprs = new Expr?[aux.Length];
        var auxRefs = new List<(string Name, int Offset)>[aux.Length];
        for (int i = 0; i < aux.Length; i++)
        {
            if (aux[i] is null) continue;
            auxRefs[i] = [];
            auxExprs[i] = ParseOne(aux[i].Source, $"aux.{auxNames[i]}", auxRefs[i]);
        }
        for (int i = 0; i < aux.Length; i++)
        {
            if (auxExprs[i] is null) continue;
            foreach (var (name, offset) in auxRefs[i])
            {
                if (!auxIndex.TryGetValue(name, out int j) || j < i) continue;
                var src = aux[i].Source;
                var where = new SourcePosition(F($"aux.{auxNames[i]}"), src.Line, src.Column, file);
                string reason;
                if (j == i) reason = $"aux '{name}' refers to itself";
                else if (FindCycle(j, i, auxRefs, auxIndex) is { } path)
                    reason = $"aux cycle: {string.Join(" -> ", path.Prepend(i).Select(k => auxNames[k]))}";
                else reason = $"aux '{name}' is defined after '{auxNames[i]}' (aux are evaluated in order: move '{name}' above '{auxNames[i]}')";
                errors.Add(where.Error(src.Text ?? "", offset, reason));
                auxExprs[i] = null;
                break;
            }
        }

        // Drift: exactly one per state.
        var stateIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < stateNames.Length; i++) stateIndex.TryAdd(stateNames[i], i);
        var drift = new Expr?[states.Length];
        var hasDrift = new bool[states.Length];
        foreach (var d in spec.Drift ?? [])
        {
            if (d is null) continue;
            if (!stateIndex.TryGetValue(d.Name ?? "", out int i))
            {
                Err($"drift.{d.Name}", $"'{d.Name}' is not a state (states: {string.Join(", ", stateNames)})", d.Source?.Line ?? 0, d.Source?.Column ?? 0);
                continue;
            }
            if (hasDrift[i]) { Err($"drift.{d.Name}", $"state '{d.Name}' has more than one drift", d.Source?.Line ?? 0, d.Source?.Column ?? 0); continue; }
            hasDrift[i] = true;
            drift[i] = ParseOne(d.Source, $"drift.{d.Name}");
        }
        for (int i = 0; i < states.Length; i++)
            if (!hasDrift[i] && stateNames[i].Length > 0) Err("drift", $"state '{stateNames[i]}' has no drift (every state needs one)");

        // Diffusion.
        var noise = NoiseShape.None;
        int m = 0;
        var diffusion = new Expr?[states.Length][];
        switch (spec.Diffusion)
        {
            case DiagonalDiffusionSpec diag:
            {
                noise = NoiseShape.Diagonal;
                m = states.Length;
                var has = new bool[states.Length];
                foreach (var d in diag.Entries ?? [])
                {
                    if (d is null) continue;
                    if (!stateIndex.TryGetValue(d.Name ?? "", out int i))
                    {
                        Err($"diffusion.{d.Name}", $"'{d.Name}' is not a state (states: {string.Join(", ", stateNames)})", d.Source?.Line ?? 0, d.Source?.Column ?? 0);
                        continue;
                    }
                    if (has[i]) { Err($"diffusion.{d.Name}", $"state '{d.Name}' has more than one diffusion", d.Source?.Line ?? 0, d.Source?.Column ?? 0); continue; }
                    has[i] = true;
                    diffusion[i] = [ParseOne(d.Source, $"diffusion.{d.Name}")];
                }
                for (int i = 0; i < states.Length; i++) diffusion[i] ??= [ExprAlgebra.Zero];
                break;
            }
            case GeneralDiffusionSpec gen:
            {
                noise = NoiseShape.General;
                m = gen.NoiseDimension;
                if (m < 1) { Err("diffusion.noise", $"noise dimension {m} must be at least 1"); break; }
                var has = new bool[states.Length];
                foreach (var row in gen.Rows ?? [])
                {
                    if (row is null) continue;
                    if (!stateIndex.TryGetValue(row.State ?? "", out int i))
                    {
                        Err($"diffusion.{row.State}", $"'{row.State}' is not a state (states: {string.Join(", ", stateNames)})");
                        continue;
                    }
                    if (has[i]) { Err($"diffusion.{row.State}", $"state '{row.State}' has more than one diffusion row"); continue; }
                    has[i] = true;
                    var entries = row.Entries ?? [];
                    if (entries.Count != m)
                    {
                        Err($"diffusion.{row.State}", $"row has {entries.Count} entr{(entries.Count == 1 ? "y" : "ies")} but the noise dimension is {m}");
                        continue;
                    }
                    diffusion[i] = new Expr?[m];
                    for (int j = 0; j < m; j++) diffusion[i][j] = ParseOne(entries[j], $"diffusion.{row.State}[{j}]");
                }
                for (int i = 0; i < states.Length; i++) diffusion[i] ??= Enumerable.Repeat<Expr?>(ExprAlgebra.Zero, m).ToArray();
                break;
            }
        }

        double[] y0 = new double[states.Length];
        if (spec.DefaultY0 is { } dy0)
        {
            if (dy0.Count != states.Length) Err("y0", $"default initial state has {dy0.Count} values but the model has {states.Length} states");
            else
            {
                for (int i = 0; i < dy0.Count; i++)
                {
                    if (!double.IsFinite(dy0[i])) Err($"y0[{i}]", $"value {dy0[i].ToString(CultureInfo.InvariantCulture)} is not finite");
                    y0[i] = dy0[i];
                }
            }
        }

        if (errors.Count > before) return null;

        var auxList = aux.Select((a, i) => (a.Name, auxExprs[i]!)).ToArray();
        var driftList = drift.Select(d => d!).ToArray();
        var diffList = noise == NoiseShape.None ? [] : diffusion.Select(r => r.Select(e => e!).ToArray()).ToArray();
        var defaults = pars.Select(p => p.Default).ToArray();
        string canonical = Canonicalize(spec.Name!, stateNames, paramNames, defaults, y0, auxList, driftList, noise, m, diffList);
        return new EquationModel
        {
            Spec = spec,
            TypeBase = typeBase,
            States = stateNames,
            Params = paramNames,
            Defaults = defaults,
            DefaultY0 = y0,
            Aux = auxList,
            Drift = driftList,
            Noise = noise,
            NoiseDimension = m,
            Diffusion = diffList,
            Canonical = canonical,
            Hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))),
        };
    }

    /// <summary>A path of aux indices from <paramref name="from"/> back to <paramref name="target"/>, if any.</summary>
    private static List<int>? FindCycle(int from, int target, List<(string Name, int Offset)>[] refs, Dictionary<string, int> auxIndex)
    {
        var visited = new HashSet<int>();
        var path = new List<int>();
        bool Dfs(int k)
        {
            path.Add(k);
            if (k == target) return true;
            if (visited.Add(k) && refs[k] is { } list)
                foreach (var (name, _) in list)
                    if (auxIndex.TryGetValue(name, out int j) && Dfs(j)) return true;
            path.RemoveAt(path.Count - 1);
            return false;
        }
        return Dfs(from) ? path : null;
    }

    private static string Canonicalize(string name, string[] states, string[] pars, double[] defaults, double[] y0,
        (string Name, Expr Expr)[] aux, Expr[] drift, NoiseShape noise, int m, Expr[][] diffusion)
    {
        var sb = new StringBuilder();
        sb.Append("name=").Append(name).Append('\n');
        sb.Append("states=").Append(string.Join(',', states)).Append('\n');
        sb.Append("params=").Append(string.Join(',', pars.Select((p, i) => p + ":" + ExprPrinter.Number(defaults[i])))).Append('\n');
        sb.Append("y0=").Append(string.Join(',', y0.Select(ExprPrinter.Number))).Append('\n');
        foreach (var (n, e) in aux) sb.Append("aux ").Append(n).Append('=').Append(e).Append('\n');
        for (int i = 0; i < drift.Length; i++) sb.Append("drift ").Append(states[i]).Append('=').Append(drift[i]).Append('\n');
        sb.Append("noise=").Append(noise).Append(':').Append(m).Append('\n');
        for (int i = 0; i < diffusion.Length; i++)
            for (int j = 0; j < diffusion[i].Length; j++)
                sb.Append("diffusion ").Append(states[i]).Append('[').Append(j).Append("]=").Append(diffusion[i][j]).Append('\n');
        return sb.ToString();
    }

    internal static bool IsIdentifier(string s)
    {
        if (s.Length == 0 || !(char.IsAsciiLetter(s[0]) || s[0] == '_')) return false;
        foreach (char c in s) if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }

    /// <summary><c>lotka-volterra</c> → <c>LotkaVolterra</c>; a leading digit gets the prefix <c>Eq</c>.</summary>
    internal static string PascalCase(string name)
    {
        var sb = new StringBuilder();
        bool upper = true;
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c)) { upper = true; continue; }
            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        if (sb.Length > 0 && char.IsAsciiDigit(sb[0])) sb.Insert(0, "Eq");
        return sb.ToString();
    }
}
