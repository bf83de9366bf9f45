using System.Diagnostics;
using CycleGan.Models;

namespace CycleGan.Benchmarks;

/// <summary>Sums the wall time of each phase of a training step, as reported through <see cref="IStepPhaseObserver"/>.</summary>
public sealed class PhaseProfiler : IStepPhaseObserver
{
    readonly Dictionary<string, double> _seconds = [];
    long _last;

    /// <summary>Marks the start of a step (the first phase is measured from here).</summary>
    public void Start() => _last = Stopwatch.GetTimestamp();

    public void PhaseEnded(string phase)
    {
        var now = Stopwatch.GetTimestamp();
        _seconds[phase] = _seconds.GetValueOrDefault(phase) + Stopwatch.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
    }

    /// <summary>Mean seconds per step of each phase, in the order the phases first ended.</summary>
    public IReadOnlyDictionary<string, double> PerIteration(int steps) => _seconds.ToDictionary(kv => kv.Key, kv => kv.Value / steps);
}
