using System.Text.Json.Serialization;

namespace CycleGan.Reproduce;

/// <summary>Per-pixel accuracy, per-class accuracy and class IoU, as the paper's tables give them (fractions).</summary>
public sealed record PaperScores(
    [property: JsonPropertyName("pixel_accuracy")] double PixelAccuracy,
    [property: JsonPropertyName("class_accuracy")] double ClassAccuracy,
    [property: JsonPropertyName("class_iou")] double ClassIou);

/// <summary>
/// The CycleGAN paper's Cityscapes numbers (Zhu, Park, Isola, Efros, "Unpaired Image-to-Image Translation using
/// Cycle-Consistent Adversarial Networks", ICCV 2017, arXiv:1703.10593): Table 2 (FCN-scores, labels→photo),
/// Table 3 (photo→labels) and Table 4 (loss ablations, both directions). Context for our numbers, not a target:
/// theirs are 256 px Cityscapes with an FCN-8s and 200 epochs.
/// </summary>
public static class PaperNumbers
{
    public const string Source = "Zhu et al., ICCV 2017 (arXiv:1703.10593), Tables 2, 3 and 4; Cityscapes labels↔photo, 256 px";

    public static readonly IReadOnlyDictionary<string, PaperScores> LabelsToPhoto = new Dictionary<string, PaperScores>
    {
        ["cogan"] = new(0.40, 0.10, 0.06),
        ["bigan"] = new(0.19, 0.06, 0.02),
        ["simgan"] = new(0.20, 0.10, 0.04),
        ["feature_gan"] = new(0.06, 0.04, 0.01),
        ["cycle_gan"] = new(0.52, 0.17, 0.11),
        ["pix2pix"] = new(0.71, 0.25, 0.18),
        ["cycle_alone"] = new(0.22, 0.07, 0.02),
        ["gan_alone"] = new(0.51, 0.11, 0.08),
        ["gan_forward"] = new(0.55, 0.18, 0.12),
        ["gan_backward"] = new(0.39, 0.14, 0.06),
    };

    public static readonly IReadOnlyDictionary<string, PaperScores> PhotoToLabels = new Dictionary<string, PaperScores>
    {
        ["cogan"] = new(0.45, 0.11, 0.08),
        ["bigan"] = new(0.41, 0.13, 0.07),
        ["simgan"] = new(0.47, 0.11, 0.07),
        ["feature_gan"] = new(0.50, 0.10, 0.06),
        ["cycle_gan"] = new(0.58, 0.22, 0.16),
        ["pix2pix"] = new(0.85, 0.40, 0.32),
        ["cycle_alone"] = new(0.10, 0.05, 0.02),
        ["gan_alone"] = new(0.53, 0.11, 0.07),
        ["gan_forward"] = new(0.49, 0.11, 0.07),
        ["gan_backward"] = new(0.01, 0.06, 0.01),
    };

    /// <summary>
    /// Rows of Tables 2 and 3, in the paper's order, then CUT and FastCUT (Park et al., ECCV 2020): not in this
    /// paper, so their paper columns are empty (the CUT paper scores Cityscapes labels→photo with a DRN, another
    /// protocol).
    /// </summary>
    public static readonly IReadOnlyList<string> BaselineTableRows =
        ["cogan", "bigan", "simgan", "feature_gan", "cycle_gan", "pix2pix", "cut", "fastcut"];

    /// <summary>Rows of Table 4, in the paper's order.</summary>
    public static readonly IReadOnlyList<string> AblationTableRows = ["cycle_alone", "gan_alone", "gan_forward", "gan_backward",
        "cycle_gan"];
}
