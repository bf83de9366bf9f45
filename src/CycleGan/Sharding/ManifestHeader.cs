namespace CycleGan.Sharding;

/// <summary>
/// The first line of a shard's manifest: which command, which shard of how many, and the input list it split
/// (<see cref="Total"/> inputs whose sorted names hash to <see cref="Fingerprint"/>) and the flags and network
/// (<see cref="ShardSettings"/>); the shards of one job agree on all of these.
/// </summary>
public sealed record ManifestHeader(string Command, int Shard, int Shards, int Total, string Fingerprint, string Settings);
