using CycleGan.Checkpoints;
using CycleGan.Models;
using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Tests.Networks;

/// <summary>
/// <c>--kernels fast|official</c> and <c>--precision bf16</c> (<see cref="Compute"/>): same parameters and keys,
/// the same results within the stated tolerances, and the official kernels exactly where parity needs them.
/// </summary>
public class ComputeTests
{
    static float MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    static nn.Module<Tensor, Tensor> Reference(NetworkSpec spec, string folder)
    {
        TorchRuntime.EnsureLoaded();
        var net = NetworkRegistry.CreateGenerator(spec);
        var file = TestPaths.Ref(folder, "latest_net_G.pth");
        using var sd = PthFile.Read(file);
        CheckpointLoader.Load(net, sd, file);
        net.eval();
        return net;
    }

    /// <summary>Inference with fast kernels: group-norm instance norm, channels-last transposed convolutions, folded output conv.</summary>
    [Theory]
    [InlineData("resnet9_ngf64", "resnet_9blocks", 64, "instance", "output")]
    [InlineData("unet_ngf8_batch", "unet_256", 8, "batch", "output_eval")]
    public void Fast_kernels_keep_generators_within_1e_4_of_pytorch_and_return_contiguous_images(string folder, string netG, int ngf, string norm, string key)
    {
        var spec = new NetworkSpec { Ngf = ngf, NetG = netG, Norm = norm, UseDropout = netG.StartsWith("unet") };
        using var net = new Compute(FastKernels: true, Bf16: false).Apply(Reference(spec, folder));
        Assert.Contains(net.modules().OfType<Conv>(), c => c.transposed && c.ChannelsLast);
        if (netG.StartsWith("resnet")) Assert.Contains(net.modules().OfType<Conv>(), c => c.FoldTaps);
        using var io = SafeTensorsFile.Read(TestPaths.Ref(folder, "io.safetensors"));
        using var _ = no_grad();
        var y = net.forward(io["input"]);
        Assert.True(y.is_contiguous());
        Assert.True(MaxDiff(y, io[key]) <= 1e-4, $"differs by {MaxDiff(y, io[key])}");
    }

    [Fact]
    public void Official_instance_norm_is_bit_for_bit_torch_instance_norm_and_fast_agrees_in_value_and_gradient()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(3);
        var x = (randn(2, 16, 24, 24) * 3 + 1).requires_grad_(true);
        var upstream = randn(2, 16, 24, 24);
        using var official = new InstanceNorm(16);
        using var torchNorm = nn.InstanceNorm2d(16);
        Assert.True(official.forward(x).eq(torchNorm.forward(x)).all().item<bool>());
        Assert.Empty(official.state_dict());

        (Tensor y, Tensor g) Run(bool fast)
        {
            using var norm = new InstanceNorm(16) { Fast = fast };
            x.grad?.zero_();
            var y = norm.forward(x);
            (y * upstream).sum().backward();
            return (y.detach(), x.grad!.clone());
        }
        var (yOfficial, gOfficial) = Run(false);
        var (yFast, gFast) = Run(true);
        Assert.True(MaxDiff(yFast, yOfficial) < 1e-5, $"forward differs by {MaxDiff(yFast, yOfficial)}");
        Assert.True(MaxDiff(gFast, gOfficial) < 1e-5, $"gradient differs by {MaxDiff(gFast, gOfficial)}");
    }

    /// <summary>Folded taps (few output channels): the generators' 7×7 output conv and PatchGAN's padded 4×4 last conv.</summary>
    [Theory]
    [InlineData(16, 3, 7, 0, 38)]
    [InlineData(32, 1, 4, 1, 9)]
    public void Folded_convolutions_agree_with_the_direct_kernel_in_value_and_gradients(int cin, int cout, int k, int pad, int size)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var conv = Layers.Conv2d(cin, cout, k, padding: pad);
        Assert.True(conv.CanFoldTaps);
        var x = randn(2, cin, size, size).requires_grad_(true);
        var upstream = randn(2, cout, size + 2 * pad - k + 1, size + 2 * pad - k + 1);
        (Tensor y, Tensor gx, Tensor gw, Tensor gb) Run(bool fold)
        {
            conv.FoldTaps = fold;
            conv.zero_grad();
            x.grad?.zero_();
            var y = conv.forward(x);
            (y * upstream).sum().backward();
            return (y.detach(), x.grad!.clone(), conv.weight!.grad!.clone(), conv.bias!.grad!.clone());
        }
        var direct = Run(false);
        var folded = Run(true);
        Assert.Equal(direct.y.shape, folded.y.shape);
        Assert.True(MaxDiff(folded.y, direct.y) < 1e-5, $"output differs by {MaxDiff(folded.y, direct.y)}");
        Assert.True(MaxDiff(folded.gx, direct.gx) < 1e-5, "input gradient");
        Assert.True(MaxDiff(folded.gw, direct.gw) < 1e-4, $"weight gradient differs by {MaxDiff(folded.gw, direct.gw)}");
        Assert.True(MaxDiff(folded.gb, direct.gb) < 1e-4, "bias gradient");
        Assert.False(Layers.Conv2d(cin, 16, k).CanFoldTaps);
        Assert.False(Layers.Conv2d(cin, cout, k, stride: 2).CanFoldTaps);
    }

    [Theory]
    [InlineData("resnet_6blocks", "instance")]
    [InlineData("unet_256", "batch")]
    public void Inference_frees_activations_as_it_goes_and_gives_the_forward_of_training_bit_for_bit(string netG, string norm)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var g = NetworkRegistry.CreateGenerator(new NetworkSpec { Ngf = 4, NetG = netG, Norm = norm });
        g.eval();
        var x = rand(1, 3, 256, 256) * 2 - 1;
        var withGrad = g.forward(x).detach();
        Tensor inferred;
        using (no_grad()) inferred = g.forward(x);
        Assert.Equal(0.0, MaxDiff(inferred, withGrad));
        Assert.False(x.IsInvalid); // the caller's input is never freed
        Assert.Equal(withGrad.shape, x.shape);
    }

    [Fact]
    public void Bf16_convolutions_keep_float32_weights_and_gradients_and_the_same_keys()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(0);
        var spec = new NetworkSpec { Ngf = 8, NetG = "resnet_6blocks" };
        using var g = NetworkRegistry.CreateGenerator(spec);
        var keys = g.state_dict().Keys.ToList();
        var x = rand(1, 3, 32, 32) * 2 - 1;
        var fp32 = g.forward(x).detach();

        new Compute(FastKernels: false, Bf16: true).Apply(g);
        Assert.Equal(keys, g.state_dict().Keys.ToList());
        var y = g.forward(x);
        Assert.Equal(ScalarType.Float32, y.dtype);
        y.abs().mean().backward();
        foreach (var (name, p) in g.named_parameters())
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.True(p.grad is not null && p.grad.dtype == ScalarType.Float32, $"{name}: no float32 gradient");
        }
        var diff = MaxDiff(y.detach(), fp32);
        Assert.True(diff > 0, "the convolutions did not run in bfloat16");
        Assert.True(diff < 0.1, $"bf16 output differs from fp32 by {diff}");
    }

    [Fact]
    public void A_bf16_cyclegan_step_updates_float32_weights_with_finite_losses()
    {
        TorchRuntime.EnsureLoaded();
        var opt = TrainOptions.For("cycle_gan") with
        {
            Ngf = 4, Ndf = 4, NetG = "resnet_6blocks", CropSize = 32, LoadSize = 32, Compute = new() { Precision = "bf16" },
        };
        manual_seed(0);
        using var model = ModelRegistry.Create(opt, isTrain: true, CPU);
        Assert.True(model.Compute.Bf16);
        Assert.All(model.Networks.Values.SelectMany(n => n.modules()).OfType<Conv>(), c => Assert.Equal(c.out_channels > 8, c.Bf16));
        var before = model.Networks["G_A"].parameters().Select(p => p.detach().clone()).ToList();
        using (var inputs = NewDisposeScope())
            model.SetInput(rand(1, 3, 32, 32) * 2 - 1, rand(1, 3, 32, 32) * 2 - 1, ["a"], ["b"]);
        model.OptimizeParameters(new Rng(0));
        var after = model.Networks["G_A"].parameters().ToList();
        Assert.All(after, p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Contains(after.Zip(before), pair => !pair.First.eq(pair.Second).all().item<bool>());
        Assert.All(model.CurrentLosses().Values, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Unknown_kernels_or_precision_are_user_errors()
    {
        Assert.Contains("--kernels turbo", Assert.Throws<UserError>(() => Compute.FromOptions("turbo", "fp32")).Message);
        Assert.Contains("--precision fp16", Assert.Throws<UserError>(() => Compute.FromOptions("fast", "fp16")).Message);
    }

    [Fact]
    public void Loading_libtorch_tunes_the_glibc_heap_so_tensor_memory_is_reused()
    {
        TorchRuntime.EnsureLoaded();
        Assert.True(TorchRuntime.NativeHeapTuned);
    }
}
