using CycleGan.Networks;
using CycleGan.Options;
using static TorchSharp.torch;

namespace CycleGan.Checkpoints;

/// <summary>
/// One generator built from the network flags and loaded strictly from a checkpoint file (.pth or .safetensors), as
/// <c>translate</c> and <c>export</c> need it. Dropout is read from the keys for ResNet generators (it shifts them);
/// U-Net keys do not depend on it, so there <c>--no_dropout</c> decides. A CUT generator (its blur filters among the
/// keys) is built by <see cref="CutNetworks"/> with the anti-aliasing switches its keys show.
/// </summary>
public static class GeneratorCheckpoint
{
    public static nn.Module<Tensor, Tensor> Load(GeneratorOptions opt, string checkpoint)
    {
        TorchRuntime.EnsureLoaded();
        if (string.IsNullOrEmpty(checkpoint)) throw new UserError("--checkpoint is required");
        if (!File.Exists(checkpoint)) throw new UserError($"--checkpoint {checkpoint} does not exist");
        using var sd = checkpoint.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? SafeTensorsFile.Read(checkpoint)
            : PthFile.Read(checkpoint);
        var dropout = opt.NetG.StartsWith("resnet", StringComparison.Ordinal)
            ? sd.Keys.Any(k => k.EndsWith("conv_block.6.weight", StringComparison.Ordinal))
            : !opt.NoDropout;
        var spec = new NetworkSpec
        {
            InputNc = opt.InputNc, OutputNc = opt.OutputNc, Ngf = opt.Ngf, NetG = opt.NetG, Norm = opt.Norm,
            UseDropout = dropout,
        };
        nn.Module<Tensor, Tensor> g = CutNetworks.AntialiasOf(sd.Keys) is { } aa
            ? CutNetworks.CreateGenerator(spec, aa.NoAntialias, aa.NoAntialiasUp)
            : NetworkRegistry.CreateGenerator(spec);
        try
        {
            CheckpointLoader.Load(g, sd, checkpoint);
        }
        catch
        {
            g.Dispose();
            throw;
        }
        return g;
    }
}
