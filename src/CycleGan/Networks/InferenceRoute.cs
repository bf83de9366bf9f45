namespace CycleGan.Networks;

/// <summary>
/// How a <see cref="Conv"/> of a network that only infers can compute, all checked by <see cref="ConvKernels"/> and
/// equal within float rounding; <see cref="InferenceRoutes"/> times them on the layer's real input and keeps the fastest.
/// </summary>
public enum InferenceRoute
{
    /// <summary>The checked route of <see cref="ConvKernels"/> (libtorch's kernel, oneDNN on x86), as training runs it.</summary>
    Direct,
    /// <summary>Transposed only: the weight handed over channels-last, so oneDNN runs its channels-last deconvolution.</summary>
    ChannelsLast,
    /// <summary>
    /// im2col and one matrix product on the weight as it is stored (<see cref="ConvRoute.Unfold"/>): no per-call weight
    /// reorder, which is most of the time of oneDNN's convolutions on few pixels and many channels (the U-Net's inner layers).
    /// </summary>
    Gemm,
}
