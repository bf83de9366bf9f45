using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official <c>InstanceNorm2d(affine=False, track_running_stats=False)</c>: no parameters, no buffers, eps 1e-5.
/// <see cref="Fast"/> computes the same normalisation with libtorch's group-norm kernel (one group per channel),
/// which is faster than the instance-norm kernel (a batch norm over a reshaped input) on CPU (bench/README.md); the
/// two agree to about 1e-6 but sum in a different order, so one Adam step can round differently —
/// <c>--kernels official</c> keeps PyTorch's kernel and reproduces <c>reference/steps</c>.
/// </summary>
public sealed class InstanceNorm : Module<Tensor, Tensor>
{
    /// <summary>The official epsilon (<c>nn.InstanceNorm2d</c>'s default).</summary>
    public const double Eps = 1e-5;
    readonly long _channels;

    public long Channels => _channels;

    /// <summary>Use the group-norm kernel. Set by <see cref="Compute.Apply"/>.</summary>
    public bool Fast { get; set; }

    /// <summary>
    /// Set for video with <c>--temporal norm</c>: statistics carried across the frames of a clip instead of each
    /// frame's own (<see cref="TemporalNorm"/>).
    /// </summary>
    public TemporalNorm? Temporal { get; set; }

    public InstanceNorm(long channels) : base("InstanceNorm2d") => _channels = channels;

    public override Tensor forward(Tensor input) => Temporal is { } t ? t.Normalize(this, input) : Fast
        ? functional.group_norm(input, _channels, eps: Eps)
        : functional.instance_norm(input, eps: Eps);
}
