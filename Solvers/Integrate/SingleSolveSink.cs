using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Integrate;

/// <summary>Collects the output of one scalar solve (shared by the two sink flavours below).</summary>
internal sealed class SingleSolveRecord<TY> where TY : struct, IState<TY, F64>
{
    public required double[] SaveTaus;
    public readonly List<double> Ts = [];
    public readonly List<TY> Ys = [];
    public bool SaveSteps;
    public DenseSteps<TY>? Dense;
    public double Result, TFinal;
    public TY YFinal;
    public SolveStats<F64> Stats;

    public F64 SaveTau(F64 index) => new((int)index.V < SaveTaus.Length ? SaveTaus[(int)index.V] : double.PositiveInfinity);
}

/// <summary>Sink for a scalar solve that saves at given times only.</summary>
internal struct TimesSink<TY>(SingleSolveRecord<TY> r) : ISaveSink<F64, TY> where TY : struct, IState<TY, F64>
{
    public static bool RecordsSteps => false;
    public readonly F64 SaveTau(F64 member, F64 index) => r.SaveTau(index);
    public readonly void Save(F64 mask, F64 member, F64 index, F64 t, in TY y)
    {
        if (mask.V == 0) return;
        r.Ts.Add(t.V); r.Ys.Add(y);
    }
    public readonly void Step<TSolver, TTerm, TC, TF>(F64 mask, F64 member, F64 t0, F64 t1, in TY y0, in TY y1, in RkStages<TY> k, in TY kEnd)
        where TSolver : struct, ISolverStepper<TTerm, F64, TY, TC, TF> where TTerm : struct, ITerm<F64, TY, TC, TF> where TF : struct, IState<TF, F64> { }
    public readonly void Finish(F64 mask, F64 member, F64 result, F64 t, in TY y, in SolveStats<F64> stats)
    {
        r.Result = result.V; r.TFinal = t.V; r.YFinal = y; r.Stats = stats;
    }
}

/// <summary>Sink for a scalar solve that also records every step (SaveAt steps and/or dense).</summary>
internal struct StepsSink<TY>(SingleSolveRecord<TY> r) : ISaveSink<F64, TY> where TY : struct, IState<TY, F64>
{
    public static bool RecordsSteps => true;
    public readonly F64 SaveTau(F64 member, F64 index) => r.SaveTau(index);
    public readonly void Save(F64 mask, F64 member, F64 index, F64 t, in TY y)
    {
        if (mask.V == 0) return;
        r.Ts.Add(t.V); r.Ys.Add(y);
    }
    public readonly void Step<TSolver, TTerm, TC, TF>(F64 mask, F64 member, F64 t0, F64 t1, in TY y0, in TY y1, in RkStages<TY> k, in TY kEnd)
        where TSolver : struct, ISolverStepper<TTerm, F64, TY, TC, TF> where TTerm : struct, ITerm<F64, TY, TC, TF> where TF : struct, IState<TF, F64>
    {
        if (mask.V == 0) return;
        if (r.SaveSteps) { r.Ts.Add(t1.V); r.Ys.Add(y1); }
        r.Dense?.Add(t0.V, t1.V, y0, k, kEnd);
    }
    public readonly void Finish(F64 mask, F64 member, F64 result, F64 t, in TY y, in SolveStats<F64> stats)
    {
        r.Result = result.V; r.TFinal = t.V; r.YFinal = y; r.Stats = stats;
    }
}
