using CycleGan.Data;

namespace CycleGan.Training;

/// <summary>What the training loop publishes. Console progress, loss logs and the training page subscribe; the loop prints
/// nothing.</summary>
public interface ITrainingObserver
{
    void OnStart(TrainingStart start) { }
    void OnIteration(IterationInfo info) { }
    void OnLosses(LossReport report) { }
    void OnVisuals(VisualsReport report) { }
    void OnEpochEnd(EpochEnd end) { }
    void OnCheckpoint(string label, long totalIters) { }
    void OnMessage(string message) { }
}

/// <remarks><c>BatchSize</c> is per process; an MPI run of <c>Ranks</c> processes trains on Ranks × BatchSize images a step.</remarks>
public sealed record TrainingStart(string RunDir, int FirstEpoch, int LastEpoch, int BatchesPerEpoch, int DatasetSize, int BatchSize,
    long TotalIters, int ResumeBatches, IReadOnlyList<string> LossNames, bool Resumed, int Ranks = 1);

public sealed record IterationInfo(int Epoch, int EpochIter, long TotalIters, int Batch, int BatchesPerEpoch, double SecondsPerIter);

/// <summary>One printed iteration: the official loss_log line's numbers. <c>EpochIter</c> counts images, as officially.</summary>
public sealed record LossReport(int Epoch, int EpochIter, long TotalIters, double ComputeSeconds, double DataSeconds,
    IReadOnlyDictionary<string, double> Losses);

/// <summary>Current visuals as images (official tensor2im), at display_freq; <c>SaveResult</c> when update_html_freq is reached.</summary>
public sealed record VisualsReport(int Epoch, long TotalIters, IReadOnlyDictionary<string, RgbImage> Images, bool SaveResult);

public sealed record EpochEnd(int Epoch, int LastEpoch, double Seconds, double OldLr, double NewLr, double DataWaitSeconds);
