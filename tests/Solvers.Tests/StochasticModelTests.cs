using Diffrax.Contracts;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
using Xunit;

namespace Diffrax.Solvers.Tests;

public class StochasticModelTests
{
    private static ArrayParams<F64> Defaults(IReadOnlyList<double> p) => new([.. p.Select(v => new F64(v))]);

    [Fact]
    public void OrnsteinUhlenbeck_WithSea_HasTheExactMeanAndVariance()
    {
        var ou = OrnsteinUhlenbeck<F64>.Create(Defaults(OrnsteinUhlenbeck<F64>.Info.DefaultParams));
        const int n = 4000;
        double x0 = 1, t = 1, th = 1, sig = 0.3, dt = 1.0 / 64;
        var xs = new double[n];
        for (int m = 0; m < n; m++)
            xs[m] = Sde.Solve<Sea, OuDrift<F64>, ConstantDiffusion<F64>, FixedStepBrownian<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
                ou.Drift, ou.Diffusion, new FixedStepBrownian<F64, Vec1<F64>>(9, 0, t, dt, new F64(m)), 0, t, dt, new Vec1<F64>(x0)).YFinal.X.V;
        double mean = x0 * Math.Exp(-th * t), var = sig * sig / (2 * th) * (1 - Math.Exp(-2 * th * t));
        Assert.InRange(xs.Average(), mean - 4 * Math.Sqrt(var / n), mean + 4 * Math.Sqrt(var / n));
        Assert.InRange(BrownianTests.Var(xs) / var, 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n));
    }

    [Fact]
    public void CoxIngersollRoss_FullTruncationEuler_StaysFiniteAndHasTheExactMean()
    {
        var cir = CoxIngersollRoss<F64>.Create(Defaults([1.0, 0.04, 0.5]));  // Feller condition violated: paths hit zero.
        const int n = 4000;
        double dt = 1.0 / 128;
        var xs = new double[n];
        for (int m = 0; m < n; m++)
        {
            var sol = Sde.Solve<EulerMaruyama, CirDrift<F64>, CirDiffusion<F64>, FixedStepBrownian<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
                cir.Drift, cir.Diffusion, new FixedStepBrownian<F64, Vec1<F64>>(3, 0, 1, dt, new F64(m)), 0, 1, dt, new Vec1<F64>(0.1));
            Assert.Equal(ResultCode.Successful, sol.Result);
            xs[m] = Math.Max(sol.YFinal.X.V, 0);
        }
        double mean = 0.04 + (0.1 - 0.04) * Math.Exp(-1.0);
        // Full truncation biases the mean by O(dt); allow 4 SE plus 2% for it.
        double se = Math.Sqrt(BrownianTests.Var(xs) / n);
        Assert.InRange(xs.Average(), mean * 0.98 - 4 * se, mean * 1.02 + 4 * se);
    }

    [Fact]
    public void Heston_FullTruncationEuler_HasMartingaleDiscountedSpot()
    {
        var h = Heston<F64>.Create(Defaults(Heston<F64>.Info.DefaultParams));
        const int n = 4000;
        double dt = 1.0 / 64;
        var s = new double[n];
        for (int m = 0; m < n; m++)
            s[m] = Sde.Solve<EulerMaruyama, HestonDrift<F64>, HestonDiffusion<F64>, FixedStepBrownian<F64, Vec2<F64>>, Vec2<F64>, Vec2<F64>, Vec4<F64>>(
                h.Drift, h.Diffusion, new FixedStepBrownian<F64, Vec2<F64>>(5, 0, 1, dt, new F64(m)), 0, 1, dt, new Vec2<F64>(100.0, 0.04)).YFinal.X.V;
        // E[S_T] = S₀(1 + μ dt)^N exactly under Euler (the increments have zero mean).
        double mean = 100 * Math.Pow(1 + 0.05 * dt, 64), se = Math.Sqrt(BrownianTests.Var(s) / n);
        Assert.InRange(s.Average(), mean - 4 * se, mean + 4 * se);
    }

    [Fact]
    public void DoubleWellLangevin_VisitsBothWellsSymmetrically()
    {
        var dw = DoubleWellLangevin<F64>.Create(Defaults([0.4]));
        const int n = 1000;
        int right = 0;
        for (int m = 0; m < n; m++)
        {
            double x = Sde.Solve<ShArk, DoubleWellDrift<F64>, ConstantDiffusion<F64>, FixedStepBrownian<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
                dw.Drift, dw.Diffusion, new FixedStepBrownian<F64, Vec1<F64>>(8, 0, 40, 0.05, new F64(m)), 0, 40, 0.05, new Vec1<F64>(-1.0)).YFinal.X.V;
            if (x > 0) right++;
        }
        // Started in the left well; after many barrier-crossing times the wells are equally likely (stationary law is symmetric).
        Assert.InRange(right, n / 2 - 4 * 16, n / 2 + 4 * 16);
    }
}
