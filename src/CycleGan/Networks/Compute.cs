using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// How a network computes, not what: <c>--kernels fast|official</c> and <c>--precision fp32|bf16</c>, applied to
/// every <see cref="Conv"/> and <see cref="InstanceNorm"/> inside a built network. Neither changes parameters,
/// keys or checkpoints.
/// </summary>
public sealed record Compute(bool FastKernels, bool Bf16)
{
    public static Compute FromOptions(string kernels, string precision) => new(
        kernels switch
        {
            "fast" => true,
            "official" => false,
            _ => throw new UserError($"--kernels {kernels}: expected fast or official"),
        },
        precision switch
        {
            "fp32" => false,
            "bf16" => true,
            _ => throw new UserError($"--precision {precision}: expected fp32 or bf16"),
        });

    /// <summary>Sets the switches of every layer in <paramref name="net"/>; returns it.</summary>
    public T Apply<T>(T net) where T : nn.Module
    {
        foreach (var m in net.modules())
        {
            if (m is Conv c)
            {
                // bf16 everywhere but the output layers (convs to at most 8 channels: the image and the PatchGAN
                // logits), the usual mixed-precision exception: a small share of the work, and where rounding shows.
                c.Bf16 = Bf16 && c.out_channels > 8;
                c.ChannelsLast = FastKernels && c.transposed;
                c.FoldTaps = FastKernels && c.CanFoldTaps;
            }
            else if (m is InstanceNorm n) n.Fast = FastKernels;
        }
        return net;
    }
}
