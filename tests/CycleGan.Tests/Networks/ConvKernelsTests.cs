using CycleGan.Networks;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CycleGan.Tests.Networks;

/// <summary>
/// The convolution kernel check (<see cref="ConvKernels"/>): a wrong kernel is caught — by value or by its input
/// gradient alone — and replaced by a remedy that computes the same thing; a configuration nothing computes correctly
/// stops before any computation with one line naming the layer. Faults are injected, so this holds on every machine.
/// </summary>
public class ConvKernelsTests
{
    /// <summary>What the oneDNN 3.7 fault looks like: wrong wherever the output channels are not a multiple of 16.</summary>
    static bool OddOutputs(ConvConfig c) => c.OutChannels % ConvKernels.ChannelBlock != 0;

    static readonly ConvConfig OutputConv = new(false, 64, 3, 7, 7, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, ScalarType.Float32, false);

    [Fact]
    public void A_kernel_with_wrong_output_is_caught_and_output_channel_padding_computes_it_correctly()
    {
        TorchRuntime.EnsureLoaded();
        var kernels = new ConvKernels(new KernelFault(OddOutputs));
        var v = kernels.Check(OutputConv);
        Assert.False(v.DirectOk);
        Assert.True(v.DirectError > 0.1, $"injected 25 % error measured as {v.DirectError}");
        Assert.Equal(ConvRoute.PadOutput, v.Route);
        Assert.True(v.Ok, $"remedy error {v.RouteError}");

        using var scope = NewDisposeScope();
        var x = randn(1, 64, 12, 12);
        var w = randn(3, 64, 7, 7);
        var b = randn(3);
        var expected = F.conv2d(x.to(float64), w.to(float64), b.to(float64));
        var y = kernels.Conv2d(x, w, b);
        Assert.True(Relative(y, expected) < 1e-5, $"routed result off by {Relative(y, expected)}");
    }

    [Fact]
    public void A_kernel_whose_input_gradient_alone_is_wrong_is_caught()
    {
        TorchRuntime.EnsureLoaded();
        var kernels = new ConvKernels(new KernelFault(OddOutputs, InputGradientOnly: true));
        var v = kernels.Check(OutputConv);
        Assert.False(v.DirectOk);
        Assert.Equal(ConvRoute.PadOutput, v.Route);
        Assert.True(v.Ok);
        // a configuration the fault spares keeps libtorch's kernel
        Assert.Equal(ConvRoute.Direct, kernels.Check(OutputConv with { OutChannels = 16 }).Route);
    }

    [Fact]
    public void A_configuration_no_route_computes_correctly_stops_network_set_up_with_one_line_naming_the_layer()
    {
        TorchRuntime.EnsureLoaded();
        // wrong for the output conv 16→3 7×7 whichever way it is computed (padded to 16→16 too), right elsewhere
        var kernels = new ConvKernels(new KernelFault(c => c.KernelH == 7 && c.InChannels == 16, AllRoutes: true));
        using var g = NetworkRegistry.CreateGenerator(new NetworkSpec { NetG = "resnet_6blocks", Ngf = 16 });
        var e = Assert.Throws<UserError>(() => new Compute(FastKernels: false, Bf16: false) { Kernels = kernels }.Apply(g));
        Assert.Contains("layer model.", e.Message);
        Assert.Contains("16→3 7×7", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        // and a forward through such a layer refuses too, rather than compute a wrong number
        Assert.Throws<UserError>(() => kernels.Conv2d(randn(1, 16, 8, 8), randn(3, 16, 7, 7), null));
    }

    [Fact]
    public void On_a_faulty_machine_an_at_risk_shape_that_passes_its_own_check_still_takes_a_checked_remedy()
    {
        TorchRuntime.EnsureLoaded();
        // the fault shows only in the canary shape 64→3 7×7, as the real one comes and goes with sizes and threads
        var faulty = new ConvKernels(new KernelFault(c => c.InChannels == 64 && c.OutChannels == 3 && c.KernelH == 7));
        // float64 convolutions never run on oneDNN, so this one passes its own check on every machine
        var atRisk = OutputConv with { InChannels = 8, KernelH = 3, KernelW = 3, DType = ScalarType.Float64 };
        Assert.True(ConvKernels.AtRisk(atRisk));
        var v = faulty.Check(atRisk);
        Assert.True(faulty.FaultyMachine);
        Assert.True(v.DirectOk);
        Assert.True(v.Precaution);
        Assert.Equal(ConvRoute.PadOutput, v.Route);
        Assert.True(v.Ok);
        // a shape outside the fault's class keeps libtorch's kernel
        Assert.Equal(ConvRoute.Direct, faulty.Check(atRisk with { OutChannels = 32 }).Route);
    }

    [Fact]
    public void A_run_that_only_infers_checks_the_forward_alone_and_a_later_backward_is_checked_on_first_use()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        // input gradient wrong for 16→16 5×5, a shape outside the known fault's class (so no precaution interferes)
        var kernels = new ConvKernels(new KernelFault(c => c.KernelH == 5, InputGradientOnly: true));
        var c = new ConvConfig(false, 16, 16, 5, 5, 1, 1, 2, 2, 0, 0, 1, 1, 1, true, ScalarType.Float32, false);
        var inference = kernels.Check(c, gradients: false);
        Assert.False(inference.Gradients);
        Assert.Equal(ConvRoute.Direct, inference.Route); // its forward is right: inference keeps libtorch's kernel

        var x = randn(1, 16, 10, 10).requires_grad_(true);
        var w = randn(16, 16, 5, 5);
        var b = randn(16);
        kernels.Conv2d(x, w, b, padding: [2, 2]).sum().backward(); // grad mode on: the backward is checked first
        var training = kernels.Check(c, gradients: false);
        Assert.True(training.Gradients);
        Assert.False(training.DirectOk);
        Assert.NotEqual(ConvRoute.Direct, training.Route);
        var x64 = x.detach().to(float64).requires_grad_(true);
        F.conv2d(x64, w.to(float64), b.to(float64), padding: [2, 2]).sum().backward();
        Assert.True(Relative(x.grad!, x64.grad!) <= 1e-5, $"input gradient off by {Relative(x.grad!, x64.grad!)}");
    }

    /// <summary>
    /// A 1024-channel layer's float64 answer is computed a slice of output channels at a time: every slice is right
    /// (the im2col remedy, which never runs oneDNN, agrees with it) and a wrong kernel is still caught.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_wide_layer_checked_in_slices_catches_a_wrong_kernel_and_passes_a_right_one(bool transposed, bool gradients)
    {
        TorchRuntime.EnsureLoaded();
        var c = new ConvConfig(transposed, 1024, 64, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, true, ScalarType.Float32, false);
        var v = new ConvKernels(new KernelFault(k => k.InChannels == 1024)).Check(c, gradients);
        Assert.True(v.DirectError > 0.1, $"injected 25 % error measured as {v.DirectError}");
        Assert.Equal(ConvRoute.Unfold, v.Route);
        Assert.True(v.RouteError <= 1e-5, $"im2col against the sliced float64 answer: {v.RouteError}");
    }

    public static TheoryData<ConvRoute, bool, int, int, int, int, int> Remedies => new()
    {
        // route, transposed, in, out, kernel, stride, padding
        { ConvRoute.PadOutput, false, 64, 3, 7, 1, 0 },
        { ConvRoute.PadOutput, true, 32, 3, 4, 2, 1 },
        { ConvRoute.PadInput, false, 3, 16, 4, 2, 1 },
        { ConvRoute.PadInput, false, 20, 32, 3, 1, 1 },
        { ConvRoute.PadInput, true, 20, 16, 3, 2, 1 },
        { ConvRoute.PadBoth, false, 20, 3, 3, 2, 1 },
        { ConvRoute.PadBoth, true, 6, 5, 4, 2, 1 },
        { ConvRoute.Unfold, false, 20, 3, 3, 2, 1 },
        { ConvRoute.Unfold, true, 24, 3, 3, 2, 1 },
        { ConvRoute.Float64, false, 20, 3, 3, 2, 1 },
        { ConvRoute.Float64, true, 24, 3, 3, 2, 1 },
    };

    /// <summary>Every remedy computes libtorch's convolution (in float64, which oneDNN never runs): value, input and weight gradients.</summary>
    [Theory]
    [MemberData(nameof(Remedies))]
    public void Every_remedy_agrees_with_the_convolution_in_value_and_both_gradients_within_1e_5(
        ConvRoute route, bool transposed, int inCh, int outCh, int k, int stride, int pad)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        long outPad = transposed && stride > 1 ? 1 : 0;
        var c = new ConvConfig(transposed, inCh, outCh, k, k, stride, stride, pad, pad, outPad, outPad, 1, 1, 1, true,
            ScalarType.Float32, false);
        var x = randn(2, inCh, 9, 9);
        var w = transposed ? randn(inCh, outCh, k, k) : randn(outCh, inCh, k, k);
        var b = randn(outCh);
        var upstream = (Tensor?)null;

        (Tensor Y, Tensor Dx, Tensor Dw, Tensor Db) Run(Func<Tensor, Tensor, Tensor, Tensor> conv, ScalarType dtype)
        {
            var (xl, wl, bl) = (x.to(dtype).requires_grad_(true), w.to(dtype).requires_grad_(true), b.to(dtype).requires_grad_(true));
            var y = conv(xl, wl, bl);
            upstream ??= randn(y.shape);
            y.backward([upstream.to(dtype)]);
            return (y.detach(), xl.grad!, wl.grad!, bl.grad!);
        }

        var expected = Run((xl, wl, bl) => transposed
            ? F.conv_transpose2d(xl, wl, bl, [stride, stride], [pad, pad], [outPad, outPad])
            : F.conv2d(xl, wl, bl, [stride, stride], [pad, pad]), ScalarType.Float64);
        var actual = Run((xl, wl, bl) => new ConvKernels().Run(route, c, xl, wl, bl), ScalarType.Float32);
        Assert.Equal(expected.Y.shape, actual.Y.shape);
        Assert.True(Relative(actual.Y, expected.Y) <= 1e-5, $"value off by {Relative(actual.Y, expected.Y)}");
        Assert.True(Relative(actual.Dx, expected.Dx) <= 1e-5, $"input gradient off by {Relative(actual.Dx, expected.Dx)}");
        Assert.True(Relative(actual.Dw, expected.Dw) <= 1e-5, $"weight gradient off by {Relative(actual.Dw, expected.Dw)}");
        Assert.True(Relative(actual.Db, expected.Db) <= 1e-5, $"bias gradient off by {Relative(actual.Db, expected.Db)}");
    }

    [Fact]
    public void The_check_draws_nothing_from_the_global_random_generator()
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(11);
        var before = randn(4);
        manual_seed(11);
        new ConvKernels().Check(OutputConv with { InChannels = 8 });
        Assert.True(randn(4).eq(before).all().item<bool>());
    }

    [Fact]
    public void A_network_on_faulty_kernels_trains_on_the_gradients_correct_kernels_give()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var d = NetworkRegistry.CreateDiscriminator(new NetworkSpec { Ndf = 8 }, 3);
        var x = randn(1, 3, 32, 32);

        (Tensor Y, Tensor Dx) Step(Compute compute)
        {
            compute.Apply(d);
            var xl = x.clone().requires_grad_(true);
            var y = d.forward(xl);
            y.sum().backward();
            d.zero_grad();
            return (y.detach(), xl.grad!);
        }

        var faulty = Step(new Compute(FastKernels: true, Bf16: false) { Kernels = new ConvKernels(new KernelFault(OddOutputs, InputGradientOnly: true)) });
        var reference = Step(new Compute(FastKernels: true, Bf16: false) { Kernels = new ConvKernels(new KernelFault(_ => false, AllRoutes: false)) });
        Assert.True(Relative(faulty.Y, reference.Y) <= 1e-5);
        Assert.True(Relative(faulty.Dx, reference.Dx) <= 1e-5, $"input gradient through D off by {Relative(faulty.Dx, reference.Dx)}");
    }

    static double Relative(Tensor a, Tensor b) =>
        (a.to(float64) - b.to(float64)).abs().max().item<double>() / Math.Max(b.to(float64).abs().max().item<double>(), 1e-30);
}
