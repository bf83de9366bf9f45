using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CycleGan.Networks;

/// <summary>
/// Conv2d / ConvTranspose2d with the official parameters, keys (<c>weight</c>, <c>bias</c>), shapes and default
/// initialisation (TorchSharp's own <see cref="Convolution"/> base), plus three switches that <see cref="Compute"/>
/// sets and that change how it computes, never what: <see cref="Bf16"/>, <see cref="ChannelsLast"/> and
/// <see cref="FoldTaps"/>. Create them with <see cref="Layers"/>.
/// </summary>
public sealed class Conv : Convolution
{
    /// <summary>
    /// <c>--precision bf16</c>, mixed precision (TorchSharp 0.107 has no autocast): input, weight and bias are cast to
    /// bfloat16, the result back to float32, so the weights (the optimizer's master copy), norms, losses and
    /// gradients outside the convolution stay float32; autograd sees the casts, so the weight gradient arrives in
    /// float32. <see cref="Compute.Apply"/> leaves the output convolutions (<see cref="OutputLayerMaxChannels"/>) in float32.
    /// </summary>
    public bool Bf16 { get; set; }

    /// <summary>
    /// Transposed, inference only (gradients off): the weight is handed over channels-last, so oneDNN runs its faster
    /// channels-last deconvolution; the output is channels-last in memory (same shape and values), which the following
    /// layers accept. Off with gradients on (its backward is slower). Set by <see cref="Compute.Apply"/> with
    /// <c>--kernels fast</c>; figures in bench/README.md.
    /// </summary>
    public bool ChannelsLast { get; set; }

    /// <summary>
    /// Convolutions to few channels (the generators' 7×7 conv to 3, PatchGAN's last conv to 1) leave most of oneDNN's
    /// 16 vector lanes idle; folding the kW horizontal taps into output channels (one kH×1 convolution to kW·out
    /// channels, then kW shifted adds) does the same multiply-adds with more lanes busy. Set by
    /// <see cref="Compute.Apply"/> with <c>--kernels fast</c> where <see cref="CanFoldTaps"/>; figures in bench/README.md.
    /// </summary>
    public bool FoldTaps { get; set; }

    /// <summary>
    /// Output convolutions: at most this many output channels (the image, the PatchGAN logits). They fold their taps
    /// under <c>--kernels fast</c> and stay float32 under <c>--precision bf16</c>.
    /// </summary>
    public const int OutputLayerMaxChannels = 8;

    /// <summary>Stride 1, no dilation or groups, a kernel wider than 1 and at most <see cref="OutputLayerMaxChannels"/>
    /// output channels.</summary>
    public bool CanFoldTaps => !transposed && out_channels <= OutputLayerMaxChannels && kernel_size[1] > 1 && groups == 1
        && stride.All(s => s == 1) && dilation.All(d => d == 1);

    /// <summary>
    /// Networks that only infer (<see cref="Compute.Apply"/> with gradients off, <c>--kernels fast</c>), on the CPU and
    /// with gradients off: each input shape runs by the fastest checked <see cref="InferenceRoute"/>, measured on first
    /// use (<see cref="InferenceRoutes"/>). Layers that fold their taps keep that route.
    /// </summary>
    public bool TuneRoutes { get; set; }

    /// <summary>Where the inference routes are chosen; <see cref="InferenceRoutes.Shared"/> unless set.</summary>
    public InferenceRoutes Routes { get; set; } = InferenceRoutes.Shared;

    /// <summary>Where this layer's convolutions are checked and routed; <see cref="ConvKernels.Shared"/> unless set.</summary>
    public ConvKernels Kernels { get; set; } = ConvKernels.Shared;

    /// <summary>The layer's state-dict path (e.g. <c>model.26</c>), named in kernel-check errors; set by
    /// <see cref="Compute.Apply"/>.</summary>
    public string? LayerName { get; set; }

    /// <summary>
    /// The convolutions this layer hands libtorch with its current switches (a float32 input assumed), so that
    /// <see cref="Compute.Apply"/> can check them before the first forward.
    /// </summary>
    public IEnumerable<ConvConfig> Configurations()
    {
        var dtype = Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
        if (FoldTaps)
        {
            yield return FoldedConfig(dtype);
            yield break;
        }
        yield return DirectConfig(dtype, false);
        if (ChannelsLast) yield return DirectConfig(dtype, true);
    }

    // The keys are built from the layer's own fields on every call: no tensor shape is read, nothing is allocated
    // per convolution (allocations on this path would add up to GCs during training).
    ConvConfig DirectConfig(ScalarType dtype, bool channelsLast) => new(transposed, in_channels, out_channels,
        kernel_size[0], kernel_size[1], stride[0], stride[1], padding?[0] ?? 0, padding?[1] ?? 0,
        transposed ? output_padding?[0] ?? 0 : 0, transposed ? output_padding?[1] ?? 0 : 0, dilation[0], dilation[1], groups,
        bias is not null, dtype, channelsLast);

    ConvConfig FoldedConfig(ScalarType dtype) =>
        new(false, in_channels, kernel_size[1] * out_channels, kernel_size[0], 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, false, dtype, false);

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

    Tensor Folded(Tensor x, Tensor w, Tensor? b)
    {
        using var scope = NewDisposeScope();
        long cout = w.shape[0], cin = w.shape[1], kh = w.shape[2], kw = w.shape[3];
        if (padding is { } pad && pad.Any(p => p != 0)) x = F.pad(x, [pad[1], pad[1], pad[0], pad[0]]);
        var folded = w.permute(3, 0, 1, 2).reshape(kw * cout, cin, kh, 1); // channel kx·cout + o holds tap column kx
        var z = Kernels.Run(FoldedConfig(x.dtype), x, folded, null, LayerName);
        // bf16: the kW partial sums are added in float32, as the convolution's own accumulator would
        if (z.dtype == ScalarType.BFloat16) z = z.to(ScalarType.Float32);
        var width = x.shape[3] - kw + 1;
        var y = z.narrow(1, 0, cout).narrow(3, 0, width);
        y = b is null ? y.clone() : y.add(b.to(z.dtype).view(1, -1, 1, 1), Scalars.One);
        for (long kx = 1; kx < kw; kx++) y = y.add(z.narrow(1, kx * cout, cout).narrow(3, kx, width), Scalars.One);
        return y.MoveToOuterDisposeScope();
    }

    Tensor Run(Tensor x, Tensor w, Tensor? b)
    {
        if (!transposed && FoldTaps) return Folded(x, w, b);
        if (TuneRoutes && !is_grad_enabled() && x.device_type == DeviceType.CPU)
        {
            var config = DirectConfig(x.dtype, ConvConfig.IsChannelsLast(x));
            return Routes.Run(config, x, Candidates(config, x), r => RunBy(r, config, x, w, b));
        }
        var route = transposed && ChannelsLast && !is_grad_enabled() ? InferenceRoute.ChannelsLast : InferenceRoute.Direct;
        return RunBy(route, DirectConfig(x.dtype, ConvConfig.IsChannelsLast(x)), x, w, b);
    }

    /// <summary>
    /// Largest im2col matrix (in elements: 16 MiB of float32) for which <see cref="InferenceRoute.Gemm"/> is tried. It is
    /// four times the activation for the U-Net's 4×4 stride-2 layers and only wins where the weight outweighs the
    /// pixels, so larger ones would raise the peak memory for nothing.
    /// </summary>
    public const long GemmMaxColumnElements = 1 << 22;

    IReadOnlyList<InferenceRoute> Candidates(ConvConfig config, Tensor x)
    {
        var all = new List<InferenceRoute>(3) { InferenceRoute.Direct };
        if (transposed) all.Add(InferenceRoute.ChannelsLast);
        if (GemmColumnElements(x) <= GemmMaxColumnElements && Kernels.UnfoldPasses(config)) all.Add(InferenceRoute.Gemm);
        return all;
    }

    long GemmColumnElements(Tensor x)
    {
        long n = x.shape[0], h = x.shape[2], w = x.shape[3], taps = kernel_size[0] * kernel_size[1];
        if (transposed) return out_channels * taps * n * h * w;
        long oh = (h + 2 * (padding?[0] ?? 0) - dilation[0] * (kernel_size[0] - 1) - 1) / stride[0] + 1;
        long ow = (w + 2 * (padding?[1] ?? 0) - dilation[1] * (kernel_size[1] - 1) - 1) / stride[1] + 1;
        return in_channels * taps * n * oh * ow;
    }

    Tensor RunBy(InferenceRoute route, ConvConfig config, Tensor x, Tensor w, Tensor? b)
    {
        switch (route)
        {
            case InferenceRoute.Gemm:
                return Kernels.Run(ConvRoute.Unfold, config, x, w, b);
            case InferenceRoute.ChannelsLast when transposed:
                using (var scope = NewDisposeScope())
                {
                    var wl = w.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2); // same shape, channels-last in memory
                    return Kernels.Run(DirectConfig(x.dtype, true), x, wl, b, LayerName).MoveToOuterDisposeScope();
                }
            default:
                return Kernels.Run(config, x, w, b, LayerName);
        }
    }
}
