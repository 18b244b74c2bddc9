using System.Globalization;
using System.Text;

namespace Diffrax.Solvers.Expressions;

/// <summary>A binary arithmetic operator.</summary>
public enum BinaryOperator
{
    /// <summary>a + b.</summary>
    Add,
    /// <summary>a − b.</summary>
    Subtract,
    /// <summary>a · b.</summary>
    Multiply,
    /// <summary>a / b.</summary>
    Divide,
    /// <summary>a ^ b (written <c>^</c>, <c>**</c> or <c>pow(a, b)</c>).</summary>
    Power,
}

/// <summary>A function an expression may call.</summary>
public enum MathFunction
{
    /// <summary>e^x.</summary>
    Exp,
    /// <summary>Natural logarithm.</summary>
    Log,
    /// <summary>Square root.</summary>
    Sqrt,
    /// <summary>Sine.</summary>
    Sin,
    /// <summary>Cosine.</summary>
    Cos,
    /// <summary>Tangent.</summary>
    Tan,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Absolute value.</summary>
    Abs,
    /// <summary>Smaller of two.</summary>
    Min,
    /// <summary>Larger of two.</summary>
    Max,
    /// <summary>−1, 0 or 1 by the sign of x: produced by differentiating <see cref="Abs"/>; job files cannot call it.</summary>
    Sign,
}

/// <summary>
/// An immutable expression tree parsed from a job file (<see cref="ExpressionParser"/>). Records compare by
/// structure; <see cref="ToString"/> prints infix text that parses back to an equal tree.
/// </summary>
public abstract record Expr
{
    private protected Expr() { }

    /// <summary>Evaluates the expression in double precision, looking variables up in <paramref name="variables"/>.</summary>
    public double Evaluate(Func<string, double> variables) => ExprEvaluator.Evaluate(this, variables);

    /// <summary>The names of the variables the expression uses.</summary>
    public IReadOnlySet<string> Variables()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        Collect(this, set);
        return set;

        static void Collect(Expr e, HashSet<string> set)
        {
            switch (e)
            {
                case VariableExpr v: set.Add(v.Name); break;
                case NegateExpr n: Collect(n.Operand, set); break;
                case BinaryExpr b: Collect(b.Left, set); Collect(b.Right, set); break;
                case CallExpr c: Collect(c.Argument, set); if (c.Second is { } second) Collect(second, set); break;
                case SelectExpr s: Collect(s.Left, set); Collect(s.Right, set); Collect(s.IfLessEqual, set); Collect(s.Otherwise, set); break;
            }
        }
    }

    /// <summary>Infix text with as few parentheses as keep the same tree.</summary>
    public sealed override string ToString() => ExprPrinter.Print(this);
}

/// <summary>A constant.</summary>
/// <param name="Value">The value.</param>
public sealed record NumberExpr(double Value) : Expr;

/// <summary>A state variable, parameter, aux name or <c>t</c>.</summary>
/// <param name="Name">The name.</param>
public sealed record VariableExpr(string Name) : Expr;

/// <summary>−x.</summary>
/// <param name="Operand">x.</param>
public sealed record NegateExpr(Expr Operand) : Expr;

/// <summary>A binary operation.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="Left">Left operand (the base of a power).</param>
/// <param name="Right">Right operand (the exponent of a power).</param>
public sealed record BinaryExpr(BinaryOperator Operator, Expr Left, Expr Right) : Expr;

/// <summary>A function call with one argument, or two for <see cref="MathFunction.Min"/> and <see cref="MathFunction.Max"/>.</summary>
/// <param name="Function">The function.</param>
/// <param name="Argument">First argument.</param>
/// <param name="Second">Second argument, for two-argument functions.</param>
public sealed record CallExpr(MathFunction Function, Expr Argument, Expr? Second = null) : Expr;

/// <summary>
/// <c>Left ≤ Right ? IfLessEqual : Otherwise</c>, evaluated without branching (both sides are computed): the
/// derivative of <c>min</c> and <c>max</c>. Job files cannot write it.
/// </summary>
/// <param name="Left">Compared value.</param>
/// <param name="Right">Compared-to value.</param>
/// <param name="IfLessEqual">Result where Left ≤ Right.</param>
/// <param name="Otherwise">Result elsewhere (including NaN comparisons).</param>
public sealed record SelectExpr(Expr Left, Expr Right, Expr IfLessEqual, Expr Otherwise) : Expr;

/// <summary>Names and arities of the callable functions.</summary>
public static class ExpressionFunctions
{
    /// <summary>The functions a job file may call, in the order error messages list them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "abs", "min", "max", "pow"];

    /// <summary>Number of arguments of a callable function, or null when <paramref name="name"/> is not one.</summary>
    public static int? Arity(string name) => name switch
    {
        "exp" or "log" or "sqrt" or "sin" or "cos" or "tan" or "tanh" or "abs" => 1,
        "min" or "max" or "pow" => 2,
        _ => null,
    };

    internal static string Name(MathFunction f) => f switch
    {
        MathFunction.Exp => "exp",
        MathFunction.Log => "log",
        MathFunction.Sqrt => "sqrt",
        MathFunction.Sin => "sin",
        MathFunction.Cos => "cos",
        MathFunction.Tan => "tan",
        MathFunction.Tanh => "tanh",
        MathFunction.Abs => "abs",
        MathFunction.Min => "min",
        MathFunction.Max => "max",
        _ => "sign",
    };

    internal static MathFunction FromName(string name) => name switch
    {
        "exp" => MathFunction.Exp,
        "log" => MathFunction.Log,
        "sqrt" => MathFunction.Sqrt,
        "sin" => MathFunction.Sin,
        "cos" => MathFunction.Cos,
        "tan" => MathFunction.Tan,
        "tanh" => MathFunction.Tanh,
        "abs" => MathFunction.Abs,
        "min" => MathFunction.Min,
        "max" => MathFunction.Max,
        _ => MathFunction.Sign,
    };

    internal static double Apply(MathFunction f, double a, double b) => f switch
    {
        MathFunction.Exp => Math.Exp(a),
        MathFunction.Log => Math.Log(a),
        MathFunction.Sqrt => Math.Sqrt(a),
        MathFunction.Sin => Math.Sin(a),
        MathFunction.Cos => Math.Cos(a),
        MathFunction.Tan => Math.Tan(a),
        MathFunction.Tanh => Math.Tanh(a),
        MathFunction.Abs => Math.Abs(a),
        MathFunction.Min => a < b ? a : b,
        MathFunction.Max => a > b ? a : b,
        _ => a > 0 ? 1 : a < 0 ? -1 : 0,
    };
}

internal static class ExprEvaluator
{
    public static double Evaluate(Expr e, Func<string, double> vars) => e switch
    {
        NumberExpr n => n.Value,
        VariableExpr v => vars(v.Name),
        NegateExpr n => -Evaluate(n.Operand, vars),
        BinaryExpr b => Binary(b.Operator, Evaluate(b.Left, vars), Evaluate(b.Right, vars)),
        CallExpr c => ExpressionFunctions.Apply(c.Function, Evaluate(c.Argument, vars), c.Second is null ? 0 : Evaluate(c.Second, vars)),
        SelectExpr s => Evaluate(s.Left, vars) <= Evaluate(s.Right, vars) ? Evaluate(s.IfLessEqual, vars) : Evaluate(s.Otherwise, vars),
        _ => throw new InvalidOperationException($"Unknown expression node {e.GetType().Name}."),
    };

    public static double Binary(BinaryOperator op, double a, double b) => op switch
    {
        BinaryOperator.Add => a + b,
        BinaryOperator.Subtract => a - b,
        BinaryOperator.Multiply => a * b,
        BinaryOperator.Divide => a / b,
        _ => Math.Pow(a, b),
    };
}

/// <summary>Prints an expression as infix text that parses back to the same tree.</summary>
internal static class ExprPrinter
{
    // Precedence: sums 1, products 2, negation 3, powers 4, atoms 5.
    private static int Prec(Expr e) => e switch
    {
        BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => 1,
        BinaryExpr { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } => 2,
        NegateExpr => 3,
        NumberExpr n when n.Value < 0 || double.IsNegative(n.Value) => 3,
        BinaryExpr => 4,
        _ => 5,
    };

    public static string Print(Expr e)
    {
        var sb = new StringBuilder();
        Write(sb, e);
        return sb.ToString();
    }

    public static string Number(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        return v.ToString("R", CultureInfo.InvariantCulture);
    }

    private static void Write(StringBuilder sb, Expr e)
    {
        switch (e)
        {
            case NumberExpr n: sb.Append(Number(n.Value)); break;
            case VariableExpr v: sb.Append(v.Name); break;
            case NegateExpr n:
                sb.Append('-');
                WrapIf(sb, n.Operand, Prec(n.Operand) <= 3);
                break;
            case BinaryExpr { Operator: BinaryOperator.Power } p:
                WrapIf(sb, p.Left, Prec(p.Left) <= 4);
                sb.Append('^');
                WrapIf(sb, p.Right, Prec(p.Right) < 4);
                break;
            case BinaryExpr b:
                int prec = Prec(b);
                WrapIf(sb, b.Left, Prec(b.Left) < prec);
                sb.Append(b.Operator switch { BinaryOperator.Add => " + ", BinaryOperator.Subtract => " - ", BinaryOperator.Multiply => "*", _ => "/" });
                WrapIf(sb, b.Right, Prec(b.Right) <= prec);
                break;
            case CallExpr c:
                sb.Append(ExpressionFunctions.Name(c.Function)).Append('(');
                Write(sb, c.Argument);
                if (c.Second is { } second) { sb.Append(", "); Write(sb, second); }
                sb.Append(')');
                break;
            case SelectExpr s:
                sb.Append("select_le(");
                Write(sb, s.Left); sb.Append(", ");
                Write(sb, s.Right); sb.Append(", ");
                Write(sb, s.IfLessEqual); sb.Append(", ");
                Write(sb, s.Otherwise); sb.Append(')');
                break;
        }
    }

    private static void WrapIf(StringBuilder sb, Expr e, bool wrap)
    {
        if (wrap) sb.Append('(');
        Write(sb, e);
        if (wrap) sb.Append(')');
    }
}
