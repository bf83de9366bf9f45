using CycleGan.Options;

namespace CycleGan.Evaluation;

/// <summary>The flags of <c>cyclegan eval fcn-score</c>: labels→photo results segmented and scored (<see cref="FcnScorer"/>).</summary>
public sealed record FcnScoreEvalOptions : EvalOutputOptions
{
    [Option("segmenter", "segmenter file from `cyclegan eval segmenter-train`", Required = true)]
    public string Segmenter { get; init; } = "";
    [Option("photos", "generated photos, or a results folder of labels→photo (`--direction BtoA`: <stem>_fake_B.png)", Required = true)]
    public string Photos { get; init; } = "";
    [Option("gt", "input label maps matched by stem, or a results folder (<stem>_real_A.png)", Required = true)]
    public string Gt { get; init; } = "";
    [Option("palette", "palette JSON of the label colours", Required = true)]
    public string Palette { get; init; } = "";
    [Option("photos_side", "photos (real facades/test photos: left): " + SideHelp, Aliases = ["photos-side"])]
    public string PhotosSide { get; init; } = "full";
    [Option("gt_side", "label maps (facades/test: right): " + SideHelp, Aliases = ["gt-side"])]
    public string GtSide { get; init; } = "full";
    [Option("device", ComputeOptions.DeviceHelp)]
    public string? Device { get; init; }
}
