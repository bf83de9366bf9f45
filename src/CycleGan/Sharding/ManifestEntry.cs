namespace CycleGan.Sharding;

/// <summary>
/// One input of a shard's manifest: its position in the sorted input list, its name (relative to the input root) and
/// either the files written for it or, when it could not be read, the error.
/// </summary>
public sealed record ManifestEntry(int Index, string Input, IReadOnlyList<ManifestOutput> Outputs, string? Error = null)
{
    public bool Ok => Error is null;
}
