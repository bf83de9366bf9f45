using System.Text.Json.Serialization;
using CycleGan.Evaluation;

namespace CycleGan.Reproduce;

/// <summary>One training run: how far it got within its budget.</summary>
public sealed record RunTraining(
    [property: JsonPropertyName("run")] string Run,
    [property: JsonPropertyName("direction")] string Direction,
    [property: JsonPropertyName("iterations")] long Iterations,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("budget_seconds")] double BudgetSeconds,
    [property: JsonPropertyName("stopped_by_budget")] bool StoppedByBudget);

/// <summary>The mean and the sample standard deviation (n − 1; undefined, null in JSON, for one value) over seeds.</summary>
public sealed record MeanSd(
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("sd")] double Sd)
{
    public static MeanSd Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return new(double.NaN, double.NaN);
        var mean = values.Average();
        var sd = values.Count < 2 ? double.NaN : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new(mean, sd);
    }
}

/// <summary>Everything measured for one method trained with one seed.</summary>
public sealed record SeedScores(
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("training")] IReadOnlyList<RunTraining> Training,
    [property: JsonPropertyName("photo_to_labels")] SegmentationScores PhotoToLabels,
    [property: JsonPropertyName("labels_to_photo_fcn")] SegmentationScores LabelsToPhotoFcn,
    [property: JsonPropertyName("labels_to_photo_distribution")] DistributionScores LabelsToPhotoDistribution);

/// <summary>One method (one row of the tables): every seed's scores, and FD/KD over the seeds.</summary>
public sealed record MethodScores(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("paper_name")] string PaperName,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("ablation")] string Ablation,
    [property: JsonPropertyName("seeds")] IReadOnlyList<SeedScores> Seeds,
    [property: JsonPropertyName("fd_resnet18")] MeanSd FdResNet18,
    [property: JsonPropertyName("kd_resnet18")] MeanSd KdResNet18);

/// <summary>
/// One row of a table as the page shows it: our three numbers (mean over seeds, and their standard deviation)
/// next to the paper's.
/// </summary>
public sealed record TableRow(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("seeds")] int Seeds,
    [property: JsonPropertyName("ours")] PaperScores Ours,
    [property: JsonPropertyName("ours_sd")] PaperScores OursSd,
    [property: JsonPropertyName("paper")] PaperScores? Paper);

/// <summary>The paper's Tables 2–4 with our numbers (Table 4 has one row list per direction).</summary>
public sealed record ReproduceTables(
    [property: JsonPropertyName("table2_labels_to_photo_fcn")] IReadOnlyList<TableRow> Table2,
    [property: JsonPropertyName("table3_photo_to_labels")] IReadOnlyList<TableRow> Table3,
    [property: JsonPropertyName("table4_ablation_labels_to_photo_fcn")] IReadOnlyList<TableRow> Table4LabelsToPhoto,
    [property: JsonPropertyName("table4_ablation_photo_to_labels")] IReadOnlyList<TableRow> Table4PhotoToLabels);

/// <summary>The FCN-score's segmenter: how it was trained and what it scores on the real test photos (the upper bound).</summary>
public sealed record SegmenterSummary(
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("image_size")] int ImageSize,
    [property: JsonPropertyName("real_test_photos")] SegmentationScores RealTestPhotos);

/// <summary>Everything <c>reproduce.json</c> holds.</summary>
public sealed record ReproduceReport(
    [property: JsonPropertyName("dataset")] string Dataset,
    [property: JsonPropertyName("tables")] ReproduceTables Tables,
    [property: JsonPropertyName("methods")] IReadOnlyList<MethodScores> Methods,
    [property: JsonPropertyName("segmenter")] SegmenterSummary Segmenter,
    [property: JsonPropertyName("paper_source")] string PaperSource,
    [property: JsonPropertyName("processor_count")] int ProcessorCount,
    [property: JsonPropertyName("torch_threads")] int TorchThreads,
    [property: JsonPropertyName("load_average_start")] string LoadAverageStart,
    [property: JsonPropertyName("load_average_end")] string LoadAverageEnd,
    [property: JsonPropertyName("total_seconds")] double TotalSeconds,
    [property: JsonPropertyName("options")] ReproduceOptions Options);

public sealed record ReproduceResult(string Root, string PagePath, string JsonPath, ReproduceReport Report);
