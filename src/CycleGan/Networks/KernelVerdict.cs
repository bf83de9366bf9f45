namespace CycleGan.Networks;

/// <summary>
/// What <see cref="ConvKernels"/>' check found for one <see cref="ConvConfig"/>: the largest relative error of
/// libtorch's own kernel against float64 over the output and the input, weight and bias gradients, the route chosen
/// and its error. <see cref="Ok"/> is false when no route computes the configuration correctly.
/// </summary>
public sealed record KernelVerdict(ConvConfig Config, double DirectError, ConvRoute Route, double RouteError, double Tolerance,
    double CheckMilliseconds)
{
    public bool DirectOk => DirectError <= Tolerance;
    public bool Ok => RouteError <= Tolerance;
}
