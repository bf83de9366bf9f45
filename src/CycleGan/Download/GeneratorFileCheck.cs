using System.Globalization;
using CycleGan.Checkpoints;
using CycleGan.Networks;
using static TorchSharp.torch;

namespace CycleGan.Download;

/// <summary>
/// Checks a downloaded model the way <c>cyclegan test</c> will use it: read through the safe reader
/// (<see cref="PthFile.Read"/>: a state dict of tensors, no code run), then loaded strictly
/// (<see cref="CheckpointLoader.Load"/>) into the generator the catalogue names (resnet_9blocks for CycleGAN,
/// unet_256 for pix2pix), its channel counts and ngf read from the first and last convolutions.
/// </summary>
public static class GeneratorFileCheck
{
    /// <summary>A one-line description (architecture, channels, parameters); a misfit is a <see cref="UserError"/>.</summary>
    public static string Check(string path, string netG, string norm)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var sd = PthFile.Read(path);
        CheckpointLoader.StripModulePrefix(sd);
        var resnet = netG.StartsWith("resnet", StringComparison.Ordinal);
        // ResNet: model.1 is the 7×7 input conv [ngf, in, 7, 7], the last model.N the output conv [out, ngf, 7, 7].
        // U-Net: model.model.0 is the outermost down conv [ngf, in, 4, 4], model.model.3 its up conv [2 ngf, out, 4, 4].
        var first = Weight(sd, path, netG, resnet ? "model.1.weight" : "model.model.0.weight");
        var last = resnet
            ? Weight(sd, path, netG, $"model.{LastResnetConv(sd)}.weight")
            : Weight(sd, path, netG, "model.model.3.weight");
        var spec = new NetworkSpec
        {
            NetG = netG, Norm = norm, Ngf = (int)first.shape[0], InputNc = (int)first.shape[1],
            OutputNc = (int)(resnet ? last.shape[0] : last.shape[1]),
            // Dropout adds a layer to each ResNet block and shifts its keys; U-Net keys are the same either way.
            UseDropout = resnet && sd.Keys.Any(k => k.EndsWith("conv_block.6.weight", StringComparison.Ordinal)),
        };
        using var g = NetworkRegistry.CreateGenerator(spec);
        CheckpointLoader.Load(g, sd, path);
        return string.Create(CultureInfo.InvariantCulture,
            $"{netG} generator, ngf {spec.Ngf}, {spec.InputNc}→{spec.OutputNc} channels, {NetworkRegistry.ParameterCount(g):N0} "
            + $"parameters, {norm} norm{(spec.UseDropout ? ", dropout" : "")}");
    }

    static Tensor Weight(StateDict sd, string path, string netG, string key) =>
        sd.TryGetValue(key, out var t) && t.dim() == 4 ? t
            : throw new UserError($"{path} is not a {netG} generator state dict (no 4-d tensor {key}; it holds "
                + $"{sd.Count} tensors" + (sd.Count > 0 ? $", the first {sd.Keys[0]})" : ")"));

    static int LastResnetConv(StateDict sd) =>
        sd.Keys.Select(k => k.Split('.'))
            .Where(p => p.Length == 3 && p[0] == "model" && p[2] == "weight" && int.TryParse(p[1], out _))
            .Select(p => int.Parse(p[1], CultureInfo.InvariantCulture))
            .DefaultIfEmpty(-1).Max();
}
