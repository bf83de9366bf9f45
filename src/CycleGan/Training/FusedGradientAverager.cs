using CycleGan.Distributed;
using CycleGan.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Training;

/// <summary>
/// Data-parallel gradient averaging: all gradients of one optimizer in one flat buffer, one sum-allreduce, divided by
/// the world size, copied back. Every rank then holds the same bits, so identical Adam steps keep the ranks identical.
/// </summary>
public sealed class FusedGradientAverager(MpiWorld world) : IGradientSync
{
    public void Average(IReadOnlyList<Tensor> gradients)
    {
        if (gradients.Count == 0) return;
        using var scope = NewDisposeScope();
        var flat = cat(gradients.Select(g => g.reshape(-1)).ToList(), 0);
        using var size = world.Size.ToScalar();
        var sum = TensorAllreduce.Sum(world, flat).div_(size);
        long at = 0;
        foreach (var g in gradients)
        {
            g.copy_(sum.narrow(0, at, g.numel()).view_as(g));
            at += g.numel();
        }
    }
}
