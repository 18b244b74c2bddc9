using Diffrax.Contracts;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.Integrate;

/// <summary>How steps are chosen: constant <c>dt0</c>, or adaptive with a PID controller.</summary>
public sealed record StepSize
{
    /// <summary>The PID options; null means constant steps of <c>dt0</c>.</summary>
    public PidOptions? Pid { get; init; }

    /// <summary>Constant steps.</summary>
    public static StepSize Constant { get; } = new();
    /// <summary>Adaptive steps.</summary>
    public static StepSize Adaptive(PidOptions options) => new() { Pid = options };
}

/// <summary>A terminating event given as a struct condition (kernel-safe) — see <see cref="IEvent{T, TY}"/>.</summary>
public static class Diffeq
{
    /// <summary>Default step budget, as in Diffrax.</summary>
    public const int DefaultMaxSteps = 4096;

    /// <summary>
    /// Solves dy/dt = f(t, y) from <paramref name="t0"/> to <paramref name="t1"/> (backwards when t1 &lt; t0) with
    /// solver <typeparamref name="TTab"/>. The Diffrax <c>diffeqsolve</c> for ODEs.
    /// </summary>
    public static Solution<TY> Solve<TTab, TField, TY>(TTab solver, TField field, double t0, double t1, double? dt0, TY y0,
        StepSize? stepSize = null, SaveAt? saveAt = null, int maxSteps = DefaultMaxSteps)
        where TTab : struct, IExplicitRungeKutta
        where TField : struct, IVectorField<F64, TY>
        where TY : struct, IState<TY, F64>
        => SolveOde<TTab, TField, TY, NoEvent<F64, TY>>(field, t0, t1, dt0, y0, stepSize, saveAt, maxSteps, default);

    /// <summary>As <see cref="Solve{TTab, TField, TY}"/>, stopping at the first sign change of <paramref name="ev"/>'s condition.</summary>
    public static Solution<TY> SolveWithEvent<TTab, TField, TY, TEvent>(TTab solver, TField field, double t0, double t1, double? dt0, TY y0,
        TEvent ev, StepSize? stepSize = null, SaveAt? saveAt = null, int maxSteps = DefaultMaxSteps)
        where TTab : struct, IExplicitRungeKutta
        where TField : struct, IVectorField<F64, TY>
        where TY : struct, IState<TY, F64>
        where TEvent : struct, IEvent<F64, TY>
        => SolveOde<TTab, TField, TY, TEvent>(field, t0, t1, dt0, y0, stepSize, saveAt, maxSteps, ev);

    /// <summary>
    /// An ODE solve: states of more than four components step in place (<see cref="InPlaceErkStepper{TTab, TModel, T, TY}"/>,
    /// the same bits as the generated step, which exceeds the JIT's inlining budget for them).
    /// </summary>
    private static Solution<TY> SolveOde<TTab, TField, TY, TEvent>(TField field, double t0, double t1, double? dt0, TY y0,
        StepSize? stepSize, SaveAt? saveAt, int maxSteps, TEvent ev)
        where TTab : struct, IExplicitRungeKutta
        where TField : struct, IVectorField<F64, TY>
        where TY : struct, IState<TY, F64>
        where TEvent : struct, IEvent<F64, TY>
    {
        var term = new OdeTerm<TField, F64, TY>(field);
        if (!InPlaceErkStepper<TTab, TField, F64, TY>.Applies)
            return Solve<TTab, OdeTerm<TField, F64, TY>, TY, F64, TY, TEvent>(term, t0, t1, dt0, y0, stepSize, saveAt, maxSteps, ev);
        TableauChecks<TTab>.Ensure();
        return SolveWith<InPlaceErkStepper<TTab, TField, F64, TY>, OdeTerm<TField, F64, TY>, TY, F64, TY, TEvent>(default, term, t0, t1, dt0, y0, stepSize, saveAt, maxSteps, ev);
    }

    /// <summary>
    /// The general solve over any term (ODE, SDE, CDE) with an explicit Runge–Kutta tableau.
    /// </summary>
    public static Solution<TY> Solve<TTab, TTerm, TY, TC, TF, TEvent>(TTerm term, double t0, double t1, double? dt0, TY y0,
        StepSize? stepSize, SaveAt? saveAt, int maxSteps, TEvent ev)
        where TTab : struct, IExplicitRungeKutta
        where TTerm : struct, ITerm<F64, TY, TC, TF>
        where TY : struct, IState<TY, F64>
        where TF : struct, IState<TF, F64>
        where TEvent : struct, IEvent<F64, TY>
    {
        TableauChecks<TTab>.Ensure();
        return SolveWith<ErkStepper<TTab, TTerm, F64, TY, TC, TF>, TTerm, TY, TC, TF, TEvent>(default, term, t0, t1, dt0, y0, stepSize, saveAt, maxSteps, ev);
    }

    /// <summary>
    /// The general solve with any stepper: validates the request (throwing before any work), then runs the one
    /// integrate loop on a single scalar lane.
    /// </summary>
    public static Solution<TY> SolveWith<TSolver, TTerm, TY, TC, TF, TEvent>(TSolver solver, TTerm term, double t0, double t1, double? dt0, TY y0,
        StepSize? stepSize, SaveAt? saveAt, int maxSteps, TEvent ev)
        where TSolver : struct, ISolverStepper<TTerm, F64, TY, TC, TF>
        where TTerm : struct, ITerm<F64, TY, TC, TF>
        where TY : struct, IState<TY, F64>
        where TF : struct, IState<TF, F64>
        where TEvent : struct, IEvent<F64, TY>
    {
        stepSize ??= StepSize.Constant;
        saveAt ??= SaveAt.Final;
        double dir = Validate(TSolver.Name, TSolver.ErrorOrder, t0, t1, dt0, stepSize, maxSteps);
        for (int i = 0; i < TY.Dim; i++)
            if (!double.IsFinite(TY.Get(y0, i).V)) throw new ArgumentException($"y0[{i}] = {TY.Get(y0, i).V} is not finite.", nameof(y0));
        // With SaveAt steps the last step already saves t1; saving it again would duplicate it.
        var record = new SingleSolveRecord<TY> { SaveTaus = (saveAt.Steps ? saveAt with { T1 = false } : saveAt).Taus(t0, t1), SaveSteps = saveAt.Steps };
        if (saveAt.Dense) record.Dense = new DenseSteps<TSolver, TTerm, TY, TC, TF>();

        var s = new LaneState<F64, TY, TF>
        {
            Tau = new F64(dir * t0), TauEnd = new F64(dir * t1), H = new F64(dt0 is { } d ? Math.Abs(d) : 0),
            Member = F64.Zero, Active = F64.True, Y = y0,
        };
        var opt = new LoopOptions(dir, maxSteps);
        bool recordSteps = saveAt.Steps || saveAt.Dense;
        if (stepSize.Pid is { } pid)
        {
            var user = new SingleSolveUser<TSolver, TTerm, TY, TC, TF, TEvent>
            {
                Solver = ref solver, S = ref s, Term = ref term, Rec = record, Ev = ev, Opt = opt, Steps = recordSteps,
            };
            Controllers.Use<F64, SingleSolveUser<TSolver, TTerm, TY, TC, TF, TEvent>>(pid, TSolver.ErrorOrder, dir, ref user);
        }
        else
        {
            var ctl = default(ConstantStepSize<F64>);
            RunWith<TSolver, TTerm, TY, TC, TF, TEvent, ConstantStepSize<F64>>(ref solver, ref s, ref term, ref ctl, record, ev, opt, recordSteps);
        }

        // As in Diffrax, a solve stopped by an event saves its final (event) state where t1 would have been saved.
        if ((ResultCode)(int)record.Result == ResultCode.EventOccurred && saveAt.T1 && (record.Ts.Count == 0 || record.Ts[^1] != record.TFinal))
        {
            record.Ts.Add(record.TFinal);
            record.Ys.Add(record.YFinal);
        }
        var st = record.Stats;
        return new Solution<TY>(t0, t1, record.Ts.ToArray(), record.Ys.ToArray(), (ResultCode)(int)record.Result, record.TFinal, record.YFinal,
            new SolveStatistics((long)st.Steps.V, (long)st.Accepted.V, (long)st.Rejected.V, (long)st.Nfe.V), record.Dense);
    }

    /// <summary>The single solve's loop with the controller <see cref="Controllers.Use"/> builds.</summary>
    private ref struct SingleSolveUser<TSolver, TTerm, TY, TC, TF, TEvent> : IControllerUser<F64>
        where TSolver : struct, ISolverStepper<TTerm, F64, TY, TC, TF>
        where TTerm : struct, ITerm<F64, TY, TC, TF>
        where TY : struct, IState<TY, F64>
        where TF : struct, IState<TF, F64>
        where TEvent : struct, IEvent<F64, TY>
    {
        public ref TSolver Solver;
        public ref LaneState<F64, TY, TF> S;
        public ref TTerm Term;
        public SingleSolveRecord<TY> Rec;
        public TEvent Ev;
        public LoopOptions Opt;
        public bool Steps;

        public readonly void Use<TCtl>(ref TCtl ctl) where TCtl : struct, IStepSizeController<F64>
            => RunWith<TSolver, TTerm, TY, TC, TF, TEvent, TCtl>(ref Solver, ref S, ref Term, ref ctl, Rec, Ev, Opt, Steps);
    }

    private static void RunWith<TSolver, TTerm, TY, TC, TF, TEvent, TCtl>(ref TSolver solver, ref LaneState<F64, TY, TF> s, ref TTerm term, ref TCtl ctl,
        SingleSolveRecord<TY> rec, TEvent ev, LoopOptions opt, bool steps)
        where TSolver : struct, ISolverStepper<TTerm, F64, TY, TC, TF>
        where TTerm : struct, ITerm<F64, TY, TC, TF>
        where TY : struct, IState<TY, F64>
        where TF : struct, IState<TF, F64>
        where TEvent : struct, IEvent<F64, TY>
        where TCtl : struct, IStepSizeController<F64>
    {
        var refill = default(NoRefill<TTerm, F64, TY>);
        if (steps)
        {
            var sink = new StepsSink<TY>(rec);
            Integrator.Run<TSolver, TTerm, TCtl, StepsSink<TY>, TEvent, NoRefill<TTerm, F64, TY>, F64, TY, TC, TF>(ref solver, ref s, ref term, ref ctl, ref sink, ev, ref refill, opt);
        }
        else
        {
            var sink = new TimesSink<TY>(rec);
            Integrator.Run<TSolver, TTerm, TCtl, TimesSink<TY>, TEvent, NoRefill<TTerm, F64, TY>, F64, TY, TC, TF>(ref solver, ref s, ref term, ref ctl, ref sink, ev, ref refill, opt);
        }
    }

    /// <summary>
    /// Checks a solve request before any work and returns the direction (+1 or −1). Throws
    /// <see cref="ArgumentException"/> naming the offending input.
    /// </summary>
    public static double Validate(string solverName, int errorOrder, double t0, double t1, double? dt0, StepSize stepSize, int maxSteps)
    {
        if (!double.IsFinite(t0)) throw new ArgumentException($"t0 = {t0} is not finite.", nameof(t0));
        if (!double.IsFinite(t1)) throw new ArgumentException($"t1 = {t1} is not finite.", nameof(t1));
        if (maxSteps < 1) throw new ArgumentException($"max_steps = {maxSteps} must be at least 1.", nameof(maxSteps));
        double dir = t1 >= t0 ? 1 : -1;
        if (dt0 is { } d)
        {
            if (!double.IsFinite(d) || d == 0) throw new ArgumentException($"dt0 = {d} must be a finite non-zero step.", nameof(dt0));
            if (t1 != t0 && Math.Sign(d) != Math.Sign(t1 - t0))
                throw new ArgumentException($"dt0 = {d} points away from t1 = {t1} (t0 = {t0}); use dt0 with the sign of t1 - t0.", nameof(dt0));
        }
        if (stepSize.Pid is { } pid)
        {
            pid.Validate();
            if (errorOrder == 0)
                throw new ArgumentException($"Solver {solverName} has no embedded error estimate, so it cannot adapt its step; use a constant step size with dt0.", "stepsize");
        }
        else
        {
            if (dt0 is null) throw new ArgumentException("A constant step size needs dt0.", nameof(dt0));
            if (t0 == t1) throw new ArgumentException($"t0 == t1 = {t0}: the span is empty, so there are no steps to take with dt0 = {dt0}.", nameof(t1));
        }
        return dir;
    }
}

/// <summary>Runs <see cref="TableauCheck.Verify{TTab}"/> once per tableau type.</summary>
public static class TableauChecks<TTab> where TTab : struct, IExplicitRungeKutta
{
    private static readonly Lazy<bool> Checked = new(() => { TableauCheck.Verify<TTab>(); return true; });
    /// <summary>Verifies the tableau the first time it is used.</summary>
    public static void Ensure() => _ = Checked.Value;
}
