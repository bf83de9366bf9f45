namespace CycleGan.Training;

/// <summary>How a run of <see cref="Trainer"/> ended: iterations done in total, the epoch it ended in, and whether a stop request ended it
/// early.</summary>
public sealed record TrainingOutcome(long TotalIters, int LastEpoch, bool StoppedEarly);
