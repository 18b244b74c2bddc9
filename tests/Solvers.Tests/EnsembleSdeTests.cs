using Diffrax.Contracts;
using Diffrax.Solvers.Ensembles;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
using Xunit;

namespace Diffrax.Solvers.Tests;

public class EnsembleSdeTests
{
    private static EnsembleProblem Gbm(int n, double? dt0, PidOptions? pid = null)
    {
        var y0 = Enumerable.Repeat(100.0, n).ToArray();
        var ps = new double[2 * n];
        for (int i = 0; i < n; i++) { ps[2 * i] = 0.05; ps[2 * i + 1] = 0.2; }
        return new EnsembleProblem { Members = n, T0 = 0, T1 = 1, Dt0 = dt0, Y0 = y0, Params = ps, Pid = pid };
    }

    [Fact]
    public void SdeEnsembleOnLanes_MatchesSingleSolvesOnTheSamePaths_BitForBit()
    {
        var p = Gbm(37, 1.0 / 252);
        var r = SdeEnsembleRunner.Run<EulerMaruyama, GeometricBrownianMotion<Lane8>, Lane8, Vec1<Lane8>, Vec1<Lane8>, Vec1<Lane8>, GbmDrift<Lane8>, GbmDiffusion<Lane8>>(p, seed: 7, threads: 2);
        for (int m = 0; m < p.Members; m++)
        {
            var path = new FixedStepBrownian<F64, Vec1<F64>>(7, 0, 1, 1.0 / 252, new F64(m));
            var s = Sde.Solve<EulerMaruyama, GbmDrift<F64>, GbmDiffusion<F64>, FixedStepBrownian<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
                new GbmDrift<F64> { Mu = 0.05 }, new GbmDiffusion<F64> { Sigma = 0.2 }, path, 0, 1, 1.0 / 252, new Vec1<F64>(100.0));
            Assert.Equal(ResultCode.Successful, r.Results[m]);
            Assert.Equal(s.Stats.Accepted, r.Accepted[m]);
            Assert.Equal(s.YFinal.X.V, r.Final[0][m]);
        }
    }

    [Theory]
    [InlineData(0.0, 1.0)]               // 252 steps: runs taken by step number across many Philox blocks
    [InlineData(0.0, 3.0 / 252)]         // 3 steps: refilled lanes start again in block 0 with another member
    [InlineData(1e7, 1e7 + 20.0 / 252)]  // far from 0: t0 + h − t0 is no full step, runs go through the block cache
    [InlineData(1e7, 1e7 + 4.0 / 252)]   // the same with refills inside a block
    public void HestonEnsembleRuns_ServeTwoDimensionalNoiseFromCachedBlocks_BitForBitAsSingleSolves(double t0, double t1)
    {
        // Constant-step runs take the normals of a Philox block from the stepper (by step number, or through the block
        // cache keyed by time); the single solves below draw every step afresh. Both must agree bit for bit, in every
        // noise dimension and after refills.
        const int n = 45;
        var y0 = new double[2 * n];
        var ps = new double[5 * n];
        for (int i = 0; i < n; i++)
        {
            y0[2 * i] = 100.0 + i; y0[2 * i + 1] = 0.04;
            ps[5 * i] = 0.05; ps[5 * i + 1] = 2.0; ps[5 * i + 2] = 0.04; ps[5 * i + 3] = 0.3 + 0.01 * i; ps[5 * i + 4] = -0.7;
        }
        var p = new EnsembleProblem { Members = n, T0 = t0, T1 = t1, Dt0 = 1.0 / 252, Y0 = y0, Params = ps };
        var r = SdeEnsembleRunner.Run<EulerMaruyama, Heston<Lane8>, Lane8, Vec2<Lane8>, Vec2<Lane8>, Vec4<Lane8>, HestonDrift<Lane8>, HestonDiffusion<Lane8>>(p, seed: 11, threads: 2);
        for (int m = 0; m < n; m++)
        {
            var path = new FixedStepBrownian<F64, Vec2<F64>>(11, t0, t1, 1.0 / 252, new F64(m));
            var s = Sde.Solve<EulerMaruyama, HestonDrift<F64>, HestonDiffusion<F64>, FixedStepBrownian<F64, Vec2<F64>>, Vec2<F64>, Vec2<F64>, Vec4<F64>>(
                new HestonDrift<F64> { Mu = new(0.05), Kappa = new(2.0), Theta = new(0.04) },
                new HestonDiffusion<F64> { Xi = new(0.3 + 0.01 * m), Rho = new(-0.7) }, path, t0, t1, 1.0 / 252, new Vec2<F64>(100.0 + m, 0.04));
            Assert.Equal(ResultCode.Successful, r.Results[m]);
            Assert.Equal(s.Stats.Accepted, r.Accepted[m]);
            Assert.Equal(s.YFinal.X.V, r.Final[0][m]);
            Assert.Equal(s.YFinal.Y.V, r.Final[1][m]);
        }
    }

    [Fact]
    public void GbmEnsemble_PricesTheCallWithinThreeStandardErrorsOfBlackScholes()
    {
        const int n = 100_000;
        var r = SdeEnsembleRunner.Run<EulerMaruyama, GeometricBrownianMotion<Lane8>, Lane8, Vec1<Lane8>, Vec1<Lane8>, Vec1<Lane8>, GbmDrift<Lane8>, GbmDiffusion<Lane8>>(Gbm(n, 1.0 / 252), seed: 12345);
        double disc = Math.Exp(-0.05), sum = 0, sum2 = 0;
        foreach (double s in r.Final[0]) { double pay = disc * Math.Max(s - 100, 0); sum += pay; sum2 += pay * pay; }
        double mean = sum / n, se = Math.Sqrt((sum2 / n - mean * mean) / (n - 1));
        const double blackScholes = 10.450583572185565; // S0 = K = 100, r = 0.05, σ = 0.2, T = 1
        Assert.True(Math.Abs(mean - blackScholes) < 3 * se, $"price {mean} ± {se} vs {blackScholes}");
    }

    [Fact]
    public void AdaptiveSdeEnsemble_OnTheBrownianTree_DoesNotDependOnThreadsOrLaneWidth()
    {
        var p = Gbm(24, null, new PidOptions { Rtol = 1e-3, Atol = 1e-3 });
        var a = SdeEnsembleRunner.Run<StratonovichHeun, GeometricBrownianMotion<F64>, F64, Vec1<F64>, Vec1<F64>, Vec1<F64>, GbmDrift<F64>, GbmDiffusion<F64>>(p, seed: 3, threads: 1);
        var b = SdeEnsembleRunner.Run<StratonovichHeun, GeometricBrownianMotion<Lane8>, Lane8, Vec1<Lane8>, Vec1<Lane8>, Vec1<Lane8>, GbmDrift<Lane8>, GbmDiffusion<Lane8>>(p, seed: 3, threads: 2);
        Assert.True(a.Rejected.Sum() > 0, "the test needs rejected steps");
        Assert.Equal(a.Final[0], b.Final[0]);
        Assert.Equal(a.Steps, b.Steps);
    }

    [Fact]
    public void AdaptiveSdeEnsemble_HonoursStepAndJumpTimes_AsSingleSolvesDo()
    {
        double[] stepTs = [0.3, 0.55], jumpTs = [0.8];
        var pid = new PidOptions { Rtol = 1e-3, Atol = 1e-3, StepTs = stepTs, JumpTs = jumpTs };
        var p = Gbm(11, null, pid);
        var timed = SdeEnsembleRunner.Run<StratonovichHeun, GeometricBrownianMotion<Lane8>, Lane8, Vec1<Lane8>, Vec1<Lane8>, Vec1<Lane8>, GbmDrift<Lane8>, GbmDiffusion<Lane8>>(p, seed: 5, threads: 2);
        var plain = SdeEnsembleRunner.Run<StratonovichHeun, GeometricBrownianMotion<Lane8>, Lane8, Vec1<Lane8>, Vec1<Lane8>, Vec1<Lane8>, GbmDrift<Lane8>, GbmDiffusion<Lane8>>(
            Gbm(11, null, pid with { StepTs = [], JumpTs = [] }), seed: 5, threads: 2);
        for (int m = 0; m < p.Members; m++)
        {
            // The runner's tree for member m (its default tolerance: 2^-20 of the span).
            var path = new VirtualBrownianTree<F64, Vec1<F64>>(5, 0, 1, Math.Pow(2, -20), new F64(m));
            var s = Sde.Solve<StratonovichHeun, GbmDrift<F64>, GbmDiffusion<F64>, VirtualBrownianTree<F64, Vec1<F64>>, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
                new GbmDrift<F64> { Mu = 0.05 }, new GbmDiffusion<F64> { Sigma = 0.2 }, path, 0, 1, null, new Vec1<F64>(100.0),
                StepSize.Adaptive(pid), new SaveAt { Steps = true, T1 = false });
            Assert.Equal(ResultCode.Successful, timed.Results[m]);
            foreach (double t in stepTs) Assert.Contains(t, s.Ts);
            Assert.Equal(s.Stats.Accepted, timed.Accepted[m]);
            Assert.Equal(s.Stats.Rejected, timed.Rejected[m]);
            Assert.Equal(s.YFinal.X.V, timed.Final[0][m]);
        }
        Assert.NotEqual(plain.Steps, timed.Steps);
    }
}
