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
    readonly Sequential model;

    public CutNLayerDiscriminator(long inputNc, long ndf, int nLayers, NormLayer norm, bool noAntialias)
        : base("NLayerDiscriminator")
    {
        model = Sequential(NLayerDiscriminator.PatchGanLayers(inputNc, ndf, nLayers, norm, antialias: !noAntialias));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => model.forward(input);
}
