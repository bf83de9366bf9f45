namespace CycleGan.Models;

/// <summary>
/// Told when each phase of <see cref="GanModel.OptimizeParameters"/> ends (forward, backward, optimizer step, ...),
/// so a profiler can time the phases without the model measuring or printing anything itself.
/// </summary>
public interface IStepPhaseObserver
{
    void PhaseEnded(string phase);
}
