using static TorchSharp.torch;

namespace CycleGan.Distributed;

/// <summary>Sum-allreduce of a float32 tensor through a host buffer (Open MPI here is not CUDA-aware).</summary>
internal static class TensorAllreduce
{
    /// <summary>A new tensor on <paramref name="t"/>'s device holding the sum of every rank's <paramref name="t"/>.</summary>
    public static Tensor Sum(MpiWorld world, Tensor t)
    {
        var host = t.detach().to(ScalarType.Float32).cpu().contiguous().clone();
        var buffer = host.data<float>().ToArray();
        world.AllreduceSum(buffer);
        host.data<float>().CopyFrom(buffer);
        return host.to(t.dtype).to(t.device).reshape(t.shape);
    }
}
