using System.Globalization;

namespace CycleGan.Sharding;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (numbered from 0) of a sorted input list, and where that choice came
/// from. The split is contiguous: shard i takes positions [⌊i·T/N⌋, ⌊(i+1)·T/N⌋) of T inputs, so shard sizes differ
/// by at most one and neighbouring frames of a sequence stay in one shard.
/// </summary>
public sealed record ShardSpec(int Index, int Count, string Source)
{
    /// <summary>Base name of the shard's files in <c>_shards/</c>: <c>shard-I-of-N</c>.</summary>
    public string Name => $"shard-{Index}-of-{Count}";

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>The positions [start, end) of this shard in a list of <paramref name="total"/> inputs.</summary>
    public (int Start, int End) Range(int total) =>
        ((int)((long)Index * total / Count), (int)((long)(Index + 1) * total / Count));

    /// <summary>
    /// The shard to run: <c>--shard I/N</c> when given; else a Slurm array task (<c>SLURM_ARRAY_TASK_ID</c> with
    /// <c>SLURM_ARRAY_TASK_COUNT</c>, or <c>--shards N</c>; <c>SLURM_ARRAY_TASK_MIN</c>/<c>_STEP</c> map ids such as
    /// 1-10 or 0-20:2 onto 0..N-1); else a Kubernetes Indexed Job's <c>JOB_COMPLETION_INDEX</c> with <c>--shards N</c>;
    /// null (everything, no manifest) when none applies. Values that cannot name a shard are a <see cref="UserError"/>.
    /// </summary>
    public static ShardSpec? Resolve(string? shard, int shards, Func<string, string?> env)
    {
        if (shards < 0) throw new UserError($"--shards {shards} must be at least 1");
        if (!string.IsNullOrEmpty(shard))
        {
            var parts = shard.Split('/');
            if (parts.Length != 2 || !TryInt(parts[0], out var i) || !TryInt(parts[1], out var n) || n < 1 || i < 0 || i >= n)
                throw new UserError($"--shard '{shard}' must be I/N with 0 <= I < N (shards are numbered from 0), e.g. --shard 0/4");
            if (shards > 0 && shards != n) throw new UserError($"--shard {shard} and --shards {shards} disagree on the number of shards");
            return new ShardSpec(i, n, "--shard");
        }
        if (env("SLURM_ARRAY_TASK_ID") is { Length: > 0 } slurmId) return FromSlurm(slurmId, shards, env);
        if (shards > 0 && env("JOB_COMPLETION_INDEX") is { Length: > 0 } k8s)
        {
            if (!TryInt(k8s, out var i) || i >= shards)
                throw new UserError($"JOB_COMPLETION_INDEX={k8s} is not a shard of --shards {shards} "
                                    + $"(expected 0..{shards - 1}; set completions to {shards})");
            return new ShardSpec(i, shards, "JOB_COMPLETION_INDEX");
        }
        if (shards > 0)
            throw new UserError($"--shards {shards} needs a shard index: --shard I/{shards}, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX");
        return null;
    }

    static ShardSpec FromSlurm(string id, int shards, Func<string, string?> env)
    {
        var countText = env("SLURM_ARRAY_TASK_COUNT");
        int count = shards;
        if (count == 0 && !(countText is { Length: > 0 } && TryInt(countText, out count) && count >= 1))
            throw new UserError($"SLURM_ARRAY_TASK_ID={id} is set but SLURM_ARRAY_TASK_COUNT is '{countText}'; give --shards N");
        int min = 0, step = 1;
        if (!TryInt(id, out var task)
            || (env("SLURM_ARRAY_TASK_MIN") is { Length: > 0 } m && !TryInt(m, out min))
            || (env("SLURM_ARRAY_TASK_STEP") is { Length: > 0 } s && (!TryInt(s, out step) || step < 1))
            || task < min || (task - min) % step != 0 || (task - min) / step >= count)
            throw new UserError($"SLURM_ARRAY_TASK_ID={id} (min {env("SLURM_ARRAY_TASK_MIN") ?? "0"}, "
                                + $"step {env("SLURM_ARRAY_TASK_STEP") ?? "1"}) is not one of {count} shards; "
                                + $"use --array=0-{count - 1} or give --shard I/N");
        return new ShardSpec((task - min) / step, count, "SLURM_ARRAY_TASK_ID");
    }

    static bool TryInt(string s, out int v) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
}
