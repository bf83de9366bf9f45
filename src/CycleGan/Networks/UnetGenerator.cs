using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official <c>UnetGenerator</c>: nested <see cref="UnetSkipConnectionBlock"/>s built from the innermost out,
/// <paramref name="numDowns"/> downsamplings (8 for unet_256, 7 for unet_128). Keys start <c>model.model.</c>.
/// </summary>
public sealed class UnetGenerator : Module<Tensor, Tensor>
{
    readonly UnetSkipConnectionBlock model;

    public int NumDowns { get; }

    public UnetGenerator(long inputNc, long outputNc, int numDowns, long ngf, NormLayer norm, bool useDropout)
        : base(nameof(UnetGenerator))
    {
        if (numDowns < 5) throw new UserError("a U-Net needs at least 5 downsamplings");
        NumDowns = numDowns;
        var block = new UnetSkipConnectionBlock(ngf * 8, ngf * 8, null, null, norm, innermost: true);
        for (int i = 0; i < numDowns - 5; i++)
            block = new UnetSkipConnectionBlock(ngf * 8, ngf * 8, null, block, norm, useDropout: useDropout);
        block = new UnetSkipConnectionBlock(ngf * 4, ngf * 8, null, block, norm);
        block = new UnetSkipConnectionBlock(ngf * 2, ngf * 4, null, block, norm);
        block = new UnetSkipConnectionBlock(ngf, ngf * 2, null, block, norm);
        model = new UnetSkipConnectionBlock(outputNc, ngf, inputNc, block, norm, outermost: true);
        RegisterComponents();
    }

    /// <summary>The generated image, contiguous even where fast transposed convolutions left it channels-last.</summary>
    public override Tensor forward(Tensor input) => model.forward(input).contiguous();
}

/// <summary>
/// One U-Net level: down conv, the child, up conv; non-outermost levels return <c>cat([x, model(x)], 1)</c>.
/// The official in-place LeakyReLU also overwrites the skip tensor, but a ReLU always follows the concat,
/// so a non-in-place activation gives identical results (reference README, "U-Net").
/// </summary>
public sealed class UnetSkipConnectionBlock : Module<Tensor, Tensor>
{
    readonly Sequential model;
    readonly bool _outermost;

    /// <summary>The outermost level returns its output without the skip concat.</summary>
    public bool Outermost => _outermost;

    public UnetSkipConnectionBlock(long outerNc, long innerNc, long? inputNc, UnetSkipConnectionBlock? submodule,
        NormLayer norm, bool outermost = false, bool innermost = false, bool useDropout = false)
        : base(nameof(UnetSkipConnectionBlock))
    {
        _outermost = outermost;
        var ub = norm.UseBias;
        var inNc = inputNc ?? outerNc;
        var downconv = Layers.Conv2d(inNc, innerNc, 4, stride: 2, padding: 1L, bias: ub);
        var layers = new List<Module<Tensor, Tensor>>();
        if (outermost)
        {
            var upconv = Layers.ConvTranspose2d(innerNc * 2, outerNc, 4, stride: 2, padding: 1);
            layers.Add(downconv);
            layers.Add(submodule!);
            layers.Add(ReLU(true));
            layers.Add(upconv);
            layers.Add(Tanh());
        }
        else if (innermost)
        {
            var upconv = Layers.ConvTranspose2d(innerNc, outerNc, 4, stride: 2, padding: 1, bias: ub);
            layers.Add(new LeakyRelu(0.2));
            layers.Add(downconv);
            layers.Add(ReLU(true));
            layers.Add(upconv);
            layers.Add(norm.Create(outerNc));
        }
        else
        {
            var downnorm = norm.Create(innerNc);
            var upconv = Layers.ConvTranspose2d(innerNc * 2, outerNc, 4, stride: 2, padding: 1, bias: ub);
            layers.Add(new LeakyRelu(0.2));
            layers.Add(downconv);
            layers.Add(downnorm);
            layers.Add(submodule!);
            layers.Add(ReLU(true));
            layers.Add(upconv);
            layers.Add(norm.Create(outerNc));
            if (useDropout) layers.Add(Dropout(0.5));
        }
        model = Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (_outermost) return SequentialInference.Forward(model, x);
        using var inner = SequentialInference.Forward(model, x);
        return cat([x, inner], 1);
    }
}
