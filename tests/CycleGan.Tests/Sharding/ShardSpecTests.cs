using CycleGan.Sharding;

namespace CycleGan.Tests.Sharding;

/// <summary>Which shard a process runs: --shard, Slurm array variables, a Kubernetes completion index; bad values are user errors.</summary>
public class ShardSpecTests
{
    static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_contiguous_split_gives_every_position_to_exactly_one_shard_with_sizes_differing_by_at_most_one()
    {
        foreach (var (total, n) in new[] { (0, 3), (2, 5), (7, 3), (300, 7), (1000, 1) })
        {
            var ranges = Enumerable.Range(0, n).Select(i => new ShardSpec(i, n, "t").Range(total)).ToList();
            Assert.Equal(Enumerable.Range(0, total), ranges.SelectMany(r => Enumerable.Range(r.Start, r.End - r.Start)));
            var sizes = ranges.Select(r => r.End - r.Start).ToList();
            Assert.True(sizes.Max() - sizes.Min() <= 1);
        }
    }

    [Fact]
    public void Slurm_array_variables_pick_the_shard_and_an_explicit_flag_wins()
    {
        Assert.Equal(new ShardSpec(2, 4, "SLURM_ARRAY_TASK_ID"),
            ShardSpec.Resolve("", 0, Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"))));
        // --array=1-4 and --array=0-6:2 map onto 0..3
        Assert.Equal(0, ShardSpec.Resolve("", 0, Env(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "1")))!.Index);
        Assert.Equal(3, ShardSpec.Resolve("", 0, Env(("SLURM_ARRAY_TASK_ID", "6"), ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_STEP", "2")))!.Index);
        Assert.Equal(new ShardSpec(1, 3, "--shard"), ShardSpec.Resolve("1/3", 0, Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"))));
        Assert.Equal(5, ShardSpec.Resolve("", 5, Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4")))!.Count);
    }

    [Fact]
    public void A_kubernetes_completion_index_needs_shards_and_nothing_set_means_no_sharding()
    {
        Assert.Equal(new ShardSpec(3, 8, "JOB_COMPLETION_INDEX"), ShardSpec.Resolve("", 8, Env(("JOB_COMPLETION_INDEX", "3"))));
        Assert.Null(ShardSpec.Resolve("", 0, Env(("JOB_COMPLETION_INDEX", "3"))));
        Assert.Null(ShardSpec.Resolve("", 0, Env()));
    }

    [Theory]
    [InlineData("3/3", 0)]
    [InlineData("-1/3", 0)]
    [InlineData("1of3", 0)]
    [InlineData("0/0", 0)]
    [InlineData("1/3", 4)]
    [InlineData("", 3)]
    [InlineData("", -2)]
    public void Flags_that_name_no_shard_are_user_errors(string shard, int shards) =>
        Assert.Throws<UserError>(() => ShardSpec.Resolve(shard, shards, Env()));

    [Fact]
    public void Environment_values_that_name_no_shard_are_user_errors()
    {
        Assert.Throws<UserError>(() => ShardSpec.Resolve("", 0, Env(("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_COUNT", "4"))));
        Assert.Throws<UserError>(() => ShardSpec.Resolve("", 0, Env(("SLURM_ARRAY_TASK_ID", "x"), ("SLURM_ARRAY_TASK_COUNT", "4"))));
        Assert.Throws<UserError>(() => ShardSpec.Resolve("", 0, Env(("SLURM_ARRAY_TASK_ID", "1"))));
        Assert.Throws<UserError>(() => ShardSpec.Resolve("", 0, Env(("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_STEP", "2"))));
        Assert.Throws<UserError>(() => ShardSpec.Resolve("", 4, Env(("JOB_COMPLETION_INDEX", "4"))));
    }
}
