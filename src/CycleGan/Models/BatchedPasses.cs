using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// Independent passes through one network run as one batch (<c>--kernels fast</c>): the same per-image computation
/// when nothing in the network mixes images or draws randomness (instance or no norm, no dropout).
/// </summary>
static class BatchedPasses
{
    /// <summary><paramref name="net"/> on all <paramref name="inputs"/> as one batch; the results in the same order.</summary>
    public static Tensor[] Run(Module<Tensor, Tensor> net, params Tensor[] inputs)
    {
        var all = net.forward(cat(inputs, 0));
        var results = new Tensor[inputs.Length];
        long at = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            results[i] = all.narrow(0, at, inputs[i].shape[0]);
            at += inputs[i].shape[0];
        }
        return results;
    }

    public static (Tensor, Tensor) Pair(Module<Tensor, Tensor> net, Tensor x, Tensor y)
    {
        var r = Run(net, x, y);
        return (r[0], r[1]);
    }
}
