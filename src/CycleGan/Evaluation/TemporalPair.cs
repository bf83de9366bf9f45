namespace CycleGan.Evaluation;

/// <summary>
/// The warping error of one frame pair (t, t+1): of the output, of the input, their ratio, and the share of pixels the
/// mask kept.
/// </summary>
public sealed record TemporalPair(int Frame, double OutputError, double InputError, double Ratio, double Valid);
