using System.Text.Json.Serialization;

namespace CycleGan.Evaluation;

/// <summary>The three FCN-scores of the pix2pix paper plus per-class numbers; serialises to the documented JSON keys.</summary>
public sealed record SegmentationScores(
    [property: JsonPropertyName("pixel_accuracy")] double PixelAccuracy,
    [property: JsonPropertyName("mean_class_accuracy")] double MeanClassAccuracy,
    [property: JsonPropertyName("mean_class_iou")] double MeanClassIou,
    [property: JsonPropertyName("per_class")] IReadOnlyList<ClassScore> PerClass,
    [property: JsonPropertyName("images")] int Images);
