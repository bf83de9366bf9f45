using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official CUT <c>Upsample</c> at its defaults: replication pad 1, a transposed convolution (stride 2, padding 2)
/// with the 4×4 binomial filter [1, 3, 3, 1]ᵀ[1, 3, 3, 1]/64 × 4 per channel, then one row and column cropped at
/// each side: exactly twice the input size. Key: <c>filt</c> <c>[channels, 1, 4, 4]</c>.
/// </summary>
public sealed class Upsample : BlurLayer
{
    public const long FiltSize = 4, Stride = 2;
    // the official padding=1 + pad_size, pad_size = (filt_size - 1) / 2
    public const long Padding = 1 + (FiltSize - 1) / 2;
    static readonly double[] Row = [1, 3, 3, 1];

    readonly Tensor filt;
    readonly ReplicationPad2d pad;

    public Upsample(long channels) : base(nameof(Upsample), channels)
    {
        filt = Filter(channels, Row, Stride * Stride);
        pad = ReplicationPad2d(1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var padded = pad.forward(input);
        var y = Kernels.Run(Config(padded, true, FiltSize, Stride, Padding), padded, filt, null, LayerName);
        // the official [:, :, 1:, 1:] and, for an even filter, [:, :, :-1, :-1]
        return y.narrow(2, 1, y.shape[2] - 2).narrow(3, 1, y.shape[3] - 2).MoveToOuterDisposeScope();
    }
}
