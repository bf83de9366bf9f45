namespace CycleGan.Serving;

/// <summary>One line of <c>loss_log.jsonl</c>.</summary>
public sealed record LossPoint(int Epoch, int Iters, long TotalIters, IReadOnlyDictionary<string, double> Values);
