namespace CycleGan.Evaluation;

/// <summary>
/// E_warp (Lai et al. 2018) of a translated video and of its input, the mean over frame pairs of the masked mean squared
/// difference (RGB in [0, 1]) between frame t and frame t+1 warped back by the input's flow; the ratio output/input
/// says how much flicker the translation adds (1: as stable as the input).
/// </summary>
public sealed record TemporalScores(int Frames, double OutputEwarp, double InputEwarp, double Ratio, string FlowSource,
    IReadOnlyList<TemporalPair> PerPair);
