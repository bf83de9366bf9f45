using CycleGan.Options;

namespace CycleGan.Evaluation;

/// <summary>The flags of <c>cyclegan eval labels</c>: photo→labels scores of predicted label maps (<see cref="LabelScorer"/>).</summary>
public sealed record LabelsEvalOptions : EvalOutputOptions
{
    [Option("pred", "folder of predicted label maps, or a `cyclegan test` results folder (<stem>_fake_B.png predictions)", Required = true)]
    public string Pred { get; init; } = "";
    [Option("gt", "folder of ground-truth label maps matched by file stem, or a results folder (<stem>_real_B.png)", Required = true)]
    public string Gt { get; init; } = "";
    [Option("palette", "palette JSON: {\"classes\": [{\"name\": ..., \"rgb\": [r, g, b]}, ...]} "
        + "(e.g. datasets/facades/palette.pix2pix.json)",
        Required = true)]
    public string Palette { get; init; } = "";
    [Option("pred_side", "predictions: " + SideHelp, Aliases = ["pred-side"])]
    public string PredSide { get; init; } = "full";
    [Option("gt_side", "ground truth (facades/test: right): " + SideHelp, Aliases = ["gt-side"])]
    public string GtSide { get; init; } = "full";
}
