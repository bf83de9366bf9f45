namespace CycleGan.Networks;

/// <summary>
/// What <see cref="ConvKernels"/>' check found for one <see cref="ConvConfig"/> at one intra-op thread count: the largest relative error of
/// libtorch's own kernel against float64 over the output and the input, weight and bias gradients, the route chosen
/// and its error. <see cref="Ok"/> is false when no route computes the configuration correctly. <see cref="Precaution"/>:
/// libtorch's kernel passed, but a remedy was taken because the machine is faulty and the shape at risk.
/// <see cref="Gradients"/>: the backward was checked too (false: the forward alone, for a run that never trains).
/// </summary>
public sealed record KernelVerdict(ConvConfig Config, int Threads, double DirectError, ConvRoute Route, double RouteError, double Tolerance,
    double CheckMilliseconds, bool Precaution = false, bool Gradients = true)
{
    public bool DirectOk => DirectError <= Tolerance;
    public bool Ok => RouteError <= Tolerance;
}
