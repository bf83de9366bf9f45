using System.Globalization;
using System.Text;
using CycleGan.Options;

namespace CycleGan.Sharding;

/// <summary>
/// A fingerprint of what decides a shard's outputs besides its inputs: the flags (except paths, shard and thread
/// settings, which may differ between the nodes of one job) and the contents of the network files. A shard rerun with
/// another checkpoint or other flags must not take the old outputs as done, and the shards of one job must agree.
/// </summary>
public static class ShardSettings
{
    static readonly HashSet<string> Ignored =
    [
        "dataroot", "name", "checkpoints_dir", "results_dir", "checkpoint", "onnx", "input", "output", "gpu_ids", "device",
        "num_threads", "verbose", "use_wandb", "wandb_project_name", "display_winsize", "shard", "shards", "fail_fast",
    ];

    public static string Fingerprint(object options, IEnumerable<string> networkFiles)
    {
        var text = new StringBuilder();
        foreach (var o in OptionInfo.All(options.GetType()).Where(o => !Ignored.Contains(o.Name)))
            text.Append(CultureInfo.InvariantCulture, $"{o.Name}={o.GetValue(options)}\n");
        foreach (var f in networkFiles)
            text.Append(CultureInfo.InvariantCulture, $"{Path.GetFileName(f)}:{ShardManifest.Sha256OfFile(f) ?? "unreadable"}\n");
        return ShardManifest.Sha256(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
