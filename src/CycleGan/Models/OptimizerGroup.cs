using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// One official optimizer (<c>optimizer_G</c>, <c>optimizer_D</c>) with the networks it trains and their parameters in
/// a fixed order (network by network, each in <c>parameters()</c> order): what zero_grad, set_requires_grad and the
/// optimizer step act on.
/// </summary>
public sealed class OptimizerGroup
{
    public OptimizerGroup(AdamOptimizer optimizer, IReadOnlyList<Module<Tensor, Tensor>> networks, IReadOnlyList<Parameter> parameters)
    {
        Optimizer = optimizer;
        Networks = networks;
        Parameters = parameters;
    }

    public AdamOptimizer Optimizer { get; }
    public IReadOnlyList<Module<Tensor, Tensor>> Networks { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
}
