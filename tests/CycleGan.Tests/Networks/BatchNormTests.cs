using CycleGan.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Tests.Networks;

/// <summary>
/// Our <see cref="BatchNorm"/> and <see cref="LeakyRelu"/> stand in for TorchSharp's <c>BatchNorm2d</c> and
/// <c>LeakyReLU</c> (issue 23): the same state_dict, and the same bits out and in the running statistics, in training
/// and in eval, so checkpoints and step parity are those of the modules they replace.
/// </summary>
public class BatchNormTests
{
    static void SameBits(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.True(expected.eq(actual).all().item<bool>(), $"{what} differs");
    }

    [Fact]
    public void BatchNorm_has_BatchNorm2d_keys_and_computes_its_bits_in_train_and_eval()
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(3);
        using var theirs = nn.BatchNorm2d(5);
        using var ours = new BatchNorm(5);
        Assert.Equal(ModuleState.Ordered(theirs).Select(kv => kv.Key), ModuleState.Ordered(ours).Select(kv => kv.Key));
        Assert.Equal(0, ours.NumBatchesTracked.Dimensions);
        using (no_grad())
        {
            var w = randn(5);
            var b = randn(5);
            theirs.weight!.copy_(w);
            ours.Weight.copy_(w);
            theirs.bias!.copy_(b);
            ours.Bias.copy_(b);
        }
        for (int step = 0; step < 3; step++)
        {
            var x = randn(4, 5, 6, 7);
            var xa = x.clone().requires_grad_(true);
            var xb = x.clone().requires_grad_(true);
            var ya = theirs.forward(xa);
            var yb = ours.forward(xb);
            SameBits(ya, yb, $"train output {step}");
            ya.square().sum().backward();
            yb.square().sum().backward();
            SameBits(xa.grad!, xb.grad!, $"input gradient {step}");
            SameBits(theirs.weight!.grad!, ours.Weight.grad!, $"weight gradient {step}");
        }
        foreach (var (a, b) in ModuleState.Ordered(theirs).Zip(ModuleState.Ordered(ours)))
            SameBits(a.Value, b.Value, a.Key);
        theirs.eval();
        ours.eval();
        using var xe = randn(2, 5, 3, 3);
        SameBits(theirs.forward(xe), ours.forward(xe), "eval output");
        Assert.Equal(3L, ours.NumBatchesTracked.item<long>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LeakyRelu_computes_LeakyReLU_bits_and_gradient(bool inplace)
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(4);
        using var theirs = nn.LeakyReLU(0.2, inplace);
        using var ours = new LeakyRelu(0.2, inplace);
        var x = randn(3, 4, 5);
        var xa = x.clone().requires_grad_(true);
        var xb = x.clone().requires_grad_(true);
        // in place needs a non-leaf input, as inside a network
        var ya = theirs.forward(xa.mul(Scalars.Two));
        var yb = ours.forward(xb.mul(Scalars.Two));
        SameBits(ya, yb, "output");
        ya.sum().backward();
        yb.sum().backward();
        SameBits(xa.grad!, xb.grad!, "input gradient");
    }
}
