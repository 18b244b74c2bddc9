using System.Runtime.CompilerServices;
using Diffrax.Solvers.Integrate;
using Diffrax.Solvers.Lanes;
using Diffrax.Solvers.Models;
using Diffrax.Solvers.RungeKutta;
using Diffrax.Solvers.States;
using Diffrax.Solvers.Terms;
using ILGPU;

namespace Diffrax.GpuNode;

/// <summary>
/// The device buffers of one ensemble launch, in the column layout of
/// <see cref="Diffrax.Solvers.Ensembles.EnsembleResult"/>. Passed to the kernel by value; every view is
/// allocated by the host before the launch, so nothing is allocated inside the kernel.
/// </summary>
public struct EnsembleBuffers
{
    /// <summary>Initial states, <c>Y0[member * dim + c]</c>.</summary>
    public ArrayView<double> Y0;
    /// <summary>Parameters, <c>Params[member * nParams + p]</c>.</summary>
    public ArrayView<double> Params;
    /// <summary>Save times in τ = direction · t, increasing.</summary>
    public ArrayView<double> SaveTaus;
    /// <summary>Saved states, <c>Saved[c * saves * members + save * members + member]</c>.</summary>
    public ArrayView<double> Saved;
    /// <summary>Final states, <c>Final[c * members + member]</c>.</summary>
    public ArrayView<double> Final;
    /// <summary>Final times (real t) per member.</summary>
    public ArrayView<double> TFinal;
    /// <summary>Result code, steps, accepted, rejected and evaluations: <c>Stats[k * members + member]</c>, k = 0..4.</summary>
    public ArrayView<int> Stats;
    /// <summary>Number of members.</summary>
    public int Members;
    /// <summary>Parameters per member.</summary>
    public int NParams;
    /// <summary>Number of save times.</summary>
    public int Saves;
    /// <summary>τ of the start.</summary>
    public double Tau0;
    /// <summary>τ of the end.</summary>
    public double TauEnd;
    /// <summary>First step (positive), or 0 to choose it automatically.</summary>
    public double H0;
}

/// <summary>Parameters of one member read from a device view (kernel-safe <see cref="IParams{T}"/>).</summary>
public readonly struct ViewParams : IParams<KernelF64>
{
    private readonly ArrayView<double> _values;
    private readonly long _offset;

    /// <summary>Parameters at <c>values[offset ..]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ViewParams(ArrayView<double> values, long offset) { _values = values; _offset = offset; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public KernelF64 Get(int i) => KernelF64.From(_values[_offset + i]);
}

/// <summary>
/// Kernel-safe save sink: one GPU thread per member writes its saved states, final state, result code and
/// statistics straight into the <see cref="EnsembleBuffers"/> views.
/// </summary>
public struct DeviceSink<TY> : ISaveSink<KernelF64, TY> where TY : struct, IState<TY, KernelF64>
{
    private readonly EnsembleBuffers _b;

    /// <summary>Writes into <paramref name="buffers"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DeviceSink(EnsembleBuffers buffers) { _b = buffers; }

    /// <inheritdoc/>
    public static bool RecordsSteps => false;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly KernelF64 SaveTau(KernelF64 member, KernelF64 index)
    {
        int i = (int)index.V;
        return KernelF64.From(i < _b.Saves ? _b.SaveTaus[i] : double.PositiveInfinity);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Save(KernelF64 mask, KernelF64 member, KernelF64 index, KernelF64 t, in TY y)
    {
        if (mask.V == 0) return;
        long members = _b.Members;
        long at = (long)index.V * members + (long)member.V;
        long plane = (long)_b.Saves * members;
        for (int c = 0; c < TY.Dim; c++) _b.Saved[c * plane + at] = TY.Get(y, c).V;
    }

    /// <inheritdoc/>
    public readonly void Step<TSolver, TTerm, TC, TF>(KernelF64 mask, KernelF64 member, KernelF64 t0, KernelF64 t1, in TY y0, in TY y1, in RkStages<TY> k, in TY kEnd)
        where TSolver : struct, ISolverStepper<TTerm, KernelF64, TY, TC, TF>
        where TTerm : struct, ITerm<KernelF64, TY, TC, TF>
        where TF : struct, IState<TF, KernelF64>
    { }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Finish(KernelF64 mask, KernelF64 member, KernelF64 result, KernelF64 t, in TY y, in SolveStats<KernelF64> stats)
    {
        if (mask.V == 0 || member.V < 0) return;
        long members = _b.Members;
        long m = (long)member.V;
        for (int c = 0; c < TY.Dim; c++) _b.Final[c * members + m] = TY.Get(y, c).V;
        _b.TFinal[m] = t.V;
        _b.Stats[m] = (int)result.V;
        _b.Stats[members + m] = (int)stats.Steps.V;
        _b.Stats[2 * members + m] = (int)stats.Accepted.V;
        _b.Stats[3 * members + m] = (int)stats.Rejected.V;
        _b.Stats[4 * members + m] = (int)stats.Nfe.V;
    }
}
