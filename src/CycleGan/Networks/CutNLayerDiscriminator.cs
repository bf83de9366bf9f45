using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official CUT <c>NLayerDiscriminator</c>: the PatchGAN whose stride-2 convs become stride-1 conv, (norm,)
/// LeakyReLU, <see cref="Downsample"/> unless <c>--no_antialias</c> (then it is <see cref="NLayerDiscriminator"/>,
/// same keys). No sigmoid. Keys <c>model.N.*</c>.
/// </summary>
public sealed class CutNLayerDiscriminator : Module<Tensor, Tensor>
{
    const int Kw = 4;
    const long Padw = 1;

    readonly Sequential model;

    public CutNLayerDiscriminator(long inputNc, long ndf, int nLayers, NormLayer norm, bool noAntialias)
        : base("NLayerDiscriminator")
    {
        if (nLayers < 1) throw new UserError("--n_layers_D must be at least 1");
        var ub = norm.UseBias;
        long stride = noAntialias ? 2 : 1;
        var layers = new List<Module<Tensor, Tensor>>
        {
            Layers.Conv2d(inputNc, ndf, Kw, stride: stride, padding: Padw),
            new LeakyRelu(0.2, true),
        };
        if (!noAntialias) layers.Add(new Downsample(ndf));
        long multPrev, mult = 1;
        for (int n = 1; n < nLayers; n++)
        {
            multPrev = mult;
            mult = Math.Min(1L << n, 8);
            layers.Add(Layers.Conv2d(ndf * multPrev, ndf * mult, Kw, stride: stride, padding: Padw, bias: ub));
            layers.Add(norm.Create(ndf * mult));
            layers.Add(new LeakyRelu(0.2, true));
            if (!noAntialias) layers.Add(new Downsample(ndf * mult));
        }
        multPrev = mult;
        mult = Math.Min(1L << nLayers, 8);
        layers.Add(Layers.Conv2d(ndf * multPrev, ndf * mult, Kw, stride: 1, padding: Padw, bias: ub));
        layers.Add(norm.Create(ndf * mult));
        layers.Add(new LeakyRelu(0.2, true));
        layers.Add(Layers.Conv2d(ndf * mult, 1, Kw, stride: 1, padding: Padw));
        model = Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => model.forward(input);
}
