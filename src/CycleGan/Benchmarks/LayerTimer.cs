using System.Diagnostics;
using CycleGan.Networks;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Benchmarks;

/// <summary>
/// Forward time per layer kind (Conv2d, InstanceNorm2d, ReLU, ...), from pre- and post-forward hooks on every leaf
/// module. Backward and optimizer time are not split by layer here (the phase profile covers them).
/// </summary>
public static class LayerTimer
{
    /// <summary>Runs <paramref name="run"/> <paramref name="iterations"/> times with the hooks on; mean seconds per iteration.</summary>
    public static IReadOnlyDictionary<string, double> Measure(IEnumerable<Module> nets, Action run, int iterations)
    {
        var seconds = new Dictionary<string, double>();
        var removers = new List<Action>();
        long started = 0;
        foreach (var net in nets)
            foreach (var m in net.modules())
            {
                if (m is not Module<Tensor, Tensor> leaf || m.children().Any()) continue;
                var kind = m switch
                {
                    Conv c => c.transposed ? "ConvTranspose2d" : "Conv2d",
                    InstanceNorm => "InstanceNorm2d",
                    _ => m.GetType().Name,
                };
                removers.Add(leaf.register_forward_pre_hook((_, _) =>
                {
                    started = Stopwatch.GetTimestamp();
                    return null!; // input unchanged
                }).remove);
                removers.Add(leaf.register_forward_hook((_, _, _) =>
                {
                    seconds[kind] = seconds.GetValueOrDefault(kind) + Stopwatch.GetElapsedTime(started).TotalSeconds;
                    return null!; // output unchanged
                }).remove);
            }
        try
        {
            for (int i = 0; i < iterations; i++) run();
        }
        finally
        {
            foreach (var remove in removers) remove();
        }
        return seconds.OrderByDescending(kv => kv.Value).ToDictionary(kv => kv.Key, kv => kv.Value / iterations);
    }
}
