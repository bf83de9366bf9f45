using System.Text.Json.Serialization;
using CycleGan.Evaluation;

namespace CycleGan.Quickstart;

/// <summary>Photo→labels (G_B, BtoA) against the test label maps: the trained generator, the same generator before training, and two
/// baselines.</summary>
/// <param name="Identity">The photo itself read as a label map (each pixel's nearest palette colour): what a do-nothing generator
/// scores.</param>
/// <param name="MajorityClassPixelAccuracy">Pixel accuracy of predicting the most frequent ground-truth class everywhere.</param>
public sealed record PhotoToLabelsScores(
    [property: JsonPropertyName("trained")] SegmentationScores Trained,
    [property: JsonPropertyName("untrained")] SegmentationScores Untrained,
    [property: JsonPropertyName("identity")] SegmentationScores Identity,
    [property: JsonPropertyName("majority_class_pixel_accuracy")] double MajorityClassPixelAccuracy);

/// <summary>Mean L1 (on 0..1 pixel values), PSNR and SSIM of generated photos against the test scenes' real photos.</summary>
public sealed record PhotoScores(
    [property: JsonPropertyName("l1")] double L1,
    [property: JsonPropertyName("psnr")] double Psnr,
    [property: JsonPropertyName("ssim")] double Ssim);

/// <summary>Labels→photo (G_A, AtoB). A CycleGAN need not reproduce the exact photo, so these are rough; they still separate trained from
/// untrained.</summary>
public sealed record LabelsToPhotoScores(
    [property: JsonPropertyName("trained")] PhotoScores Trained,
    [property: JsonPropertyName("untrained")] PhotoScores Untrained);

/// <summary>How training went: iterations, seconds, and whether the time budget ended it.</summary>
public sealed record QuickstartTraining(
    [property: JsonPropertyName("iterations")] long Iterations,
    [property: JsonPropertyName("planned_iterations")] long PlannedIterations,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("stopped_by_budget")] bool StoppedByBudget);

/// <summary>Everything <c>scores.json</c> holds.</summary>
public sealed record QuickstartScores(
    [property: JsonPropertyName("photo_to_labels")] PhotoToLabelsScores PhotoToLabels,
    [property: JsonPropertyName("labels_to_photo")] LabelsToPhotoScores LabelsToPhoto,
    [property: JsonPropertyName("training")] QuickstartTraining Training,
    [property: JsonPropertyName("total_seconds")] double TotalSeconds,
    [property: JsonPropertyName("options")] QuickstartOptions Options);
