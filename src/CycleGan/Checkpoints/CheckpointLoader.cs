using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Checkpoints;

/// <summary>What <see cref="CheckpointLoader.Load"/> changed on the way: keys renamed or dropped before the strict load.</summary>
public sealed record CheckpointLoadResult(bool StrippedModulePrefix, IReadOnlyList<string> DroppedKeys);

/// <summary>
/// Loads a state dict into a network the way the official <c>BaseModel.load_networks</c> does: drop
/// <c>_metadata</c> (the readers already do), drop stale InstanceNorm statistics
/// (<c>__patch_instance_norm_state_dict</c>), then a strict load. Unlike the official code, a leading
/// <c>module.</c> (files saved from <c>nn.DataParallel</c>) is stripped first; the official loader fails on them.
/// </summary>
public static class CheckpointLoader
{
    const int ShownKeys = 5;

    public static CheckpointLoadResult Load(nn.Module net, StateDict sd, string sourceName)
    {
        TorchRuntime.EnsureLoaded();
        var stripped = StripModulePrefix(sd);
        var instanceNorms = net.named_modules()
            .Where(m => m.module.GetType().Name.StartsWith("InstanceNorm", StringComparison.Ordinal))
            .Select(m => m.name).ToHashSet(StringComparer.Ordinal);
        var target = net.state_dict();
        var dropped = Patch(sd, instanceNorms.Contains, target.Keys.ToHashSet(StringComparer.Ordinal));

        var missing = target.Keys.Where(k => !sd.ContainsKey(k)).ToList();
        var unexpected = sd.Keys.Where(k => !target.ContainsKey(k)).ToList();
        var mismatched = sd.Keys.Where(k => target.TryGetValue(k, out var t) && !t.shape.SequenceEqual(sd[k].shape)).ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
        {
            var netShapes = target.ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal);
            var sdShapes = sd.ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal);
            var modules = net.named_modules().ToDictionary(m => m.name, m => m.module.GetType().Name, StringComparer.Ordinal);
            throw new UserError(MismatchMessage(sourceName, net.GetType().Name, missing, unexpected, mismatched, netShapes, sdShapes,
                modules));
        }

        using (torch.no_grad())
            foreach (var (name, dst) in target)
                dst.copy_(sd[name]);
        return new CheckpointLoadResult(stripped, dropped);
    }

    /// <summary>Removes a leading <c>module.</c> from every key when all keys have it (a file saved from <c>nn.DataParallel</c>).</summary>
    public static bool StripModulePrefix(StateDict sd)
    {
        const string prefix = "module.";
        if (sd.Count == 0 || !sd.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal))) return false;
        sd.RenameKeys(k => k[prefix.Length..]);
        return true;
    }

    /// <summary>
    /// The official <c>__patch_instance_norm_state_dict</c>: for a key whose owning module (the dotted path
    /// without its last part) is an InstanceNorm, drop <c>running_mean</c>/<c>running_var</c> when the network
    /// has no such buffer there (old files, or ones saved with <c>track_running_stats=True</c>) and always drop
    /// <c>num_batches_tracked</c>. Returns the dropped keys in file order.
    /// </summary>
    public static IReadOnlyList<string> Patch(StateDict sd, Func<string, bool> isInstanceNormPath, IReadOnlySet<string>? networkKeys = null)
    {
        var dropped = new List<string>();
        foreach (var key in sd.Keys.ToList())
        {
            var dot = key.LastIndexOf('.');
            if (dot < 0 || !isInstanceNormPath(key[..dot])) continue;
            var last = key[(dot + 1)..];
            var drop = last == "num_batches_tracked"
                || (last is "running_mean" or "running_var" && networkKeys?.Contains(key) != true);
            if (drop)
            {
                sd.Remove(key);
                dropped.Add(key);
            }
        }
        return dropped;
    }

    static string MismatchMessage(string source, string netType, List<string> missing, List<string> unexpected, List<string> mismatched,
        Dictionary<string, long[]> net, Dictionary<string, long[]> ckpt, Dictionary<string, string> modules)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"{missing.Count} missing key(s) {List(missing)}");
        if (unexpected.Count > 0) parts.Add($"{unexpected.Count} unexpected key(s) {List(unexpected)}");
        if (mismatched.Count > 0)
            parts.Add($"{mismatched.Count} shape " +
                $"mismatch(es) {List(mismatched.Select(k => $"{k}: checkpoint {Shape(ckpt[k])}, network {Shape(net[k])}").ToList())}");
        var hints = Hints(unexpected, missing, net, ckpt, modules);
        var hint = hints.Count > 0 ? " Hint: " + string.Join("; ", hints) + "." : " Check that the network options (--netG/--netD, " +
            "--norm, --ngf/--ndf, --no_dropout, --input_nc/--output_nc) match the ones used for training.";
        return $"{source} does not fit the {netType} built from the options: {string.Join("; ", parts)}.{hint}";
    }

    static string List(List<string> items) =>
        "[" + string.Join(", ", items.Take(ShownKeys)) + (items.Count > ShownKeys ? $", … {items.Count - ShownKeys} more" : "") + "]";

    static string Shape(long[] s) => "[" + string.Join(", ", s) + "]";

    static string ModuleOf(string key) => key.LastIndexOf('.') is var d and >= 0 ? key[..d] : "";

    static List<string> Hints(List<string> unexpected, List<string> missing, Dictionary<string, long[]> net,
        Dictionary<string, long[]> ckpt,
        Dictionary<string, string> modules)
    {
        var hints = new List<string>();
        var netArch = Architecture(net.Keys.ToList(), net);
        var ckptArch = Architecture(ckpt.Keys.ToList(), ckpt);
        var isD = netArch.Flag == "--netD";
        if (netArch.Name != ckptArch.Name && ckptArch.Name != null)
            hints.Add($"the checkpoint looks like {ckptArch.Flag} {ckptArch.Name} but the network is {netArch.Name ?? "different"}: " +
                $"looks like a different {ckptArch.Flag}");

        string Kind(string key) => modules.TryGetValue(ModuleOf(key), out var t) ? t : "";
        if (unexpected.Any(k => Kind(k).StartsWith("InstanceNorm", StringComparison.Ordinal)))
            hints.Add("the checkpoint has BatchNorm parameters where the network has InstanceNorm: looks like --norm batch");
        else if (missing.Any(k => Kind(k).StartsWith("BatchNorm", StringComparison.Ordinal)
            && (k.EndsWith(".running_mean", StringComparison.Ordinal) || k.EndsWith(".running_var", StringComparison.Ordinal))))
            hints.Add("the checkpoint has no BatchNorm running statistics: looks like --norm instance (or --norm none)");
        else if (unexpected.Any(k => k.EndsWith(".bias", StringComparison.Ordinal) && Kind(k).StartsWith("Conv", StringComparison.Ordinal)))
            hints.Add("the checkpoint's convolutions have biases that the network's lack: looks like --norm instance");
        else if (missing.Any(k => k.EndsWith(".bias", StringComparison.Ordinal) && Kind(k).StartsWith("Conv", StringComparison.Ordinal)))
            hints.Add("the network's convolutions have biases that the checkpoint's lack: looks like --norm batch or --norm none");

        var netDropout = ResnetDropout(net);
        var ckptDropout = ResnetDropout(ckpt);
        if (netDropout == true && ckptDropout == false)
            hints.Add("the checkpoint was trained without dropout: add --no_dropout");
        else if (netDropout == false && ckptDropout == true)
            hints.Add("the checkpoint was trained with dropout: remove --no_dropout");

        var firstConv = net.FirstOrDefault(kv => kv.Value.Length == 4 && kv.Key.EndsWith(".weight", StringComparison.Ordinal)).Key;
        if (firstConv != null && ckpt.TryGetValue(firstConv, out var cs) && cs.Length == 4)
        {
            var ns = net[firstConv];
            if (cs[0] != ns[0]) hints.Add($"the first convolution has {cs[0]} filters in the checkpoint and {ns[0]} in the network: " +
                $"looks like {(isD ? "--ndf" : "--ngf")} {cs[0]}");
            if (cs[1] != ns[1]) hints.Add($"the first convolution takes {cs[1]} channels in the checkpoint and {ns[1]} in the network: " +
                $"looks like --input_nc {cs[1]}");
        }
        return hints;
    }

    /// <summary>Whether ResNet blocks have the conv at <c>conv_block.6</c> (dropout inserted at 4) or at <c>conv_block.5</c>; null if not a
    /// ResNet.</summary>
    static bool? ResnetDropout(Dictionary<string, long[]> shapes)
    {
        foreach (var (k, s) in shapes)
        {
            if (s.Length != 4) continue;
            if (k.EndsWith(".conv_block.5.weight", StringComparison.Ordinal)) return false;
            if (k.EndsWith(".conv_block.6.weight", StringComparison.Ordinal)) return true;
        }
        return null;
    }

    /// <summary>The official architecture name a key set belongs to, from its key layout alone.</summary>
    static (string? Name, string Flag) Architecture(List<string> keys, Dictionary<string, long[]> shapes)
    {
        if (keys.Count == 0) return (null, "--netG");
        if (keys.All(k => k.StartsWith("net.", StringComparison.Ordinal))) return ("pixel", "--netD");
        if (keys.Any(k => k.StartsWith("model.model.", StringComparison.Ordinal)))
        {
            var downs = keys.Max(k => k.Split('.').Count(p => p == "model")) - 1;
            return (downs is 7 or 8 ? $"unet_{(downs == 7 ? 128 : 256)}" : $"a U-Net with {downs} downsamplings", "--netG");
        }
        var blocks = keys.Where(k => k.Contains(".conv_block.", StringComparison.Ordinal))
            .Select(k => k[..k.IndexOf(".conv_block.", StringComparison.Ordinal)]).Distinct().Count();
        if (blocks > 0) return ($"resnet_{blocks}blocks", "--netG");
        if (keys.Contains("model.0.weight"))
        {
            var convs = shapes.Count(kv => kv.Value.Length == 4);
            return (convs == 5 ? "basic" : $"n_layers with --n_layers_D {convs - 2}", "--netD");
        }
        return (null, "--netG");
    }
}
