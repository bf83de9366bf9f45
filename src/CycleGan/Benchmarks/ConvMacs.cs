using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Benchmarks;

/// <summary>
/// Counts the multiply-accumulates of every Conv2d / ConvTranspose2d call made while an action runs, with forward
/// hooks, as torch_cyclegan_bench.py's <c>count_macs</c> does.
/// </summary>
public static class ConvMacs
{
    public static long Count(IEnumerable<Module> nets, Action run)
    {
        long total = 0;
        var removers = new List<Action>();
        foreach (var net in nets)
            foreach (var m in net.modules())
            {
                if (m is not Convolution c || c.kernel_size.Length != 2) continue;
                removers.Add(((Module<Tensor, Tensor>)m).register_forward_hook((_, input, output) =>
                {
                    total += c.transposed
                        // every input element meets (out_channels / groups) · kH · kW weights
                        ? input.numel() * (c.out_channels / c.groups) * c.kernel_size[0] * c.kernel_size[1]
                        // every output element sums (in_channels / groups) · kH · kW products
                        : output.numel() * (c.in_channels / c.groups) * c.kernel_size[0] * c.kernel_size[1];
                    return null!; // no replacement of the output
                }).remove);
            }
        try
        {
            run();
        }
        finally
        {
            foreach (var remove in removers) remove();
        }
        return total;
    }
}
