namespace CycleGan.Serving;

/// <summary>A run's page: its summary, every logged loss line and the training visuals, newest epoch first.</summary>
public sealed record RunDetail(RunSummary Summary, IReadOnlyList<LossPoint> Losses, IReadOnlyList<EpochVisuals> Visuals);
