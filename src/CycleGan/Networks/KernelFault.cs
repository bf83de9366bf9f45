namespace CycleGan.Networks;

/// <summary>
/// A wrong convolution kernel injected for tests of <see cref="ConvKernels"/>' check: wherever <see cref="Where"/>
/// holds for the configuration actually handed to libtorch (after any channel padding), its output — or, with
/// <see cref="InputGradientOnly"/>, only its input gradient, as the oneDNN 3.7 fault does — comes out 25 % off.
/// <see cref="AllRoutes"/> also spoils the routes that avoid convolution kernels, so that nothing passes;
/// <see cref="UnfoldOnly"/> spoils only the im2col route (<see cref="ConvRoute.Unfold"/>, the inference
/// <see cref="InferenceRoute.Gemm"/>) where <see cref="Where"/> holds, leaving libtorch's kernel right.
/// </summary>
public sealed record KernelFault(Func<ConvConfig, bool> Where, bool InputGradientOnly = false, bool AllRoutes = false,
    bool UnfoldOnly = false);
