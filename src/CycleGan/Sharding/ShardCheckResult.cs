namespace CycleGan.Sharding;

/// <summary>What <see cref="ShardCheck.Run"/> found: the shard count, inputs and outputs verified, and every problem.</summary>
public sealed record ShardCheckResult(string Dir, int Shards, int Inputs, int Outputs, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;

    public string Summary => Ok
        ? $"ok: {Shards} shard(s) in {Dir}, {Inputs} input(s) each translated exactly once, {Outputs} output(s) verified"
        : $"shards check of {Dir} failed: {Problems.Count} problem(s), first: {Problems[0]}";
}
