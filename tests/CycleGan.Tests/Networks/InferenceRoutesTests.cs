using CycleGan.Checkpoints;
using CycleGan.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Tests.Networks;

/// <summary>
/// <see cref="InferenceRoutes"/>: a network that only infers runs each convolution by the fastest checked route (given
/// here by fake timings), gives PyTorch's output within the fast kernels' tolerance, remembers the choice per machine,
/// never offers a route the kernel check rejects, and training networks never take part.
/// </summary>
[Collection(TorchThreadsCollection.Name)]
public sealed class InferenceRoutesTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("routes").FullName;
    string CacheFile => Path.Combine(_dir, "conv-routes.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static float MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    /// <summary>The official unet_256 ngf 8 checkpoint PyTorch wrote, in eval mode, and its input and eval output.</summary>
    static (nn.Module<Tensor, Tensor> Net, Tensor Input, Tensor Output) OfficialUnet()
    {
        TorchRuntime.EnsureLoaded();
        var net = NetworkRegistry.CreateGenerator(new NetworkSpec { Ngf = 8, NetG = "unet_256", Norm = "batch", UseDropout = true });
        var file = TestPaths.Ref("unet_ngf8_batch", "latest_net_G.pth");
        using (var sd = PthFile.Read(file)) CheckpointLoader.Load(net, sd, file);
        net.eval();
        using var io = SafeTensorsFile.Read(TestPaths.Ref("unet_ngf8_batch", "io.safetensors"));
        return (net, io["input"].detach().clone(), io["output_eval"].detach().clone());
    }

    static Func<ConvConfig, InferenceRoute, double> Prefer(InferenceRoute fastest) => (_, r) => r == fastest ? 0.001 : 1.0;

    [Fact]
    public void An_inference_network_takes_the_faster_route_per_layer_matches_pytorch_and_remembers_the_choice()
    {
        using var scope = NewDisposeScope();
        var (net, input, expected) = OfficialUnet();
        using var _ = net;
        var routes = new InferenceRoutes { CachePath = CacheFile, FakeSeconds = Prefer(InferenceRoute.Gemm) };
        new Compute(FastKernels: true, Bf16: false) { Routes = routes }.Apply(net, gradients: false);
        Tensor first;
        using (no_grad()) first = net.forward(input);
        Assert.True(MaxDiff(first, expected) <= 1e-4, $"differs from PyTorch by {MaxDiff(first, expected)}");
        // one choice per convolution and input shape (unet_256: 8 down, 8 up), every one the route said to be fastest
        Assert.Equal(16, routes.Measured);
        Assert.All(routes.Choices.Values, r => Assert.Equal(InferenceRoute.Gemm, r));
        Assert.True(File.Exists(CacheFile));

        // a second process on this machine reads the choices: nothing is timed again, the same values come out
        var again = new InferenceRoutes { CachePath = CacheFile, FakeSeconds = (_, _) => throw new InvalidOperationException("timed again") };
        new Compute(FastKernels: true, Bf16: false) { Routes = again }.Apply(net, gradients: false);
        using (no_grad()) Assert.Equal(0.0, MaxDiff(net.forward(input), first));
        Assert.Equal(0, again.Measured);
    }

    [Fact]
    public void The_route_measured_fastest_wins_and_the_output_is_the_winners()
    {
        using var scope = NewDisposeScope();
        var (net, input, expected) = OfficialUnet();
        using var _ = net;
        var routes = new InferenceRoutes { CachePath = null, FakeSeconds = Prefer(InferenceRoute.ChannelsLast) };
        new Compute(FastKernels: true, Bf16: false) { Routes = routes }.Apply(net, gradients: false);
        Tensor tuned;
        using (no_grad()) tuned = net.forward(input);
        Assert.True(MaxDiff(tuned, expected) <= 1e-4, $"differs from PyTorch by {MaxDiff(tuned, expected)}");
        // channels-last exists for transposed convolutions only: the others take their fastest remaining candidate
        foreach (var (key, route) in routes.Choices)
            Assert.Equal(key.Contains("conv_transpose2d") ? InferenceRoute.ChannelsLast : InferenceRoute.Direct, route);
        // the first call's output is the winner's: the same as every later call's
        using (no_grad()) Assert.Equal(0.0, MaxDiff(net.forward(input), tuned));
    }

    [Fact]
    public void A_route_the_kernel_check_rejects_is_never_offered()
    {
        using var scope = NewDisposeScope();
        var (net, input, expected) = OfficialUnet();
        using var _ = net;
        // im2col computes the transposed convolutions wrongly on this "machine"; libtorch's kernels are right
        var kernels = new ConvKernels(new KernelFault(c => c.Transposed, UnfoldOnly: true));
        var routes = new InferenceRoutes { CachePath = null, FakeSeconds = Prefer(InferenceRoute.Gemm) };
        new Compute(FastKernels: true, Bf16: false) { Kernels = kernels, Routes = routes }.Apply(net, gradients: false);
        using (no_grad())
        {
            var y = net.forward(input);
            Assert.True(MaxDiff(y, expected) <= 1e-4, $"differs from PyTorch by {MaxDiff(y, expected)}");
        }
        Assert.Equal(16, routes.Choices.Count);
        foreach (var (key, route) in routes.Choices)
            if (key.Contains("conv_transpose2d")) Assert.NotEqual(InferenceRoute.Gemm, route);
            else Assert.Equal(InferenceRoute.Gemm, route);
    }

    [Fact]
    public void Training_networks_and_official_kernels_never_tune_and_a_damaged_cache_is_measured_again()
    {
        using var scope = NewDisposeScope();
        var (net, input, _) = OfficialUnet();
        using var __ = net;
        File.WriteAllText(CacheFile, "{ not json");
        var routes = new InferenceRoutes { CachePath = CacheFile, FakeSeconds = Prefer(InferenceRoute.Gemm) };
        new Compute(FastKernels: true, Bf16: false) { Routes = routes }.Apply(net, gradients: true);
        using (no_grad()) net.forward(input);
        new Compute(FastKernels: false, Bf16: false) { Routes = routes }.Apply(net, gradients: false);
        using (no_grad()) net.forward(input);
        Assert.Empty(routes.Choices);

        new Compute(FastKernels: true, Bf16: false) { Routes = routes }.Apply(net, gradients: false);
        using (no_grad()) net.forward(input);
        Assert.Equal(16, routes.Measured);
        Assert.Contains("Gemm", File.ReadAllText(CacheFile));
    }
}
