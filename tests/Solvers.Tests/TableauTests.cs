using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;
using Xunit;
using Xunit.Abstractions;

namespace Diffrax.Solvers.Tests;

/// <summary>
/// Tableau self-checks (<see cref="TableauCheck.Verify{TTab}"/>) and the Butcher order conditions, checked on
/// every rooted tree (Hairer, Nørsett &amp; Wanner I, §II.2: Σ bᵢ Φᵢ(t) = 1/γ(t) for all trees with |t| ≤ p).
/// The declared order is exact: every condition up to it holds, and at least one of the next order fails.
/// The same is checked for the embedded weights b − e (order <c>ErrorOrder</c>) and for the dense weights
/// (Σ wᵢ(θ) Φᵢ(t) = θ^|t| / γ(t)), with the end-point derivative k_end as an extra stage whose row is b.
/// </summary>
public class TableauTests(ITestOutputHelper output)
{
    /// <summary>A rooted tree: its children (as indices into <see cref="Trees"/>), order and density γ.</summary>
    private sealed record Tree(int[] Children, int Order, double Gamma);

    private static readonly List<Tree> Trees = BuildTrees(9);

    private static List<Tree> BuildTrees(int maxOrder)
    {
        var trees = new List<Tree> { new([], 1, 1) };
        for (int n = 2; n <= maxOrder; n++)
        {
            // Children: multisets (non-decreasing index lists) of earlier trees whose orders sum to n − 1.
            int known = trees.Count;
            var found = new List<int[]>();
            void Extend(List<int> chosen, int minIndex, int left)
            {
                if (left == 0) { found.Add([.. chosen]); return; }
                for (int i = minIndex; i < known; i++)
                {
                    if (trees[i].Order > left) continue;
                    chosen.Add(i);
                    Extend(chosen, i, left - trees[i].Order);
                    chosen.RemoveAt(chosen.Count - 1);
                }
            }
            Extend([], 0, n - 1);
            foreach (int[] ch in found)
            {
                double gamma = n;
                foreach (int c in ch) gamma *= trees[c].Gamma;
                trees.Add(new Tree(ch, n, gamma));
            }
        }
        return trees;
    }

    /// <summary>Φ(t) per stage for every tree, for the tableau's A (optionally extended by a row b at the end).</summary>
    private static double[][] ElementaryWeights(double[,] a, int stages)
    {
        var phi = new double[Trees.Count][];
        for (int t = 0; t < Trees.Count; t++)
        {
            var p = new double[stages];
            for (int i = 0; i < stages; i++)
            {
                double prod = 1;
                foreach (int c in Trees[t].Children)
                {
                    double sum = 0;
                    for (int j = 0; j < stages; j++) sum += a[i, j] * phi[c][j];
                    prod *= sum;
                }
                p[i] = prod;
            }
            phi[t] = p;
        }
        return phi;
    }

    /// <summary>
    /// The tableau's A; with the end row, also the row of k_end (= b) and the rows of the extra dense stages, so that
    /// a bootstrapped interpolant is checked as the continuous Runge–Kutta method it is.
    /// </summary>
    private static double[,] MatrixA<TTab>(bool withEndRow) where TTab : struct, IButcherTableau
    {
        int s = TTab.Stages, n = s + (withEndRow ? 1 + TTab.DenseStages : 0);
        var a = new double[n, n];
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++) a[i, j] = TTab.A(i, j);
        if (withEndRow)
        {
            for (int j = 0; j < s; j++) a[s, j] = TTab.B(j);
            for (int m = 0; m < TTab.DenseStages; m++)
                for (int j = 0; j <= s + m; j++) a[s + 1 + m, j] = TTab.DenseA(m, j);
        }
        return a;
    }

    /// <summary>Largest residual of the order conditions of each order 1 … maxOrder for weights w.</summary>
    private static double[] Residuals(double[,] a, double[] w, int maxOrder, double theta = 1.0)
    {
        int n = w.Length;
        double[][] phi = ElementaryWeights(a, n);
        var res = new double[maxOrder + 1];
        for (int t = 0; t < Trees.Count; t++)
        {
            Tree tr = Trees[t];
            if (tr.Order > maxOrder) continue;
            double sum = 0;
            for (int i = 0; i < n; i++) sum += w[i] * phi[t][i];
            double r = Math.Abs(sum - Math.Pow(theta, tr.Order) / tr.Gamma);
            res[tr.Order] = Math.Max(res[tr.Order], r);
        }
        return res;
    }

    private void AssertExactOrder(string what, double[] res, int order)
    {
        output.WriteLine($"{what}: residual per order " + string.Join(" ", res.Skip(1).Select((r, i) => $"{i + 1}:{r:E1}")));
        for (int q = 1; q <= order; q++) Assert.True(res[q] < 1e-10, $"{what}: order-{q} condition violated by {res[q]:E2}.");
        Assert.True(res[order + 1] > 1e-6, $"{what}: also satisfies the order-{order + 1} conditions (residual {res[order + 1]:E2}); the declared order is too low.");
    }

    private void CheckTableau<TTab>() where TTab : struct, IButcherTableau
    {
        TableauCheck.Verify<TTab>();
        int s = TTab.Stages;
        double[,] a = MatrixA<TTab>(false);
        double[] b = Enumerable.Range(0, s).Select(i => TTab.B(i)).ToArray();
        AssertExactOrder($"{TTab.Name} b", Residuals(a, b, TTab.Order + 1), TTab.Order);
        if (TTab.ErrorOrder > 0)
        {
            double[] bhat = Enumerable.Range(0, s).Select(i => TTab.B(i) - TTab.E(i)).ToArray();
            AssertExactOrder($"{TTab.Name} b-e", Residuals(a, bhat, TTab.ErrorOrder + 1), TTab.ErrorOrder);
        }
        else
        {
            for (int i = 0; i < s; i++) Assert.Equal(0.0, TTab.E(i));
        }
        // Dense output: order min(DenseOrder, Order) at interior θ (a cubic Hermite through a first-order y1 is first order).
        double[,] ae = MatrixA<TTab>(true);
        int q = Math.Min(TTab.DenseOrder, TTab.Order);
        double nextOrderResidual = 0;
        foreach (double theta in new[] { 0.25, 0.5, 0.8 })
        {
            double[] w = Enumerable.Range(0, s + 1 + TTab.DenseStages).Select(i => TTab.DenseWeight(i, new F64(theta)).V).ToArray();
            double[] res = Residuals(ae, w, q + 1, theta);
            output.WriteLine($"{TTab.Name} dense θ={theta}: " + string.Join(" ", res.Skip(1).Select((r, i) => $"{i + 1}:{r:E1}")));
            for (int o = 1; o <= q; o++) Assert.True(res[o] < 1e-10, $"{TTab.Name} dense output at θ={theta}: order-{o} condition violated by {res[o]:E2}.");
            nextOrderResidual = Math.Max(nextOrderResidual, res[q + 1]);
        }
        Assert.True(nextOrderResidual > 1e-6, $"{TTab.Name} dense output also satisfies the order-{q + 1} conditions: DenseOrder {TTab.DenseOrder} is understated.");
    }

    [Fact]
    public void RootedTrees_CountMatchesOeisA000081()
    {
        int[] expected = [1, 1, 2, 4, 9, 20, 48, 115, 286];
        for (int n = 1; n <= 9; n++) Assert.Equal(expected[n - 1], Trees.Count(t => t.Order == n));
        // γ of the tall tree of order n is n!, of the bushy tree n.
        Assert.Equal(24.0, Trees.Where(t => t.Order == 4).Max(t => t.Gamma));
        Assert.Equal(4.0, Trees.Where(t => t.Order == 4).Min(t => t.Gamma));
    }

    [Fact] public void Euler_SatisfiesOrderConditionsOfOrderOne() => CheckTableau<Euler>();
    [Fact] public void Heun_SatisfiesOrderConditionsOfOrderTwo() => CheckTableau<Heun>();
    [Fact] public void Midpoint_SatisfiesOrderConditionsOfOrderTwo() => CheckTableau<Midpoint>();
    [Fact] public void Ralston_SatisfiesOrderConditionsOfOrderTwo() => CheckTableau<Ralston>();
    [Fact] public void Rk4_SatisfiesOrderConditionsOfOrderFour() => CheckTableau<Rk4>();
    [Fact] public void Bosh3_SatisfiesOrderConditionsOfOrderThree() => CheckTableau<Bosh3>();
    [Fact] public void Dopri5_SatisfiesOrderConditionsOfOrderFive() => CheckTableau<Dopri5>();
    [Fact] public void Tsit5_SatisfiesOrderConditionsOfOrderFive() => CheckTableau<Tsit5>();
    [Fact] public void Dopri8_SatisfiesOrderConditionsOfOrderEight() => CheckTableau<Dopri8>();

    /// <summary>Heun's tableau with the weights b = (½, ⅓): they sum to 5/6, not 1.</summary>
    private struct BrokenWeights : IExplicitRungeKutta
    {
        public static string Name => "broken_weights";
        public static int Stages => 2;
        public static int Order => 2;
        public static int ErrorOrder => 0;
        public static bool Fsal => false;
        public static int DenseOrder => 3;
        public static double A(int i, int j) => i == 1 && j == 0 ? 1.0 : 0.0;
        public static double B(int i) => i == 0 ? 0.5 : 1.0 / 3;
        public static double C(int i) => i == 1 ? 1.0 : 0.0;
        public static double E(int i) => 0.0;
        public static T DenseWeight<T>(int i, T theta) where T : struct, IScalar<T> => Dense.Hermite<T, BrokenWeights>(i, theta);
        // A solver, so that Diffeq.Solve accepts it: the generic engine over this tableau.
        public static void Step<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, bool wantError, bool wantStages,
            ref RkStages<TY> k, out TY y1, out TY err, out TF fLast)
            where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
            => ExplicitRungeKuttaEngine.Step<BrokenWeights, TTerm, T, TY, TC, TF>(term, t0, h, y0, f0, wantError, ref k, out y1, out err, out fLast);
        public static void Advance<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, out TY y1, out TF fLast)
            where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
        {
            RkStages<TY> k = default;
            ExplicitRungeKuttaEngine.Step<BrokenWeights, TTerm, T, TY, TC, TF>(term, t0, h, y0, f0, false, ref k, out y1, out _, out fLast);
        }
        public static void PrepareDense<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd)
            where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
            => ExplicitRungeKuttaEngine.PrepareDense<BrokenWeights, TTerm, T, TY, TC, TF>(term, t0, h, y0, ref k, kEnd);
        public static TY Interpolate<T, TY>(T theta, in TY y0, in RkStages<TY> k, in TY kEnd) where T : struct, IScalar<T> where TY : struct, IState<TY, T>
            => ExplicitRungeKuttaEngine.Interpolate<BrokenWeights, T, TY>(theta, y0, k, kEnd);
        public static void StepInline<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, bool wantError, bool wantStages,
            ref RkStages<TY> k, out TY y1, out TY err, out TF fLast)
            where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
            => Step<TTerm, T, TY, TC, TF>(term, t0, h, y0, f0, wantError, wantStages, ref k, out y1, out err, out fLast);
        public static void AdvanceInline<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, out TY y1, out TF fLast)
            where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
            => Advance<TTerm, T, TY, TC, TF>(term, t0, h, y0, f0, out y1, out fLast);
        public static void PrepareDenseInline<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd)
            where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T>
            => PrepareDense<TTerm, T, TY, TC, TF>(term, t0, h, y0, ref k, kEnd);
    }

    /// <summary>Row 1 of A sums to 0.5 while c₁ = 1.</summary>
    private struct BrokenNodes : IButcherTableau
    {
        public static string Name => "broken_nodes";
        public static int Stages => 2;
        public static int Order => 2;
        public static int ErrorOrder => 0;
        public static bool Fsal => false;
        public static int DenseOrder => 3;
        public static double A(int i, int j) => i == 1 && j == 0 ? 0.5 : 0.0;
        public static double B(int i) => 0.5;
        public static double C(int i) => i == 1 ? 1.0 : 0.0;
        public static double E(int i) => 0.0;
        public static T DenseWeight<T>(int i, T theta) where T : struct, IScalar<T> => Dense.Hermite<T, BrokenNodes>(i, theta);
    }

    /// <summary>Claims FSAL, but its last row differs from b.</summary>
    private struct BrokenFsal : IButcherTableau
    {
        public static string Name => "broken_fsal";
        public static int Stages => 2;
        public static int Order => 1;
        public static int ErrorOrder => 0;
        public static bool Fsal => true;
        public static int DenseOrder => 3;
        public static double A(int i, int j) => i == 1 && j == 0 ? 1.0 : 0.0;
        public static double B(int i) => 0.5;
        public static double C(int i) => i == 1 ? 1.0 : 0.0;
        public static double E(int i) => 0.0;
        public static T DenseWeight<T>(int i, T theta) where T : struct, IScalar<T> => Dense.Hermite<T, BrokenFsal>(i, theta);
    }

    /// <summary>Error weights that do not sum to zero (the "estimate" would not vanish as h → 0).</summary>
    private struct BrokenErrorWeights : IButcherTableau
    {
        public static string Name => "broken_error_weights";
        public static int Stages => 2;
        public static int Order => 2;
        public static int ErrorOrder => 1;
        public static bool Fsal => false;
        public static int DenseOrder => 3;
        public static double A(int i, int j) => i == 1 && j == 0 ? 1.0 : 0.0;
        public static double B(int i) => 0.5;
        public static double C(int i) => i == 1 ? 1.0 : 0.0;
        public static double E(int i) => i == 0 ? 0.5 : -0.25;
        public static T DenseWeight<T>(int i, T theta) where T : struct, IScalar<T> => Dense.Hermite<T, BrokenErrorWeights>(i, theta);
    }

    [Fact]
    public void Verify_WeightsNotSummingToOne_FailsNamingTheTableau()
    {
        var ex = Assert.Throws<InvalidOperationException>(TableauCheck.Verify<BrokenWeights>);
        Assert.Contains("broken_weights", ex.Message);
        Assert.Contains("weights b sum to", ex.Message);
    }

    [Fact]
    public void Verify_RowNotSummingToNode_FailsNamingTheRow()
    {
        var ex = Assert.Throws<InvalidOperationException>(TableauCheck.Verify<BrokenNodes>);
        Assert.Contains("broken_nodes", ex.Message);
        Assert.Contains("row 1 of A", ex.Message);
    }

    [Fact]
    public void Verify_FsalWithLastRowNotB_Fails()
    {
        var ex = Assert.Throws<InvalidOperationException>(TableauCheck.Verify<BrokenFsal>);
        Assert.Contains("FSAL", ex.Message);
    }

    [Fact]
    public void Verify_ErrorWeightsNotSummingToZero_Fails()
    {
        var ex = Assert.Throws<InvalidOperationException>(TableauCheck.Verify<BrokenErrorWeights>);
        Assert.Contains("error weights sum to", ex.Message);
    }

    [Fact]
    public void Solve_WithBrokenTableau_ThrowsBeforeAnyWork()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            Integrate.Diffeq.Solve(new BrokenWeights(), new LinearField(), 0.0, 1.0, 0.1, LinearField.Y0State));
        Assert.Contains("broken_weights", ex.Message);
    }
}
