using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CycleGan.Networks;

/// <summary>
/// Conv2d / ConvTranspose2d with the official parameters, keys (<c>weight</c>, <c>bias</c>), shapes and default
/// initialisation (TorchSharp's own <see cref="Convolution"/> base), plus one switch: <see cref="Bf16"/> runs the
/// convolution in bfloat16 — input, weight and bias cast down, result cast back to float32 — so that the weights
/// (the optimizer's master copy), norms, losses and gradients outside the convolution stay float32. Autograd sees
/// the casts, so the weight gradient arrives in float32. This is the mixed precision of <c>--precision bf16</c>
/// (TorchSharp 0.107 has no autocast). Create them with <see cref="Layers"/>.
/// </summary>
public sealed class Conv : Convolution
{
    /// <summary>Run this convolution in bfloat16 (see the class summary). Set by <see cref="Compute.Apply"/>.</summary>
    public bool Bf16 { get; set; }

    /// <summary>
    /// Transposed, inference only (gradients off): hand the transposed convolution a channels-last copy of its (small) weight, so libtorch runs
    /// oneDNN's deconvolution in channels-last layout — 1.7–2.9× faster here (256→128 channels at 64×64: 13.8 → 8.2 ms;
    /// 128→64 at 128×128: 21 → 8.7 ms). Its output is then channels-last in memory (same shape and values); the layers
    /// after it accept that, and the generators return a contiguous tensor. Converting the activations instead costs
    /// as much as it saves. With gradients on it is left off: the channels-last backward made a 64 px training step
    /// ~12 % slower. Set by <see cref="Compute.Apply"/> with <c>--kernels fast</c>.
    /// </summary>
    public bool ChannelsLast { get; set; }

    internal Conv(bool transposed, long inChannels, long outChannels, long kernel, long stride, long padding, long outputPadding, bool bias)
        : base(transposed ? "ConvTranspose2d" : "Conv2d", inChannels, outChannels, [kernel, kernel], [stride, stride],
            [padding, padding], null, [1, 1], transposed, [outputPadding, outputPadding], 1, bias, PaddingModes.Zeros, null, null)
    {
    }

    public override Tensor forward(Tensor input)
    {
        if (!Bf16 || input.dtype != ScalarType.Float32) return Run(input, weight!, bias);
        using var scope = NewDisposeScope();
        var y = Run(input.to(ScalarType.BFloat16), weight!.to(ScalarType.BFloat16), bias?.to(ScalarType.BFloat16));
        return y.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    Tensor Run(Tensor x, Tensor w, Tensor? b)
    {
        if (!transposed) return F.conv2d(x, w, b, stride, padding, dilation, groups);
        if (!ChannelsLast || is_grad_enabled()) return F.conv_transpose2d(x, w, b, stride, padding, output_padding, dilation, groups);
        using var scope = NewDisposeScope();
        var wl = w.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2); // same shape, channels-last in memory
        return F.conv_transpose2d(x, wl, b, stride, padding, output_padding, dilation, groups).MoveToOuterDisposeScope();
    }
}
