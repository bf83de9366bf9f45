using System.Text.Json.Serialization;
using CycleGan.Evaluation;

namespace CycleGan.Reproduce;

/// <summary>One segmenter trained with one seed: what it was trained on, and its scores on the style-2 and style-1 test photos.</summary>
public sealed record AdaptationRow(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("trained_on")] string TrainedOn,
    [property: JsonPropertyName("style2_test")] SegmentationScores Style2Test,
    [property: JsonPropertyName("style1_test")] SegmentationScores Style1Test,
    [property: JsonPropertyName("segmenter_seconds")] double SegmenterSeconds);

/// <summary>Everything one seed ran: the translator's training and the three segmenters' scores.</summary>
public sealed record AdaptationSeed(
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("translation_training")] RunTraining TranslationTraining,
    [property: JsonPropertyName("rows")] IReadOnlyList<AdaptationRow> Rows);

/// <summary>The adaptation table over the seeds: one row per segmenter (mean ± sd), tested on style 2 and on style 1.</summary>
public sealed record AdaptationTables(
    [property: JsonPropertyName("style2_test")] IReadOnlyList<TableRow> Style2Test,
    [property: JsonPropertyName("style1_test")] IReadOnlyList<TableRow> Style1Test);

/// <summary>Everything the adaptation experiment's <c>scores.json</c> holds.</summary>
public sealed record AdaptationReport(
    [property: JsonPropertyName("tables")] AdaptationTables Tables,
    [property: JsonPropertyName("seeds")] IReadOnlyList<AdaptationSeed> Seeds,
    [property: JsonPropertyName("processor_count")] int ProcessorCount,
    [property: JsonPropertyName("torch_threads")] int TorchThreads,
    [property: JsonPropertyName("load_average_start")] string LoadAverageStart,
    [property: JsonPropertyName("load_average_end")] string LoadAverageEnd,
    [property: JsonPropertyName("total_seconds")] double TotalSeconds,
    [property: JsonPropertyName("options")] AdaptationOptions Options);

public sealed record AdaptationResult(string Root, string PagePath, string JsonPath, AdaptationReport Report);
