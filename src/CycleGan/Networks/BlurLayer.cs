using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official CUT anti-aliasing layers (<see cref="Downsample"/>, <see cref="Upsample"/>): a fixed binomial filter,
/// registered as the buffer <c>filt</c> (so it is in state_dict and official checkpoints carry it), applied per
/// channel.
/// Their grouped convolutions go through <see cref="ConvKernels"/> like every other convolution.
/// </summary>
public abstract class BlurLayer : Module<Tensor, Tensor>
{
    /// <summary>Where the blur convolution is checked and routed; set by <see cref="Compute.Configure{T}"/>.</summary>
    public ConvKernels Kernels { get; set; } = ConvKernels.Shared;

    /// <summary>The layer's state-dict path, named in kernel-check errors; set by
    /// <see cref="Compute.Configure{T}"/>.</summary>
    public string? LayerName { get; set; }

    public long Channels { get; }

    protected BlurLayer(string name, long channels) : base(name) => Channels = channels;

    /// <summary>
    /// The official <c>get_filter</c>: the outer product of a binomial row with itself over its sum, times
    /// <paramref name="scale"/>, repeated to <c>[channels, 1, k, k]</c>. Every value is a power-of-two fraction, so the
    /// float32 filter equals PyTorch's bit for bit.
    /// </summary>
    protected static Tensor Filter(long channels, double[] row, double scale)
    {
        var k = row.Length;
        var sum = row.Sum() * row.Sum();
        var values = new float[k * k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                values[i * k + j] = (float)(row[i] * row[j] / sum * scale);
        using var one = tensor(values, [1, 1, k, k]);
        return one.repeat(channels, 1, 1, 1);
    }

    /// <summary>The grouped (depthwise) convolution of the filter, as <see cref="ConvKernels"/> keys it.</summary>
    protected ConvConfig Config(Tensor x, bool transposed, long kernel, long stride, long padding) =>
        new(transposed, Channels, Channels, kernel, kernel, stride, stride, padding, padding, 0, 0, 1, 1, Channels,
            false, x.dtype, ConvConfig.IsChannelsLast(x));
}
