using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The CUT counterparts of <c>define_G</c>, <c>define_D</c> and <c>define_F</c> (contrastive-unpaired-translation's
/// models/networks.py), beside <see cref="NetworkRegistry"/> rather than in it: the same names build other networks
/// there (anti-aliased by default, the <c>--no_antialias</c> switches), and CUT needs the generator's
/// <see cref="CutResnetGenerator.EncodeOnly"/> and a feature network F that CycleGAN has not.
/// </summary>
public static class CutNetworks
{
    static readonly Dictionary<string, int> Generators = new()
    {
        // the official --netG choices that CUT can train (its U-Nets have no encode_only path)
        ["resnet_9blocks"] = 9,
        ["resnet_6blocks"] = 6,
    };

    // (spec, input channels, norm, no_antialias) -> D
    static readonly Dictionary<string, Func<NetworkSpec, long, NormLayer, bool, Module<Tensor, Tensor>>> Discriminators
        = new()
    {
        ["basic"] = (s, inNc, n, noAa) => new CutNLayerDiscriminator(inNc, s.Ndf, 3, n, noAa),
        ["n_layers"] = (s, inNc, n, noAa) => new CutNLayerDiscriminator(inNc, s.Ndf, s.NLayersD, n, noAa),
        // the official 1×1 discriminator has no strided layer to anti-alias
        ["pixel"] = (s, inNc, n, _) => new PixelDiscriminator(inNc, s.Ndf, n),
    };

    // --netF: only these two work officially (reshape's forward takes no patch arguments)
    static readonly Dictionary<string, bool> Features = new() { ["sample"] = false, ["mlp_sample"] = true };

    public static IReadOnlyCollection<string> GeneratorNames => Generators.Keys;
    public static IReadOnlyCollection<string> DiscriminatorNames => Discriminators.Keys;
    public static IReadOnlyCollection<string> FeatureNetworkNames => Features.Keys;

    /// <summary>CUT's <c>define_G</c>: builds and initialises the generator.</summary>
    public static CutResnetGenerator CreateGenerator(NetworkSpec spec, bool noAntialias, bool noAntialiasUp)
    {
        TorchRuntime.EnsureLoaded();
        if (!Generators.TryGetValue(spec.NetG, out var blocks))
            throw new UserError($"Generator model name [{spec.NetG}] is not recognized for CUT " +
                $"(use {string.Join(", ", Generators.Keys)})");
        if (spec.InputNc < 1 || spec.OutputNc < 1) throw new UserError("--input_nc and --output_nc must be at least 1");
        if (spec.Ngf < 1) throw new UserError("--ngf must be at least 1");
        var net = new CutResnetGenerator(spec.InputNc, spec.OutputNc, spec.Ngf, NormLayer.Get(spec.Norm),
            spec.UseDropout, blocks, noAntialias, noAntialiasUp);
        WeightInit.Apply(net, spec.InitType, spec.InitGain);
        return net;
    }

    /// <summary>
    /// The <c>--no_antialias</c> / <c>--no_antialias_up</c> switches of a CUT generator checkpoint, read from its keys
    /// (each blur layer saves a <c>.filt</c> buffer, two per anti-aliased direction, the first of the down ones at
    /// <c>model.7</c>); null when it has none: then its keys and computation are those of the CycleGAN generator.
    /// </summary>
    public static (bool NoAntialias, bool NoAntialiasUp)? AntialiasOf(IReadOnlyCollection<string> keys)
    {
        var filters = keys.Count(k => k.EndsWith(".filt", StringComparison.Ordinal));
        if (filters == 0) return null;
        var noAntialias = !keys.Contains("model.7.filt");
        return (noAntialias, filters == (noAntialias ? 0 : 2));
    }

    /// <summary>CUT's <c>define_D</c>: builds and initialises a discriminator over <paramref name="inputNc"/>
    /// channels.</summary>
    public static Module<Tensor, Tensor> CreateDiscriminator(NetworkSpec spec, int inputNc, bool noAntialias)
    {
        TorchRuntime.EnsureLoaded();
        if (!Discriminators.TryGetValue(spec.NetD, out var make))
            throw new UserError($"Discriminator model name [{spec.NetD}] is not recognized for CUT " +
                $"(use {string.Join(", ", Discriminators.Keys)})");
        if (inputNc < 1) throw new UserError($"--input channels of D must be at least 1 (got {inputNc})");
        if (spec.Ndf < 1) throw new UserError("--ndf must be at least 1");
        var net = make(spec, inputNc, NormLayer.Get(spec.Norm), noAntialias);
        WeightInit.Apply(net, spec.InitType, spec.InitGain);
        return net;
    }

    /// <summary>
    /// CUT's <c>define_F</c>: the patch sampler, without parameters until its first forward
    /// (<see cref="PatchSampleF"/>), which initialises its MLPs with <paramref name="initType"/>.
    /// </summary>
    public static PatchSampleF CreateFeatureNetwork(string netF, int netFNc, string initType, double initGain)
    {
        TorchRuntime.EnsureLoaded();
        if (!Features.TryGetValue(netF, out var useMlp))
            throw new UserError($"projection model name [{netF}] is not recognized " +
                $"(use {string.Join(", ", Features.Keys)})");
        if (!WeightInit.Types.Contains(initType))
            throw new UserError($"initialization method [{initType}] is not implemented " +
                $"(use {string.Join(", ", WeightInit.Types)})");
        return new PatchSampleF(useMlp, netFNc, initType, initGain);
    }
}
