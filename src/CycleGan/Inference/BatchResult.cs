using CycleGan.Sharding;

namespace CycleGan.Inference;

/// <summary>
/// What a run of <c>translate</c> or <c>test</c> over many inputs did: the inputs written now, those found complete
/// from an earlier run of the shard (skipped), and those that could not be read.
/// </summary>
public sealed record BatchResult(string OutputDir, ShardSpec? Shard, int Written, int Skipped, IReadOnlyList<ManifestEntry> Failed)
{
    /// <summary>What <c>--engine auto</c> chose and why (null for an explicit engine).</summary>
    public EngineChoice.Decision? Engine { get; init; }

    /// <summary>How many failed inputs the summary names.</summary>
    public const int NamedFailures = 3;

    /// <summary>"translated N, failed K: a.png, b.png, c.png and 4 more" (<paramref name="verb"/>: translated, tested).</summary>
    public string Summary(string verb)
    {
        var done = Skipped > 0 ? $"{verb} {Written + Skipped} image(s) ({Skipped} already done)" : $"{verb} {Written} image(s)";
        var shard = Shard is null ? "" : $" in shard {Shard}";
        if (Failed.Count == 0) return $"{done}{shard} into {OutputDir}";
        var names = string.Join(", ", Failed.Take(NamedFailures).Select(f => f.Input));
        var more = Failed.Count > NamedFailures ? $" and {Failed.Count - NamedFailures} more" : "";
        var where = Shard is null ? "" : $"; all listed in {ShardManifest.ManifestPath(OutputDir, Shard)}";
        return $"{done}{shard}, failed {Failed.Count}: {names}{more}{where}";
    }
}
