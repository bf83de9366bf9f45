using CycleGan.Options;

namespace CycleGan.Evaluation;

/// <summary>The flags of <c>cyclegan eval paired</c>: L1, PSNR and SSIM of aligned pairs (<see cref="PairedScores"/>).</summary>
public sealed record PairedEvalOptions : EvalOutputOptions
{
    [Option("pred", "generated images, or a results folder (<stem>_fake_B.png)", Required = true)]
    public string Pred { get; init; } = "";
    [Option("gt", "aligned ground truth matched by stem, or a results folder (<stem>_real_B.png)", Required = true)]
    public string Gt { get; init; } = "";
    [Option("pred_side", "generated images: " + SideHelp, Aliases = ["pred-side"])]
    public string PredSide { get; init; } = "full";
    [Option("gt_side", "ground truth: " + SideHelp, Aliases = ["gt-side"])]
    public string GtSide { get; init; } = "full";
}
