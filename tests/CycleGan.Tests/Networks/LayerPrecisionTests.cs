using CycleGan.Networks;
using Xunit.Abstractions;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CycleGan.Tests.Networks;

/// <summary>
/// Every convolution of a tiny CycleGAN (resnet_9blocks ngf 4, basic D ndf 4, 64 px) computes — on the activations it
/// really receives, at its real size, by the route the kernel check chose (remedies included on a faulty machine) —
/// within <see cref="ConvKernels.Fp32Tolerance"/> of float64, which never runs on oneDNN: output and input, weight and
/// bias gradients. Holds on correct and faulty machines alike.
/// </summary>
[Collection(TorchThreadsCollection.Name)]
public class LayerPrecisionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("official", 1)]
    [InlineData("official", 2)]
    [InlineData("fast", 2)]
    public void Every_layer_of_a_tiny_CycleGAN_computes_within_the_fp32_tolerance_of_float64_at_its_real_size(
        string kernels, int threads)
    {
        using var threadCount = new TorchThreadsScope(threads);
        using var scope = NewDisposeScope();
        manual_seed(3);
        var compute = Compute.FromOptions(kernels, "fp32");
        using var g = compute.Apply(NetworkRegistry.CreateGenerator(new NetworkSpec { Ngf = 4 }));
        using var d = compute.Apply(NetworkRegistry.CreateDiscriminator(new NetworkSpec { Ndf = 4 }, 3));
        var worst = 0.0;
        foreach (var (net, x) in new[] { (g, randn(1, 3, 64, 64)), (d, randn(1, 3, 64, 64)) })
            foreach (var (name, conv, input) in Inputs(net, x))
            {
                var error = Error(conv, input);
                Assert.True(error <= ConvKernels.Fp32Tolerance,
                    $"layer {name} ({kernels}, {threads} threads): max rel. error {error:E2} against float64");
                worst = Math.Max(worst, error);
            }
        // the figures bench/README.md quotes ("Parity on a faulty machine")
        output.WriteLine($"{kernels}, {threads} threads: worst {worst:E2}; " + (ConvKernels.Shared.RemedySummary() ?? "no remedy"));
    }

    /// <summary>Each convolution layer of <paramref name="net"/> with the input it receives in a forward of <paramref name="x"/>.</summary>
    static List<(string Name, Conv Conv, Tensor Input)> Inputs(Module<Tensor, Tensor> net, Tensor x)
    {
        var seen = new List<(string, Conv, Tensor)>();
        var removers = new List<Action>();
        foreach (var (name, m) in net.named_modules())
            if (m is Conv c)
                removers.Add(c.register_forward_pre_hook((_, input) =>
                {
                    seen.Add((name, c, input.detach().clone()));
                    return null!; // the input is not replaced
                }).remove);
        using (no_grad()) net.forward(x);
        foreach (var remove in removers) remove();
        return seen;
    }

    /// <summary>Largest relative error (max |error| / max |float64 value|) over output and the three gradients.</summary>
    static double Error(Conv conv, Tensor input)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = input.clone().requires_grad_(true);
        conv.zero_grad();
        var y = conv.forward(x);
        var upstream = randn(y.shape);
        y.backward([upstream]);

        var x64 = input.to(float64).requires_grad_(true);
        var w64 = conv.weight!.detach().to(float64).requires_grad_(true);
        var b64 = conv.bias!.detach().to(float64).requires_grad_(true);
        var y64 = conv.transposed
            ? F.conv_transpose2d(x64, w64, b64, conv.stride, conv.padding!, conv.output_padding!)
            : F.conv2d(x64, w64, b64, conv.stride, conv.padding!);
        y64.backward([upstream.to(float64)]);
        return new[] { Relative(y, y64), Relative(x.grad!, x64.grad!), Relative(conv.weight.grad!, w64.grad!),
            Relative(conv.bias.grad!, b64.grad!) }.Max();
    }

    static double Relative(Tensor a, Tensor reference) =>
        (a.to(float64) - reference).abs().max().item<double>() / Math.Max(reference.abs().max().item<double>(), 1e-30);
}
