using System.Text.Json.Serialization;

namespace CycleGan.Evaluation;

/// <summary>Scores of one class; accuracy/iou are NaN (JSON null) where undefined. Pixels = ground-truth pixels.</summary>
public sealed record ClassScore(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("iou")] double Iou,
    [property: JsonPropertyName("pixels")] long Pixels);
