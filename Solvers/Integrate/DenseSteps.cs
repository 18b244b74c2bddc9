using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Integrate;

/// <summary>The accepted steps of a solve with their stages: the dense interpolant over the whole span.</summary>
internal abstract class DenseSteps<TY> where TY : struct, IState<TY, F64>
{
    protected readonly List<double> T0s = [], T1s = [];
    protected readonly List<TY> Y0s = [];
    protected readonly List<RkStages<TY>> Ks = [];
    protected readonly List<TY> KEnds = [];

    public void Add(double t0, double t1, in TY y0, in RkStages<TY> k, in TY kEnd)
    {
        T0s.Add(t0); T1s.Add(t1); Y0s.Add(y0); Ks.Add(k); KEnds.Add(kEnd);
    }

    public int Count => T0s.Count;

    /// <summary>The step containing t (the later one at a shared endpoint), and θ in it.</summary>
    protected int Find(double t, out double theta)
    {
        if (Count == 0) throw new InvalidOperationException("The solve took no steps; there is nothing to interpolate.");
        double first = T0s[0], last = T1s[^1];
        bool forward = last >= first;
        double lo = Math.Min(first, last), hi = Math.Max(first, last);
        if (!(t >= lo - 1e-12 * Math.Max(1, Math.Abs(lo)) && t <= hi + 1e-12 * Math.Max(1, Math.Abs(hi))))
            throw new ArgumentOutOfRangeException(nameof(t), t, $"Dense output covers [{lo}, {hi}] only.");
        int a = 0, b = Count - 1;
        while (a < b)
        {
            int m = (a + b + 1) / 2;
            bool after = forward ? T0s[m] <= t : T0s[m] >= t;
            if (after) a = m; else b = m - 1;
        }
        double h = T1s[a] - T0s[a];
        theta = h == 0 ? 0 : Math.Clamp((t - T0s[a]) / h, 0, 1);
        return a;
    }

    public abstract TY Evaluate(double t);
    public abstract TY Derivative(double t);
}

internal sealed class DenseSteps<TSolver, TTerm, TY, TC, TF> : DenseSteps<TY>
    where TSolver : struct, ISolverStepper<TTerm, F64, TY, TC, TF>
    where TTerm : struct, ITerm<F64, TY, TC, TF>
    where TY : struct, IState<TY, F64>
    where TF : struct, IState<TF, F64>
{
    public override TY Evaluate(double t)
    {
        int i = Find(t, out double theta);
        RkStages<TY> k = Ks[i];
        return TSolver.Interpolate(new F64(theta), Y0s[i], k, KEnds[i]);
    }

    public override TY Derivative(double t)
    {
        int i = Find(t, out double theta);
        double h = T1s[i] - T0s[i];
        RkStages<TY> k = Ks[i];
        return TY.Scale(new F64(1.0 / h), TSolver.InterpolateDerivative(new F64(theta), Y0s[i], k, KEnds[i]));
    }
}
