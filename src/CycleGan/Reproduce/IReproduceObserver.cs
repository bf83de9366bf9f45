using CycleGan.Training;

namespace CycleGan.Reproduce;

/// <summary>
/// Progress of a whole reproduction: one stage after another (data, segmenter, each training, each evaluation, page),
/// and inside a training the trainer's own events. The runners print nothing.
/// </summary>
public interface IReproduceObserver : ITrainingObserver
{
    /// <summary>Stage <paramref name="index"/> (0-based) of <paramref name="total"/> begins.</summary>
    void OnStage(int index, int total, string description) { }

    /// <summary>A training run begins; it ends at the latest after <paramref name="budget"/>.</summary>
    void OnTrainingBudget(string run, TimeSpan budget) { }
}
