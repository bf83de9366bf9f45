using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The DCGAN-style halves of CoGAN's coupled networks for S×S images (S = a power of two ≥ 16), channels
/// min(8·n, n·S/(2r)) at resolution r (n = ngf or ndf), kernels 4, stride 2. Generators: a shared trunk z → S/4 (the
/// latent side, tied between the domains) and one head per domain S/4 → S/2 → S (tanh). Discriminators: one head per
/// domain S → S/2 → S/4 and a shared trunk S/4 → 4×4 → one logit (the decision side, tied).
/// </summary>
public static class CoupledDcgan
{
    public static void CheckSize(int size)
    {
        if (size < 16 || (size & (size - 1)) != 0)
            throw new UserError($"--model cogan builds DCGAN networks for square images whose side is a power of two of at least 16; " +
                $"--crop_size is {size} (use 32, 64, 128, ...)");
    }

    static long Channels(int n, int size, int r) => Math.Min(8L * n, (long)n * size / (2 * r));

    /// <summary>z (N×nz×1×1) → N×C×(S/4)×(S/4).</summary>
    public static Sequential GeneratorTrunk(int nz, int ngf, int size, NormLayer norm, string initType, double gain)
    {
        var layers = new List<Module<Tensor, Tensor>>
        {
            Layers.ConvTranspose2d(nz, Channels(ngf, size, 4), 4, 1, 0, bias: HasBias(norm)), norm.Create(Channels(ngf, size, 4)),
                ReLU(true),
        };
        for (int r = 8; r <= size / 4; r *= 2)
            layers.AddRange([Layers.ConvTranspose2d(Channels(ngf, size, r / 2), Channels(ngf, size, r), 4, 2, 1, bias: HasBias(norm)),
                norm.Create(Channels(ngf, size, r)), ReLU(true)]);
        return Init(Sequential(layers), initType, gain);
    }

    /// <summary>N×C×(S/4)×(S/4) → an image N×outputNc×S×S in [-1, 1].</summary>
    public static Sequential GeneratorHead(int outputNc, int ngf, int size, NormLayer norm, string initType, double gain) =>
        Init(Sequential(
        Layers.ConvTranspose2d(Channels(ngf, size, size / 4), Channels(ngf, size, size / 2), 4, 2, 1, bias: HasBias(norm)),
        norm.Create(Channels(ngf, size, size / 2)), ReLU(true),
        Layers.ConvTranspose2d(Channels(ngf, size, size / 2), outputNc, 4, 2, 1), Tanh()), initType, gain);

    /// <summary>An image N×inputNc×S×S → N×C×(S/4)×(S/4).</summary>
    public static Sequential DiscriminatorHead(int inputNc, int ndf, int size, NormLayer norm, string initType, double gain) =>
        Init(Sequential(
        Layers.Conv2d(inputNc, Channels(ndf, size, size / 2), 4, 2, 1), new LeakyRelu(0.2, true),
        Layers.Conv2d(Channels(ndf, size, size / 2), Channels(ndf, size, size / 4), 4, 2, 1, bias: HasBias(norm)),
            norm.Create(Channels(ndf, size, size / 4)), new LeakyRelu(0.2, true)), initType, gain);

    /// <summary>N×C×(S/4)×(S/4) → one logit per image (N×1×1×1).</summary>
    public static Sequential DiscriminatorTrunk(int ndf, int size, NormLayer norm, string initType, double gain)
    {
        var layers = new List<Module<Tensor, Tensor>>();
        for (int r = size / 8; r >= 4; r /= 2)
            layers.AddRange([Layers.Conv2d(Channels(ndf, size, r * 2), Channels(ndf, size, r), 4, 2, 1, bias: HasBias(norm)),
                norm.Create(Channels(ndf, size, r)), new LeakyRelu(0.2, true)]);
        layers.Add(Layers.Conv2d(Channels(ndf, size, 4), 1, 4, 1, 0));
        return Init(Sequential(layers), initType, gain);
    }

    /// <summary>DCGAN convolutions that feed a batch norm have no bias; with instance or no norm they keep one.</summary>
    static bool HasBias(NormLayer norm) => norm.Kind is not ("batch" or "syncbatch");

    static Sequential Init(Sequential net, string initType, double gain)
    {
        WeightInit.Apply(net, initType, gain);
        return net;
    }
}
