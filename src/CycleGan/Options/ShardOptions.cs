namespace CycleGan.Options;

/// <summary>The job-array flags of <c>translate</c> and <c>test</c>, a part of their options.</summary>
public sealed record ShardOptions
{
    [Option("shard", "run only shard I of N (I/N, from 0) of the inputs (translate: the sorted files; test: the first num_test "
        + "items), with a manifest, a _SUCCESS marker and resume in the output's _shards/ "
        + "(default: SLURM_ARRAY_TASK_ID/_COUNT, or JOB_COMPLETION_INDEX with --shards)")]
    public string Shard { get; set; } = "";
    [Option("shards", "number of shards N when the index comes from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX (0: not sharded)")]
    public int Shards { get; set; }
    [Option("fail_fast", "stop at the first unreadable input (exit 2) instead of recording it and going on")]
    public bool FailFast { get; set; }
}
