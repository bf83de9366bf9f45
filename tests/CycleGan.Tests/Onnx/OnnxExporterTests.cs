using CycleGan.Networks;
using CycleGan.Onnx;
using Google.Protobuf;
using Onnx;
using TorchSharp.Modules;
using BatchNorm = CycleGan.Networks.BatchNorm;
using static TorchSharp.torch;

namespace CycleGan.Tests.Onnx;

/// <summary>Exported generators computed by ONNX Runtime against the same network in TorchSharp (eval mode).</summary>
public class OnnxExporterTests
{
    const double Tolerance = 1e-4;
    const int Float = 1, Int64 = 7; // TensorProto.DataType

    static long Count(TensorProto t) => t.Dims.Aggregate(1L, (a, d) => a * d);

    /// <summary>netG, norm, dropout, and two (batch, height, width) inputs for the one exported model.</summary>
    public static TheoryData<string, string, bool, int[], int[]> Generators => new()
    {
        { "resnet_9blocks", "instance", false, [1, 32, 32], [2, 44, 36] },
        { "resnet_9blocks", "batch", false, [1, 32, 32], [2, 44, 36] },
        { "resnet_9blocks", "none", false, [1, 32, 32], [2, 44, 36] },
        { "resnet_6blocks", "instance", true, [1, 32, 32], [2, 36, 48] },
        { "unet_32", "instance", false, [1, 32, 32], [2, 64, 96] },
        { "unet_32", "batch", true, [1, 32, 32], [2, 64, 96] },
        { "unet_32", "none", false, [1, 32, 32], [2, 64, 96] },
        { "unet_64", "batch", true, [1, 64, 64], [2, 128, 64] },
        { "unet_128", "instance", true, [1, 128, 128], [1, 128, 256] },
        { "unet_256", "batch", true, [1, 256, 256], [1, 256, 512] },
    };

    const int CalibrationPasses = 30;

    /// <summary>
    /// A tiny generator whose outputs are neither constant nor saturated, like a trained one: kaiming weights with a
    /// norm (the default N(0, 0.02) would shrink the signal to nothing), N(0, 0.1) without one (kaiming saturates
    /// tanh there). BatchNorm gets random affine parameters and running statistics from train-mode passes, so that
    /// using the batch's statistics or skipping a parameter would show.
    /// </summary>
    internal static nn.Module<Tensor, Tensor> RandomGenerator(string netG, string norm, bool dropout, int ngf = 4)
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(15);
        var g = NetworkRegistry.CreateGenerator(new NetworkSpec
        {
            NetG = netG, Norm = norm, Ngf = ngf, UseDropout = dropout,
            InitType = norm == "none" ? "normal" : "kaiming", InitGain = 0.1,
        });
        if (norm == "batch")
            using (no_grad())
            {
                foreach (var (_, m) in g.named_modules())
                    if (m is BatchNorm bn)
                    {
                        bn.Weight.copy_(rand(bn.Channels) + 0.5);
                        bn.Bias.copy_(randn(bn.Channels) * 0.2);
                    }
                g.train();
                var size = Math.Max(32, NetworkRegistry.SizeMultiple(netG));
                for (int i = 0; i < CalibrationPasses; i++)
                {
                    using var scope = NewDisposeScope();
                    g.forward(rand(1, 3, size, size) * 2 - 1);
                }
            }
        g.eval();
        return g;
    }

    internal static GeneratorMetadata Metadata(string netG, string norm, int ngf = 4) => new()
    {
        NetG = netG, Ngf = ngf, Norm = norm, InputNc = 3, OutputNc = 3,
        SizeMultiple = NetworkRegistry.SizeMultiple(netG), CheckpointSha256 = new string('0', 64),
    };

    [Theory]
    [MemberData(nameof(Generators))]
    public void OnnxRuntime_output_equals_TorchSharp_within_1e_4_at_two_input_sizes_from_one_exported_file(
        string netG, string norm, bool dropout, int[] first, int[] second)
    {
        using var tmp = TestPaths.NewTempDir("onnx-parity");
        using var g = RandomGenerator(netG, norm, dropout);
        File.WriteAllBytes(tmp["g.onnx"], OnnxExporter.Build(g, Metadata(netG, norm)).ToByteArray());
        using var onnx = OnnxGenerator.Open(tmp["g.onnx"]);
        foreach (var s in new[] { first, second })
        {
            using var scope = NewDisposeScope();
            manual_seed(s[1] * 1000 + s[2]);
            var x = rand(s[0], 3, s[1], s[2]) * 2 - 1;
            Tensor expected;
            using (no_grad()) expected = g.forward(x);
            var actual = onnx.Forward(x);
            Assert.Equal(expected.shape, actual.shape);
            var diff = (actual - expected).abs().max().item<float>();
            Assert.True(diff <= Tolerance, $"{netG} {norm} at {string.Join('x', s)}: max |ORT - TorchSharp| = {diff}");
            // the comparison means something only where the output is neither constant nor saturated
            Assert.True(expected.std().item<float>() > 0.05, $"output std {expected.std().item<float>()}");
            Assert.True((expected.abs() < 0.99f).to_type(ScalarType.Float32).mean().item<float>() > 0.5, "output saturated");
        }
    }

    [Fact]
    public void Exported_graphs_are_structurally_valid_for_every_registered_generator_and_norm()
    {
        foreach (var netG in NetworkRegistry.GeneratorNames)
            foreach (var norm in new[] { "instance", "batch", "none" })
            {
                using var g = RandomGenerator(netG, norm, dropout: true);
                var model = ModelProto.Parser.ParseFrom(OnnxExporter.Build(g, Metadata(netG, norm)).ToByteArray());
                var graph = model.Graph;
                var defined = new HashSet<string>(graph.Input.Select(i => i.Name));
                foreach (var init in graph.Initializer)
                {
                    Assert.True(defined.Add(init.Name), $"{netG} {norm}: {init.Name} defined twice");
                    Assert.Equal(Count(init) * (init.DataType == Int64 ? 8 : 4), init.RawData.Length);
                }
                foreach (var node in graph.Node)
                {
                    foreach (var i in node.Input)
                        Assert.True(defined.Contains(i), $"{netG} {norm}: {node.Name} reads {i} before it exists");
                    foreach (var o in node.Output) Assert.True(defined.Add(o), $"{netG} {norm}: {o} written twice");
                }
                Assert.Equal(["output"], graph.Output.Select(o => o.Name));
                Assert.Contains("output", defined);
                Assert.DoesNotContain(graph.Node, n => n.OpType is "Dropout");
                Assert.Equal(norm == "batch", graph.Node.Any(n => n.OpType == "BatchNormalization"));
                Assert.Equal(norm == "instance", graph.Node.Any(n => n.OpType == "InstanceNormalization"));
                var parameters = NetworkRegistry.ParameterCount(g);
                // every parameter and BatchNorm statistic is stored once; the other float constants are norm scales
                var buffers = g.named_buffers().Where(b => b.name.EndsWith("running_mean") || b.name.EndsWith("running_var"))
                    .Sum(b => b.buffer.numel());
                var stored = graph.Initializer
                    .Where(i => i.DataType == Float && !i.Name.StartsWith("ones_") && !i.Name.StartsWith("zeros_"))
                    .Sum(Count);
                Assert.Equal(parameters + buffers, stored);
            }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(17)]
    [InlineData(21)]
    public void Every_supported_opset_loads_in_OnnxRuntime_and_computes_the_same(int opset)
    {
        using var g = RandomGenerator("resnet_6blocks", "batch", dropout: false);
        var model = OnnxExporter.Build(g, Metadata("resnet_6blocks", "batch"), opset);
        Assert.Equal(opset, model.OpsetImport.Single().Version);
        using var onnx = OnnxGenerator.Load(model.ToByteArray());
        using var scope = NewDisposeScope();
        var x = rand(1, 3, 32, 40) * 2 - 1;
        using (no_grad())
            Assert.True((onnx.Forward(x) - g.forward(x)).abs().max().item<float>() <= Tolerance);
    }
}
