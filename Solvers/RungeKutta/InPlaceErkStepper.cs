using System.Runtime.CompilerServices;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;

namespace Diffrax.Solvers.RungeKutta;

/// <summary>
/// An explicit Runge–Kutta tableau over an ODE term for states of more than four components, on host lanes: the
/// stages are formed in place, one loop over the components per stage term, on the state read as an array of
/// lanes. <see cref="ErkStepper{TTab, TTerm, T, TY, TC, TF}"/>'s generated step forms each stage sum as state values
/// (one inlined method per component per operation for the <see cref="Cat{TA, TB, T}"/> trees that hold such states),
/// which exhausts the JIT's inlining budget above four components and leaves every lane operation a call. Here the
/// step inlines a handful of loops whatever the dimension. The same operations in the same order as the generated
/// step, so the same bits (tested). Host only: GPU kernels keep <see cref="ErkStepper{TTab, TTerm, T, TY, TC, TF}"/>.
/// </summary>
/// <remarks>
/// The state must occupy exactly <c>TY.Dim</c> consecutive lanes (<see cref="Applies"/>): the <c>Vec</c> and
/// <c>Cat</c> states do.
/// </remarks>
public struct InPlaceErkStepper<TTab, TModel, T, TY> : ISolverStepper<OdeTerm<TModel, T, TY>, T, TY, T, TY>
    where TTab : struct, IExplicitRungeKutta
    where TModel : struct, IVectorField<T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    // The run's stage buffer (Advance keeps no stages for its caller).
    private RkStages<TY> _scratch;

    /// <summary>Whether this stepper applies: more than four components, laid out as consecutive lanes.</summary>
    public static bool Applies => TY.Dim > 4 && Unsafe.SizeOf<TY>() == TY.Dim * Unsafe.SizeOf<T>();

    /// <inheritdoc/>
    public static string Name => TTab.Name;
    /// <inheritdoc/>
    public static double Order => TTab.Order;
    /// <inheritdoc/>
    public static int ErrorOrder => TTab.ErrorOrder;
    /// <inheritdoc/>
    public static bool Fsal => TTab.Fsal;
    /// <inheritdoc/>
    public static int EvaluationsPerStep => TTab.Stages - 1;
    /// <inheritdoc/>
    public static int RunChunk => 0;
    /// <inheritdoc/>
    public static int DenseEvaluations => TTab.DenseStages;

    /// <summary>The tableau's coefficients, read once.</summary>
    private static class Tab
    {
        public static readonly int S = TTab.Stages;
        public static readonly double[] A = Build(S * S, x => TTab.A(x / S, x % S));
        public static readonly double[] B = Build(S, TTab.B);
        public static readonly double[] C = Build(S, TTab.C);
        public static readonly double[] E = Build(S, TTab.E);
        private static double[] Build(int n, Func<int, double> f) { var r = new double[n]; for (int i = 0; i < n; i++) r[i] = f(i); return r; }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T Lanes(in TY y) => ref Unsafe.As<TY, T>(ref Unsafe.AsRef(in y));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T Stage(ref RkStages<TY> k, int i, int d) => ref Unsafe.Add(ref Unsafe.As<RkStages<TY>, T>(ref k), i * d);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public readonly void Step(in OdeTerm<TModel, T, TY> term, T t0, T h, in TY y0, in TY f0, bool wantError, bool wantStages,
        ref RkStages<TY> k, out TY y1, out TY err, out TY fLast)
    {
        Run(term, t0, h, y0, f0, ref k, out y1, out fLast);
        int d = TY.Dim, s = Tab.S;
        Unsafe.SkipInit(out err);
        ref T e = ref Lanes(err);
        for (int c = 0; c < d; c++) Unsafe.Add(ref e, c) = T.Zero;
        if (!wantError || TTab.ErrorOrder == 0) return;
        for (int j = 0; j < s; j++)
            if (Tab.E[j] is double w && w != 0) FmaInto(ref e, T.From(w), ref Stage(ref k, j, d), d);
    }

    /// <summary>
    /// The stage recurrence of the generated step (<c>tools/gen/tableaus.py</c>): stage sums from y0 over the stage
    /// increments in order (over the fields times a·ΔC for the fused tableaus), the fields at t0 + cᵢh, the increments
    /// ΔC·fᵢ, and y1 (the last stage state for FSAL tableaus, else y0 plus the weighted sum). Leaves the increments in
    /// <paramref name="k"/>; the fused tableaus' fields in its upper slots (they have at most four stages).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run(in OdeTerm<TModel, T, TY> term, T t0, T h, in TY y0, in TY f0, ref RkStages<TY> k, out TY y1, out TY fLast)
    {
        int d = TY.Dim, s = Tab.S;
        T control = term.StepContr(t0, h);
        ref T yr = ref Lanes(y0);
        SetStage(ref k, 0, control, f0, d);
        Unsafe.SkipInit(out TY ys);
        ref T yi = ref Lanes(ys);
        fLast = f0;
        for (int i = 1; i < s; i++)
        {
            for (int c = 0; c < d; c++) Unsafe.Add(ref yi, c) = Unsafe.Add(ref yr, c);
            for (int j = 0; j < i; j++)
                if (Tab.A[i * s + j] is double w && w != 0) AddTerm(term, ref k, ref yi, w, j, control, d);
            fLast = term.Vf(T.Fma(T.From(Tab.C[i]), h, t0), ys);
            SetStage(ref k, i, control, fLast, d);
        }
        if (TTab.Fsal)
        {
            y1 = s > 1 ? ys : y0;
            return;
        }
        y1 = y0;
        ref T yn = ref Lanes(y1);
        for (int j = 0; j < s; j++)
            if (Tab.B[j] is double w && w != 0) AddTerm(term, ref k, ref yn, w, j, control, d);
    }

    /// <summary>Slot of stage <paramref name="j"/>'s field for the fused tableaus (they have at most four stages).</summary>
    private static int FieldSlot(int j) => ExplicitRungeKuttaEngine.Slots - Tab.S + j;

    /// <summary>Stage <paramref name="i"/>'s increment ΔC·f (and, for the fused tableaus, the field itself).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetStage(ref RkStages<TY> k, int i, T control, in TY f, int d)
    {
        ref T ki = ref Stage(ref k, i, d), fr = ref Lanes(f);
        for (int c = 0; c < d; c++) Unsafe.Add(ref ki, c) = control * Unsafe.Add(ref fr, c);
        if (!TTab.FusedStages) return;
        ref T fs = ref Stage(ref k, FieldSlot(i), d);
        for (int c = 0; c < d; c++) Unsafe.Add(ref fs, c) = Unsafe.Add(ref fr, c);
    }

    /// <summary>
    /// acc += w·kⱼ, or for the fused tableaus acc += (w·ΔC)·fⱼ (the generated step's <c>TY.Fma</c> and
    /// <c>ITerm.ProdAdd</c>, component by component).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTerm(in OdeTerm<TModel, T, TY> term, ref RkStages<TY> k, ref T acc, double w, int j, T control, int d)
    {
        if (TTab.FusedStages) FmaInto(ref acc, w == 1.0 ? control : term.ScaleControl(T.From(w), control), ref Stage(ref k, FieldSlot(j), d), d);
        else FmaInto(ref acc, T.From(w), ref Stage(ref k, j, d), d);
    }

    /// <summary>accᵢ = a·xᵢ + accᵢ for the <paramref name="d"/> components.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FmaInto(ref T acc, T a, ref T x, int d)
    {
        for (int c = 0; c < d; c++) Unsafe.Add(ref acc, c) = T.Fma(a, Unsafe.Add(ref x, c), Unsafe.Add(ref acc, c));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Commit(T accept) { }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public void Advance(in OdeTerm<TModel, T, TY> term, T t0, T h, in TY y0, in TY f0, out TY y1, out TY fLast)
        => Run(term, t0, h, y0, f0, ref _scratch, out y1, out fLast);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void BeginRun(in OdeTerm<TModel, T, TY> term, T dir, T tau, T h, int steps) { }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AdvanceRun(ref LaneState<T, TY, TY> s, in OdeTerm<TModel, T, TY> term, int steps, LoopOptions opt)
        => Integrator.AdvanceRun<InPlaceErkStepper<TTab, TModel, T, TY>, OdeTerm<TModel, T, TY>, T, TY, T, TY>(ref this, ref s, term, steps, opt);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int AdvanceChunk(in OdeTerm<TModel, T, TY> term, ref T t, T h, ref TY y, ref TY f, bool haveF, int most)
        => Integrator.AdvanceOne<InPlaceErkStepper<TTab, TModel, T, TY>, OdeTerm<TModel, T, TY>, T, TY, T, TY>(ref this, term, ref t, h, ref y, ref f, haveF);

    /// <inheritdoc/>
    public static void PrepareDense(in OdeTerm<TModel, T, TY> term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd)
        => TTab.PrepareDense<OdeTerm<TModel, T, TY>, T, TY, T, TY>(term, t0, h, y0, ref k, kEnd);

    /// <inheritdoc/>
    public static TY Interpolate(T theta, in TY y0, in RkStages<TY> k, in TY kEnd) => TTab.Interpolate<T, TY>(theta, y0, k, kEnd);

    /// <inheritdoc/>
    public static TY InterpolateDerivative(T theta, in TY y0, in RkStages<TY> k, in TY kEnd)
        => ErkStepper<TTab, OdeTerm<TModel, T, TY>, T, TY, T, TY>.InterpolateDerivative(theta, y0, k, kEnd);
}
