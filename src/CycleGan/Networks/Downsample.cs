using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official CUT <c>Downsample</c> (anti-aliased stride 2, Zhang 2019) at its defaults: reflection pad 1, the 3×3
/// binomial blur [1, 2, 1]ᵀ[1, 2, 1]/16, stride 2, per channel. Key: <c>filt</c> <c>[channels, 1, 3, 3]</c>.
/// </summary>
public sealed class Downsample : BlurLayer
{
    public const long FiltSize = 3, Stride = 2;
    static readonly double[] Row = [1, 2, 1];

    readonly Tensor filt;
    readonly ReflectionPad2d pad;

    public Downsample(long channels) : base(nameof(Downsample), channels)
    {
        filt = Filter(channels, Row, 1.0);
        pad = ReflectionPad2d((FiltSize - 1) / 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var padded = pad.forward(input);
        return Kernels.Run(Config(padded, false, FiltSize, Stride, 0), padded, filt, null, LayerName)
            .MoveToOuterDisposeScope();
    }
}
