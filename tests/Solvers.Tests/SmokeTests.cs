using Diffrax.Contracts;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Xunit;

namespace Diffrax.Solvers.Tests;

public class SmokeTests
{
    [Fact]
    public void Tsit5_OnHarmonicOscillator_MatchesCosine()
    {
        var f = new HarmonicOscillator<F64> { Omega = 1.0 };
        var sol = Diffeq.Solve(new Tsit5(), f, 0, 10, null, new Vec2<F64>(1.0, 0.0),
            StepSize.Adaptive(new PidOptions { Rtol = 1e-8, Atol = 1e-10 }), new SaveAt { Dense = true });
        Assert.Equal(ResultCode.Successful, sol.Result);
        Assert.Equal(Math.Cos(10), sol.YFinal.X.V, 1e-6);
        Assert.Equal(Math.Cos(3.3), sol.Evaluate(3.3).X.V, 1e-6);
        Assert.Equal(-Math.Sin(3.3), sol.Derivative(3.3).X.V, 1e-5);
    }
}
