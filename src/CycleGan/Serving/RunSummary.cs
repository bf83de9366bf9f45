namespace CycleGan.Serving;

/// <summary>
/// One run folder under the checkpoints folder as the runs list shows it. <c>Status</c> is <c>finished</c> when the
/// saved state is past the last epoch, <c>training</c> when the run wrote a log, state or checkpoint within
/// <see cref="RunCatalog.ActiveWindow"/>, else <c>stopped</c>. <c>Checkpoints</c> maps a generator name to its labels.
/// </summary>
public sealed record RunSummary(string Name, string Model, int Epoch, int LastEpoch, long TotalIters,
    IReadOnlyDictionary<string, double> Losses, string Status, DateTime UpdatedUtc,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Checkpoints, bool HasTrainOpt);
