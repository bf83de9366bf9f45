namespace CycleGan.Sharding;

/// <summary>
/// The content of <c>_shards/shard-I-of-N._SUCCESS</c>, written last: every input of the shard was translated, and the
/// manifest that says so has this SHA-256.
/// </summary>
public sealed record ShardMarker(int Shard, int Shards, int Inputs, int Outputs, string ManifestSha256);
