using System.Globalization;

namespace Diffrax.Solvers.Expressions;

/// <summary>
/// Parses an equation written in a job file into an <see cref="Expr"/>. Grammar (usual precedence, lowest first):
/// <c>sum := product (('+'|'-') product)*</c>, <c>product := unary (('*'|'/') unary)*</c>,
/// <c>unary := ('-'|'+') unary | power</c>, <c>power := atom (('^'|'**') unary)?</c> (right-associative and binding
/// tighter than unary minus, so <c>-x^2 = -(x^2)</c> and <c>2^3^2 = 2^9</c>),
/// <c>atom := number | name | function '(' args ')' | '(' sum ')'</c>. Numbers: <c>3</c>, <c>0.5</c>, <c>.5</c>,
/// <c>1.0e4</c>, <c>2E-3</c>. Functions: exp log sqrt sin cos tan tanh abs (one argument), min max pow (two).
/// Every error is an <see cref="ExpressionException"/> naming the file, line, column and field.
/// </summary>
public static class ExpressionParser
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">The expression.</param>
    /// <param name="variables">The names it may use, in the order an "unknown variable" error lists them.</param>
    /// <param name="field">The job-file field holding it (<c>drift.x</c>), for error messages.</param>
    /// <param name="line">Line of the expression's first character in the job file (1-based).</param>
    /// <param name="column">Column of the expression's first character in the job file (1-based).</param>
    /// <param name="file">The job file's name, for error messages.</param>
    /// <exception cref="ExpressionException">The text is not a valid expression over <paramref name="variables"/>.</exception>
    public static Expr Parse(string text, IReadOnlyList<string> variables, string? field = null, int line = 1, int column = 1, string? file = null)
        => Parse(text, variables, new SourcePosition(field, line, column, file), null);

    internal static Expr Parse(string text, IReadOnlyList<string> variables, SourcePosition where, List<(string Name, int Offset)>? references)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(variables);
        var p = new Parser(text, variables, where, references);
        return p.ParseAll();
    }

    private enum Kind { Number, Name, Plus, Minus, Star, Slash, Caret, LParen, RParen, Comma, End }

    private readonly record struct Token(Kind Kind, int Offset, int Length, double Value)
    {
        public string Text(string source) => Kind == Kind.End ? "" : source.Substring(Offset, Length);
    }

    private sealed class Parser
    {
        private readonly string _text;
        private readonly IReadOnlyList<string> _variables;
        private readonly HashSet<string> _known;
        private readonly SourcePosition _where;
        private readonly List<(string, int)>? _refs;
        private readonly List<Token> _tokens;
        private int _pos;

        public Parser(string text, IReadOnlyList<string> variables, SourcePosition where, List<(string, int)>? refs)
        {
            _text = text;
            _variables = variables;
            _known = new HashSet<string>(variables, StringComparer.Ordinal);
            _where = where;
            _refs = refs;
            _tokens = Tokenize();
        }

        private Token Current => _tokens[_pos];

        public Expr ParseAll()
        {
            if (Current.Kind == Kind.End) throw Error(0, "empty expression");
            var e = ParseSum();
            var tok = Current;
            if (tok.Kind == Kind.RParen) throw Error(tok.Offset, "unbalanced parenthesis: ')' has no matching '('");
            if (tok.Kind != Kind.End) throw Error(tok.Offset, $"unexpected {Describe(tok)} after a complete expression (expected an operator)");
            return e;
        }

        private Expr ParseSum()
        {
            var left = ParseProduct();
            while (Current.Kind is Kind.Plus or Kind.Minus)
            {
                var op = Current.Kind == Kind.Plus ? BinaryOperator.Add : BinaryOperator.Subtract;
                _pos++;
                left = new BinaryExpr(op, left, ParseProduct());
            }
            return left;
        }

        private Expr ParseProduct()
        {
            var left = ParseUnary();
            while (Current.Kind is Kind.Star or Kind.Slash)
            {
                var op = Current.Kind == Kind.Star ? BinaryOperator.Multiply : BinaryOperator.Divide;
                _pos++;
                left = new BinaryExpr(op, left, ParseUnary());
            }
            return left;
        }

        private Expr ParseUnary()
        {
            if (Current.Kind == Kind.Minus)
            {
                _pos++;
                var operand = ParseUnary();
                // A negated literal is a negative constant, so "-2" prints and parses back as one number.
                return operand is NumberExpr n ? new NumberExpr(-n.Value) : new NegateExpr(operand);
            }
            if (Current.Kind == Kind.Plus)
            {
                _pos++;
                return ParseUnary();
            }
            return ParsePower();
        }

        private Expr ParsePower()
        {
            var b = ParseAtom();
            if (Current.Kind != Kind.Caret) return b;
            _pos++;
            return new BinaryExpr(BinaryOperator.Power, b, ParseUnary());
        }

        private Expr ParseAtom()
        {
            var tok = Current;
            switch (tok.Kind)
            {
                case Kind.Number:
                    _pos++;
                    return new NumberExpr(tok.Value);
                case Kind.LParen:
                {
                    _pos++;
                    var inner = ParseSum();
                    ExpectClose(tok, "(expected ')' or an operator)");
                    return inner;
                }
                case Kind.Name:
                    return ParseName(tok);
                case Kind.End:
                    throw Error(tok.Offset, "unexpected end of expression (expected a number, a variable, a function call or '(')");
                case Kind.RParen when _pos > 0 && _tokens[_pos - 1].Kind == Kind.LParen:
                    throw Error(tok.Offset, "unexpected ')': empty parentheses (expected a number, a variable, a function call or '(')");
                default:
                    throw Error(tok.Offset, $"unexpected {Describe(tok)} (expected a number, a variable, a function call or '(')");
            }
        }

        private Expr ParseName(Token tok)
        {
            string name = tok.Text(_text);
            _pos++;
            bool call = Current.Kind == Kind.LParen;
            int? arity = ExpressionFunctions.Arity(name);
            if (!call)
            {
                if (_known.Contains(name))
                {
                    _refs?.Add((name, tok.Offset));
                    return new VariableExpr(name);
                }
                if (arity is not null)
                    throw Error(tok.Offset, $"function '{name}' must be called with arguments, e.g. {name}({(arity == 1 ? "x" : "x, y")})");
                throw Error(tok.Offset, $"unknown variable '{name}' (known: {string.Join(", ", _variables)})");
            }
            if (arity is null)
            {
                if (_known.Contains(name)) throw Error(tok.Offset, $"'{name}' is a variable, not a function (known functions: {string.Join(", ", ExpressionFunctions.Names)})");
                throw Error(tok.Offset, $"unknown function '{name}' (known: {string.Join(", ", ExpressionFunctions.Names)})");
            }
            var open = Current;
            _pos++;
            var args = new List<Expr>(2);
            if (Current.Kind != Kind.RParen)
            {
                args.Add(ParseSum());
                while (Current.Kind == Kind.Comma)
                {
                    _pos++;
                    args.Add(ParseSum());
                }
            }
            ExpectClose(open, "(expected ',' or ')' or an operator)");
            if (args.Count != arity)
                throw Error(tok.Offset, $"function '{name}' takes {arity} argument{(arity == 1 ? "" : "s")} but was given {args.Count}");
            return name == "pow"
                ? new BinaryExpr(BinaryOperator.Power, args[0], args[1])
                : new CallExpr(ExpressionFunctions.FromName(name), args[0], arity == 2 ? args[1] : null);
        }

        private void ExpectClose(Token open, string expected)
        {
            var tok = Current;
            if (tok.Kind == Kind.RParen) { _pos++; return; }
            if (tok.Kind == Kind.End) throw Error(open.Offset, "unbalanced parenthesis: '(' is never closed");
            throw Error(tok.Offset, $"unexpected {Describe(tok)} {expected}");
        }

        private string Describe(Token tok) => tok.Kind switch
        {
            Kind.End => "end of expression",
            Kind.Number => $"number '{tok.Text(_text)}'",
            Kind.Name => $"name '{tok.Text(_text)}'",
            _ => $"'{tok.Text(_text)}'",
        };

        private List<Token> Tokenize()
        {
            var list = new List<Token>();
            int i = 0;
            string s = _text;
            while (i < s.Length)
            {
                char c = s[i];
                if (char.IsWhiteSpace(c)) { i++; continue; }
                int start = i;
                if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
                {
                    while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                    if (i < s.Length && s[i] == '.') { i++; while (i < s.Length && char.IsAsciiDigit(s[i])) i++; }
                    if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
                    {
                        i++;
                        if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
                        if (i >= s.Length || !char.IsAsciiDigit(s[i]))
                        {
                            while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
                            throw Error(start, $"malformed number '{s[start..i]}'");
                        }
                        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                    }
                    if (i < s.Length && (char.IsAsciiLetter(s[i]) || s[i] == '_' || s[i] == '.'))
                    {
                        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_' || s[i] == '.')) i++;
                        throw Error(start, $"malformed number '{s[start..i]}'");
                    }
                    double v = double.Parse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (!double.IsFinite(v)) throw Error(start, $"number '{s[start..i]}' is out of range for double precision");
                    list.Add(new Token(Kind.Number, start, i - start, v));
                    continue;
                }
                if (char.IsAsciiLetter(c) || c == '_')
                {
                    while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
                    list.Add(new Token(Kind.Name, start, i - start, 0));
                    continue;
                }
                Kind kind;
                int len = 1;
                switch (c)
                {
                    case '+': kind = Kind.Plus; break;
                    case '-': kind = Kind.Minus; break;
                    case '*' when i + 1 < s.Length && s[i + 1] == '*': kind = Kind.Caret; len = 2; break;
                    case '*': kind = Kind.Star; break;
                    case '/': kind = Kind.Slash; break;
                    case '^': kind = Kind.Caret; break;
                    case '(': kind = Kind.LParen; break;
                    case ')': kind = Kind.RParen; break;
                    case ',': kind = Kind.Comma; break;
                    default: throw Error(start, $"unexpected character '{c}'");
                }
                list.Add(new Token(kind, start, len, 0));
                i += len;
            }
            list.Add(new Token(Kind.End, s.Length, 0, 0));
            return list;
        }

        private ExpressionException Error(int offset, string reason) => _where.Error(_text, offset, reason);
    }
}

/// <summary>Where an expression sits in its job file, for error messages.</summary>
internal readonly record struct SourcePosition(string? Field, int Line, int Column, string? File)
{
    /// <summary>An error at character <paramref name="offset"/> of <paramref name="text"/>.</summary>
    public ExpressionException Error(string text, int offset, string reason)
    {
        int line = Line, col = Column;
        if (line > 0)
        {
            // Later lines of a multi-line expression: the column counts from the line start (YAML indentation unknown).
            for (int i = 0; i < offset && i < text.Length; i++)
            {
                if (text[i] == '\n') { line++; col = 1; }
                else if (text[i] != '\r') col++;
            }
        }
        return new ExpressionException(reason, Field, line, line > 0 ? col : 0, File);
    }
}
