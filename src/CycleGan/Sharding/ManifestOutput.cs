namespace CycleGan.Sharding;

/// <summary>One file a shard wrote, relative to the output folder, with the SHA-256 (lower-case hex) of its bytes.</summary>
public sealed record ManifestOutput(string File, string Sha256);
