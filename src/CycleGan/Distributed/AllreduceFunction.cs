using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Distributed;

/// <summary>
/// y = Σ_ranks x as an autograd function whose backward is again the sum over ranks of the incoming gradient:
/// the gradient of the total loss (every rank's) with respect to a quantity every rank shares, such as a
/// synchronized BatchNorm's batch statistics.
/// </summary>
internal sealed class AllreduceFunction : autograd.SingleTensorFunction<AllreduceFunction>
{
    public override string Name => nameof(AllreduceFunction);

    public static Tensor Apply(MpiWorld world, Tensor x) => apply(x, world);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var world = (MpiWorld)vars[1];
        ctx.save_data("world", world);
        return TensorAllreduce.Sum(world, (Tensor)vars[0]);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) =>
        [TensorAllreduce.Sum((MpiWorld)ctx.get_data("world"), grad_output), null!];
}
