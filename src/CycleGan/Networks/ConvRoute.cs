namespace CycleGan.Networks;

/// <summary>
/// How <see cref="ConvKernels"/> computes a convolution, in the order its check tries them: libtorch's own kernel,
/// then the same kernel on channels zero-padded to oneDNN's vector block (extra zero filters or zero input planes,
/// the result sliced back), then routes that avoid oneDNN's convolutions altogether.
/// </summary>
public enum ConvRoute
{
    /// <summary>libtorch's convolution as called (oneDNN on x86 for most shapes).</summary>
    Direct,
    /// <summary>Output channels zero-padded to a multiple of <see cref="ConvKernels.ChannelBlock"/>, result sliced.</summary>
    PadOutput,
    /// <summary>Input channels zero-padded to a multiple of <see cref="ConvKernels.ChannelBlock"/>.</summary>
    PadInput,
    /// <summary>Both of the above.</summary>
    PadBoth,
    /// <summary>im2col: unfold / fold and a matrix product (BLAS), no convolution kernel.</summary>
    Unfold,
    /// <summary>The convolution in float64 (libtorch's reference kernels, never oneDNN), cast back.</summary>
    Float64,
}
