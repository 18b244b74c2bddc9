namespace Diffrax.Solvers.Expressions;

/// <summary>
/// Simplification and symbolic differentiation of <see cref="Expr"/> trees. Simplification folds constants and
/// removes identities (<c>x·1</c>, <c>x+0</c>, <c>x·0 → 0</c>, <c>x^1</c>, <c>−(−x)</c>) but never reorders
/// operations, so a simplified expression computes the same floating-point value as the original wherever both
/// are finite (signs move out of products and quotients, which is exact). Derivatives: the usual rules; <c>d|u| = sign(u)·du</c>; <c>d min(a,b) = (a ≤ b ? da : db)</c>;
/// <c>d max(a,b) = (a ≤ b ? db : da)</c>; <c>d(u^c) = c·u^(c−1)·du</c> for an exponent that does not depend on the
/// variable and <c>d(u^v) = u^v·(dv·ln u + v·du/u)</c> in general.
/// </summary>
public static class ExprAlgebra
{
    /// <summary>The constant 0.</summary>
    public static readonly NumberExpr Zero = new(0);
    /// <summary>The constant 1.</summary>
    public static readonly NumberExpr One = new(1);

    /// <summary>Whether <paramref name="e"/> is the constant 0.</summary>
    public static bool IsZero(Expr e) => e is NumberExpr { Value: 0 };
    /// <summary>Whether <paramref name="e"/> is the constant 1.</summary>
    public static bool IsOne(Expr e) => e is NumberExpr { Value: 1 };

    /// <summary>Folds constants and removes identities, bottom-up.</summary>
    public static Expr Simplify(Expr e) => e switch
    {
        NegateExpr n => Negate(Simplify(n.Operand)),
        BinaryExpr b => Binary(b.Operator, Simplify(b.Left), Simplify(b.Right)),
        CallExpr c => Call(c.Function, Simplify(c.Argument), c.Second is null ? null : Simplify(c.Second)),
        SelectExpr s => Select(Simplify(s.Left), Simplify(s.Right), Simplify(s.IfLessEqual), Simplify(s.Otherwise)),
        _ => e,
    };

    /// <summary>d<paramref name="e"/>/d<paramref name="variable"/>, simplified.</summary>
    public static Expr Differentiate(Expr e, string variable)
        => Differentiate(e, name => name == variable ? One : Zero);

    /// <summary>
    /// The differential of <paramref name="e"/> given the differential of each variable: <paramref name="dVariable"/>
    /// maps a name to its derivative (1 or 0 for a partial derivative, a direction component for a directional
    /// derivative, or the name of a precomputed derivative of an intermediate). Simplified as it is built.
    /// </summary>
    public static Expr Differentiate(Expr e, Func<string, Expr> dVariable)
    {
        switch (e)
        {
            case NumberExpr: return Zero;
            case VariableExpr v: return dVariable(v.Name);
            case NegateExpr n: return Negate(Differentiate(n.Operand, dVariable));
            case BinaryExpr b:
            {
                var du = Differentiate(b.Left, dVariable);
                var dv = Differentiate(b.Right, dVariable);
                Expr u = b.Left, v = b.Right;
                switch (b.Operator)
                {
                    case BinaryOperator.Add: return Add(du, dv);
                    case BinaryOperator.Subtract: return Sub(du, dv);
                    case BinaryOperator.Multiply: return Add(Mul(du, v), Mul(u, dv));
                    case BinaryOperator.Divide: return Sub(Div(du, v), Div(Mul(u, dv), Mul(v, v)));
                    default:
                        if (IsZero(du) && IsZero(dv)) return Zero;
                        if (IsZero(dv))
                        {
                            // Exponent constant along the variable: c·u^(c−1)·du (no log, so fine at u ≤ 0).
                            Expr lower = v is NumberExpr c ? new NumberExpr(c.Value - 1) : Sub(v, One);
                            return Mul(Mul(v, Pow(u, lower)), du);
                        }
                        if (IsZero(du)) return Mul(Mul(Pow(u, v), Call(MathFunction.Log, u)), dv);
                        return Mul(Pow(u, v), Add(Mul(dv, Call(MathFunction.Log, u)), Div(Mul(v, du), u)));
                }
            }
            case CallExpr c:
            {
                var a = c.Argument;
                var da = Differentiate(a, dVariable);
                switch (c.Function)
                {
                    case MathFunction.Min:
                    case MathFunction.Max:
                    {
                        var b = c.Second!;
                        var db = Differentiate(b, dVariable);
                        return c.Function == MathFunction.Min ? Select(a, b, da, db) : Select(a, b, db, da);
                    }
                    case MathFunction.Sign: return Zero;
                }
                if (IsZero(da)) return Zero;
                switch (c.Function)
                {
                    case MathFunction.Log: return Div(da, a);
                    case MathFunction.Sqrt: return Div(da, Mul(new NumberExpr(2), c));
                }
                Expr outer = c.Function switch
                {
                    MathFunction.Exp => c,
                    MathFunction.Sin => Call(MathFunction.Cos, a),
                    MathFunction.Cos => Negate(Call(MathFunction.Sin, a)),
                    MathFunction.Tan => Add(One, Pow(c, new NumberExpr(2))),
                    MathFunction.Tanh => Sub(One, Pow(c, new NumberExpr(2))),
                    _ => Call(MathFunction.Sign, a),
                };
                return Mul(outer, da);
            }
            case SelectExpr s:
                return Select(s.Left, s.Right, Differentiate(s.IfLessEqual, dVariable), Differentiate(s.Otherwise, dVariable));
            default:
                throw new InvalidOperationException($"Unknown expression node {e.GetType().Name}.");
        }
    }

    /// <summary>Replaces variables by expressions (those <paramref name="map"/> returns null for stay).</summary>
    public static Expr Substitute(Expr e, Func<string, Expr?> map) => e switch
    {
        VariableExpr v => map(v.Name) ?? v,
        NegateExpr n => Negate(Substitute(n.Operand, map)),
        BinaryExpr b => Binary(b.Operator, Substitute(b.Left, map), Substitute(b.Right, map)),
        CallExpr c => Call(c.Function, Substitute(c.Argument, map), c.Second is null ? null : Substitute(c.Second, map)),
        SelectExpr s => Select(Substitute(s.Left, map), Substitute(s.Right, map), Substitute(s.IfLessEqual, map), Substitute(s.Otherwise, map)),
        _ => e,
    };

    /// <summary>−a, simplified.</summary>
    public static Expr Negate(Expr a) => a switch
    {
        NumberExpr { Value: 0 } => Zero,
        NumberExpr n => new NumberExpr(-n.Value),
        NegateExpr n => n.Operand,
        _ => new NegateExpr(a),
    };

    /// <summary>a + b, simplified.</summary>
    public static Expr Add(Expr a, Expr b) => Binary(BinaryOperator.Add, a, b);
    /// <summary>a − b, simplified.</summary>
    public static Expr Sub(Expr a, Expr b) => Binary(BinaryOperator.Subtract, a, b);
    /// <summary>a · b, simplified.</summary>
    public static Expr Mul(Expr a, Expr b) => Binary(BinaryOperator.Multiply, a, b);
    /// <summary>a / b, simplified.</summary>
    public static Expr Div(Expr a, Expr b) => Binary(BinaryOperator.Divide, a, b);
    /// <summary>a ^ b, simplified.</summary>
    public static Expr Pow(Expr a, Expr b) => Binary(BinaryOperator.Power, a, b);

    /// <summary>A binary operation, simplified.</summary>
    public static Expr Binary(BinaryOperator op, Expr a, Expr b)
    {
        if (a is NumberExpr na && b is NumberExpr nb)
        {
            double r = ExprEvaluator.Binary(op, na.Value, nb.Value);
            if (double.IsFinite(r)) return new NumberExpr(r);
        }
        switch (op)
        {
            case BinaryOperator.Add:
                if (IsZero(a)) return b;
                if (IsZero(b)) return a;
                if (b is NegateExpr nb1) return Sub(a, nb1.Operand);
                break;
            case BinaryOperator.Subtract:
                if (IsZero(b)) return a;
                if (IsZero(a)) return Negate(b);
                if (b is NegateExpr nb2) return Add(a, nb2.Operand);
                break;
            case BinaryOperator.Multiply:
                if (IsZero(a) || IsZero(b)) return Zero;
                if (IsOne(a)) return b;
                if (IsOne(b)) return a;
                if (a is NumberExpr { Value: -1 }) return Negate(b);
                if (b is NumberExpr { Value: -1 }) return Negate(a);
                if (a is NegateExpr x && b is NegateExpr y) return Mul(x.Operand, y.Operand);
                // (−x)·y = −(x·y) exactly (rounding is symmetric); lifting the sign lets sums absorb it.
                if (a is NegateExpr xa) return Negate(Mul(xa.Operand, b));
                if (b is NegateExpr yb) return Negate(Mul(a, yb.Operand));
                break;
            case BinaryOperator.Divide:
                if (IsZero(a)) return Zero;
                if (IsOne(b)) return a;
                if (b is NumberExpr { Value: -1 }) return Negate(a);
                if (a is NegateExpr na2 && b is NegateExpr nb3) return Div(na2.Operand, nb3.Operand);
                if (a is NegateExpr xd) return Negate(Div(xd.Operand, b));
                if (b is NegateExpr yd) return Negate(Div(a, yd.Operand));
                break;
            case BinaryOperator.Power:
                if (IsZero(b)) return One;
                if (IsOne(b)) return a;
                if (IsOne(a)) return One;
                break;
        }
        return new BinaryExpr(op, a, b);
    }

    /// <summary>A function call, simplified (constant arguments are folded when the result is finite).</summary>
    public static Expr Call(MathFunction f, Expr a, Expr? b = null)
    {
        if (a is NumberExpr na && (b is null || b is NumberExpr))
        {
            double r = ExpressionFunctions.Apply(f, na.Value, b is NumberExpr nb ? nb.Value : 0);
            if (double.IsFinite(r)) return new NumberExpr(r);
        }
        return new CallExpr(f, a, b);
    }

    /// <summary><c>a ≤ b ? c : d</c>, simplified.</summary>
    public static Expr Select(Expr a, Expr b, Expr c, Expr d)
    {
        if (c.Equals(d)) return c;
        if (a is NumberExpr na && b is NumberExpr nb) return na.Value <= nb.Value ? c : d;
        return new SelectExpr(a, b, c, d);
    }
}
