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

    Tensor Run(Tensor x, Tensor w, Tensor? b) => transposed
        ? F.conv_transpose2d(x, w, b, stride, padding, output_padding, dilation, groups)
        : F.conv2d(x, w, b, stride, padding, dilation, groups);
}
