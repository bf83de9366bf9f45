using CycleGan.Options;

namespace CycleGan.Evaluation;

/// <summary>The flags of <c>cyclegan eval temporal</c>: the warping error of a translated video (<see cref="TemporalConsistency"/>).</summary>
public sealed record TemporalEvalOptions : EvalOutputOptions
{
    [Option("input", "the source video (the flow is of its frames)", Required = true)]
    public string Input { get; init; } = "";
    [Option("output", "the translated video, same frames and size", Required = true)]
    public string Output { get; init; } = "";
    [Option("flow", "folder of the input's exact flow, one .flo file per frame pair in name order (frame t to t+1), "
        + "e.g. the flow/ of `datasets synth --video`; without it, OpenCV's Farneback flow of the input frames")]
    public string? Flow { get; init; }
}
