using Diffrax.Solvers.Expressions;
using Xunit;

namespace Diffrax.Solvers.Tests;

public class ExpressionParserTests
{
    private static readonly string[] Lorenz = ["x", "y", "z", "sigma", "rho", "beta", "t"];

    private static Expr P(string text) => ExpressionParser.Parse(text, Lorenz);
    private static VariableExpr V(string n) => new(n);
    private static NumberExpr N(double v) => new(v);
    private static BinaryExpr B(BinaryOperator op, Expr a, Expr b) => new(op, a, b);

    private static double Eval(string text, double x = 1.5, double y = -0.7, double z = 2.25)
        => P(text).Evaluate(n => n switch { "x" => x, "y" => y, "z" => z, "sigma" => 10, "rho" => 28, "beta" => 8.0 / 3, _ => 0.25 });

    [Fact]
    public void Parse_ProductBindsTighterThanSum()
    {
        Assert.Equal(B(BinaryOperator.Add, V("x"), B(BinaryOperator.Multiply, V("y"), V("z"))), P("x + y*z"));
        Assert.Equal(B(BinaryOperator.Subtract, B(BinaryOperator.Divide, V("x"), V("y")), V("z")), P("x/y - z"));
        Assert.Equal(7.0, P("1 + 2*3").Evaluate(_ => 0));
    }

    [Fact]
    public void Parse_SumsAndProductsAreLeftAssociative()
    {
        Assert.Equal(B(BinaryOperator.Subtract, B(BinaryOperator.Subtract, V("x"), V("y")), V("z")), P("x - y - z"));
        Assert.Equal(B(BinaryOperator.Divide, B(BinaryOperator.Divide, V("x"), V("y")), V("z")), P("x / y / z"));
        Assert.Equal(1.0 / 2 / 4, P("1/2/4").Evaluate(_ => 0));
    }

    [Fact]
    public void Parse_PowerIsRightAssociative_AndBothSpellingsAgree()
    {
        var expected = B(BinaryOperator.Power, N(2), B(BinaryOperator.Power, N(3), N(2)));
        Assert.Equal(expected, P("2^3^2"));
        Assert.Equal(expected, P("2**3**2"));
        Assert.Equal(expected, P("pow(2, pow(3, 2))"));
        Assert.Equal(512.0, P("2^3^2").Evaluate(_ => 0));
    }

    [Fact]
    public void Parse_UnaryMinusBindsLooserThanPower()
    {
        Assert.Equal(new NegateExpr(B(BinaryOperator.Power, V("x"), N(2))), P("-x^2"));
        Assert.Equal(-9.0, Eval("-x^2", x: 3));
        Assert.Equal(9.0, Eval("(-x)^2", x: 3));
        // The exponent may carry its own sign: 2^-1 = 1/2, x^-y^2 = x^(-(y^2)).
        Assert.Equal(0.5, P("2^-1").Evaluate(_ => 0));
        Assert.Equal(B(BinaryOperator.Power, V("x"), new NegateExpr(B(BinaryOperator.Power, V("y"), N(2)))), P("x^-y^2"));
    }

    [Fact]
    public void Parse_UnaryOperators_NestAndNegatedLiteralsAreConstants()
    {
        Assert.Equal(V("x"), P("+x"));
        Assert.Equal(new NegateExpr(new NegateExpr(V("x"))), P("--x"));
        Assert.Equal(B(BinaryOperator.Multiply, N(-2), V("x")), P("-2*x"));
        Assert.Equal(B(BinaryOperator.Multiply, V("x"), new NegateExpr(V("y"))), P("x * -y"));
        Assert.Equal(-1.5 * 0.7, Eval("x * -(-(-y))") * -1, 15);
    }

    [Theory]
    [InlineData("3", 3.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("1.0e4", 1.0e4)]
    [InlineData(".5", 0.5)]
    [InlineData("2E-3", 2e-3)]
    [InlineData("1e+2", 100.0)]
    [InlineData("7.", 7.0)]
    [InlineData("  12.25\n", 12.25)]
    public void Parse_Numbers_InEveryWrittenForm(string text, double value)
        => Assert.Equal(N(value), P(text));

    [Theory]
    [InlineData("exp(x)", 1.5, 4.4816890703380645)]
    [InlineData("log(x)", 1.5, 0.4054651081081644)]
    [InlineData("sqrt(x)", 1.5, 1.224744871391589)]
    [InlineData("sin(x)", 1.5, 0.9974949866040544)]
    [InlineData("cos(x)", 1.5, 0.0707372016677029)]
    [InlineData("tan(x)", 1.5, 14.101419947171719)]
    [InlineData("tanh(x)", 1.5, 0.9051482536448664)]
    [InlineData("abs(y)", 1.5, 0.7)]
    [InlineData("min(x, y)", 1.5, -0.7)]
    [InlineData("max(x, y)", 1.5, 1.5)]
    [InlineData("pow(x, z)", 1.5, 2.4900343193257237)]
    public void Parse_EveryFunction_EvaluatesLikeMath(string text, double x, double expected)
        => Assert.Equal(expected, Eval(text, x: x), 13);

    [Theory]
    [InlineData("sigma*(y - x)")]
    [InlineData("x*(rho - z) - y")]
    [InlineData("-x^2 + (-x)^2 - x^-2 + x^(-y)")]
    [InlineData("a - (b - c) + (a + b) + a*(b*c) / (a/b)")]
    [InlineData("2^3^2 + (2^3)^2 - -2*x + exp(-x)*-y")]
    [InlineData("min(x, max(y, abs(z))) + pow(sin(x), cos(y)) - tanh(t)/sqrt(log(x))")]
    [InlineData("-(x*y) + -x*y - -(-x) + 1e-300 + 1.5e300")]
    public void ToString_ParsesBackToTheSameTree(string text)
    {
        var vars = new[] { "x", "y", "z", "a", "b", "c", "sigma", "rho", "t" };
        var e = ExpressionParser.Parse(text, vars);
        var again = ExpressionParser.Parse(e.ToString(), vars);
        Assert.Equal(e, again);
    }

    // ---------------------------------------------------------------- errors

    private static ExpressionException Fail(string text, int line = 12, int column = 15)
        => Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(text, Lorenz, "drift.x", line, column, "job.yaml"));

    [Fact]
    public void UnknownVariable_NamesFileLineColumnFieldAndKnownNames()
    {
        var ex = Fail("sigma*(y - xx)");
        // 'xx' starts 11 characters into the expression, which starts at column 15.
        Assert.Equal("job.yaml:12:26: drift.x: unknown variable 'xx' (known: x, y, z, sigma, rho, beta, t)", ex.Message);
        Assert.Equal(12, ex.Line);
        Assert.Equal(26, ex.Column);
        Assert.Equal("drift.x", ex.Field);
        Assert.Equal("job.yaml", ex.File);
        Assert.Equal("unknown variable 'xx' (known: x, y, z, sigma, rho, beta, t)", ex.Reason);
    }

    [Fact]
    public void UnknownFunction_ListsTheKnownFunctions()
    {
        var ex = Fail("x + foo(y)");
        Assert.Equal("job.yaml:12:19: drift.x: unknown function 'foo' (known: exp, log, sqrt, sin, cos, tan, tanh, abs, min, max, pow)", ex.Message);
    }

    [Theory]
    [InlineData("min(x)", "function 'min' takes 2 arguments but was given 1", 15)]
    [InlineData("x + exp(x, y)", "function 'exp' takes 1 argument but was given 2", 19)]
    [InlineData("pow(x, y, z)", "function 'pow' takes 2 arguments but was given 3", 15)]
    [InlineData("sin()", "function 'sin' takes 1 argument but was given 0", 15)]
    public void WrongArity_IsReportedAtTheFunctionName(string text, string reason, int column)
    {
        var ex = Fail(text);
        Assert.Equal($"job.yaml:12:{column}: drift.x: {reason}", ex.Message);
    }

    [Fact]
    public void UnclosedParenthesis_IsReportedAtTheOpeningParenthesis()
    {
        var ex = Fail("sigma*(y - x");
        Assert.Equal("job.yaml:12:21: drift.x: unbalanced parenthesis: '(' is never closed", ex.Message);
        var call = Fail("exp(x");
        Assert.Equal("job.yaml:12:18: drift.x: unbalanced parenthesis: '(' is never closed", call.Message);
    }

    [Fact]
    public void ExtraClosingParenthesis_IsReportedWhereItStands()
    {
        var ex = Fail("(x + y))");
        Assert.Equal("job.yaml:12:22: drift.x: unbalanced parenthesis: ')' has no matching '('", ex.Message);
    }

    [Fact]
    public void UnexpectedToken_SaysWhatWasExpected()
    {
        var op = Fail("x + * y");
        Assert.Equal("job.yaml:12:19: drift.x: unexpected '*' (expected a number, a variable, a function call or '(')", op.Message);
        var twoOperands = Fail("x y");
        Assert.Equal("job.yaml:12:17: drift.x: unexpected name 'y' after a complete expression (expected an operator)", twoOperands.Message);
        var empty = Fail("x * ()");
        Assert.Equal("job.yaml:12:20: drift.x: unexpected ')': empty parentheses (expected a number, a variable, a function call or '(')", empty.Message);
    }

    [Fact]
    public void UnexpectedEnd_IsReportedAfterTheLastCharacter()
    {
        var ex = Fail("x +");
        Assert.Equal("job.yaml:12:18: drift.x: unexpected end of expression (expected a number, a variable, a function call or '(')", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void EmptyExpression_IsAnError(string text)
    {
        var ex = Fail(text);
        Assert.Equal("job.yaml:12:15: drift.x: empty expression", ex.Message);
    }

    [Theory]
    [InlineData("x # y", "unexpected character '#'", 17)]
    [InlineData("1e + x", "malformed number '1e'", 15)]
    [InlineData("2.5.1*x", "malformed number '2.5.1'", 15)]
    [InlineData("3x", "malformed number '3x'", 15)]
    [InlineData("1e999", "number '1e999' is out of range for double precision", 15)]
    [InlineData("x(2)", "'x' is a variable, not a function (known functions: exp, log, sqrt, sin, cos, tan, tanh, abs, min, max, pow)", 15)]
    [InlineData("exp + 1", "function 'exp' must be called with arguments, e.g. exp(x)", 15)]
    public void MalformedInput_IsReportedAtItsPosition(string text, string reason, int column)
    {
        var ex = Fail(text);
        Assert.Equal($"job.yaml:12:{column}: drift.x: {reason}", ex.Message);
    }

    [Fact]
    public void ErrorOnALaterLineOfAMultiLineExpression_CountsLines()
    {
        var ex = Fail("sigma*(y - x)\n  + zz", line: 4, column: 9);
        Assert.Equal(5, ex.Line);
        Assert.Equal(5, ex.Column);
        Assert.StartsWith("job.yaml:5:5: drift.x: unknown variable 'zz'", ex.Message);
    }

    [Fact]
    public void ErrorWithoutAFile_StillNamesLineColumnAndField()
    {
        var ex = Assert.Throws<ExpressionException>(() => ExpressionParser.Parse("x +", Lorenz, "aux.r"));
        Assert.Equal("1:4: aux.r: unexpected end of expression (expected a number, a variable, a function call or '(')", ex.Message);
        Assert.Null(ex.File);
    }
}
