using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Networks;
using CycleGan.Onnx;
using CycleGan.Tests.Cli;
using CycleGan.Tests.Data;
using Google.Protobuf;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CycleGan.Tests.Onnx;

/// <summary>
/// CUT generators (anti-aliased down/up-sampling: blur filters, replication pad, crop) exported to ONNX and run by
/// ONNX Runtime against TorchSharp, and the official reference checkpoint through <c>export</c> and
/// <c>translate --onnx</c>.
/// </summary>
public class CutOnnxExportTests(ITestOutputHelper log)
{
    const double Tolerance = 1e-4;

    static string Reference(string file) =>
        Path.Combine(TestPaths.RepoRoot, "tests", "CycleGan.Tests", "Reference", "cut", file);

    /// <summary>A tiny CUT generator whose outputs are neither constant nor saturated (kaiming, instance
    /// norm).</summary>
    static CutResnetGenerator RandomCutGenerator(bool noAntialias, bool noAntialiasUp)
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(25);
        var g = CutNetworks.CreateGenerator(new NetworkSpec
        {
            NetG = "resnet_6blocks", Ngf = 4, InitType = "kaiming", InitGain = 0.1,
        }, noAntialias, noAntialiasUp);
        g.eval();
        return g;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void OnnxRuntime_output_of_a_cut_generator_equals_TorchSharp_within_1e_4_at_two_sizes(
        bool noAntialias, bool noAntialiasUp)
    {
        using var g = RandomCutGenerator(noAntialias, noAntialiasUp);
        var model = OnnxExporter.Build(g, OnnxExporterTests.Metadata("resnet_6blocks", "instance"));
        // every blur layer's filter is in the graph, under its state_dict key
        var filters = g.named_buffers().Where(b => b.name.EndsWith(".filt")).Select(b => b.name).Order();
        Assert.Equal(filters, model.Graph.Initializer.Select(i => i.Name).Where(n => n.EndsWith(".filt")).Order());
        Assert.Equal(!noAntialiasUp, model.Graph.Node.Any(n => n.OpType == "Pad"
            && n.Attribute.Any(a => a.Name == "mode" && a.S.ToStringUtf8() == "edge")));
        using var onnx = OnnxGenerator.Load(model.ToByteArray());
        foreach (var (n, h, w) in new[] { (1, 32, 32), (2, 44, 36) })
        {
            using var scope = NewDisposeScope();
            manual_seed(h * 1000 + w);
            var x = rand(n, 3, h, w) * 2 - 1;
            Tensor expected;
            using (no_grad()) expected = g.forward(x);
            var actual = onnx.Forward(x);
            Assert.Equal(expected.shape, actual.shape);
            var diff = (actual - expected).abs().max().item<float>();
            log.WriteLine($"{h}x{w}: max |ORT - TorchSharp| = {diff:G3}, output std {expected.std().item<float>():G3}");
            Assert.True(diff <= Tolerance, $"at {n}x{h}x{w}: max |ORT - TorchSharp| = {diff}");
            Assert.True(expected.std().item<float>() > 0.05, "output nearly constant: the comparison says little");
            Assert.True((expected.abs() < 0.99f).to_type(ScalarType.Float32).mean().item<float>() > 0.5, "saturated");
        }
    }

    [Fact]
    public void Official_cut_checkpoint_exports_and_onnx_runtime_gives_the_official_output_within_1e_4()
    {
        using var tmp = TestPaths.NewTempDir("cut-onnx-official");
        CliRunner.MustSucceed("export", "--checkpoint", Reference("latest_net_G.pth"), "--netG", "resnet_6blocks",
            "--ngf", "4", "--out", tmp["g.onnx"]);
        using var io = SafeTensorsFile.Read(Reference("networks.safetensors"));
        using var onnx = OnnxGenerator.Open(tmp["g.onnx"]);
        Assert.Equal(4, onnx.SizeMultiple);
        using var scope = NewDisposeScope();
        var diff = (onnx.Forward(io["input"]) - io["output"]).abs().max().item<float>();
        log.WriteLine($"max |ORT - official PyTorch| = {diff:G3}; "
            + $"official output std {io["output"].std().item<float>():G3}");
        Assert.True(diff <= Tolerance, $"ONNX Runtime differs from the official output by {diff}");
    }

    [Fact]
    public void Translate_onnx_of_an_exported_cut_checkpoint_gives_the_checkpoint_engines_pixels_within_1_level()
    {
        using var tmp = TestPaths.NewTempDir("cut-onnx-translate");
        using (var g = RandomCutGenerator(false, false)) PthFile.Write(tmp["g.pth"], ModuleState.Ordered(g));
        string[] net = ["--netG", "resnet_6blocks", "--ngf", "4"];
        CliRunner.MustSucceed(["export", "--checkpoint", tmp["g.pth"], .. net, "--out", tmp["g.onnx"]]);
        ImageFile.SavePng(TestImages.Pattern(48, 40, 3), tmp["x.png"]);
        CliRunner.MustSucceed("translate", "--onnx", tmp["g.onnx"], "--input", tmp["x.png"], "--output", tmp["onnx"]);
        CliRunner.MustSucceed(["translate", "--checkpoint", tmp["g.pth"], .. net, "--eval", "--input", tmp["x.png"],
            "--output", tmp["torch"]]);
        var onnx = ImageFile.LoadRgb(tmp["onnx/x.png"]);
        var torch = ImageFile.LoadRgb(tmp["torch/x.png"]);
        Assert.Equal((48, 40), (onnx.Width, onnx.Height));
        var levels = onnx.Pixels.Zip(torch.Pixels, (a, b) => Math.Abs(a - b)).Max();
        log.WriteLine($"max |onnx - checkpoint| = {levels} levels; {onnx.Pixels.Distinct().Count()} distinct values");
        Assert.True(levels <= 1, $"onnx and checkpoint outputs differ by {levels} levels");
        Assert.True(onnx.Pixels.Distinct().Count() > 32, "output nearly constant: the comparison says little");
    }
}
