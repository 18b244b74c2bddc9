using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;

namespace Diffrax.Solvers.Integrate;

/// <summary>Per-lane step statistics of a solve (counts held in the lane type).</summary>
public struct SolveStats<T> where T : struct, IScalar<T>
{
    /// <summary>Steps attempted.</summary>
    public T Steps;
    /// <summary>Steps accepted.</summary>
    public T Accepted;
    /// <summary>Steps rejected.</summary>
    public T Rejected;
    /// <summary>Vector-field evaluations.</summary>
    public T Nfe;
}

/// <summary>
/// Where a solve's output goes: states at save times (found by dense interpolation inside the step that
/// contains them), optionally every accepted step, and each member's final state and statistics. A host sink
/// writes into preallocated arrays; a kernel sink writes into device buffers.
/// </summary>
public interface ISaveSink<T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    /// <summary>Whether <see cref="Step{TSolver, TTerm, TC, TF}"/> should be called for every accepted step (SaveAt steps/dense).</summary>
    static abstract bool RecordsSteps { get; }
    /// <summary>τ (= direction · t) of save number <paramref name="index"/> of the lane's member; +∞ past the last.</summary>
    T SaveTau(T member, T index);
    /// <summary>Stores <paramref name="y"/> at time <paramref name="t"/> as save <paramref name="index"/> in the lanes of <paramref name="mask"/>.</summary>
    void Save(T mask, T member, T index, T t, in TY y);
    /// <summary>An accepted step from (t0, y0) to (t1, y1) with its stages, for step saving and dense output.</summary>
    void Step<TSolver, TTerm, TC, TF>(T mask, T member, T t0, T t1, in TY y0, in TY y1, in RkStages<TY> k, in TY kEnd)
        where TSolver : struct, ISolverStepper<TTerm, T, TY, TC, TF>
        where TTerm : struct, Terms.ITerm<T, TY, TC, TF>
        where TF : struct, IState<TF, T>;
    /// <summary>The lanes of <paramref name="mask"/> finished their member: final time, state, result code and statistics.</summary>
    void Finish(T mask, T member, T result, T t, in TY y, in SolveStats<T> stats);
}

/// <summary>A terminating event: the solve stops where <see cref="Condition"/> changes sign.</summary>
public interface IEvent<T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    /// <summary>False for <see cref="NoEvent{T, TY}"/>: the loop then skips event code entirely.</summary>
    static abstract bool Enabled { get; }
    /// <summary>The event function g(t, y); the event is at its root.</summary>
    T Condition(T t, in TY y);
}

/// <summary>No terminating event.</summary>
public struct NoEvent<T, TY> : IEvent<T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    /// <inheritdoc/>
    public static bool Enabled => false;
    /// <inheritdoc/>
    public readonly T Condition(T t, in TY y) => T.One;
}

/// <summary>
/// Gives finished lanes a new member (lane refill), so members with very different step counts do not leave
/// lanes idle. The refill may change the term (new parameters in those lanes).
/// </summary>
public interface IRefill<TTerm, T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    /// <summary>
    /// For lanes in <paramref name="finished"/>, loads the next member if any: sets its τ0, τ end, y0, member id and
    /// first step (0 = choose automatically) and returns the mask of lanes that got one.
    /// </summary>
    T Refill(T finished, ref TTerm term, ref T tau, ref T tauEnd, ref TY y, ref T member, ref T h);
}

/// <summary>No refill: finished lanes stay idle (one member per GPU thread, or a single solve).</summary>
public struct NoRefill<TTerm, T, TY> : IRefill<TTerm, T, TY>
    where T : struct, IScalar<T>
    where TY : struct, IState<TY, T>
{
    /// <inheritdoc/>
    public readonly T Refill(T finished, ref TTerm term, ref T tau, ref T tauEnd, ref TY y, ref T member, ref T h) => T.Zero;
}
