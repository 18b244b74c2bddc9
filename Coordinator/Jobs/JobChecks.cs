using Diffrax.Contracts.Jobs;
using Diffrax.Solvers.Models;

namespace Diffrax.Coordinator.Jobs;

/// <summary>The checks that need the model's names: parameter overrides, y0 and varied quantities.</summary>
internal static class JobChecks
{
    public static void CheckAgainstModel(JobSpec spec, ModelInfo info, List<JobError> errors)
    {
        string? file = spec.SourceFile;
        void Err(SourceMark at, string field, string message) => errors.Add(new JobError(file, at.Line, at.Column, field, message));
        string states = string.Join(", ", info.States);
        string pars = info.Params.Count == 0 ? "(none)" : string.Join(", ", info.Params);

        if (spec.Model is not EquationsModelSpec)
            foreach (var p in spec.Model.Params)
                if (!info.Params.Contains(p.Name))
                    Err(p.At, $"model.params.{p.Name}", $"unknown parameter '{p.Name}' of model '{info.Name}'; parameters: {pars}");

        if (spec.Y0 is { } y0)
        {
            if (!y0.ByName)
            {
                if (y0.Values.Count != info.States.Count)
                    Err(y0.At, "y0", $"y0 has {y0.Values.Count} value{(y0.Values.Count == 1 ? "" : "s")} but model '{info.Name}' has {info.States.Count} state{(info.States.Count == 1 ? "" : "s")} ({states}); expected one value per state");
            }
            else
            {
                foreach (var v in y0.Values)
                    if (!info.States.Contains(v.Name)) Err(v.At, $"y0.{v.Name}", $"unknown state '{v.Name}' of model '{info.Name}'; states: {states}");
                foreach (string s in info.States)
                    if (!y0.Values.Any(v => v.Name == s)) Err(y0.At, "y0", $"y0 gives no value for state '{s}'; expected a value for every state ({states})");
            }
        }

        IEnumerable<(VaryAxis Axis, string Section)> axes =
            (spec.Ensemble?.Vary.Select(a => (a, "ensemble.vary")) ?? []).Concat(spec.Sweep?.Axes.Select(a => (a, "sweep.vary")) ?? []);
        foreach (var (a, section) in axes)
        {
            if (a.Target == VaryTarget.Y0 && !info.States.Contains(a.Name))
                Err(a.At, $"{section}.{a.Key}", $"unknown state '{a.Name}' of model '{info.Name}'; states: {states}");
            if (a.Target == VaryTarget.Param && !info.Params.Contains(a.Name))
                Err(a.At, $"{section}.{a.Key}", $"unknown parameter '{a.Name}' of model '{info.Name}'; parameters: {pars}");
        }
    }
}
