using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official CUT <c>ResnetGenerator</c>: the CycleGAN one with anti-aliased sampling unless switched off. Down:
/// stride-1 conv, norm, ReLU, <see cref="Downsample"/> (<c>--no_antialias</c>: the stride-2 conv). Up:
/// <see cref="Upsample"/>, stride-1 conv, norm, ReLU (<c>--no_antialias_up</c>: the transposed conv). Keys
/// <c>model.N.*</c> follow from the same Sequential; with both switches on they are the CycleGAN generator's.
/// <see cref="EncodeOnly"/> is the official <c>forward(input, layers, encode_only=True)</c> for the PatchNCE loss.
/// </summary>
public sealed class CutResnetGenerator : Module<Tensor, Tensor>
{
    readonly Sequential model;
    readonly long _inputNc;

    /// <summary>How many layers the Sequential has: NCE layer ids are indices into it.</summary>
    public int LayerCount { get; }

    public CutResnetGenerator(long inputNc, long outputNc, long ngf, NormLayer norm, bool useDropout, int nBlocks,
        bool noAntialias, bool noAntialiasUp) : base("ResnetGenerator")
    {
        _inputNc = inputNc;
        var layers = ResnetGenerator.LayerList(inputNc, outputNc, ngf, norm, useDropout, nBlocks,
            antialiasDown: !noAntialias, antialiasUp: !noAntialiasUp);
        LayerCount = layers.Count;
        model = Sequential(layers);
        RegisterComponents();
    }

    /// <summary>The generated image, contiguous even where fast transposed convolutions left it
    /// channels-last.</summary>
    public override Tensor forward(Tensor input) => model.forward(input).contiguous();

    /// <summary>
    /// The outputs of the layers <paramref name="layers"/> (ids into the Sequential, ascending), running the network
    /// only up to the last of them, as the official encode_only path does. A feature is the layer's output tensor
    /// itself, as officially (an in-place ReLU right after a requested layer would change it there too).
    /// </summary>
    public IReadOnlyList<Tensor> EncodeOnly(Tensor input, IReadOnlyList<int> layers)
    {
        CheckLayers(layers);
        var feats = new List<Tensor>(layers.Count);
        var feat = input;
        int id = 0, next = 0;
        foreach (var layer in model.children())
        {
            feat = ((Module<Tensor, Tensor>)layer).forward(feat);
            if (id == layers[next])
            {
                feats.Add(feat);
                if (++next == layers.Count) break;
            }
            id++;
        }
        return feats;
    }

    /// <summary>
    /// The channel counts of the outputs of <paramref name="layers"/>, read from the convolutions (no forward, so
    /// batch-norm statistics stay untouched): what F's MLPs take, known before any image is seen.
    /// </summary>
    public IReadOnlyList<long> FeatureChannels(IReadOnlyList<int> layers)
    {
        CheckLayers(layers);
        var channels = new List<long>(layers.Count);
        var c = _inputNc;
        int id = 0;
        foreach (var layer in model.children())
        {
            if (layer is Convolution conv) c = conv.out_channels;
            if (layers.Contains(id)) channels.Add(c);
            id++;
        }
        return channels;
    }

    /// <summary>
    /// <c>--nce_layers</c> must name layers of this network in increasing order (the official code collects them in
    /// network order and stops at the last one listed, so another order would pair features with the wrong layers).
    /// </summary>
    public void CheckLayers(IReadOnlyList<int> layers)
    {
        var ok = layers.Count > 0 && layers[0] >= 0 && layers[^1] < LayerCount;
        for (int i = 1; ok && i < layers.Count; i++) ok = layers[i] > layers[i - 1];
        if (!ok)
            throw new UserError($"--nce_layers {string.Join(',', layers)}: expected increasing layer ids between " +
                $"0 and {LayerCount - 1} (this generator has {LayerCount} layers)");
    }
}
