using System.Diagnostics;
using System.Reflection;
using Diffrax.Contracts;
using Diffrax.Solvers.Expressions;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Xunit;
using Xunit.Abstractions;

namespace Diffrax.Solvers.Tests;

public class EquationCompilerTests(ITestOutputHelper output)
{
    private static EquationModelSpec LorenzSpec(string name = "lorenz", string driftX = "sigma*(y - x)") => new(
        name,
        ["x", "y", "z"],
        [new ParamSpec("sigma", 10), new ParamSpec("rho", 28), new ParamSpec("beta", 8.0 / 3.0)],
        [],
        [new NamedExpr("x", driftX), new NamedExpr("y", "x*(rho - z) - y"), new NamedExpr("z", "x*y - beta*z")])
    { DefaultY0 = [1, 1, 1] };

    /// <summary>A model with aux, t and every function, for derivative checks.</summary>
    private static EquationModelSpec RichSpec() => new(
        "rich",
        ["x", "y", "z"],
        [new ParamSpec("a", 0.7), new ParamSpec("b", 1.3)],
        [new NamedExpr("r", "sqrt(x^2 + y^2 + 1)"), new NamedExpr("q", "exp(-a*r)*cos(t)"), new NamedExpr("s", "q*r^2.5 + tanh(b*z)")],
        [
            new NamedExpr("x", "a*(y - x) + q*sin(z) - x^-1"),
            new NamedExpr("y", "x*(b - z) - y*tanh(r) + pow(r, b) + abs(z - 3)"),
            new NamedExpr("z", "x*y - b*z + log(1 + r^2) + max(x, y)*tan(z/4) - min(s, 2*x)/(1 + y^4) + y^3"),
        ]);

    private static MethodInfo Method(string name) => typeof(EquationCompilerTests).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    // ---------------------------------------------------------------- generic drivers (closed by CompiledModel)

    private static (double[] Y, SolveStatistics Stats) SolveTsit5<TModel, TY>(double[] p, double[] y0, double t1, double rtol, double atol)
        where TModel : struct, IModel<TModel, F64, TY>
        where TY : struct, IState<TY, F64>
    {
        var model = TModel.Create(new ArrayParams<F64>(p.Select(v => new F64(v)).ToArray()));
        TY y = default;
        for (int i = 0; i < y0.Length; i++) TY.Set(ref y, i, y0[i]);
        var sol = Diffeq.Solve(new Tsit5(), model, 0, t1, null, y, StepSize.Adaptive(new PidOptions { Rtol = rtol, Atol = atol }));
        Assert.Equal(ResultCode.Successful, sol.Result);
        return (Enumerable.Range(0, TY.Dim).Select(i => TY.Get(sol.YFinal, i).V).ToArray(), sol.Stats);
    }

    private static Vec3<Lane8> VfLane8<TModel>(Lane8[] p, Lane8 t, Vec3<Lane8> y) where TModel : struct, IModel<TModel, Lane8, Vec3<Lane8>>
        => TModel.Create(new ArrayParams<Lane8>(p)).Vf(t, y);

    private record Derivs(double[] F, double[,] J, double[] Jv, double[] VtJ, double[,] DfDp, double[] DfDt, double[,] JEntries);

    private static Derivs Evaluate<TModel, TY>(double[] p, double t, double[] y, double[] v)
        where TModel : struct, IModel<TModel, F64, TY>, IDifferentiableField<F64, TY>
        where TY : struct, IState<TY, F64>
    {
        var m = TModel.Create(new ArrayParams<F64>(p.Select(x => new F64(x)).ToArray()));
        int n = TY.Dim;
        TY Y(double[] a) { TY s = default; for (int i = 0; i < n; i++) TY.Set(ref s, i, a[i]); return s; }
        double[] A(TY s) => Enumerable.Range(0, n).Select(i => TY.Get(s, i).V).ToArray();
        var ys = Y(y);
        var j = new double[n, n];
        var entries = new double[n, n];
        for (int c = 0; c < n; c++)
        {
            var col = A(m.JacobianColumn(c, t, ys));
            for (int r = 0; r < n; r++) { j[r, c] = col[r]; entries[r, c] = m.JacobianEntry(r, c, t, ys).V; }
        }
        var dp = new double[p.Length, n];
        for (int k = 0; k < p.Length; k++)
        {
            var col = A(m.DfDp(k, t, ys));
            for (int r = 0; r < n; r++) dp[k, r] = col[r];
        }
        return new Derivs(A(m.Vf(t, ys)), j, A(m.Jvp(t, ys, Y(v))), A(m.Vjp(t, ys, Y(v))), dp, A(m.DfDt(t, ys)), entries);
    }

    private static double[] VfF64<TModel, TY>(double[] p, double t, double[] y)
        where TModel : struct, IModel<TModel, F64, TY>
        where TY : struct, IState<TY, F64>
    {
        var m = TModel.Create(new ArrayParams<F64>(p.Select(x => new F64(x)).ToArray()));
        TY s = default;
        for (int i = 0; i < y.Length; i++) TY.Set(ref s, i, y[i]);
        var f = m.Vf(t, s);
        return Enumerable.Range(0, TY.Dim).Select(i => TY.Get(f, i).V).ToArray();
    }

    /// <summary>Vf evaluated on dual numbers along direction v: the exact Jacobian–vector product by forward mode.</summary>
    private static double[] DualJvp<TModel, TY>(double[] p, double t, double[] y, double[] v)
        where TModel : struct, IModel<TModel, Dual, TY>
        where TY : struct, IState<TY, Dual>
    {
        var m = TModel.Create(new ArrayParams<Dual>(p.Select(x => new Dual(x, 0)).ToArray()));
        TY s = default;
        for (int i = 0; i < y.Length; i++) TY.Set(ref s, i, new Dual(y[i], v[i]));
        var f = m.Vf(new Dual(t, 0), s);
        return Enumerable.Range(0, TY.Dim).Select(i => TY.Get(f, i).D).ToArray();
    }

    private static (double[] G, double[] Prod, double[] DgDy) Diffuse<TDiff, TY, TW, TG>(double[] p, double t, double[] y, double[] dw)
        where TDiff : struct, IEquationDiffusion<TDiff, F64, TY, TW, TG>
        where TY : struct, IState<TY, F64>
        where TW : struct, IState<TW, F64>
        where TG : struct, IState<TG, F64>
    {
        var g = TDiff.Create(new ArrayParams<F64>(p.Select(x => new F64(x)).ToArray()));
        TY s = default;
        for (int i = 0; i < y.Length; i++) TY.Set(ref s, i, y[i]);
        TW w = default;
        for (int i = 0; i < dw.Length; i++) TW.Set(ref w, i, dw[i]);
        Assert.Equal(dw.Length, TDiff.NoiseDimension);
        var gv = g.Vf(t, s);
        var prod = g.Prod(gv, w);
        double[] dg = [];
        var dgm = typeof(TDiff).GetMethod("DgDy");
        if (dgm is not null)
        {
            var r = (TY)dgm.Invoke(g, [new F64(t), s])!;
            dg = Enumerable.Range(0, TY.Dim).Select(i => TY.Get(r, i).V).ToArray();
        }
        return (Enumerable.Range(0, TG.Dim).Select(i => TG.Get(gv, i).V).ToArray(), Enumerable.Range(0, TY.Dim).Select(i => TY.Get(prod, i).V).ToArray(), dg);
    }

    // ---------------------------------------------------------------- Lorenz against the built-in

    [Fact]
    public void CompiledLorenz_SolvedWithTsit5_MatchesBuiltInLorenz()
    {
        var compiled = EquationCompiler.Compile(LorenzSpec());
        double[] p = [10, 28, 8.0 / 3.0], y0 = [1, 1, 1];
        var (yc, statsC) = ((double[], SolveStatistics))compiled.Invoke(Method(nameof(SolveTsit5)), typeof(F64), null, p, y0, 2.0, 1e-8, 1e-10)!;
        var (yb, statsB) = SolveTsit5<Lorenz<F64>, Vec3<F64>>(p, y0, 2.0, 1e-8, 1e-10);
        Assert.Equal(statsB, statsC);
        for (int i = 0; i < 3; i++) Assert.Equal(yb[i], yc[i], 1e-12 * Math.Max(1, Math.Abs(yb[i])));
        Assert.Equal(typeof(Vec3<F64>), compiled.MakeStateType(typeof(F64)));
        Assert.Equal(Lorenz<F64>.Info.Params, compiled.Info.Params);
    }

    [Fact]
    public void CompiledLorenz_OnLane8_GivesTheBuiltInVectorField_BitForBit()
    {
        var compiled = EquationCompiler.Compile(LorenzSpec());
        var rng = new Random(42);
        Lane8 R(double lo, double hi) { var l = Lane8.Zero; for (int k = 0; k < 8; k++) l = Lane8.WithLane(l, k, lo + (hi - lo) * rng.NextDouble()); return l; }
        for (int trial = 0; trial < 10; trial++)
        {
            Lane8[] p = [R(5, 15), R(20, 40), R(1, 4)];
            var y = new Vec3<Lane8>(R(-20, 20), R(-20, 20), R(0, 50));
            var t = R(0, 10);
            var got = (Vec3<Lane8>)compiled.Invoke(Method(nameof(VfLane8)), typeof(Lane8), null, p, t, y)!;
            var want = new Lorenz<Lane8>(p[0], p[1], p[2]).Vf(t, y);
            for (int k = 0; k < 8; k++)
            {
                Assert.Equal(Lane8.GetLane(want.X, k), Lane8.GetLane(got.X, k));
                Assert.Equal(Lane8.GetLane(want.Y, k), Lane8.GetLane(got.Y, k));
                Assert.Equal(Lane8.GetLane(want.Z, k), Lane8.GetLane(got.Z, k));
            }
        }
    }

    [Fact]
    public void CompiledLorenz_Jacobian_IsTheAnalyticJacobian()
    {
        var compiled = EquationCompiler.Compile(LorenzSpec());
        double s = 10, r = 28, b = 8.0 / 3.0, x = 1.25, y = -2.5, z = 17.0;
        var d = (Derivs)compiled.Invoke(Method(nameof(Evaluate)), typeof(F64), null, new[] { s, r, b }, 0.0, new[] { x, y, z }, new[] { 0.3, -0.2, 0.9 })!;
        double[,] expected = { { -s, s, 0 }, { r - z, -1, -x }, { y, x, -b } };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(expected[i, j], d.J[i, j]);
                Assert.Equal(expected[i, j], d.JEntries[i, j]);
            }
        // ∂f/∂σ = (y − x, 0, 0), ∂f/∂ρ = (0, x, 0), ∂f/∂β = (0, 0, −z).
        Assert.Equal(new[] { y - x, 0, 0 }, Row(d.DfDp, 0));
        Assert.Equal(new[] { 0, x, 0 }, Row(d.DfDp, 1));
        Assert.Equal(new[] { 0, 0, -z }, Row(d.DfDp, 2));
        Assert.Equal(new double[3], d.DfDt);
    }

    private static double[] Row(double[,] a, int r) => Enumerable.Range(0, a.GetLength(1)).Select(c => a[r, c]).ToArray();

    // ---------------------------------------------------------------- derivatives of a richer model

    [Fact]
    public void GeneratedDerivatives_MatchFiniteDifferences_AtRandomPoints()
    {
        var compiled = EquationCompiler.Compile(RichSpec());
        var evaluate = Method(nameof(Evaluate));
        var vf = compiled.CloseMethod(Method(nameof(VfF64)), typeof(F64));
        double[] F(double[] p, double t, double[] y) => (double[])vf.Invoke(null, [p, t, y])!;
        var rng = new Random(7);
        for (int trial = 0; trial < 10; trial++)
        {
            double[] p = [0.5 + rng.NextDouble(), 1 + rng.NextDouble()];
            double[] y = [0.5 + rng.NextDouble(), 0.5 + rng.NextDouble(), -1 + 2 * rng.NextDouble()];
            double[] v = [rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5];
            double t = rng.NextDouble();
            var d = (Derivs)compiled.Invoke(evaluate, typeof(F64), null, p, t, y, v)!;
            Assert.Equal(F(p, t, y), d.F);

            double[] Fd(Func<double, double[]> f, double at)
            {
                double h = 1e-6 * Math.Max(1, Math.Abs(at));
                var a = f(at + h);
                var b = f(at - h);
                return a.Zip(b, (u, w) => (u - w) / (2 * h)).ToArray();
            }
            void Close(double want, double got, string what)
                => Assert.True(Math.Abs(want - got) <= 1e-6 * Math.Max(1, Math.Abs(want)), $"{what}: finite difference {want}, generated {got} (trial {trial})");

            for (int j = 0; j < 3; j++)
            {
                var col = Fd(h => { var yy = (double[])y.Clone(); yy[j] = h; return F(p, t, yy); }, y[j]);
                for (int i = 0; i < 3; i++)
                {
                    Close(col[i], d.J[i, j], $"J[{i},{j}]");
                    Assert.Equal(d.J[i, j], d.JEntries[i, j]);
                }
            }
            for (int k = 0; k < 2; k++)
            {
                var col = Fd(h => { var pp = (double[])p.Clone(); pp[k] = h; return F(pp, t, y); }, p[k]);
                for (int i = 0; i < 3; i++) Close(col[i], d.DfDp[k, i], $"df{i}/dp{k}");
            }
            var dt = Fd(h => F(p, h, y), t);
            for (int i = 0; i < 3; i++) Close(dt[i], d.DfDt[i], $"df{i}/dt");

            // J·v and vᵀ·J from the generated methods agree with the generated Jacobian.
            for (int i = 0; i < 3; i++)
            {
                double jv = 0, vj = 0;
                for (int j = 0; j < 3; j++) { jv += d.J[i, j] * v[j]; vj += v[j] * d.J[j, i]; }
                Assert.Equal(jv, d.Jv[i], 1e-12 * Math.Max(1, Math.Abs(jv)));
                Assert.Equal(vj, d.VtJ[i], 1e-12 * Math.Max(1, Math.Abs(vj)));
            }
        }
    }

    [Fact]
    public void GeneratedJvp_EqualsForwardModeDualNumbers_ToRoundOff()
    {
        var compiled = EquationCompiler.Compile(RichSpec());
        var rng = new Random(11);
        for (int trial = 0; trial < 10; trial++)
        {
            double[] p = [0.5 + rng.NextDouble(), 1 + rng.NextDouble()];
            double[] y = [0.5 + rng.NextDouble(), 0.5 + rng.NextDouble(), -1 + 2 * rng.NextDouble()];
            double[] v = [rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5];
            double t = rng.NextDouble();
            var d = (Derivs)compiled.Invoke(Method(nameof(Evaluate)), typeof(F64), null, p, t, y, v)!;
            var dual = (double[])compiled.Invoke(Method(nameof(DualJvp)), typeof(Dual), null, p, t, y, v)!;
            for (int i = 0; i < 3; i++) Assert.Equal(dual[i], d.Jv[i], 1e-12 * Math.Max(1, Math.Abs(dual[i])));
        }
    }

    // ---------------------------------------------------------------- larger states

    [Fact]
    public void SixStateModel_CompilesToCat_AndSolvesTwoOscillatorsAndDecays()
    {
        var spec = new EquationModelSpec(
            "oscillators and decay",
            ["x1", "v1", "x2", "v2", "u", "w"],
            [new ParamSpec("w1", 1.0), new ParamSpec("w2", 2.5), new ParamSpec("k", 0.3)],
            [],
            [
                new NamedExpr("x1", "v1"), new NamedExpr("v1", "-w1^2*x1"),
                new NamedExpr("x2", "v2"), new NamedExpr("v2", "-w2^2*x2"),
                new NamedExpr("u", "-k*u"), new NamedExpr("w", "-2*k*w"),
            ]);
        var compiled = EquationCompiler.Compile(spec);
        Assert.Equal(typeof(Cat<Vec4<F64>, Vec2<F64>, F64>), compiled.MakeStateType(typeof(F64)));
        Assert.Equal("OscillatorsAndDecayModel`1", compiled.ModelTypeDefinition.Name);
        double w1 = 1.0, w2 = 2.5, k = 0.3, T = 5.0;
        double[] y0 = [1, 0, 0.5, 1, 2, 3];
        var (y, _) = ((double[], SolveStatistics))compiled.Invoke(Method(nameof(SolveTsit5)), typeof(F64), null, new[] { w1, w2, k }, y0, T, 1e-10, 1e-12)!;
        double[] exact =
        [
            Math.Cos(w1 * T), -w1 * Math.Sin(w1 * T),
            0.5 * Math.Cos(w2 * T) + Math.Sin(w2 * T) / w2, -0.5 * w2 * Math.Sin(w2 * T) + Math.Cos(w2 * T),
            2 * Math.Exp(-k * T), 3 * Math.Exp(-2 * k * T),
        ];
        for (int i = 0; i < 6; i++) Assert.Equal(exact[i], y[i], 1e-7);
    }

    [Fact]
    public void StateLayout_ForLargeStates_IsABalancedCatOfVec4s()
    {
        Assert.Equal("Vec3<T>", StateLayout.For(3).TypeName("T"));
        Assert.Equal("Cat<Vec4<T>, Vec2<T>, T>", StateLayout.For(6).TypeName("T"));
        Assert.Equal("Cat<Cat<Vec4<T>, Vec4<T>, T>, Vec1<T>, T>", StateLayout.For(9).TypeName("T"));
        Assert.Equal("Cat<Cat<Vec4<T>, Vec4<T>, T>, Cat<Vec4<T>, Vec4<T>, T>, T>", StateLayout.For(16).TypeName("T"));
        Assert.Equal("B.Y", StateLayout.For(6).Path(5));
        Assert.Equal("A.B.X", StateLayout.For(9).Path(4));
        Assert.Equal("B.X", StateLayout.For(9).Path(8));
    }

    [Fact]
    public void NineStateModel_GetsAndSetsEveryComponentThroughItsFieldPath()
    {
        // dyᵢ/dt = i·yᵢ + t: each component must land in its own slot of the nested Cat.
        var names = Enumerable.Range(0, 9).Select(i => $"y{i}").ToArray();
        var spec = new EquationModelSpec("nine", names, [], [], names.Select((n, i) => new NamedExpr(n, $"{i}*{n} + t")).ToArray());
        var compiled = EquationCompiler.Compile(spec);
        Assert.Equal(typeof(Cat<Cat<Vec4<F64>, Vec4<F64>, F64>, Vec1<F64>, F64>), compiled.MakeStateType(typeof(F64)));
        double[] y = Enumerable.Range(0, 9).Select(i => 10.0 + i).ToArray();
        var f = (double[])compiled.Invoke(Method(nameof(VfF64)), typeof(F64), null, Array.Empty<double>(), 0.5, y)!;
        for (int i = 0; i < 9; i++) Assert.Equal(i * y[i] + 0.5, f[i]);
    }

    /// <summary>
    /// Products added or subtracted are fused (one rounding): with a·b = 1 − 2⁻⁶⁰ exactly, a·b − 1, a·b + (−1) and
    /// (−1) + a·b keep −2⁻⁶⁰, which two roundings lose (the product rounds to 1); 1 − a·b is left as written.
    /// </summary>
    [Fact]
    public void ProductsAddedOrSubtracted_AreContractedIntoFusedMultiplyAdds()
    {
        double e = Math.Pow(2, -30);
        var spec = new EquationModelSpec("contract", ["u", "v", "w", "q"], [new ParamSpec("a", 1 + e), new ParamSpec("b", 1 - e)], [],
            [new NamedExpr("u", "a*b - u"), new NamedExpr("v", "a*b + v"), new NamedExpr("w", "w + a*b"), new NamedExpr("q", "q - a*b")]);
        var compiled = EquationCompiler.Compile(spec);
        Assert.Contains("TScalar.Fms(", compiled.Source);
        Assert.Contains("TScalar.Fma(", compiled.Source);
        var f = (double[])compiled.Invoke(Method(nameof(VfF64)), typeof(F64), null, new[] { 1 + e, 1 - e }, 0.0, new[] { 1.0, -1.0, -1.0, 1.0 })!;
        double fused = -Math.Pow(2, -60);
        Assert.Equal(new[] { fused, fused, fused, 0.0 }, f);
    }

    [Fact]
    public void Fields_InlineUpToFourStates_AndAreTheirOwnJitRootsAbove()
    {
        // A field inlined at every stage of a larger state's step exhausts the JIT's inlining budget (bench/README.md,
        // seventh session): up to four states the drift inlines, above it is its own JIT root.
        static string VfAttribute(int states)
        {
            var names = Enumerable.Range(0, states).Select(i => $"y{i}").ToArray();
            string src = EquationCompiler.GenerateSource(new EquationModelSpec($"n{states}", names, [], [], names.Select(n => new NamedExpr(n, $"-{n}")).ToArray()));
            var lines = src.Split('\n');
            int at = Array.FindIndex(lines, l => l.Contains(" Vf(TScalar t, in "));
            return lines[at - 1].Trim();
        }
        Assert.Equal("[MethodImpl(MethodImplOptions.AggressiveInlining)]", VfAttribute(4));
        Assert.Equal("[MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]", VfAttribute(5));
        Assert.Equal("[MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]", VfAttribute(9));
    }

    // ---------------------------------------------------------------- diffusion

    [Fact]
    public void DiagonalDiffusion_GivesGTimesDwAndItsDiagonalDerivative()
    {
        var spec = new EquationModelSpec("gbm2", ["s", "v"], [new ParamSpec("mu", 0.05), new ParamSpec("vol", 0.2)], [],
            [new NamedExpr("s", "mu*s"), new NamedExpr("v", "-v")],
            new DiagonalDiffusionSpec([new NamedExpr("s", "vol*s*sqrt(v)")]));
        var compiled = EquationCompiler.Compile(spec);
        Assert.Equal(NoiseShape.Diagonal, compiled.Noise);
        Assert.Equal(typeof(Vec2<F64>), compiled.MakeNoiseType(typeof(F64)));
        Assert.Equal(typeof(Vec2<F64>), compiled.MakeDiffusionValueType(typeof(F64)));
        double vol = 0.2, s = 3.0, v = 0.25;
        var (g, prod, dg) = ((double[], double[], double[]))compiled.Invoke(Method(nameof(Diffuse)), typeof(F64), null, new[] { 0.05, vol }, 0.0, new[] { s, v }, new[] { 0.1, -0.4 })!;
        Assert.Equal(new[] { vol * s * Math.Sqrt(v), 0 }, g);
        Assert.Equal(new[] { vol * s * Math.Sqrt(v) * 0.1, 0 }, prod);
        Assert.Equal(new[] { vol * Math.Sqrt(v), 0 }, dg);
    }

    [Fact]
    public void GeneralDiffusion_MultipliesTheMatrixByTheNoiseVector()
    {
        var spec = new EquationModelSpec("two by three", ["x", "y"], [new ParamSpec("c", 2.0)], [],
            [new NamedExpr("x", "0"), new NamedExpr("y", "0")],
            new GeneralDiffusionSpec(3, [new DiffusionRow("x", ["c", "x", "1"]), new DiffusionRow("y", ["y*c", "0", "t + x"])]));
        var compiled = EquationCompiler.Compile(spec);
        Assert.Equal(NoiseShape.General, compiled.Noise);
        Assert.Equal(typeof(Vec3<F64>), compiled.MakeNoiseType(typeof(F64)));
        Assert.Equal(typeof(Cat<Vec4<F64>, Vec2<F64>, F64>), compiled.MakeDiffusionValueType(typeof(F64)));
        double c = 2, x = 1.5, y = -0.5, t = 0.25;
        double[] dw = [0.1, 0.2, -0.3];
        var (g, prod, _) = ((double[], double[], double[]))compiled.Invoke(Method(nameof(Diffuse)), typeof(F64), null, new[] { c }, t, new[] { x, y }, dw)!;
        double[] want = [c, x, 1, y * c, 0, t + x];
        Assert.Equal(want, g);
        Assert.Equal(want[0] * dw[0] + want[1] * dw[1] + want[2] * dw[2], prod[0], 15);
        Assert.Equal(want[3] * dw[0] + want[4] * dw[1] + want[5] * dw[2], prod[1], 15);
    }

    // ---------------------------------------------------------------- code shape, cache, timing

    [Fact]
    public void GeneratedSource_UsesMultiplicationForSmallIntegerPowers_AndPowOtherwise()
    {
        var spec = new EquationModelSpec("powers", ["x"], [], [], [new NamedExpr("x", "x^2 + x^3 + (x+1)^2 + x^2.5 + x^0.5")]);
        string src = EquationCompiler.GenerateSource(spec);
        string vf = src[src.IndexOf("Vf(TScalar t", StringComparison.Ordinal)..src.IndexOf("Jvp(", StringComparison.Ordinal)];
        Assert.Contains("s_x * s_x + s_x * s_x * s_x + Sq(s_x + TScalar.One) + TScalar.Pow(s_x, TScalar.From(2.5d)) + TScalar.Sqrt(s_x)", vf);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(vf, @"TScalar\.Pow\("));
    }

    [Fact]
    public void Compile_WithTheSameEquationsWrittenDifferently_ReturnsTheCachedModel()
    {
        var a = EquationCompiler.Compile(LorenzSpec("lorenz cache"));
        var b = EquationCompiler.Compile(LorenzSpec("lorenz cache", driftX: "  sigma * ( y-x )  "));
        Assert.Same(a, b);
        Assert.Same(a.MakeModelType(typeof(F64)), b.MakeModelType(typeof(F64)));
        var c = EquationCompiler.Compile(LorenzSpec("lorenz cache", driftX: "sigma*(y - x) + 0*x"));
        Assert.NotSame(a, c);
        Assert.NotEqual(a.Hash, c.Hash);
    }

    [Fact]
    public void ColdCompile_OfANewModel_TakesUnderFiveSeconds()
    {
        // A name never seen before, so this compile cannot come from the cache.
        var spec = LorenzSpec("lorenz " + Guid.NewGuid().ToString("N"));
        var sw = Stopwatch.StartNew();
        var compiled = EquationCompiler.Compile(spec);
        sw.Stop();
        var again = EquationCompiler.Compile(LorenzSpec("lorenz " + Guid.NewGuid().ToString("N")));
        var first = EquationCompiler.FirstCompileTime!.Value;
        output.WriteLine($"first compile in this process (Roslyn start-up included): {first.TotalMilliseconds:F1} ms");
        output.WriteLine($"new model: {compiled.CompileTime.TotalMilliseconds:F1} ms (wall {sw.Elapsed.TotalMilliseconds:F1} ms); next new model: {again.CompileTime.TotalMilliseconds:F1} ms; source {compiled.Source.Length} chars");
        Assert.True(compiled.CompileTime < TimeSpan.FromSeconds(5), $"compile took {compiled.CompileTime}");
        Assert.True(again.CompileTime < TimeSpan.FromSeconds(5), $"compile took {again.CompileTime}");
        // Sanity only: generous enough for an overloaded 2-core test machine.
        Assert.True(first < TimeSpan.FromSeconds(30), $"first compile took {first}");
    }

    [Fact]
    public void CloseMethod_WithAnUnmatchableTypeParameter_SaysWhichOne()
    {
        var compiled = EquationCompiler.Compile(LorenzSpec());
        var ex = Assert.Throws<ArgumentException>(() => compiled.CloseMethod(Method(nameof(Unmatchable)), typeof(F64)));
        Assert.Contains("TOther", ex.Message);
        Assert.Throws<ArgumentException>(() => compiled.MakeModelType(typeof(double)));
    }

    private static void Unmatchable<TModel, TOther>() where TModel : struct, IModel<TModel, F64, Vec3<F64>> { }

    [Fact]
    public void Invoke_RethrowsTheDriversOwnException()
    {
        var compiled = EquationCompiler.Compile(LorenzSpec());
        // Tsit5 with atol < 0 is rejected by the PID options before any work.
        Assert.Throws<ArgumentException>(() => compiled.Invoke(Method(nameof(SolveTsit5)), typeof(F64), null, new[] { 10.0, 28, 8.0 / 3 }, new[] { 1.0, 1, 1 }, 1.0, 1e-6, -1.0));
    }

    [Fact]
    public void NamesThatShadowGeneratedIdentifiers_StillCompileAndEvaluate()
    {
        // Method parameters (t, y, v, j, i, paramIndex), locals (r, m, s_y, a_d, d0_…), the create argument p,
        // C# keywords (int) and T as a parameter name must not clash with the generated code.
        var spec = new EquationModelSpec("names", ["y", "v", "r", "U", "g", "dw"],
            [new ParamSpec("p", 1), new ParamSpec("m", 2), new ParamSpec("j", 3), new ParamSpec("i", 4), new ParamSpec("T", 5), new ParamSpec("paramIndex", 6), new ParamSpec("int", 7), new ParamSpec("s_y", 8)],
            [new NamedExpr("d", "y*p"), new NamedExpr("a_d", "d*m + s_y"), new NamedExpr("d0_d", "a_d")],
            [new NamedExpr("y", "d + a_d*v"), new NamedExpr("v", "r*j"), new NamedExpr("r", "U*i + int"), new NamedExpr("U", "T*paramIndex*y"), new NamedExpr("g", "g*dw + d0_d"), new NamedExpr("dw", "t")],
            new DiagonalDiffusionSpec([new NamedExpr("g", "g*dw*m")]));
        var compiled = EquationCompiler.Compile(spec);
        double[] p = [1, 2, 3, 4, 5, 6, 7, 8], y = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5];
        var f = (double[])compiled.Invoke(Method(nameof(VfF64)), typeof(F64), null, p, 0.25, y)!;
        double d = y[0] * p[0], ad = d * p[1] + p[7];
        Assert.Equal(new[] { d + ad * y[1], y[2] * p[2], y[3] * p[3] + p[6], p[4] * p[5] * y[0], y[4] * y[5] + ad, 0.25 }, f);
        var deriv = (Derivs)compiled.Invoke(Method(nameof(Evaluate)), typeof(F64), null, p, 0.25, y, new double[6])!;
        Assert.Equal(p[0] + p[0] * p[1] * y[1], deriv.J[0, 0]);
    }

    [Fact]
    public async Task WarmUp_CompilesAModelInTheBackground()
    {
        await EquationCompiler.WarmUpAsync();
        Assert.NotNull(EquationCompiler.FirstCompileTime);
        Assert.True(EquationCompiler.CachedCount >= 1);
    }

    // ---------------------------------------------------------------- validation

    private static ExpressionException Invalid(EquationModelSpec spec) => Assert.Throws<ExpressionException>(() => EquationCompiler.Compile(spec));

    [Fact]
    public void MissingDrift_IsAnError()
    {
        var spec = LorenzSpec() with { Drift = [new NamedExpr("x", "sigma*(y - x)"), new NamedExpr("y", "x")], SourceFile = "job.yaml", FieldPrefix = "model" };
        var ex = Invalid(spec);
        Assert.Equal("job.yaml: model.drift: state 'z' has no drift (every state needs one)", ex.Message);
    }

    [Fact]
    public void DriftForAnUnknownState_AndUnknownVariables_AreReportedWithPositions()
    {
        var spec = LorenzSpec() with
        {
            Drift = [new NamedExpr("x", new ExprSource("sigma*(y - xx)", 12, 15)), new NamedExpr("y", "x"), new NamedExpr("z", "z"), new NamedExpr("q", new ExprSource("1", 14, 6))],
            SourceFile = "job.yaml",
        };
        var errors = spec.FindErrors();
        Assert.Equal(2, errors.Count);
        Assert.Equal("job.yaml:12:26: drift.x: unknown variable 'xx' (known: x, y, z, sigma, rho, beta, t)", errors[0].Message);
        Assert.Equal("job.yaml:14:6: drift.q: 'q' is not a state (states: x, y, z)", errors[1].Message);
    }

    [Fact]
    public void DuplicateAndReservedNames_AreErrors()
    {
        var spec = new EquationModelSpec("m", ["x", "x", "t", "exp", "1a"], [new ParamSpec("x", 1), new ParamSpec("Vf", 2)], [new NamedExpr("x", "1")], []);
        var reasons = spec.FindErrors().Select(e => e.Message).ToList();
        Assert.Contains("states[1]: duplicate name 'x': already used as a state", reasons);
        Assert.Contains("states[2]: state name 't' is reserved for time", reasons);
        Assert.Contains("states[3]: state name 'exp' is a function name (functions: exp, log, sqrt, sin, cos, tan, tanh, abs, min, max, pow)", reasons);
        Assert.Contains("states[4]: state name '1a' is not an identifier (letters, digits and '_', not starting with a digit)", reasons);
        Assert.Contains("params[0]: duplicate name 'x': already used as a state", reasons);
        Assert.Contains(reasons, r => r.StartsWith("params.Vf: parameter name 'Vf' is reserved in the generated model", StringComparison.Ordinal));
        Assert.Contains("aux[0]: duplicate name 'x': already used as a state", reasons);
    }

    [Fact]
    public void AuxForwardReference_IsAnErrorAtTheReference()
    {
        var spec = LorenzSpec() with
        {
            Aux = [new NamedExpr("a", new ExprSource("x + b", 7, 10)), new NamedExpr("b", "y")],
            SourceFile = "job.yaml",
        };
        var ex = Invalid(spec);
        Assert.Equal("job.yaml:7:14: aux.a: aux 'b' is defined after 'a' (aux are evaluated in order: move 'b' above 'a')", ex.Message);
    }

    [Fact]
    public void AuxCycle_AndSelfReference_AreErrors()
    {
        var cycle = LorenzSpec() with { Aux = [new NamedExpr("a", "b + 1"), new NamedExpr("b", "c*2"), new NamedExpr("c", "a")] };
        var errors = cycle.FindErrors();
        Assert.Equal("1:1: aux.a: aux cycle: a -> b -> c -> a", errors[0].Message);
        var self = LorenzSpec() with { Aux = [new NamedExpr("a", "x*a")] };
        Assert.Equal("1:3: aux.a: aux 'a' refers to itself", self.FindErrors().Single().Message);
    }

    [Fact]
    public void AuxUsingEarlierAux_CompilesAndEvaluatesInOrder()
    {
        var spec = new EquationModelSpec("auxchain", ["x"], [new ParamSpec("k", 2)],
            [new NamedExpr("a", "k*x"), new NamedExpr("b", "a^2 + t"), new NamedExpr("c", "b - a")],
            [new NamedExpr("x", "c")]);
        var compiled = EquationCompiler.Compile(spec);
        var f = (double[])compiled.Invoke(Method(nameof(VfF64)), typeof(F64), null, new[] { 2.0 }, 0.5, new[] { 3.0 })!;
        Assert.Equal((6.0 * 6.0 + 0.5) - 6.0, f[0]);
    }

    [Fact]
    public void GeneralDiffusionRow_WithTheWrongLength_IsAnError()
    {
        var spec = LorenzSpec() with { Diffusion = new GeneralDiffusionSpec(2, [new DiffusionRow("x", ["1"])]) };
        Assert.Equal("diffusion.x: row has 1 entry but the noise dimension is 2", Invalid(spec).Message);
    }
}
