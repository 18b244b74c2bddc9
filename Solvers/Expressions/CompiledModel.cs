using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.Loader;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.States;

namespace Diffrax.Solvers.Expressions;

/// <summary>
/// An equation model compiled by <see cref="EquationCompiler"/>: the generated generic struct
/// <c>&lt;Name&gt;Model&lt;T&gt;</c> (an <see cref="IModel{TSelf, T, TY}"/> and
/// <see cref="IDifferentiableField{T, TY}"/>), for an SDE the diffusion struct <c>&lt;Name&gt;Diffusion&lt;T&gt;</c>
/// (an <see cref="IEquationDiffusion{TSelf, T, TY, TW, TG}"/>), and helpers to close and call generic solver
/// methods over them. Callers close their generic driver once per job (<see cref="CloseMethod"/>), not per step.
/// </summary>
public sealed class CompiledModel
{
    private readonly AssemblyLoadContext _context;

    internal CompiledModel(EquationModel model, string source, Type modelType, Type? diffusionType, TimeSpan compileTime, AssemblyLoadContext context)
    {
        Spec = model.Spec;
        Hash = model.Hash;
        Source = source;
        ModelTypeDefinition = modelType;
        DiffusionTypeDefinition = diffusionType;
        CompileTime = compileTime;
        _context = context;
        Noise = model.Noise;
        NoiseDimension = model.NoiseDimension;
        StateDimension = model.States.Length;
        Info = new ModelInfo(model.Spec.Name, model.States, model.Params, model.Defaults, model.DefaultY0);
        CanonicalEquations = model.Canonical;
    }

    /// <summary>The spec this model was first compiled from.</summary>
    public EquationModelSpec Spec { get; }
    /// <summary>Names and defaults (equal to the generated struct's static <c>Info</c>).</summary>
    public ModelInfo Info { get; }
    /// <summary>The equations as parsed and re-printed: what the cache key hashes.</summary>
    public string CanonicalEquations { get; }
    /// <summary>Hex SHA-256 of <see cref="CanonicalEquations"/>: the cache key.</summary>
    public string Hash { get; }
    /// <summary>The generated C# source.</summary>
    public string Source { get; }
    /// <summary>Time to generate, compile and load the source (measured once, when first compiled).</summary>
    public TimeSpan CompileTime { get; }
    /// <summary>Number of state components n.</summary>
    public int StateDimension { get; }
    /// <summary>The diffusion's shape (<see cref="NoiseShape.None"/> for an ODE).</summary>
    public NoiseShape Noise { get; }
    /// <summary>Number of Brownian motions m (0 for an ODE).</summary>
    public int NoiseDimension { get; }
    /// <summary>The generated generic model struct definition <c>&lt;Name&gt;Model`1</c>.</summary>
    public Type ModelTypeDefinition { get; }
    /// <summary>The generated generic diffusion struct definition, or null for an ODE.</summary>
    public Type? DiffusionTypeDefinition { get; }

    /// <summary>The model struct closed over a scalar type (<c>typeof(F64)</c>, <c>typeof(Lane8)</c>, …).</summary>
    public Type MakeModelType(Type scalarType) => ModelTypeDefinition.MakeGenericType(CheckScalar(scalarType));

    /// <summary>The state type for <paramref name="scalarType"/>: <c>Vec1</c>…<c>Vec4</c> or a nested <c>Cat</c>.</summary>
    public Type MakeStateType(Type scalarType) => InterfaceArgs(MakeModelType(scalarType), typeof(IModel<,,>))[2];

    /// <summary>The diffusion struct closed over a scalar type.</summary>
    /// <exception cref="InvalidOperationException">The model has no diffusion.</exception>
    public Type MakeDiffusionType(Type scalarType)
        => (DiffusionTypeDefinition ?? throw new InvalidOperationException($"Equation model '{Spec.Name}' has no diffusion (it is an ODE)."))
            .MakeGenericType(CheckScalar(scalarType));

    /// <summary>The Brownian increment type TW (m components) of the diffusion.</summary>
    public Type MakeNoiseType(Type scalarType) => InterfaceArgs(MakeDiffusionType(scalarType), typeof(IEquationDiffusion<,,,,>))[3];

    /// <summary>The type TG of the diffusion's value (the diagonal, or the n × m matrix row-major).</summary>
    public Type MakeDiffusionValueType(Type scalarType) => InterfaceArgs(MakeDiffusionType(scalarType), typeof(IEquationDiffusion<,,,,>))[4];

    /// <summary>
    /// Closes a generic method definition over this model. Each type parameter is matched by its constraint: one
    /// constrained to <c>IModel</c> or <c>IVectorField</c> gets the model type, <c>IEquationDiffusion</c> or
    /// <c>IControlledField</c> the diffusion type, <c>IScalar</c> the scalar type, and <c>IState</c> the state type
    /// (the first such parameter; a second one is the noise type TW, a third the diffusion value type TG). So a
    /// driver <c>Run&lt;TModel, TY&gt;</c> or <c>Run&lt;TModel, T, TY&gt;</c> closes with no further help.
    /// </summary>
    /// <exception cref="ArgumentException">A type parameter cannot be matched.</exception>
    public MethodInfo CloseMethod(MethodInfo genericMethodDefinition, Type scalarType)
    {
        ArgumentNullException.ThrowIfNull(genericMethodDefinition);
        if (!genericMethodDefinition.IsGenericMethodDefinition)
            throw new ArgumentException($"{genericMethodDefinition.Name} is not a generic method definition.", nameof(genericMethodDefinition));
        var parameters = genericMethodDefinition.GetGenericArguments();
        var args = new Type[parameters.Length];
        int states = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            var defs = parameters[i].GetGenericParameterConstraints()
                .Where(c => c.IsGenericType).Select(c => c.GetGenericTypeDefinition()).ToHashSet();
            if (defs.Contains(typeof(IModel<,,>)) || defs.Contains(typeof(IDifferentiableField<,>)) || defs.Contains(typeof(Terms.IVectorField<,>)))
                args[i] = MakeModelType(scalarType);
            else if (defs.Contains(typeof(IEquationDiffusion<,,,,>)) || defs.Contains(typeof(Terms.IControlledField<,,,>)))
                args[i] = MakeDiffusionType(scalarType);
            else if (defs.Contains(typeof(IScalar<>)))
                args[i] = scalarType;
            else if (defs.Contains(typeof(IState<,>)))
            {
                args[i] = states switch
                {
                    0 => MakeStateType(scalarType),
                    1 => MakeNoiseType(scalarType),
                    2 => MakeDiffusionValueType(scalarType),
                    _ => throw new ArgumentException($"{genericMethodDefinition.Name} has more than three state type parameters; close it yourself.", nameof(genericMethodDefinition)),
                };
                states++;
            }
            else
                throw new ArgumentException(
                    $"Cannot tell what type parameter {parameters[i].Name} of {genericMethodDefinition.Name} stands for; constrain it to IModel, IScalar or IState, or close the method yourself with MakeModelType/MakeStateType.",
                    nameof(genericMethodDefinition));
        }
        return genericMethodDefinition.MakeGenericMethod(args);
    }

    /// <summary>
    /// Closes <paramref name="genericMethodDefinition"/> as <see cref="CloseMethod"/> does and invokes it, rethrowing
    /// the method's own exception (not a <see cref="TargetInvocationException"/>).
    /// </summary>
    public object? Invoke(MethodInfo genericMethodDefinition, Type scalarType, object? target, params object?[] args)
    {
        var method = CloseMethod(genericMethodDefinition, scalarType);
        try
        {
            return method.Invoke(target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ModelTypeDefinition.Name} ({Spec.Name}, {StateDimension} states, {Noise} noise)";

    internal void Unload() => _context.Unload();

    private static Type CheckScalar(Type scalarType)
    {
        ArgumentNullException.ThrowIfNull(scalarType);
        if (!scalarType.IsValueType || !scalarType.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IScalar<>)))
            throw new ArgumentException($"{scalarType.Name} is not a scalar type (IScalar<T>), e.g. F64 or Lane8.", nameof(scalarType));
        return scalarType;
    }

    private static Type[] InterfaceArgs(Type type, Type interfaceDefinition)
        => type.GetInterfaces().First(i => i.IsGenericType && i.GetGenericTypeDefinition() == interfaceDefinition).GetGenericArguments();
}
