using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// Generators and discriminators by their official names: the counterparts of <c>define_G</c> and <c>define_D</c>.
/// A new architecture is one class plus one line here.
/// </summary>
public static class NetworkRegistry
{
    static readonly Dictionary<string, Func<NetworkSpec, NormLayer, Module<Tensor, Tensor>>> Generators = new()
    {
        ["resnet_9blocks"] = (s, n) => new ResnetGenerator(s.InputNc, s.OutputNc, s.Ngf, n, s.UseDropout, 9),
        ["resnet_6blocks"] = (s, n) => new ResnetGenerator(s.InputNc, s.OutputNc, s.Ngf, n, s.UseDropout, 6),
        ["unet_32"] = (s, n) => new UnetGenerator(s.InputNc, s.OutputNc, 5, s.Ngf, n, s.UseDropout),
        ["unet_64"] = (s, n) => new UnetGenerator(s.InputNc, s.OutputNc, 6, s.Ngf, n, s.UseDropout),
        ["unet_128"] = (s, n) => new UnetGenerator(s.InputNc, s.OutputNc, 7, s.Ngf, n, s.UseDropout),
        ["unet_256"] = (s, n) => new UnetGenerator(s.InputNc, s.OutputNc, 8, s.Ngf, n, s.UseDropout),
    };

    static readonly Dictionary<string, Func<NetworkSpec, long, NormLayer, Module<Tensor, Tensor>>> Discriminators = new()
    {
        ["basic"] = (s, inNc, n) => new NLayerDiscriminator(inNc, s.Ndf, 3, n),
        ["n_layers"] = (s, inNc, n) => new NLayerDiscriminator(inNc, s.Ndf, s.NLayersD, n),
        ["pixel"] = (s, inNc, n) => new PixelDiscriminator(inNc, s.Ndf, n),
    };

    public static IReadOnlyCollection<string> GeneratorNames => Generators.Keys;
    public static IReadOnlyCollection<string> DiscriminatorNames => Discriminators.Keys;

    /// <summary><c>define_G</c>: builds and initialises a generator mapping input_nc to output_nc channels.</summary>
    public static Module<Tensor, Tensor> CreateGenerator(NetworkSpec spec)
    {
        TorchRuntime.EnsureLoaded();
        if (!Generators.TryGetValue(spec.NetG, out var make))
            throw new UserError($"Generator model name [{spec.NetG}] is not recognized (use {string.Join(", ", Generators.Keys)})");
        CheckChannels(spec.InputNc, "input_nc");
        CheckChannels(spec.OutputNc, "output_nc");
        if (spec.Ngf < 1) throw new UserError("--ngf must be at least 1");
        var net = make(spec, NormLayer.Get(spec.Norm));
        WeightInit.Apply(net, spec.InitType, spec.InitGain);
        return net;
    }

    /// <summary><c>define_D</c>: builds and initialises a discriminator over <paramref name="inputNc"/> channels.</summary>
    public static Module<Tensor, Tensor> CreateDiscriminator(NetworkSpec spec, int inputNc)
    {
        TorchRuntime.EnsureLoaded();
        if (!Discriminators.TryGetValue(spec.NetD, out var make))
            throw new UserError($"Discriminator model name [{spec.NetD}] is not recognized (use {string.Join(", ", Discriminators.Keys)})");
        CheckChannels(inputNc, "input channels of D");
        if (spec.Ndf < 1) throw new UserError("--ndf must be at least 1");
        var net = make(spec, inputNc, NormLayer.Get(spec.Norm));
        WeightInit.Apply(net, spec.InitType, spec.InitGain);
        return net;
    }

    /// <summary>
    /// The factor the input height and width must be a multiple of for the generator to keep the size
    /// (ResNet: 4; U-Net: 2^num_downs).
    /// </summary>
    public static int SizeMultiple(string netG) => netG switch
    {
        "unet_256" => 256,
        "unet_128" => 128,
        "unet_64" => 64,
        "unet_32" => 32,
        _ => 4,
    };

    public static long ParameterCount(Module module) => module.parameters().Sum(p => p.numel());

    static void CheckChannels(int nc, string what)
    {
        if (nc < 1) throw new UserError($"--{what} must be at least 1 (got {nc})");
    }
}
