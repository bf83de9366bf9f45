using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>The official PatchGAN <c>NLayerDiscriminator</c> (<c>basic</c> = 3 layers). No sigmoid. Keys <c>model.N.*</c>.</summary>
public sealed class NLayerDiscriminator : Module<Tensor, Tensor>
{
    readonly Sequential model;

    public NLayerDiscriminator(long inputNc, long ndf, int nLayers, NormLayer norm) : base(nameof(NLayerDiscriminator))
    {
        model = Sequential(PatchGanLayers(inputNc, ndf, nLayers, norm, antialias: false));
        RegisterComponents();
    }

    /// <summary>
    /// The official layers, in <c>model.N</c> order. With <paramref name="antialias"/> CUT's: each stride-2 conv runs
    /// at stride 1 and its LeakyReLU is followed by a <see cref="Downsample"/>.
    /// </summary>
    internal static List<Module<Tensor, Tensor>> PatchGanLayers(long inputNc, long ndf, int nLayers, NormLayer norm,
        bool antialias)
    {
        if (nLayers < 1) throw new UserError("--n_layers_D must be at least 1");
        var ub = norm.UseBias;
        const int kw = 4;
        const long padw = 1;
        long stride = antialias ? 1 : 2;
        var layers = new List<Module<Tensor, Tensor>>
        {
            Layers.Conv2d(inputNc, ndf, kw, stride: stride, padding: padw),
            new LeakyRelu(0.2, true),
        };
        if (antialias) layers.Add(new Downsample(ndf));
        long multPrev, mult = 1;
        for (int n = 1; n < nLayers; n++)
        {
            multPrev = mult;
            mult = Math.Min(1L << n, 8);
            layers.Add(Layers.Conv2d(ndf * multPrev, ndf * mult, kw, stride: stride, padding: padw, bias: ub));
            layers.Add(norm.Create(ndf * mult));
            layers.Add(new LeakyRelu(0.2, true));
            if (antialias) layers.Add(new Downsample(ndf * mult));
        }
        multPrev = mult;
        mult = Math.Min(1L << nLayers, 8);
        layers.Add(Layers.Conv2d(ndf * multPrev, ndf * mult, kw, stride: 1, padding: padw, bias: ub));
        layers.Add(norm.Create(ndf * mult));
        layers.Add(new LeakyRelu(0.2, true));
        layers.Add(Layers.Conv2d(ndf * mult, 1, kw, stride: 1, padding: padw));
        return layers;
    }

    public override Tensor forward(Tensor input) => model.forward(input);
}

/// <summary>The official 1×1 <c>PixelDiscriminator</c>; its attribute is <c>net</c>, and its last conv follows the use_bias
/// rule.</summary>
public sealed class PixelDiscriminator : Module<Tensor, Tensor>
{
    readonly Sequential net;

    public PixelDiscriminator(long inputNc, long ndf, NormLayer norm) : base(nameof(PixelDiscriminator))
    {
        var ub = norm.UseBias;
        net = Sequential(
            Layers.Conv2d(inputNc, ndf, 1, stride: 1, padding: 0L),
            new LeakyRelu(0.2, true),
            Layers.Conv2d(ndf, ndf * 2, 1, stride: 1, padding: 0L, bias: ub),
            norm.Create(ndf * 2),
            new LeakyRelu(0.2, true),
            Layers.Conv2d(ndf * 2, 1, 1, stride: 1, padding: 0L, bias: ub));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => net.forward(input);
}
