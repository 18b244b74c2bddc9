using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Diffrax.Solvers.Lanes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Diffrax.Solvers.Expressions;

/// <summary>
/// Compiles equation models written in job files (<see cref="EquationModelSpec"/>) into real structs with Roslyn:
/// the generated <c>&lt;Name&gt;Model&lt;T&gt;</c> has the same shape as the built-in models, so the same generic
/// solver code runs it on doubles, SIMD lanes and GPU kernels at the speed of a hand-written model (DESIGN.md §6).
/// Each model is compiled once per process: the cache key is a SHA-256 hash of the canonical (parsed and
/// re-printed) equations, so whitespace does not matter. Assemblies load into collectible load contexts.
/// </summary>
public static class EquationCompiler
{
    private static readonly ConcurrentDictionary<string, Lazy<CompiledModel>> Cache = new(StringComparer.Ordinal);

    // Recreating the reference list costs tens of milliseconds per compile; build it once (DESIGN.md §6).
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(BuildReferences);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        optimizationLevel: OptimizationLevel.Release,
        nullableContextOptions: NullableContextOptions.Disable,
        concurrentBuild: false, // one small file: parallel binding only adds thread-pool traffic
        deterministic: true);

    private static long _firstCompileTicks = -1;

    /// <summary>
    /// Validates, generates and compiles <paramref name="spec"/>, or returns the cached model with the same
    /// equations (the very same <see cref="CompiledModel"/> instance and types).
    /// </summary>
    /// <exception cref="ExpressionException">The spec is invalid (the first problem found).</exception>
    public static CompiledModel Compile(EquationModelSpec spec)
    {
        var model = EquationModel.Parse(spec);
        var lazy = Cache.GetOrAdd(model.Hash, _ => new Lazy<CompiledModel>(() => CompileCore(model), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Cache.TryRemove(new KeyValuePair<string, Lazy<CompiledModel>>(model.Hash, lazy));
            throw;
        }
    }

    /// <summary>The C# source <see cref="Compile"/> would compile for <paramref name="spec"/>, without compiling it.</summary>
    /// <exception cref="ExpressionException">The spec is invalid.</exception>
    public static string GenerateSource(EquationModelSpec spec) => EquationCodeGenerator.Generate(EquationModel.Parse(spec));

    /// <summary>The hash of <paramref name="spec"/>'s canonical equations: the cache key (hex SHA-256).</summary>
    /// <exception cref="ExpressionException">The spec is invalid.</exception>
    public static string Hash(EquationModelSpec spec) => EquationModel.Parse(spec).Hash;

    /// <summary>
    /// Compiles a tiny model in the background so that the first real compile does not pay Roslyn's start-up
    /// (about 0.7 s in a fresh process, DESIGN.md §6). Safe to call any number of times.
    /// </summary>
    public static Task WarmUpAsync() => Task.Run(() => Compile(new EquationModelSpec(
        "warm up", ["x"], [new ParamSpec("k", 1)], [], [new NamedExpr("x", "-k*x")])));

    /// <summary>Compile time of the first model compiled in this process (including Roslyn's start-up), or null.</summary>
    internal static TimeSpan? FirstCompileTime
    {
        get
        {
            long ticks = Interlocked.Read(ref _firstCompileTicks);
            return ticks < 0 ? null : TimeSpan.FromTicks(ticks);
        }
    }

    /// <summary>Number of models compiled and cached in this process.</summary>
    public static int CachedCount => Cache.Count;

    /// <summary>
    /// Forgets every cached model and lets their load contexts unload once nothing references their types (a live
    /// ILGPU context holding a kernel of one keeps it loaded).
    /// </summary>
    public static void ClearCache()
    {
        foreach (var key in Cache.Keys)
            if (Cache.TryRemove(key, out var lazy) && lazy.IsValueCreated) lazy.Value.Unload();
    }

    private static CompiledModel CompileCore(EquationModel model)
    {
        var sw = Stopwatch.StartNew();
        string source = EquationCodeGenerator.Generate(model);
        string assemblyName = $"Diffrax.Equations.{model.TypeBase}.{model.Hash[..16]}";
        var tree = CSharpSyntaxTree.ParseText(source, ParseOptions, path: model.TypeBase + ".g.cs");
        var compilation = CSharpCompilation.Create(assemblyName, [tree], References.Value, CompilationOptions);
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
            throw new InvalidOperationException(
                $"The generated code for equation model '{model.Spec.Name}' does not compile (a bug in the equation compiler):\n"
                + string.Join('\n', errors) + "\n--- source ---\n" + source);
        }
        image.Position = 0;
        var context = new EquationLoadContext(assemblyName);
        var assembly = context.LoadFromStream(image);
        string ns = EquationCodeGenerator.Namespace;
        var modelType = assembly.GetType($"{ns}.{EquationCodeGenerator.ModelTypeName(model)}`1", throwOnError: true)!;
        var diffusionType = model.Noise == NoiseShape.None ? null
            : assembly.GetType($"{ns}.{EquationCodeGenerator.DiffusionTypeName(model)}`1", throwOnError: true)!;
        sw.Stop();
        Interlocked.CompareExchange(ref _firstCompileTicks, sw.Elapsed.Ticks, -1);
        return new CompiledModel(model, source, modelType, diffusionType, sw.Elapsed, context);
    }

    private static ImmutableArray<MetadataReference> BuildReferences()
    {
        // The solver assembly, everything it references (System.Runtime, Contracts, …) and the core library.
        var solvers = typeof(IScalar<>).Assembly;
        var paths = new HashSet<string>(StringComparer.Ordinal);
        void Add(Assembly a)
        {
            if (string.IsNullOrEmpty(a.Location))
                throw new InvalidOperationException($"Cannot compile equation models: assembly {a.GetName().Name} has no file location (single-file publish is not supported).");
            paths.Add(a.Location);
        }
        Add(solvers);
        Add(typeof(object).Assembly);
        var context = AssemblyLoadContext.GetLoadContext(solvers) ?? AssemblyLoadContext.Default;
        foreach (var name in solvers.GetReferencedAssemblies())
        {
            try { Add(context.LoadFromAssemblyName(name)); }
            catch (FileNotFoundException) { /* analyzer-only or optional references */ }
        }
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    /// <summary>A collectible context that resolves our own assemblies to the copies the host already loaded.</summary>
    private sealed class EquationLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
    {
        private static readonly AssemblyLoadContext Host = AssemblyLoadContext.GetLoadContext(typeof(IScalar<>).Assembly) ?? Default;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            foreach (var a in Host.Assemblies)
                if (AssemblyName.ReferenceMatchesDefinition(assemblyName, a.GetName())) return a;
            return null;
        }
    }
}
