using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official <c>ResnetGenerator</c>: reflection pad, 7×7 conv, two stride-2 downsamplings, <paramref name="nBlocks"/>
/// residual blocks, two transposed-conv upsamplings, 7×7 conv, tanh. Keys: <c>model.N.*</c>.
/// </summary>
public sealed class ResnetGenerator : Module<Tensor, Tensor>
{
    readonly Sequential model;

    public ResnetGenerator(long inputNc, long outputNc, long ngf, NormLayer norm, bool useDropout, int nBlocks)
        : base(nameof(ResnetGenerator))
    {
        model = Sequential(LayerList(inputNc, outputNc, ngf, norm, useDropout, nBlocks, antialiasDown: false,
            antialiasUp: false));
        RegisterComponents();
    }

    const int NDownsampling = 2;

    /// <summary>
    /// The official layers, in <c>model.N</c> order. CUT's switches: <paramref name="antialiasDown"/> makes each
    /// downsampling a stride-1 conv, norm, ReLU, <see cref="Downsample"/>; <paramref name="antialiasUp"/> each
    /// upsampling an <see cref="Upsample"/>, stride-1 conv, norm, ReLU.
    /// </summary>
    internal static List<Module<Tensor, Tensor>> LayerList(long inputNc, long outputNc, long ngf, NormLayer norm,
        bool useDropout, int nBlocks, bool antialiasDown, bool antialiasUp)
    {
        if (nBlocks < 0) throw new UserError("n_blocks must be >= 0");
        var ub = norm.UseBias;
        var layers = new List<Module<Tensor, Tensor>>
        {
            ReflectionPad2d(3),
            Layers.Conv2d(inputNc, ngf, 7, padding: 0L, bias: ub),
            norm.Create(ngf),
            ReLU(true),
        };
        for (int i = 0; i < NDownsampling; i++)
        {
            var c = ngf * (1L << i) * 2;
            layers.Add(Layers.Conv2d(c / 2, c, 3, stride: antialiasDown ? 1 : 2, padding: 1L, bias: ub));
            layers.Add(norm.Create(c));
            layers.Add(ReLU(true));
            if (antialiasDown) layers.Add(new Downsample(c));
        }
        var m = 1L << NDownsampling;
        for (int i = 0; i < nBlocks; i++)
            layers.Add(new ResnetBlock(ngf * m, norm, useDropout, ub));
        for (int i = 0; i < NDownsampling; i++)
        {
            var c = ngf * (1L << (NDownsampling - i));
            if (antialiasUp)
            {
                layers.Add(new Upsample(c));
                layers.Add(Layers.Conv2d(c, c / 2, 3, stride: 1, padding: 1L, bias: ub));
            }
            else
                layers.Add(Layers.ConvTranspose2d(c, c / 2, 3, stride: 2, padding: 1, output_padding: 1, bias: ub));
            layers.Add(norm.Create(c / 2));
            layers.Add(ReLU(true));
        }
        layers.Add(ReflectionPad2d(3));
        layers.Add(Layers.Conv2d(ngf, outputNc, 7, padding: 0L));
        layers.Add(Tanh());
        return layers;
    }

    /// <summary>The generated image, contiguous even where fast transposed convolutions left it channels-last.</summary>
    public override Tensor forward(Tensor input) => SequentialInference.Forward(model, input).contiguous();
}

/// <summary>The official <c>ResnetBlock</c>: <c>x + conv_block(x)</c>, no activation after the sum.</summary>
public sealed class ResnetBlock : Module<Tensor, Tensor>
{
    readonly Sequential conv_block;

    public ResnetBlock(long dim, NormLayer norm, bool useDropout, bool useBias) : base(nameof(ResnetBlock))
    {
        var layers = new List<Module<Tensor, Tensor>>
        {
            ReflectionPad2d(1),
            Layers.Conv2d(dim, dim, 3, padding: 0L, bias: useBias),
            norm.Create(dim),
            ReLU(true),
        };
        if (useDropout) layers.Add(Dropout(0.5));
        layers.Add(ReflectionPad2d(1));
        layers.Add(Layers.Conv2d(dim, dim, 3, padding: 0L, bias: useBias));
        layers.Add(norm.Create(dim));
        conv_block = Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var block = SequentialInference.Forward(conv_block, x);
        return x.add(block, Scalars.One);
    }
}
