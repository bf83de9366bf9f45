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
    /// <summary>The <c>--kernels</c> names.</summary>
    public static IReadOnlyList<string> KernelNames { get; } = ["fast", "official"];
    /// <summary>The <c>--precision</c> names (auto: bf16 where this CPU computes it faster, see <see cref="PrecisionChoice"/>).</summary>
    public static IReadOnlyList<string> Precisions { get; } = ["fp32", "bf16", "auto"];

    /// <summary><paramref name="probe"/>: the network's shape, for <c>--precision auto</c> (<see cref="PrecisionChoice"/>).</summary>
    public static Compute FromOptions(string kernels, string precision, PrecisionChoice.Probe? probe = null) => new(
        kernels switch
        {
            "fast" => true,
            "official" => false,
            _ => throw new UserError($"--kernels {kernels}: expected fast or official"),
        },
        PrecisionChoice.Resolve(precision, probe) switch
        {
            "fp32" => false,
            "bf16" => true,
            _ => throw new UserError($"--precision {precision}: expected fp32, bf16 or auto"),
        });

    /// <summary>Where the convolutions are checked and routed (tests inject faults through their own instance).</summary>
    public ConvKernels Kernels { get; init; } = ConvKernels.Shared;

    /// <summary>Where a network that only infers chooses its convolution routes (tests use their own).</summary>
    public InferenceRoutes Routes { get; init; } = InferenceRoutes.Shared;

    /// <summary>
    /// Sets the switches of every layer in <paramref name="net"/> and checks the convolution kernels they will run
    /// (<see cref="ConvKernels"/>); returns it. Throws the kernel check's <see cref="UserError"/>, naming the layer,
    /// when no route computes one of them correctly. <paramref name="gradients"/> false (a network that only infers):
    /// the forward alone is checked; a backward through it later is checked on its first use.
    /// </summary>
    public T Apply<T>(T net, bool gradients = true) where T : nn.Module
    {
        Configure(net, inferenceOnly: !gradients);
        // channels-last variants run only at inference: they are checked on first use, so a training pays nothing for them
        foreach (var (name, m) in net.named_modules())
            if (m is Conv c)
                foreach (var config in c.Configurations().Where(k => !k.ChannelsLast))
                    Kernels.Route(config, name, gradients);
        return net;
    }

    /// <summary>
    /// Sets the switches of every layer without checking the kernels (what <c>cyclegan doctor</c> inspects).
    /// <paramref name="inferenceOnly"/>: the network never trains, so with fast kernels its convolutions may take the
    /// fastest checked route per input shape (<see cref="Conv.TuneRoutes"/>).
    /// </summary>
    public T Configure<T>(T net, bool inferenceOnly = false) where T : nn.Module
    {
        TorchRuntime.EnsureLoaded();
        foreach (var (name, m) in net.named_modules())
        {
            if (m is Conv c)
            {
                c.Kernels = Kernels;
                c.LayerName = name;
                // bf16 everywhere but the output layers, the usual mixed-precision exception: a small share of the
                // work, and where rounding shows.
                c.Bf16 = Bf16 && c.out_channels > Conv.OutputLayerMaxChannels;
                c.ChannelsLast = FastKernels && c.transposed;
                c.FoldTaps = FastKernels && c.CanFoldTaps;
                c.TuneRoutes = FastKernels && inferenceOnly;
                c.Routes = Routes;
            }
            else if (m is BlurLayer blur)
            {
                blur.Kernels = Kernels;
                blur.LayerName = name;
            }
            else if (m is InstanceNorm n) n.Fast = FastKernels;
        }
        return net;
    }
}
