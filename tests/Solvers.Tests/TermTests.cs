using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Stochastic;
using Diffrax.Solvers.Terms;
using Xunit;

namespace Diffrax.Solvers.Tests;

public class TermTests
{
    [Fact]
    public void OdeTerm_VfProd_IsTheFieldTimesDt_AndTheControlIsTheTimeIncrement()
    {
        var term = new OdeTerm<Lorenz<F64>, F64, Vec3<F64>>(new Lorenz<F64>(10, 28, 8.0 / 3));
        var y = new Vec3<F64>(1, 2, 3);
        F64 dt = term.Contr(0.25, 0.75);
        Assert.Equal(0.5, dt.V);
        var expected = term.Prod(term.Vf(0.25, y), dt);
        var actual = term.VfProd(0.25, y, dt);
        Assert.Equal((expected.X.V, expected.Y.V, expected.Z.V), (actual.X.V, actual.Y.V, actual.Z.V));
        Assert.Equal(0.5 * 10 * (2 - 1), actual.X.V);
    }

    [Fact]
    public void SdeMultiTerm_VfProd_IsDriftTimesDtPlusDiffusionTimesTheBrownianIncrement()
    {
        var path = new FixedStepBrownian<F64, Vec1<F64>>(5, 0, 1, 0.01, new F64(3));
        var term = Sde.Term<GbmDrift<F64>, GbmDiffusion<F64>, FixedStepBrownian<F64, Vec1<F64>>, F64, Vec1<F64>, Vec1<F64>, Vec1<F64>>(
            new GbmDrift<F64> { Mu = 0.05 }, new GbmDiffusion<F64> { Sigma = 0.2 }, path);
        var y = new Vec1<F64>(100);
        var c = term.Contr(0.1, 0.11);
        Assert.Equal(0.01, c.A.V, 15);
        double dw = c.B.X.V;
        Assert.NotEqual(0.0, dw);
        Assert.Equal(term.Contr(0.1, 0.11).B.X.V, dw); // the same interval gives the same increment
        Assert.Equal(0.05 * 100 * 0.01 + 0.2 * 100 * dw, term.VfProd(0.1, y, c).X.V, 12);
        Assert.Equal(term.Prod(term.Vf(0.1, y), c).X.V, term.VfProd(0.1, y, c).X.V);
    }
}
