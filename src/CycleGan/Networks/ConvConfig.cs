using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// One convolution as libtorch receives it — the key under which <see cref="ConvKernels"/> checks a kernel and
/// remembers how to compute it. oneDNN picks its implementation from these (channel counts, geometry, dtype,
/// memory layout), so two layers with the same key run the same native code.
/// </summary>
public readonly record struct ConvConfig(
    bool Transposed, long InChannels, long OutChannels, long KernelH, long KernelW,
    long StrideH, long StrideW, long PadH, long PadW, long OutPadH, long OutPadW,
    long DilationH, long DilationW, long Groups, bool Bias, ScalarType DType, bool ChannelsLast)
{
    /// <summary>The key of a call: the input and weight tensors and the geometry passed with them.</summary>
    public static ConvConfig Of(bool transposed, Tensor x, Tensor w, Tensor? b, long[] stride, long[] padding,
        long[] outputPadding, long[] dilation, long groups)
    {
        long inCh = transposed ? w.shape[0] : w.shape[1] * groups, outCh = transposed ? w.shape[1] * groups : w.shape[0];
        return new(transposed, inCh, outCh, w.shape[2], w.shape[3], stride[0], stride[^1], padding[0], padding[^1],
            outputPadding[0], outputPadding[^1], dilation[0], dilation[^1], groups, b is not null, x.dtype,
            IsChannelsLast(x) || IsChannelsLast(w));
    }

    /// <summary>A 4-d tensor laid out channels-last (NHWC in memory), the layout that makes libtorch pick oneDNN's NHWC kernels.</summary>
    public static bool IsChannelsLast(Tensor t) => t.dim() == 4 && t.size(1) > 1 && t.stride(1) == 1 && !t.is_contiguous();

    public override string ToString()
    {
        var s = $"{(Transposed ? "conv_transpose2d" : "conv2d")} {InChannels}→{OutChannels} {KernelH}×{KernelW}";
        if (StrideH != 1 || StrideW != 1) s += $" stride {Pair(StrideH, StrideW)}";
        if (PadH != 0 || PadW != 0) s += $" pad {Pair(PadH, PadW)}";
        if (OutPadH != 0 || OutPadW != 0) s += $" output_pad {Pair(OutPadH, OutPadW)}";
        if (DilationH != 1 || DilationW != 1) s += $" dilation {Pair(DilationH, DilationW)}";
        if (Groups != 1) s += $" groups {Groups}";
        if (!Bias) s += " no-bias";
        s += DType == ScalarType.BFloat16 ? " bf16" : DType == ScalarType.Float32 ? " fp32" : " " + DType;
        return ChannelsLast ? s + " channels-last" : s;
    }

    static string Pair(long a, long b) => a == b ? $"{a}" : $"{a}×{b}";
}
