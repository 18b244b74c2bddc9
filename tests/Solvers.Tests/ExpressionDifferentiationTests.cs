using Diffrax.Solvers.Expressions;
using Xunit;

namespace Diffrax.Solvers.Tests;

public class ExpressionDifferentiationTests
{
    private static readonly string[] Vars = ["x", "y", "p", "t"];

    private static Expr P(string text) => ExpressionParser.Parse(text, Vars);

    /// <summary>Expressions covering every operator and function, smooth on x ∈ [0.4, 1.6], y ∈ [2, 3], p ∈ [0.5, 1.5], t ∈ [0, 1].</summary>
    public static TheoryData<string> Expressions =>
    [
        "x + y - p*t",
        "x*y*p",
        "x/y - p/(x*y)",
        "-x^2 + y^3 - x^4 + 2^x",
        "x^-1 + y^-2 + x^0.5 + y^-0.5",
        "x^2.5 + pow(y, p) + x^y + p^(x*y)",
        "exp(x*y) - exp(-p)",
        "log(x + y*p)",
        "sqrt(x*x + y*y)",
        "sin(x*p) * cos(y - t)",
        "tan(x/2) + tanh(x*y - 2)",
        "abs(x - y) + abs(x)*p",
        "min(x, y) + max(x*p, y) - min(y, x^2)",
        "exp(sin(x)*log(y)) / (1 + tanh(p*x)^2)",
        "sqrt(abs(x - 3))*max(sin(t), cos(x)) + min(log(y), p)",
    ];

    private static double Eval(Expr e, double[] v) => e.Evaluate(n => n switch { "x" => v[0], "y" => v[1], "p" => v[2], "t" => v[3], _ => throw new KeyNotFoundException(n) });

    [Theory]
    [MemberData(nameof(Expressions))]
    public void Derivative_MatchesCentralFiniteDifferences_AtRandomPoints(string text)
    {
        var e = P(text);
        var rng = new Random(text.Length * 7919 + 17);
        for (int trial = 0; trial < 20; trial++)
        {
            double[] pt = [0.4 + 1.2 * rng.NextDouble(), 2 + rng.NextDouble(), 0.5 + rng.NextDouble(), rng.NextDouble()];
            for (int k = 0; k < Vars.Length; k++)
            {
                var d = ExprAlgebra.Differentiate(e, Vars[k]);
                double h = 1e-5 * Math.Max(1, Math.Abs(pt[k]));
                double[] plus = (double[])pt.Clone(), minus = (double[])pt.Clone();
                plus[k] += h;
                minus[k] -= h;
                double fd = (Eval(e, plus) - Eval(e, minus)) / (2 * h);
                double exact = Eval(d, pt);
                Assert.True(Math.Abs(exact - fd) <= 1e-6 * Math.Max(1, Math.Abs(fd)),
                    $"d/d{Vars[k]} of {text} at ({string.Join(", ", pt)}): symbolic {exact} ({d}), finite difference {fd}");
            }
        }
    }

    [Theory]
    [InlineData("x*1", "x")]
    [InlineData("1*x", "x")]
    [InlineData("x + 0", "x")]
    [InlineData("0 + x", "x")]
    [InlineData("x - 0", "x")]
    [InlineData("0 - x", "-x")]
    [InlineData("x*0", "0")]
    [InlineData("0*(x + y)", "0")]
    [InlineData("0/x", "0")]
    [InlineData("x/1", "x")]
    [InlineData("x^1", "x")]
    [InlineData("x^0", "1")]
    [InlineData("1^x", "1")]
    [InlineData("-(-x)", "x")]
    [InlineData("x - -y", "x + y")]
    [InlineData("x + -y", "x - y")]
    [InlineData("-x*-y", "x*y")]
    [InlineData("2*3 + x", "6 + x")]
    [InlineData("x*(2^3 - 4/2)", "x*6")]
    [InlineData("exp(0) + sqrt(4)*x", "1 + 2*x")]
    [InlineData("min(1, 2)*x + max(1, 2)", "x + 2")]
    [InlineData("-1*x", "-x")]
    [InlineData("sigma*(y - x)", "sigma*(y - x)")]
    public void Simplify_FoldsConstantsAndRemovesIdentities_WithoutReordering(string text, string expected)
    {
        string[] vars = ["x", "y", "sigma"];
        Assert.Equal(ExpressionParser.Parse(expected, vars), ExprAlgebra.Simplify(ExpressionParser.Parse(text, vars)));
    }

    [Fact]
    public void Simplify_KeepsConstantsThatWouldNotBeFinite()
    {
        var e = ExprAlgebra.Simplify(P("log(0) + 1/0 + x"));
        Assert.Equal(P("log(0) + 1/0 + x"), e);
    }

    [Fact]
    public void Derivative_OfPolynomials_HasTheTextbookForm()
    {
        Assert.Equal(P("3*x^2"), ExprAlgebra.Differentiate(P("x^3"), "x"));
        Assert.Equal(P("2*x"), ExprAlgebra.Differentiate(P("x^2"), "x"));
        Assert.Equal(P("y"), ExprAlgebra.Differentiate(P("x*y"), "x"));
        Assert.Equal(P("0"), ExprAlgebra.Differentiate(P("y*p + sin(t)"), "x"));
        // An exponent that does not depend on the variable uses the power rule (no log, fine at x ≤ 0).
        Assert.Equal(P("p*x^(p - 1)"), ExprAlgebra.Differentiate(P("x^p"), "x"));
    }

    [Fact]
    public void Derivative_OfAbs_IsTheSignOfItsArgument()
    {
        var d = ExprAlgebra.Differentiate(P("abs(x)"), "x");
        Assert.Equal(new CallExpr(MathFunction.Sign, new VariableExpr("x")), d);
        Assert.Equal(-1.0, Eval(d, [-2, 0, 0, 0]));
        Assert.Equal(1.0, Eval(d, [3, 0, 0, 0]));
        Assert.Equal(0.0, Eval(d, [0, 0, 0, 0]));
    }

    [Fact]
    public void Derivative_OfMinAndMax_SelectsTheActiveArgument()
    {
        var dmin = ExprAlgebra.Differentiate(P("min(x, y)"), "x");
        var dmax = ExprAlgebra.Differentiate(P("max(x, y)"), "x");
        Assert.IsType<SelectExpr>(dmin);
        Assert.Equal(1.0, Eval(dmin, [1, 2, 0, 0]));
        Assert.Equal(0.0, Eval(dmin, [3, 2, 0, 0]));
        Assert.Equal(0.0, Eval(dmax, [1, 2, 0, 0]));
        Assert.Equal(1.0, Eval(dmax, [3, 2, 0, 0]));
    }

    [Fact]
    public void Derivative_OfAConstantBaseToAVariablePower_UsesTheLogOfTheBase()
    {
        var d = ExprAlgebra.Differentiate(P("2^x"), "x");
        Assert.Equal(Math.Pow(2, 1.3) * Math.Log(2), Eval(d, [1.3, 0, 0, 0]), 14);
    }

    [Fact]
    public void Differentiate_WithDirections_GivesTheDirectionalDerivative()
    {
        // d f = ∂f/∂x·dx + ∂f/∂y·dy with dx = 2, dy = −1.
        var f = P("x^2*y + sin(y)");
        var df = ExprAlgebra.Differentiate(f, n => n switch { "x" => new NumberExpr(2), "y" => new NumberExpr(-1), _ => ExprAlgebra.Zero });
        double x = 0.7, y = 1.9;
        double expected = 2 * (2 * x * y) - (x * x + Math.Cos(y));
        Assert.Equal(expected, Eval(df, [x, y, 0, 0]), 14);
    }
}
